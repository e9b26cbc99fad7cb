"""SQL for the durable intake: the inbox of updates, the quarantine, the intake's heartbeat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Connection


@dataclass(frozen=True)
class Pending:
    update_id: int
    payload: str
    attempts: int
    restarts: int = 0


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def store(db: Connection, updates: list[tuple[int, str]], now: datetime) -> list[int]:
    """Add updates not seen before; one already here (pending or handled) is left as it is.
    Returns the update_ids that were already here (Telegram sent them again)."""
    ids = [update_id for update_id, _ in updates]
    marks = ",".join("?" * len(ids))
    known = [row[0] for row in db.execute(f"SELECT update_id FROM inbox WHERE update_id IN ({marks})", ids)]
    db.executemany(
        "INSERT INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)"
        " ON CONFLICT (update_id) DO NOTHING",
        [(update_id, payload, _stamp(now)) for update_id, payload in updates],
    )
    return known


def pending_after(db: Connection, update_id: int, limit: int) -> list[Pending]:
    rows = db.execute(
        "SELECT update_id, payload, attempts, restarts FROM inbox WHERE done = 0 AND update_id > ?"
        " ORDER BY update_id LIMIT ?",
        (update_id, limit),
    ).fetchall()
    return [Pending(row[0], row[1], row[2], row[3]) for row in rows]


def mark_done(db: Connection, update_id: int) -> None:
    db.execute("UPDATE inbox SET done = 1, payload = NULL WHERE update_id = ?", (update_id,))


def count_restart(db: Connection, update_id: int) -> None:
    """Handling this update again after the bot stopped while it was waiting or being handled."""
    db.execute("UPDATE inbox SET restarts = restarts + 1 WHERE update_id = ?", (update_id,))


def count_failure(db: Connection, update_id: int) -> None:
    db.execute("UPDATE inbox SET attempts = attempts + 1 WHERE update_id = ?", (update_id,))


def quarantine(db: Connection, update_id: int, payload: str, reason: str, now: datetime) -> None:
    """Set an update aside: out of the queue, kept with the reason."""
    db.execute(
        "INSERT INTO quarantine (update_id, payload, reason, quarantined_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (update_id) DO NOTHING",
        (update_id, payload, reason, _stamp(now)),
    )
    db.execute(
        "INSERT INTO inbox (update_id, payload, received_at, done) VALUES (?, NULL, ?, 1)"
        " ON CONFLICT (update_id) DO UPDATE SET done = 1, payload = NULL",
        (update_id, _stamp(now)),
    )


def quarantined(db: Connection) -> int:
    """Updates set aside and still kept (those of the last week)."""
    return db.execute("SELECT COUNT(*) FROM quarantine").fetchone()[0]


def forget_before(db: Connection, handled: datetime, quarantined: datetime) -> None:
    """Handled updates older than Telegram would redeliver, and quarantined ones past their week."""
    db.execute("DELETE FROM inbox WHERE done = 1 AND received_at < ?", (_stamp(handled),))
    db.execute("DELETE FROM quarantine WHERE quarantined_at < ?", (_stamp(quarantined),))


def beat(db: Connection, mode: str, now: datetime, progress_at: datetime | None) -> None:
    progress = _stamp(progress_at) if progress_at else None
    db.execute(
        "INSERT INTO intake_heartbeat (id, mode, beat_at, progress_at) VALUES (1, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET mode = excluded.mode, beat_at = excluded.beat_at,"
        " progress_at = coalesce(excluded.progress_at, progress_at)",
        (mode, _stamp(now), progress),
    )


@dataclass(frozen=True)
class Backlog:
    mode: str | None
    last_beat: str | None
    last_progress: str | None
    pending: int
    oldest_pending: str | None


def backlog(db: Connection) -> Backlog:
    beat_row = db.execute("SELECT mode, beat_at, progress_at FROM intake_heartbeat WHERE id = 1").fetchone()
    count, oldest = db.execute("SELECT COUNT(*), MIN(received_at) FROM inbox WHERE done = 0").fetchone()
    mode, beat_at, progress_at = beat_row if beat_row else (None, None, None)
    return Backlog(mode, beat_at, progress_at, count, oldest)
