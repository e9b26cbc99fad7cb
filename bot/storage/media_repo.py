"""SQL for pictures already uploaded to Telegram: their file_id, by path and contents."""

from __future__ import annotations

from sqlite3 import Connection


def file_id(db: Connection, path: str, sha256: str) -> str | None:
    row = db.execute("SELECT file_id FROM media WHERE path = ? AND sha256 = ?", (path, sha256)).fetchone()
    return row[0] if row else None


def remember(db: Connection, path: str, sha256: str, file_id: str) -> None:
    db.execute(
        "INSERT INTO media (path, sha256, file_id) VALUES (?, ?, ?)"
        " ON CONFLICT (path, sha256) DO UPDATE SET file_id = excluded.file_id",
        (path, sha256, file_id),
    )
