"""SQL for the voice notes workers record for questions in chat: Telegram's file_id for each
question and language."""

from __future__ import annotations

from datetime import datetime
from sqlite3 import Connection


def file_id(db: Connection, consultation_id: str, question_id: str, language: str) -> str | None:
    row = db.execute(
        "SELECT file_id FROM recordings WHERE consultation_id = ? AND question_id = ? AND language = ?",
        (consultation_id, question_id, language),
    ).fetchone()
    return row[0] if row else None


def record(
    db: Connection,
    consultation_id: str,
    question_id: str,
    language: str,
    file_id: str,
    worker_id: int,
    now: datetime,
) -> None:
    db.execute(
        "INSERT INTO recordings (consultation_id, question_id, language, file_id, recorded_by, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (consultation_id, question_id, language) DO UPDATE SET"
        " file_id = excluded.file_id, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        (consultation_id, question_id, language, file_id, worker_id, now.isoformat(timespec="seconds")),
    )
