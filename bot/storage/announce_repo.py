"""SQL for announcements: one per consultation, one delivery row per young person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Connection

from bot.core.i18n import Reading

# Who an announcement invites: everyone who asked for updates and has not blocked the bot.
AUDIENCE = "SELECT user_id FROM participants WHERE wants_updates = 1 AND active = 1"


@dataclass(frozen=True)
class Progress:
    announcement_id: int
    consultation_id: str
    sent: int
    failed: int
    left: int
    chat_id: int | None
    message_id: int | None


@dataclass(frozen=True)
class Delivery:
    announcement_id: int
    consultation_id: str
    user_id: int
    reading: Reading  # how they read, for the invitation's wording


def create(db: Connection, consultation_id: str, worker_id: int, now: datetime) -> int | None:
    """A new announcement addressed to everyone who wants updates now; None if announced before."""
    cursor = db.execute(
        "INSERT INTO announcements (consultation_id, announced_by, announced_at) VALUES (?, ?, ?)"
        " ON CONFLICT (consultation_id) DO NOTHING",
        (consultation_id, worker_id, now.isoformat(timespec="seconds")),
    )
    if cursor.rowcount == 0:
        return None
    announcement_id = cursor.lastrowid
    db.execute(
        f"INSERT INTO announcement_sends (announcement_id, user_id) SELECT ?, user_id FROM ({AUDIENCE})",
        (announcement_id,),
    )
    return announcement_id


def audience(db: Connection) -> int:
    """How many young people an announcement made now would invite."""
    return db.execute(f"SELECT count(*) FROM ({AUDIENCE})").fetchone()[0]


def announced(db: Connection, consultation_id: str) -> bool:
    row = db.execute("SELECT 1 FROM announcements WHERE consultation_id = ?", (consultation_id,)).fetchone()
    return row is not None


def set_progress_message(db: Connection, announcement_id: int, chat_id: int, message_id: int) -> None:
    db.execute(
        "UPDATE announcements SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
        (chat_id, message_id, announcement_id),
    )


def pending(db: Connection, limit: int) -> list[Delivery]:
    """Deliveries still to make, in order, each with how its young person reads (one query for
    the batch, not one per message)."""
    # Someone who turned updates off (or was erased) since the announcement began is not sent to.
    db.execute(
        "UPDATE announcement_sends SET state = 'failed' WHERE state = 'pending' AND user_id NOT IN"
        " (SELECT user_id FROM participants WHERE wants_updates = 1 AND active = 1)"
    )
    rows = db.execute(
        "SELECT s.announcement_id, a.consultation_id, s.user_id, p.language, p.easy_read, p.listen"
        " FROM announcement_sends s JOIN announcements a ON a.id = s.announcement_id"
        " JOIN participants p ON p.user_id = s.user_id WHERE s.state = 'pending'"
        " ORDER BY s.announcement_id, s.user_id LIMIT ?",
        (limit,),
    )
    return [Delivery(row[0], row[1], row[2], Reading(row[3], bool(row[4]), bool(row[5]))) for row in rows]


def mark(db: Connection, announcement_id: int, user_id: int, state: str) -> None:
    db.execute(
        "UPDATE announcement_sends SET state = ? WHERE announcement_id = ? AND user_id = ?",
        (state, announcement_id, user_id),
    )


def progress(db: Connection, announcement_id: int) -> Progress:
    row = db.execute(
        "SELECT a.consultation_id, a.progress_chat_id, a.progress_message_id,"
        " sum(s.state = 'sent'), sum(s.state = 'failed'), sum(s.state = 'pending')"
        " FROM announcements a LEFT JOIN announcement_sends s ON s.announcement_id = a.id WHERE a.id = ?",
        (announcement_id,),
    ).fetchone()
    return Progress(announcement_id, row[0], row[3] or 0, row[4] or 0, row[5] or 0, row[1], row[2])
