"""SQL for votes: every ballot sent (the latest per person counts) and consultations closed early."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from sqlite3 import Connection


def add_ballot(
    db: Connection,
    consultation_id: str,
    question_id: str,
    respondent: str,
    ranking: tuple[str, ...],
    day: str,
) -> None:
    db.execute(
        "INSERT INTO ballots (consultation_id, question_id, respondent, ranking, cast_on)"
        " VALUES (?, ?, ?, ?, ?)",
        (consultation_id, question_id, respondent, " ".join(ranking), day),
    )


def has_voted(db: Connection, consultation_id: str, question_id: str, respondent: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM ballots WHERE consultation_id = ? AND question_id = ? AND respondent = ?",
        (consultation_id, question_id, respondent),
    ).fetchone()
    return row is not None


def latest_ballots(
    db: Connection, consultation_id: str, question_id: str
) -> list[tuple[tuple[str, ...], int]]:
    """The ballots that count, each person's latest: each different ranking once, with how many
    gave it (read once however many did)."""
    # SQLite takes a bare column beside max() from the row holding the max: each person's latest
    # (read from the index `ballots_latest` alone).
    rows = db.execute(
        "SELECT ranking, max(id) FROM ballots WHERE consultation_id = ? AND question_id = ?"
        " GROUP BY respondent",
        (consultation_id, question_id),
    )
    grouped = Counter(row[0] for row in rows)
    return [(tuple(ranking.split()), n) for ranking, n in grouped.items()]


def ballots_cast(db: Connection, consultation_id: str) -> int:
    """Every ballot sent, changed ones included."""
    row = db.execute("SELECT count(*) FROM ballots WHERE consultation_id = ?", (consultation_id,)).fetchone()
    return row[0]


def close(db: Connection, consultation_id: str, now: datetime, worker_id: int) -> None:
    """Record closing it early (the first closing stands)."""
    db.execute(
        "INSERT INTO closures (consultation_id, closed_at, closed_by) VALUES (?, ?, ?)"
        " ON CONFLICT (consultation_id) DO NOTHING",
        (consultation_id, now.isoformat(timespec="seconds"), worker_id),
    )


def closures(db: Connection) -> dict[str, datetime]:
    rows = db.execute("SELECT consultation_id, closed_at FROM closures")
    return {row[0]: datetime.fromisoformat(row[1]) for row in rows}
