"""SQL for anonymous feedback, its status changes, and "you said, we did" updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from sqlite3 import Connection, Row


@dataclass(frozen=True)
class FeedbackItem:
    id: int
    topic: str
    body: str
    received_on: str
    status: str
    public_reply: str | None


def add(db: Connection, topic: str, body: str, day: date) -> int:
    cursor = db.execute(
        "INSERT INTO feedback (topic, body, received_on) VALUES (?, ?, ?)", (topic, body, day.isoformat())
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _item(row: Row) -> FeedbackItem:
    return FeedbackItem(
        row["id"], row["topic"], row["body"], row["received_on"], row["status"], row["public_reply"]
    )


_COLUMNS = "id, topic, body, received_on, status, public_reply"


def get(db: Connection, feedback_id: int) -> FeedbackItem | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM feedback WHERE id = ?", (feedback_id,)).fetchone()
    return _item(row) if row else None


def not_yet_posted(db: Connection) -> list[FeedbackItem]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM feedback WHERE posted_to_team = 0 ORDER BY id").fetchall()
    return [_item(row) for row in rows]


def mark_posted(db: Connection, feedback_id: int) -> None:
    db.execute("UPDATE feedback SET posted_to_team = 1 WHERE id = ?", (feedback_id,))


def set_status(db: Connection, feedback_id: int, status: str, worker_id: int, now: datetime) -> None:
    db.execute("UPDATE feedback SET status = ? WHERE id = ?", (status, feedback_id))
    db.execute(
        "INSERT INTO feedback_status_changes (feedback_id, status, worker_id, changed_at)"
        " VALUES (?, ?, ?, ?)",
        (feedback_id, status, worker_id, now.isoformat(timespec="seconds")),
    )


def set_public_reply(db: Connection, feedback_id: int, reply: str) -> None:
    db.execute("UPDATE feedback SET public_reply = ? WHERE id = ?", (reply, feedback_id))


# --- "you said, we did" -------------------------------------------------------------------------


def set_wants_updates(db: Connection, user_id: int, wanted: bool) -> None:
    db.execute("UPDATE participants SET wants_updates = ? WHERE user_id = ?", (int(wanted), user_id))


def update_subscribers(db: Connection) -> list[int]:
    rows = db.execute("SELECT user_id FROM participants WHERE wants_updates = 1 AND active = 1").fetchall()
    return [row["user_id"] for row in rows]


def mark_inactive(db: Connection, user_id: int) -> None:
    """They blocked the bot: stop sending them anything."""
    db.execute("UPDATE participants SET active = 0 WHERE user_id = ?", (user_id,))


def record_published_update(
    db: Connection, body: str, worker_id: int, now: datetime, sent: int, failed: int
) -> None:
    db.execute(
        "INSERT INTO published_updates (body, published_by, published_at, sent, failed)"
        " VALUES (?, ?, ?, ?, ?)",
        (body, worker_id, now.isoformat(timespec="seconds"), sent, failed),
    )
