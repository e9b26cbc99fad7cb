"""SQL for safeguarding alerts: raising, the young person's choice, posting, acknowledging; groups
of alerts from one young person close together (a lead and the followers that joined its message)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Connection, Row


def stamp(moment: datetime) -> str:
    """A moment as these tables store it (to the second; the possible-concerns queue uses it too)."""
    return moment.isoformat(timespec="seconds")


@dataclass(frozen=True)
class Alert:
    id: int
    words: str
    category: str
    source: str
    raised_at: str
    asker: str | None
    user_id: int | None
    contact_name: str | None
    contact_username: str | None
    wants_contact: int | None
    state: str
    posts: int
    team_chat_id: int | None
    team_message_id: int | None
    acknowledged_by: int | None
    lead_id: int | None  # the alert whose team message this one joined; None on a lead
    next_post_at: str | None
    contact_withdrawn: int  # 1 once they withdrew a request to be contacted
    refresh_at: str | None  # when to edit its posted message, which still shows who they were


_COLUMNS = (
    "id, words, category, source, raised_at, asker, user_id, contact_name, contact_username, wants_contact,"
    " state, posts, team_chat_id, team_message_id, acknowledged_by, lead_id, next_post_at,"
    " contact_withdrawn, refresh_at"
)


def _alert(row: Row) -> Alert:
    return Alert(*(row[name.strip()] for name in _COLUMNS.split(",")))


def raise_alert(
    db: Connection,
    words: str,
    category: str,
    source: str,
    user_id: int | None,
    raised_at: datetime,
    choice_due: datetime,
    update_id: int | None,
) -> int:
    cursor = db.execute(
        "INSERT INTO safeguarding_alerts"
        " (words, category, source, raised_at, user_id, choice_due_at, state, update_id)"
        " VALUES (?, ?, ?, ?, ?, ?, 'awaiting_choice', ?)",
        (words, category, source, stamp(raised_at), user_id, stamp(choice_due), update_id),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def raised_for_update(db: Connection, update_id: int | None, since: datetime) -> int | None:
    """The alert raised from this update, if it was raised since `since` (Telegram may reuse an
    update_id after a week without updates)."""
    row = db.execute(
        "SELECT id FROM safeguarding_alerts WHERE update_id = ? AND raised_at >= ?",
        (update_id, stamp(since)),
    ).fetchone()
    return row[0] if row else None


def set_asker(db: Connection, alert_id: int, asker: str) -> None:
    db.execute("UPDATE safeguarding_alerts SET asker = ? WHERE id = ?", (asker, alert_id))


def recent_lead(db: Connection, sender_mark: str, since: datetime) -> int | None:
    """The latest lead from this young person (by their flood mark) raised since `since`."""
    row = db.execute(
        "SELECT id FROM safeguarding_alerts WHERE sender_mark = ? AND lead_id IS NULL AND raised_at >= ?"
        " ORDER BY id DESC LIMIT 1",
        (sender_mark, stamp(since)),
    ).fetchone()
    return row[0] if row else None


def join_group(db: Connection, alert_id: int, lead_id: int) -> None:
    db.execute("UPDATE safeguarding_alerts SET lead_id = ? WHERE id = ?", (lead_id, alert_id))


def set_sender_mark(db: Connection, alert_id: int, sender_mark: str) -> None:
    db.execute("UPDATE safeguarding_alerts SET sender_mark = ? WHERE id = ?", (sender_mark, alert_id))


def forget_sender_marks(db: Connection, before: datetime) -> int:
    """Flood marks of alerts raised before `before` are needed no more: cleared, they link nothing."""
    cursor = db.execute(
        "UPDATE safeguarding_alerts SET sender_mark = NULL WHERE sender_mark IS NOT NULL AND raised_at < ?",
        (stamp(before),),
    )
    return cursor.rowcount


def get(db: Connection, alert_id: int) -> Alert | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM safeguarding_alerts WHERE id = ?", (alert_id,)).fetchone()
    return _alert(row) if row else None


# An alert's request to be contacted is in a team message (its name, username and id link).
_SHOWN = "EXISTS (SELECT 1 FROM alert_posts WHERE alert_id = safeguarding_alerts.id)"


def record_choice(
    db: Connection,
    alert_id: int,
    user_id: int,
    wants_contact: bool,
    name: str | None,
    username: str | None,
    now: datetime,
) -> None:
    """Yes keeps who they are with the alert, and sends it (again) now: asking to be contacted is
    news the team must see, even on an alert someone already took on. No forgets who they are; if
    that withdraws a request the team was shown (a message of `alert_posts`), the team reads that it
    was withdrawn, and if nobody took it on yet, those messages are edited now."""
    if wants_contact:
        db.execute(
            "UPDATE safeguarding_alerts SET wants_contact = 1, user_id = ?, contact_name = ?,"
            " contact_username = ?, state = 'to_send', next_post_at = ? WHERE id = ?",
            (user_id, name, username, stamp(now), alert_id),
        )
    else:
        db.execute(
            "UPDATE safeguarding_alerts SET wants_contact = 0, user_id = NULL, contact_name = NULL,"
            " contact_username = NULL,"
            f" contact_withdrawn = contact_withdrawn OR (wants_contact IS 1 AND {_SHOWN}),"
            f" refresh_at = CASE WHEN state != 'acknowledged' AND wants_contact = 1 AND {_SHOWN}"
            " THEN ? ELSE refresh_at END,"
            " state = CASE WHEN state = 'awaiting_choice' THEN 'to_send' ELSE state END,"
            " next_post_at = CASE WHEN state = 'awaiting_choice' THEN ? ELSE next_post_at END"
            " WHERE id = ?",
            (stamp(now), stamp(now), alert_id),
        )


def holding(db: Connection, user_id: int) -> list[Alert]:
    """The alerts that hold this young person's Telegram id, oldest first: a contact request, or a
    choice still being made."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM safeguarding_alerts WHERE user_id = ? ORDER BY id", (user_id,))
    return [_alert(row) for row in rows]


