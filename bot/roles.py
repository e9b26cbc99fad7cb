"""Who may do what: admins (ADMIN_IDS) grant and revoke the worker and officer roles in chat; the
settings' WORKER_IDS and OFFICER_IDS count too. Checked by numeric Telegram id at every use, from
a copy in memory kept in step with the database (one process writes it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from bot.config import Settings
from bot.storage import roles_repo
from bot.storage.db import Database

Role = Literal["admin", "worker", "officer"]
GRANTABLE = ("worker", "officer")


class Roles:
    def __init__(self, db: Database, settings: Settings, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self._granted: dict[int, str] = {}

    async def load(self) -> None:
        self._granted = await self.db.read(roles_repo.all_roles)

    def of(self, user_id: int) -> Role | None:
        if user_id in self.settings.admin_ids:
            return "admin"
        if user_id in self.settings.worker_ids or self._granted.get(user_id) == "worker":
            return "worker"
        if user_id in self.settings.officer_ids or self._granted.get(user_id) == "officer":
            return "officer"
        return None

    def from_settings(self, user_id: int) -> bool:
        """Roles set in the settings are changed there, not in chat."""
        settings = self.settings
        return user_id in settings.admin_ids | settings.worker_ids | settings.officer_ids

    def is_staff(self, user_id: int) -> bool:
        """Workers and admins: everything the participation team does."""
        return self.of(user_id) in ("admin", "worker")

    def staff_and_officers(self) -> dict[int, Role]:
        """Everyone with a role, for their command menus."""
        settings = self.settings
        ids = settings.admin_ids | settings.worker_ids | settings.officer_ids | set(self._granted)
        return {user_id: role for user_id in ids if (role := self.of(user_id)) is not None}

    async def set(self, user_id: int, role: str | None, admin_id: int) -> None:
        """Grant a role (worker or officer) or revoke it (None), recorded with who and when."""
        now = self.clock()
        await self.db.transaction(lambda db: roles_repo.set_role(db, user_id, role, admin_id, now))
        if role is None:
            self._granted.pop(user_id, None)
        else:
            self._granted[user_id] = role
