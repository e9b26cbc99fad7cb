"""The inbox of updates and their quarantine, over the database."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from sqlite3 import Connection
from typing import Any

from bot.storage import inbox_repo, repos
from bot.storage.db import Database, is_storage_trouble
from bot.storage.inbox_repo import Pending

log = logging.getLogger(__name__)

# Telegram keeps an unconfirmed update for 24 hours; a handled one is remembered twice that long.
REMEMBER_HANDLED = timedelta(days=2)
KEEP_QUARANTINED = timedelta(days=7)
TIDY_EVERY = timedelta(hours=1)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def update_id_of(update: Any) -> int | None:
    """The update_id of something Telegram sent, if it is an update at all."""
    if isinstance(update, dict) and type(update.get("update_id")) is int and 0 <= update["update_id"] < 2**63:
        return update["update_id"]
    return None


@dataclass(frozen=True)
class Stored:
    new: list[Pending]  # to be handled
    known: list[int]  # the inbox had them already (Telegram sent them again): nothing to do


def shape_of(payload: str) -> str:
    """An update with every word and id taken out, its shape kept: what a developer needs to see
    why it failed, and nothing that says who sent it or what they wrote."""
    try:
        update = json.loads(payload)
    except ValueError:
        return f"<not JSON, {len(payload)} characters>"

    def blank(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: blank(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [blank(v) for v in value]
        if isinstance(value, str):
            return f"<{len(value)} characters>"
        if key.endswith("id") and key != "update_id" and isinstance(value, int):
            return "<id>"
        return value

    return json.dumps(blank(update), ensure_ascii=False)


class Inbox:
    def __init__(self, db: Database, clock: Callable[[], datetime] = _utc_now) -> None:
        self.db = db
        self.clock = clock
        self._tidied_at: datetime | None = None

    async def store(self, updates: Sequence[dict[str, Any]]) -> Stored:
        """Keep a batch of updates as Telegram sent them, in one transaction, on disk before this
        returns (a power cut must not lose what Telegram is about to forget)."""
        # ASCII: a lone surrogate (half an emoji) in a message cannot be stored as UTF-8.
        rows = [(update["update_id"], json.dumps(update)) for update in updates]
        now = self.clock()
        known = set(await self.db.transaction(lambda db: inbox_repo.store(db, rows, now)))
        try:
            await self.db.sync_to_disk()
        except OSError as error:  # stored all the same: safe unless the power goes too
            log.warning("Could not make incoming updates safe from a power cut: %s", error)
        return Stored(
            [Pending(update_id, payload, 0) for update_id, payload in rows if update_id not in known],
            sorted(known),
        )

    async def pending_after(self, update_id: int, limit: int) -> list[Pending]:
        return await self.db.read(lambda db: inbox_repo.pending_after(db, update_id, limit))

    async def done(self, update_id: int) -> None:
        await self.db.transaction(lambda db: inbox_repo.mark_done(db, update_id))

    async def restarted(self, update_id: int) -> None:
        await self.db.transaction(lambda db: inbox_repo.count_restart(db, update_id))

    async def failed(self, update_id: int) -> None:
        await self.db.transaction(lambda db: inbox_repo.count_failure(db, update_id))

    async def set_aside(self, update_id: int, payload: str, reason: str) -> None:
        """Quarantine an update: only its shape is kept (see `shape_of`)."""
        now = self.clock()
        kept = shape_of(payload)
        await self.db.transaction(lambda db: inbox_repo.quarantine(db, update_id, kept, reason, now))

    async def beat(self, mode: str, progress_at: datetime | None) -> None:
        """Show `bot health` that the intake is alive (and when it last finished an update); also
        forget what is no longer needed."""
        now = self.clock()
        tidy = self._tidied_at is None or now - self._tidied_at >= TIDY_EVERY

        def beat_and_tidy(db: Connection) -> None:
            inbox_repo.beat(db, mode, now, progress_at)
            if tidy:  # a scan of the whole inbox: not every beat
                inbox_repo.forget_before(db, now - REMEMBER_HANDLED, now - KEEP_QUARANTINED)
                repos.forget_updates_before(db, now - REMEMBER_HANDLED)  # answers' records too

        await self.db.transaction(beat_and_tidy)
        if tidy:
            self._tidied_at = now


class StorageAlarm:
    """Says once, in the log and to the team, that incoming updates cannot be saved (a full disk),
    and once that they can again; in between, Telegram keeps them."""

    def __init__(self, tell_team: Callable[[str], Awaitable[None]]) -> None:
        self._tell_team = tell_team
        self.raised = False

    async def cannot_save(self, error: sqlite3.Error) -> None:
        if self.raised:
            return
        self.raised = True
        log.error("Cannot save incoming messages (%s); they stay with Telegram until I can", error)
        full = is_storage_trouble(error) and error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_FULL
        await self._tell_team(
            f"⚠️ youthvoice cannot save incoming messages right now ({error}). Nothing is lost: "
            "Telegram keeps them until the bot can save them."
            + (" The disk is full: please free some space." if full else "")
        )

    async def saving_again(self) -> None:
        if not self.raised:
            return
        self.raised = False
        log.warning("Saving incoming messages again")
        await self._tell_team("✅ youthvoice is saving incoming messages again.")