def anonymise_unanswered(db: Connection, now: datetime) -> int:
    """Alerts whose young person did not choose in time go without who they are."""
    cursor = db.execute(
        "UPDATE safeguarding_alerts SET wants_contact = 0, user_id = NULL, state = 'to_send',"
        " next_post_at = ? WHERE state = 'awaiting_choice' AND choice_due_at <= ?",
        (stamp(now), stamp(now)),
    )
    return cursor.rowcount


def due_groups(db: Connection, now: datetime) -> list[int]:
    """The groups (by lead) with an alert to post now: a new one, or a sent one nobody has
    acknowledged in time; or whose messages are to be edited now (acknowledged or not)."""
    rows = db.execute(
        "SELECT DISTINCT coalesce(lead_id, id) AS lead FROM safeguarding_alerts"
        " WHERE (state IN ('to_send', 'sent') AND next_post_at <= ?) OR refresh_at <= ?"
        " ORDER BY lead",
        (stamp(now), stamp(now)),
    ).fetchall()
    return [row[0] for row in rows]


def group(db: Connection, lead_id: int) -> list[Alert]:
    """A lead and its followers, oldest first (the lead first)."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM safeguarding_alerts WHERE id = ? OR lead_id = ? ORDER BY id",
        (lead_id, lead_id),
    ).fetchall()
    return [_alert(row) for row in rows]


def group_of(db: Connection, alert_id: int) -> int | None:
    """The lead of the alert's group."""
    row = db.execute(
        "SELECT coalesce(lead_id, id) FROM safeguarding_alerts WHERE id = ?", (alert_id,)
    ).fetchone()
    return row[0] if row else None


def mark_posted(
    db: Connection, alert_ids: list[int], chat_id: int, message_id: int, next_post: datetime
) -> None:
    """These alerts are in that message now; it shows who asked to be contacted, if one did."""
    db.executemany(
        "UPDATE safeguarding_alerts SET state = 'sent', posts = posts + 1, team_chat_id = ?,"
        " team_message_id = ?, next_post_at = ? WHERE id = ? AND state != 'acknowledged'",
        [(chat_id, message_id, stamp(next_post), alert_id) for alert_id in alert_ids],
    )
    db.executemany(
        "INSERT OR IGNORE INTO alert_posts (alert_id, chat_id, message_id) SELECT id, ?, ?"
        " FROM safeguarding_alerts WHERE id = ? AND wants_contact = 1 AND user_id IS NOT NULL",
        [(chat_id, message_id, alert_id) for alert_id in alert_ids],
    )


def retry_later(db: Connection, alert_ids: list[int], when: datetime) -> None:
    db.executemany(
        "UPDATE safeguarding_alerts SET next_post_at = ? WHERE id = ?",
        [(stamp(when), alert_id) for alert_id in alert_ids],
    )


def refresh_later(db: Connection, alert_ids: Sequence[int], when: datetime) -> None:
    db.executemany(
        "UPDATE safeguarding_alerts SET refresh_at = ? WHERE id = ? AND refresh_at IS NOT NULL",
        [(stamp(when), alert_id) for alert_id in alert_ids],
    )


def posts_of(db: Connection, alert_ids: Sequence[int]) -> list[tuple[int, int]]:
    """The team messages (chat, message id) still showing who asked in these alerts, oldest first."""
    marks = ",".join("?" * len(alert_ids))
    rows = db.execute(
        f"SELECT DISTINCT chat_id, message_id FROM alert_posts WHERE alert_id IN ({marks})"
        " ORDER BY message_id",
        list(alert_ids),
    )
    return [(row[0], row[1]) for row in rows]


def refreshed(db: Connection, alert_ids: Sequence[int], chat_id: int, message_id: int) -> None:
    """That message no longer shows who withdrew these alerts' requests (edited, or gone)."""
    db.executemany(
        "DELETE FROM alert_posts WHERE alert_id = ? AND chat_id = ? AND message_id = ?",
        [(alert_id, chat_id, message_id) for alert_id in alert_ids],
    )
    settle_refreshes(db)


def settle_refreshes(db: Connection) -> None:
    """Alerts with no message left showing who withdrew have nothing left to edit."""
    db.execute(
        "UPDATE safeguarding_alerts SET refresh_at = NULL WHERE refresh_at IS NOT NULL"
        " AND id NOT IN (SELECT alert_id FROM alert_posts)"
    )


def acknowledge_group(db: Connection, lead_id: int, worker_id: int, now: datetime) -> int:
    """Record who is handling the group's alerts that the team has been shown (posted at least
    once); how many that was (0 if someone already was handling them all). A withdrawn request's
    messages are still edited (`refresh_at` stays): the tap edits only the message tapped."""
    cursor = db.execute(
        "UPDATE safeguarding_alerts SET state = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?"
        " WHERE (id = ? OR lead_id = ?) AND state IN ('to_send', 'sent') AND posts > 0",
        (worker_id, stamp(now), lead_id, lead_id),
    )
    return cursor.rowcount
