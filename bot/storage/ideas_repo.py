"""SQL for ideas sent to suggestion questions: submissions, moderation and the vote shortlist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from sqlite3 import Connection, Row

PENDING, APPROVED, REJECTED, MERGED = "pending", "approved", "rejected", "merged"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Idea:
    id: int
    consultation_id: str
    question_id: str
    label: str
    status: str
    flags: tuple[str, ...]
    merged_into: int | None
    decided_by: int | None
    decided_at: str | None
    support: int  # young people who sent it, or an idea merged into it
    reasons: tuple[str, ...]  # the "why"s given for it


# Support counts each young person once, whether they sent this idea or one merged into it.
_IDEA = """
SELECT i.*,
    (SELECT count(DISTINCT s.respondent) FROM idea_submissions s JOIN ideas m ON m.id = s.idea_id
     WHERE m.id = i.id OR m.merged_into = i.id) AS support,
    (SELECT group_concat(s.why, char(31)) FROM idea_submissions s
     WHERE s.idea_id = i.id AND s.why IS NOT NULL) AS reasons
FROM ideas i
"""


def _idea(row: Row) -> Idea:
    return Idea(
        row["id"],
        row["consultation_id"],
        row["question_id"],
        row["label"],
        row["status"],
        tuple(f for f in row["flags"].split(",") if f),
        row["merged_into"],
        row["decided_by"],
        row["decided_at"],
        row["support"],
        tuple(row["reasons"].split("\x1f")) if row["reasons"] else (),
    )


def add_submission(
    db: Connection,
    consultation_id: str,
    question_id: str,
    respondent: str,
    wording: str,
    normalised: str,
    flags: tuple[str, ...],
    day: str,
    post_after: datetime,
    held_for: int | None = None,
) -> None:
    """File one young person's idea under the idea it is the same as, creating that if new;
    `held_for`: the possible concern whose decision it waits for."""
    db.execute(
        "INSERT INTO ideas"
        " (consultation_id, question_id, normalised, label, flags, created_on, post_after, held_for)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (consultation_id, question_id, normalised) DO NOTHING",
        (
            consultation_id,
            question_id,
            normalised,
            wording,
            ",".join(flags),
            day,
            _stamp(post_after),
            held_for,
        ),
    )
    db.execute(
        "INSERT INTO idea_submissions (idea_id, respondent, wording, submitted_on)"
        " SELECT id, ?, ?, ? FROM ideas WHERE consultation_id = ? AND question_id = ? AND normalised = ?"
        " ON CONFLICT (idea_id, respondent) DO NOTHING",
        (respondent, wording, day, consultation_id, question_id, normalised),
    )


# One young person's submission of one idea: (consultation, question, normalised idea, respondent).
_THEIR_SUBMISSION = (
    "idea_id IN (SELECT id FROM ideas WHERE consultation_id = ? AND question_id = ? AND normalised = ?)"
    " AND respondent = ?"
)


def withdraw(
    db: Connection, consultation_id: str, question_id: str, respondent: str, normalised: str
) -> None:
    db.execute(
        f"DELETE FROM idea_submissions WHERE {_THEIR_SUBMISSION}",
        (consultation_id, question_id, normalised, respondent),
    )


def set_why(
    db: Connection, consultation_id: str, question_id: str, respondent: str, normalised: str, why: str
) -> None:
    db.execute(
        f"UPDATE idea_submissions SET why = ? WHERE {_THEIR_SUBMISSION}",
        (why, consultation_id, question_id, normalised, respondent),
    )


def get(db: Connection, idea_id: int) -> Idea | None:
    row = db.execute(f"{_IDEA} WHERE i.id = ?", (idea_id,)).fetchone()
    return _idea(row) if row else None


def awaiting_moderation(db: Connection) -> list[Idea]:
    """Ideas nobody has decided on that someone still stands behind, oldest first."""
    rows = db.execute(
        f"SELECT * FROM ({_IDEA} WHERE i.status = ? AND i.held_for IS NULL) WHERE support > 0 ORDER BY id",
        (PENDING,),
    )
    return [_idea(row) for row in rows]


def not_yet_posted(db: Connection, now: datetime) -> list[Idea]:
    """Ideas awaiting moderation that are due to go to the team chat."""
    rows = db.execute(
        f"SELECT * FROM ({_IDEA} WHERE i.status = ? AND i.held_for IS NULL AND i.posted_at IS NULL"
        " AND i.post_after <= ?)"
        " WHERE support > 0 ORDER BY id",
        (PENDING, _stamp(now)),
    )
    return [_idea(row) for row in rows]


def release(db: Connection, held_for: int) -> None:
    """A possible concern turned out not to be one: the ideas it held go on to moderation."""
    db.execute("UPDATE ideas SET held_for = NULL WHERE held_for = ?", (held_for,))


def ready_to_post(
    db: Connection, consultation_id: str, question_id: str, normalised: str, now: datetime
) -> None:
    """Its sender has given (or declined to give) a reason: the team can have it now."""
    db.execute(
        "UPDATE ideas SET post_after = ? WHERE consultation_id = ? AND question_id = ? AND normalised = ?"
        " AND posted_at IS NULL AND post_after > ?",
        (_stamp(now), consultation_id, question_id, normalised, _stamp(now)),
    )


def mark_posted(db: Connection, idea_id: int, now: datetime) -> None:
    """Posted: only the day is kept (an idea one person sent must not carry when they typed it)."""
    day = now.astimezone(UTC).date().isoformat()
    db.execute("UPDATE ideas SET posted_at = ?, post_after = NULL WHERE id = ?", (day, idea_id))


def approved(db: Connection, consultation_id: str, question_id: str) -> list[Idea]:
    """Approved ideas with support, most supported first."""
    rows = db.execute(
        f"SELECT * FROM ({_IDEA} WHERE i.consultation_id = ? AND i.question_id = ? AND i.status = ?)"
        " WHERE support > 0 ORDER BY support DESC, id",
        (consultation_id, question_id, APPROVED),
    )
    return [_idea(row) for row in rows]


def decide(
    db: Connection, idea_id: int, status: str, worker_id: int, now: datetime, merged_into: int | None = None
) -> bool:
    """Record a worker's decision; False if someone decided it already (nothing changes)."""
    cursor = db.execute(
        "UPDATE ideas SET status = ?, merged_into = ?, decided_by = ?, decided_at = ?"
        " WHERE id = ? AND status = ?",
        (status, merged_into, worker_id, _stamp(now), idea_id, PENDING),
    )
    return cursor.rowcount == 1


