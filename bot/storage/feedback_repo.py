"""SQL for anonymous feedback, its status changes, requests for an answer (the chat number kept
only sealed), and "you said, we did" updates."""

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
    answer_request: AnswerRequest | None  # they asked for an answer with it
    answers_feedback: int | None  # it is their answer back to the team's answer to this item


@dataclass(frozen=True)
class AnswerRequest:
    id: int
    reachable: bool  # their sealed chat number is still held, and their time has not run out
    answer: str | None  # the team's words, once sent
    delivered_on: str | None
    undeliverable: bool


def add(
    db: Connection,
    topic: str,
    body: str,
    day: date,
    answer_request: int | None = None,
    answers_feedback: int | None = None,
) -> int:
    cursor = db.execute(
        "INSERT INTO feedback (topic, body, received_on, answer_request, answers_feedback)"
        " VALUES (?, ?, ?, ?, ?)",
        (topic, body, day.isoformat(), answer_request, answers_feedback),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _item(row: Row) -> FeedbackItem:
    request = None
    if row["request_id"] is not None:
        request = AnswerRequest(
            row["request_id"],
            bool(row["reachable"]),
            row["answer"],
            row["delivered_on"],
            bool(row["undeliverable"]),
        )
    return FeedbackItem(
        row["id"],
        row["topic"],
        row["body"],
        row["received_on"],
        row["status"],
        row["public_reply"],
        request,
        row["answers_feedback"],
    )


_SELECT = (
    "SELECT f.id, f.topic, f.body, f.received_on, f.status, f.public_reply, f.answers_feedback,"
    " f.team_message,"
    " r.id AS request_id, r.sealed_chat IS NOT NULL AND r.expires_on >= date('now') AS reachable,"
    " r.answer, r.delivered_on,"
    " r.undeliverable FROM feedback f LEFT JOIN answer_requests r ON r.id = f.answer_request"
)


def get(db: Connection, feedback_id: int) -> FeedbackItem | None:
    row = db.execute(f"{_SELECT} WHERE f.id = ?", (feedback_id,)).fetchone()
    return _item(row) if row else None


def not_yet_posted(db: Connection) -> list[FeedbackItem]:
    rows = db.execute(f"{_SELECT} WHERE f.posted_to_team = 0 ORDER BY f.id").fetchall()
    return [_item(row) for row in rows]


def mark_posted(db: Connection, feedback_id: int, message_id: int) -> None:
    db.execute(
        "UPDATE feedback SET posted_to_team = 1, team_message = ? WHERE id = ?", (message_id, feedback_id)
    )


def posts_of_request(db: Connection, request_id: int) -> list[tuple[FeedbackItem, int]]:
    """Each item that asked with this request and the team chat message showing it."""
    rows = db.execute(
        f"{_SELECT} WHERE f.answer_request = ? AND f.team_message IS NOT NULL ORDER BY f.id",
        (request_id,),
    ).fetchall()
    return [(_item(row), row["team_message"]) for row in rows]


def set_status(db: Connection, feedback_id: int, status: str, worker_id: int, now: datetime) -> None:
    db.execute("UPDATE feedback SET status = ? WHERE id = ?", (status, feedback_id))
    db.execute(
        "INSERT INTO feedback_status_changes (feedback_id, status, worker_id, changed_at)"
        " VALUES (?, ?, ?, ?)",
        (feedback_id, status, worker_id, now.isoformat(timespec="seconds")),
    )


def set_public_reply(db: Connection, feedback_id: int, reply: str) -> None:
    db.execute("UPDATE feedback SET public_reply = ? WHERE id = ?", (reply, feedback_id))


# --- answers the young person asked for ----------------------------------------------------------


def new_answer_request(db: Connection, expires_on: date, salt: bytes) -> int:
    """A request whose seal is written next (it is made for the request's id)."""
    cursor = db.execute(
        "INSERT INTO answer_requests (expires_on, salt) VALUES (?, ?)", (expires_on.isoformat(), salt)
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def set_seal(db: Connection, request_id: int, sealed: bytes) -> None:
    db.execute("UPDATE answer_requests SET sealed_chat = ? WHERE id = ?", (sealed, request_id))


def seals(db: Connection) -> list[tuple[int, bytes]]:
    """Every chat number still held, sealed, with its request: /mydata and /deleteme open each
    one to find a young person's own (a few at most: each goes within 30 days)."""
    rows = db.execute("SELECT id, sealed_chat FROM answer_requests WHERE sealed_chat IS NOT NULL")
    return [(row[0], row[1]) for row in rows]


_ASKED_ON = "(SELECT min(received_on) FROM feedback WHERE answer_request = r.id)"


def first_asked_on(db: Connection, request_id: int) -> str:
    """The day the feedback that asked was sent ('' if retention has taken it)."""
    row = db.execute(f"SELECT {_ASKED_ON} FROM answer_requests r WHERE r.id = ?", (request_id,)).fetchone()
    return (row[0] if row else None) or ""


def record_answer(
    db: Connection, request_id: int, words: str, worker_id: int, now: datetime, today: date
) -> bool:
    """The team's answer, if the request has none yet and they can still be reached."""
    cursor = db.execute(
        "UPDATE answer_requests SET answer = ?, answered_by = ?, answered_at = ?"
        " WHERE id = ? AND answer IS NULL AND sealed_chat IS NOT NULL AND expires_on >= ?",
        (words, worker_id, now.isoformat(timespec="seconds"), request_id, today.isoformat()),
    )
    return cursor.rowcount == 1


@dataclass(frozen=True)
class SealedRequest:
    request_id: int
    sealed: bytes
    salt: bytes
    answer: str | None  # the team's, once sent
    asked_on: str  # the day their feedback was sent ('' if retention has taken it)


def _sealed(db: Connection, where: str, today: date) -> list[SealedRequest]:
    rows = db.execute(
        f"SELECT r.id, r.sealed_chat, r.salt, r.answer, {_ASKED_ON} FROM answer_requests r"
        f" WHERE r.sealed_chat IS NOT NULL AND {where} ORDER BY r.id",
        (today.isoformat(),),
    )
    return [SealedRequest(row[0], row[1], row[2], row[3], row[4] or "") for row in rows]


def due_answers(db: Connection, today: date) -> list[SealedRequest]:
    """Answers the team sent that have not reached their young person yet, within their time."""
    return _sealed(db, "r.answer IS NOT NULL AND r.expires_on >= ?", today)


def expired_seals(db: Connection, today: date) -> list[SealedRequest]:
    """Requests whose time ran out with their seal still held (unanswered, or never delivered)."""
    return _sealed(db, "r.expires_on < ?", today)


def delivered(db: Connection, request_id: int, day: date, answer_back_until: date) -> bool:
    """Telegram took the answer: the seal goes, and one answer back is open until that day. False
    if the seal went meanwhile (they deleted their data as it was sent): no answer back then."""
    cursor = db.execute(
        "UPDATE answer_requests SET sealed_chat = NULL, delivered_on = ?, answer_back = 'open',"
        " answer_back_until = ? WHERE id = ? AND sealed_chat IS NOT NULL",
        (day.isoformat(), answer_back_until.isoformat(), request_id),
    )
    return cursor.rowcount == 1


def undeliverable(db: Connection, request_id: int) -> None:
    db.execute("UPDATE answer_requests SET sealed_chat = NULL, undeliverable = 1 WHERE id = ?", (request_id,))


def forget_seals(db: Connection, request_ids: list[int]) -> None:
    """Their chat numbers deleted (withdrawn, or their time ran out)."""
    db.executemany("UPDATE answer_requests SET sealed_chat = NULL WHERE id = ?", [(i,) for i in request_ids])


def answer_back(db: Connection, request_id: int, today: date) -> tuple[bytes, str] | None:
    """(the request's salt, the topic of the feedback the team answered), while one answer back
    is open; else None."""
    row = db.execute(
        "SELECT r.salt, f.topic FROM answer_requests r JOIN feedback f ON f.answer_request = r.id"
        " WHERE r.id = ? AND r.answer_back = 'open' AND r.answer_back_until >= ? ORDER BY f.id LIMIT 1",
        (request_id, today.isoformat()),
    ).fetchone()
    return (row[0], row[1]) if row else None


def take_answer_back(db: Connection, request_id: int, today: date) -> int | None:
    """Use the one answer back, if still open: the feedback it answers (the request's first)."""
    first = db.execute("SELECT min(id) FROM feedback WHERE answer_request = ?", (request_id,)).fetchone()[0]
    if first is None:
        return None  # retention took what it answers: the answer back stays unused
    cursor = db.execute(
        "UPDATE answer_requests SET answer_back = 'used'"
        " WHERE id = ? AND answer_back = 'open' AND answer_back_until >= ?",
        (request_id, today.isoformat()),
    )
    return first if cursor.rowcount == 1 else None


def expire_answer_requests(db: Connection, today: date) -> int:
    """Past their day: seals deleted, answers back closed, and requests whose feedback retention
    took deleted with the team's answer. Returns how many seals went."""
    cursor = db.execute(
        "UPDATE answer_requests SET sealed_chat = NULL WHERE sealed_chat IS NOT NULL AND expires_on < ?",
        (today.isoformat(),),
    )
    db.execute(
        "UPDATE answer_requests SET answer_back = 'none'"
        " WHERE answer_back = 'open' AND answer_back_until < ?",
        (today.isoformat(),),
    )
    db.execute(
        "DELETE FROM answer_requests WHERE NOT EXISTS"
        " (SELECT 1 FROM feedback WHERE feedback.answer_request = answer_requests.id)"
    )
    return cursor.rowcount


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
