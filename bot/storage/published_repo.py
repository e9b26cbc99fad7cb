"""SQL for published results, frozen when a consultation closes."""

from __future__ import annotations

from datetime import date
from sqlite3 import Connection


def frozen(db: Connection, consultation_id: str) -> str | None:
    row = db.execute(
        "SELECT body FROM published_results WHERE consultation_id = ?", (consultation_id,)
    ).fetchone()
    return None if row is None else row[0]


def freeze(db: Connection, consultation_id: str, day: date, body: str) -> None:
    """Store it once: a second call (the closing job racing a reader) keeps the first."""
    db.execute(
        "INSERT INTO published_results (consultation_id, published_on, body) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (consultation_id, day.isoformat(), body),
    )
