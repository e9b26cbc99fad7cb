"""SQL for the jobs that keep consultations running: closing results, reminders, retention (and
the month each young person last used the bot, for it)."""

from __future__ import annotations

from datetime import date, datetime
from sqlite3 import Connection


def closing_posted(db: Connection, consultation_id: str) -> bool:
    row = db.execute("SELECT 1 FROM closings WHERE consultation_id = ?", (consultation_id,)).fetchone()
    return row is not None


def record_closing(db: Connection, consultation_id: str, now: datetime) -> None:
    db.execute(
        "INSERT INTO closings (consultation_id, posted_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (consultation_id, now.isoformat(timespec="seconds")),
    )


def reminder_candidates(db: Connection) -> list[int]:
    """Young people who asked for messages from us and have not blocked the bot."""
    rows = db.execute("SELECT user_id FROM participants WHERE wants_updates = 1 AND active = 1")
    return [row[0] for row in rows]


def unfinished_since(db: Connection, consultation_id: str, respondent: str, cutoff: datetime) -> bool:
    """Whether this respondent's response is unfinished, untouched since `cutoff` (UTC), and not yet
    reminded about. Anonymous responses keep only the day: theirs must be a day before the cutoff's."""
    row = db.execute(
        "SELECT 1 FROM responses WHERE consultation_id = ? AND respondent = ? AND status = 'in_progress'"
        " AND CASE WHEN updated_at LIKE '%T00:00:00+00:00' THEN substr(updated_at, 1, 10) < ?"
        " ELSE updated_at <= ? END"
        " AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.consultation_id = responses.consultation_id"
        " AND r.respondent = responses.respondent)",
        (consultation_id, respondent, cutoff.date().isoformat(), cutoff.isoformat(timespec="seconds")),
    ).fetchone()
    return row is not None


def record_reminder(db: Connection, consultation_id: str, respondent: str, day: date) -> None:
    db.execute(
        "INSERT INTO reminders (consultation_id, respondent, reminded_on) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (consultation_id, respondent, day.isoformat()),
    )


def delete_answers(db: Connection, consultation_id: str, question_ids: list[str]) -> int:
    """Delete the answers to these questions of one consultation; returns how many."""
    if not question_ids:
        return 0
    marks = ",".join("?" * len(question_ids))
    cursor = db.execute(
        f"DELETE FROM answers WHERE question_id IN ({marks}) AND response_id IN"
        " (SELECT id FROM responses WHERE consultation_id = ?)",
        (*question_ids, consultation_id),
    )
    return cursor.rowcount


def delete_photos(db: Connection, consultation_id: str) -> list[str]:
    """Delete the photo records of one consultation; returns the file names to delete."""
    names = [
        row[0]
        for row in db.execute(
            "SELECT p.name FROM photos p JOIN responses r ON r.id = p.response_id"
            " WHERE r.consultation_id = ?",
            (consultation_id,),
        )
    ]
    db.execute(
        "DELETE FROM photos WHERE response_id IN (SELECT id FROM responses WHERE consultation_id = ?)",
        (consultation_id,),
    )
    return names


def delete_feedback(db: Connection, received_before: date) -> int:
    """Delete feedback received before that day, with its status changes (they cascade) and the
    team's reply (in its row); returns how many items."""
    cursor = db.execute("DELETE FROM feedback WHERE received_on < ?", (received_before.isoformat(),))
    return cursor.rowcount


def note_seen(db: Connection, user_id: int, month: date) -> None:
    """Record the month (its first day) a young person used the bot."""
    db.execute("UPDATE participants SET last_seen_month = ? WHERE user_id = ?", (month.isoformat(), user_id))


# A consent recorded and never followed by another update has no month: its day stands in.
_LAST_SEEN = "coalesce(last_seen_month, substr(consented_at, 1, 10))"


def forget_quiet_participants(db: Connection, seen_before: date) -> int:
    """Delete the consent and settings of young people last seen before that day (and any
    invitation still owed them); their responses stay, named ones without their Telegram id.
    Returns how many people."""
    quiet = f"SELECT user_id FROM participants WHERE {_LAST_SEEN} < ?"
    db.execute(f"DELETE FROM announcement_sends WHERE user_id IN ({quiet})", (seen_before.isoformat(),))
    return db.execute(f"DELETE FROM participants WHERE {_LAST_SEEN} < ?", (seen_before.isoformat(),)).rowcount


def forget_alert_identities(db: Connection, acknowledged_before: datetime) -> int:
    """Clear who sent an alert (Telegram id, name, username) once the team acknowledged it before
    `acknowledged_before`, and the record of the team messages that showed it (`alert_posts`, kept
    until then for a withdrawn request still to be taken off them); its words and category stay.
    Returns how many alerts."""
    db.execute(
        "DELETE FROM alert_posts WHERE alert_id IN (SELECT id FROM safeguarding_alerts"
        " WHERE state = 'acknowledged' AND acknowledged_at < ? AND refresh_at IS NULL)",
        (acknowledged_before.isoformat(timespec="seconds"),),
    )
    cursor = db.execute(
        "UPDATE safeguarding_alerts SET user_id = NULL, contact_name = NULL, contact_username = NULL"
        " WHERE state = 'acknowledged' AND acknowledged_at < ?"
        " AND (user_id IS NOT NULL OR contact_name IS NOT NULL OR contact_username IS NOT NULL)",
        (acknowledged_before.isoformat(timespec="seconds"),),
    )
    return cursor.rowcount
