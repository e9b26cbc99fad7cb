"""SQL for scheduled summaries: the record of each one, and the figures they report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from sqlite3 import Connection


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Marks:
    """The highest ids a summary had seen, so the next can say what is new."""

    responses: int = 0
    feedback: int = 0
    alerts: int = 0
    concerns: int = 0  # possible concerns (the review queue)


def is_sent(db: Connection, due_at: datetime) -> bool:
    row = db.execute("SELECT sent_at FROM summaries WHERE due_at = ?", (_stamp(due_at),)).fetchone()
    return row is not None and row["sent_at"] is not None


def record_due(db: Connection, due_at: datetime, late: bool) -> None:
    db.execute(
        "INSERT INTO summaries (due_at, late) VALUES (?, ?) ON CONFLICT (due_at) DO NOTHING",
        (_stamp(due_at), int(late)),
    )


def is_late(db: Connection, due_at: datetime) -> bool:
    row = db.execute("SELECT late FROM summaries WHERE due_at = ?", (_stamp(due_at),)).fetchone()
    return bool(row and row["late"])


def last_marks(db: Connection) -> Marks:
    row = db.execute(
        "SELECT responses_seen, feedback_seen, alerts_seen, concerns_seen FROM summaries"
        " WHERE sent_at IS NOT NULL ORDER BY due_at DESC LIMIT 1"
    ).fetchone()
    return Marks(*row) if row else Marks()


def current_marks(db: Connection) -> Marks:
    def highest(table: str) -> int:
        return db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]

    return Marks(
        highest("responses"),
        highest("feedback"),
        highest("safeguarding_alerts"),
        highest("possible_concerns"),
    )


def mark_sent(db: Connection, due_at: datetime, sent_at: datetime, marks: Marks) -> None:
    db.execute(
        "UPDATE summaries SET sent_at = ?, responses_seen = ?, feedback_seen = ?, alerts_seen = ?,"
        " concerns_seen = ? WHERE due_at = ?",
        (_stamp(sent_at), marks.responses, marks.feedback, marks.alerts, marks.concerns, _stamp(due_at)),
    )


# --- figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationFigures:
    total: int
    new: int
    submitted: int


def consultation_figures(db: Connection, consultation_id: str, since: int) -> ConsultationFigures:
    total, new, submitted = db.execute(
        "SELECT count(*), coalesce(sum(id > ?), 0), coalesce(sum(status = 'submitted'), 0)"
        " FROM responses WHERE consultation_id = ?",
        (since, consultation_id),
    ).fetchone()
    return ConsultationFigures(total, new, submitted)


def feedback_figures(db: Connection, since: int) -> tuple[dict[str, int], int]:
    """({topic: new items}, unread items)."""
    new = dict(
        db.execute("SELECT topic, count(*) FROM feedback WHERE id > ? GROUP BY topic", (since,)).fetchall()
    )
    unread = db.execute("SELECT count(*) FROM feedback WHERE status = 'new'").fetchone()[0]
    return new, unread


def alert_figures(db: Connection, since: int) -> tuple[int, int]:
    """(alerts raised since, alerts nobody has acknowledged)."""
    raised = db.execute("SELECT count(*) FROM safeguarding_alerts WHERE id > ?", (since,)).fetchone()[0]
    open_ = db.execute("SELECT count(*) FROM safeguarding_alerts WHERE state != 'acknowledged'").fetchone()[0]
    return raised, open_
