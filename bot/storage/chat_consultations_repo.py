"""SQL for consultations made in chat (/quickpoll), kept as YAML."""

from __future__ import annotations

from datetime import datetime
from sqlite3 import Connection


def add(db: Connection, consultation_id: str, definition: str, worker_id: int, now: datetime) -> None:
    db.execute(
        "INSERT INTO chat_consultations (id, definition, created_by, created_at) VALUES (?, ?, ?, ?)",
        (consultation_id, definition, worker_id, now.isoformat(timespec="seconds")),
    )


def all_definitions(db: Connection) -> list[tuple[str, str]]:
    return [
        (row[0], row[1]) for row in db.execute("SELECT id, definition FROM chat_consultations ORDER BY id")
    ]


def next_number(db: Connection) -> int:
    return db.execute("SELECT count(*) + 1 FROM chat_consultations").fetchone()[0]
