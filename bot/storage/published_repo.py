"""SQL for published results, frozen when a consultation closes."""

from __future__ import annotations

from datetime import date, datetime
from sqlite3 import Connection


def frozen(db: Connection, consultation_id: str, closed_at: datetime) -> str | None:
    row = db.execute(
        "SELECT body FROM published_results WHERE consultation_id = ? AND closed_at = ?",
        (consultation_id, closed_at.isoformat()),
    ).fetchone()
    return None if row is None else row[0]


def freeze(db: Connection, consultation_id: str, closed_at: datetime, day: date, body: str) -> None:
    """Store it for this closing date, in place of one frozen at an earlier date (it reopened)."""
    db.execute(
        "INSERT INTO published_results (consultation_id, closed_at, published_on, body) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (consultation_id) DO UPDATE SET"
        " closed_at = excluded.closed_at, published_on = excluded.published_on, body = excluded.body",
        (consultation_id, closed_at.isoformat(), day.isoformat(), body),
    )
