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


def drop_disclosed(db: Connection, held_for: int, respondents: list[str], normalised: str) -> None:
    """A possible concern acted on: its words are kept once, in the alert. The ideas it held go with
    their submissions, and so does the sender's own submission (any of `respondents`, their
    pseudonyms) of that idea where it was someone else's first and so not held."""
    marks = ",".join("?" * len(respondents))
    db.execute(
        f"DELETE FROM idea_submissions WHERE idea_id IN (SELECT id FROM ideas WHERE held_for = ?)"
        f" OR (respondent IN ({marks}) AND idea_id IN (SELECT id FROM ideas WHERE normalised = ?))",
        (held_for, *respondents, normalised),
    )
    db.execute("DELETE FROM ideas WHERE held_for = ?", (held_for,))


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
    """Retention: only approved ideas stay (options on the ballot: label, status and support),
    without each young person's own wording and reason. The rest (pending, held, rejected) go with
    their submissions; one merged into an approved idea goes too, its supporters counted for that."""
    db.execute(
        "UPDATE OR IGNORE idea_submissions SET idea_id = (SELECT merged_into FROM ideas WHERE id = idea_id)"
        " WHERE idea_id IN (SELECT id FROM ideas WHERE consultation_id = ? AND status = ?)",
        (consultation_id, MERGED),
    )
    others = "FROM ideas WHERE consultation_id = ? AND status != ?"
    db.execute(
        f"DELETE FROM idea_submissions WHERE idea_id IN (SELECT id {others})", (consultation_id, APPROVED)
    )
    db.execute(f"DELETE {others}", (consultation_id, APPROVED))
    db.execute(
        "UPDATE idea_submissions SET wording = '', why = NULL"
        " WHERE idea_id IN (SELECT id FROM ideas WHERE consultation_id = ?)",
        (consultation_id,),
    )
    db.execute("UPDATE responses SET asking_why = NULL WHERE consultation_id = ?", (consultation_id,))


def erase_submissions(db: Connection, respondents: dict[str, str]) -> None:
    """/deleteme: their submissions ({consultation id: their pseudonym}) go, and so does every idea
    only they sent that never went on a ballot (not approved)."""
    sent: list[int] = []
    for consultation_id, respondent in respondents.items():
        theirs = (
            "FROM idea_submissions WHERE respondent = ?"
            " AND idea_id IN (SELECT id FROM ideas WHERE consultation_id = ?)"
        )
        sent += [row[0] for row in db.execute(f"SELECT idea_id {theirs}", (respondent, consultation_id))]
        db.execute(f"DELETE {theirs}", (respondent, consultation_id))
    marks = ",".join("?" * len(sent))
    db.execute(
        f"DELETE FROM ideas WHERE id IN ({marks}) AND status != ?"
        " AND NOT EXISTS (SELECT 1 FROM idea_submissions s WHERE s.idea_id = ideas.id)",
        (*sent, APPROVED),
    )


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
