"""SQL for /mydata: what is held about one young person, found by their Telegram id and, for
what is filed under pseudonyms, by their pseudonym in each consultation."""

from __future__ import annotations

from dataclasses import dataclass
from sqlite3 import Connection


@dataclass(frozen=True)
class ConsentRecord:
    consented_on: str  # the day
    wants_updates: bool
    last_seen: str  # the month they last used the bot (YYYY-MM), for QUIET_PARTICIPANT_DAYS


def consent_record(db: Connection, user_id: int) -> ConsentRecord | None:
    row = db.execute(
        "SELECT consented_at, wants_updates, coalesce(last_seen_month, consented_at) AS seen"
        " FROM participants WHERE user_id = ?",
        (user_id,),
    ).fetchone()
    if row is None:
        return None
    return ConsentRecord(row["consented_at"][:10], bool(row["wants_updates"]), row["seen"][:7])


def voted(db: Connection, consultation_id: str, respondent: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM ballots WHERE consultation_id = ? AND respondent = ? LIMIT 1",
        (consultation_id, respondent),
    ).fetchone()
    return row is not None


def ideas_sent(db: Connection, consultation_id: str, respondent: str) -> list[str]:
    """Their ideas: as they typed them, or the team's tidied wording once retention took theirs."""
    rows = db.execute(
        "SELECT coalesce(nullif(s.wording, ''), i.label) FROM idea_submissions s"
        " JOIN ideas i ON i.id = s.idea_id WHERE i.consultation_id = ? AND s.respondent = ? ORDER BY s.id",
        (consultation_id, respondent),
    )
    return [row[0] for row in rows]
