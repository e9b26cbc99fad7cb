"""`python -m bot health`: is the bot taking updates, and getting through them? Read from the database alone,
so a supervisor (systemd, Docker's HEALTHCHECK) can ask without talking to the bot."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage import inbox_repo

# The intake writes its heartbeat every 15 s; missing four in a row means it has stopped.
STALE_BEAT = timedelta(seconds=60)
# An update waiting this long while nothing at all was handled for as long: stuck. (Waiting long
# while others are handled is one person's flood draining at its own pace: healthy.)
STALE_UPDATE = timedelta(seconds=120)


def check(database: Path, now: datetime | None = None) -> tuple[bool, str]:
    """(healthy, one line saying why)."""
    now = now or datetime.now(UTC)
    if not database.is_file():
        return False, f"{database}: no database (has the bot ever run?)"
    try:
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1)) as connection:
            backlog = inbox_repo.backlog(connection)
    except sqlite3.Error as error:
        return False, f"{database}: cannot read it ({error})"
    if backlog.last_beat is None:
        return False, "the bot has not started taking updates"
    silent = now - datetime.fromisoformat(backlog.last_beat)
    if silent > STALE_BEAT:
        return False, f"not {backlog.mode}: last sign of life {int(silent.total_seconds())} s ago"
    if backlog.oldest_pending is not None:
        waited = now - datetime.fromisoformat(backlog.oldest_pending)
        idle = now - datetime.fromisoformat(backlog.last_progress) if backlog.last_progress else waited
        if waited > STALE_UPDATE and idle > STALE_UPDATE:
            return False, (
                f"stuck: {backlog.pending} update(s) waiting, the oldest for "
                f"{int(waited.total_seconds())} s, and none handled for {int(idle.total_seconds())} s"
            )
    return True, f"ok: {backlog.mode}, {backlog.pending} update(s) waiting"