def forget_wording(db: Connection, consultation_id: str) -> None:
    """Retention: each young person's own wording and reason go; the moderated idea (its label,
    status and support) stays, as a count does."""
    db.execute(
        "UPDATE idea_submissions SET wording = '', why = NULL"
        " WHERE idea_id IN (SELECT id FROM ideas WHERE consultation_id = ?)",
        (consultation_id,),
    )
    db.execute("UPDATE responses SET asking_why = NULL WHERE consultation_id = ?", (consultation_id,))


# --- the shortlist -------------------------------------------------------------------------------


def shortlisted(db: Connection, consultation_id: str, question_id: str) -> list[Idea]:
    rows = db.execute(
        f"{_IDEA} JOIN shortlist l ON l.idea_id = i.id WHERE l.consultation_id = ? AND l.question_id = ?"
        " ORDER BY l.added_at, i.id",
        (consultation_id, question_id),
    )
    return [_idea(row) for row in rows]


def set_shortlisted(
    db: Connection,
    consultation_id: str,
    question_id: str,
    idea_id: int,
    wanted: bool,
    worker_id: int,
    now: datetime,
) -> None:
    """Put an idea on the ballot or take it off (doing it twice changes nothing more)."""
    if not wanted:
        db.execute(
            "DELETE FROM shortlist WHERE consultation_id = ? AND question_id = ? AND idea_id = ?",
            (consultation_id, question_id, idea_id),
        )
        return
    db.execute(
        "INSERT INTO shortlist (consultation_id, question_id, idea_id, added_by, added_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (consultation_id, question_id, idea_id, worker_id, now.astimezone(UTC).isoformat()),
    )
