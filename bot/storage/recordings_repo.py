"""SQL for the voice notes workers record for questions in chat: Telegram's file_id for each
question and language."""

from __future__ import annotations

import hashlib
from datetime import datetime
from sqlite3 import Connection


def file_id(
    db: Connection, consultation_id: str, question_id: str, language: str, wording_sha256: str
) -> str | None:
    """The recording of these very words, if there is one."""
    row = db.execute(
        "SELECT file_id FROM recordings WHERE consultation_id = ? AND question_id = ? AND language = ?"
        " AND wording_sha256 = ?",
        (consultation_id, question_id, language, wording_sha256),
    ).fetchone()
    return row[0] if row else None


def record(
    db: Connection,
    consultation_id: str,
    question_id: str,
    language: str,
    file_id: str,
    wording_sha256: str,
    worker_id: int,
    now: datetime,
) -> None:
    db.execute(
        "INSERT INTO recordings (consultation_id, question_id, language, file_id, wording_sha256,"
        " recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (consultation_id, question_id, language, wording_sha256) DO UPDATE SET"
        " file_id = excluded.file_id, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        (consultation_id, question_id, language, file_id, wording_sha256, worker_id, _at(now)),
    )


def copy(db: Connection, from_id: str, to_id: str) -> None:
    """A new version keeps the recordings of its predecessor (each plays only while its words do)."""
    db.execute(
        "INSERT OR IGNORE INTO recordings (consultation_id, question_id, language, file_id, wording_sha256,"
        " recorded_by, recorded_at) SELECT ?, question_id, language, file_id, wording_sha256, recorded_by,"
        " recorded_at FROM recordings WHERE consultation_id = ?",
        (to_id, from_id),
    )


def wording_sha256(words: str) -> str:
    return hashlib.sha256(words.encode()).hexdigest()


def _at(now: datetime) -> str:
    return now.isoformat(timespec="seconds")
