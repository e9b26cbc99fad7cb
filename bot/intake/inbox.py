"""The inbox of updates and their quarantine, over the database."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from sqlite3 import Connection
from typing import Any

from bot.storage import inbox_repo
from bot.storage.db import Database
from bot.storage.inbox_repo import Pending

# Telegram keeps an unconfirmed update for 24 hours; a handled one is remembered twice that long.
REMEMBER_HANDLED = timedelta(days=2)
KEEP_QUARANTINED = timedelta(days=7)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def update_id_of(update: Any) -> int | None:
    """The update_id of something Telegram sent, if it is an update at all."""
    if isinstance(update, dict) and type(update.get("update_id")) is int:
        return update["update_id"]
    return None


class Inbox:
    def __init__(self, db: Database, clock: Callable[[], datetime] = _utc_now) -> None:
        self.db = db
        self.clock = clock

    async def store(self, updates: Sequence[dict[str, Any]]) -> list[int]:
        """Keep a batch of updates as Telegram sent them, in one transaction; returns the
        update_ids it already had (sent again: nothing more to do for them)."""
        rows = [(update["update_id"], json.dumps(update, ensure_ascii=False)) for update in updates]
        now = self.clock()
        return await self.db.transaction(lambda db: inbox_repo.store(db, rows, now))

    async def pending_after(self, update_id: int, limit: int) -> list[Pending]:
        return await self.db.read(lambda db: inbox_repo.pending_after(db, update_id, limit))

    async def done(self, update_id: int) -> None:
        await self.db.transaction(lambda db: inbox_repo.mark_done(db, update_id))

    async def failed(self, update_id: int) -> None:
        await self.db.transaction(lambda db: inbox_repo.count_failure(db, update_id))

    async def set_aside(self, update_id: int, payload: str, reason: str) -> None:
        now = self.clock()
        await self.db.transaction(lambda db: inbox_repo.quarantine(db, update_id, payload, reason, now))

    async def set_aside_since(self, moment: datetime) -> int:
        return await self.db.read(lambda db: inbox_repo.quarantined_since(db, moment))

    async def beat(self, mode: str) -> None:
        """Show `bot health` that the intake is alive; also forget what is no longer needed."""
        now = self.clock()

        def beat_and_tidy(db: Connection) -> None:
            inbox_repo.beat(db, mode, now)
            inbox_repo.forget_before(db, now - REMEMBER_HANDLED, now - KEEP_QUARANTINED)

        await self.db.transaction(beat_and_tidy)
