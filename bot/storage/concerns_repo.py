"""SQL for the possible-concerns queue: adding, listing what a person has not read, deciding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Connection, Row

from bot.storage.alerts_repo import stamp
from bot.storage.ideas_repo import release


@dataclass(frozen=True)
class PossibleConcern:
    id: int
    words: str
    category: str
    score: float
    source: str
    raised_at: str
    user_id: int | None  # the sender, if they had not consented (see migration 0019)
    sender_mark: str | None  # the sender's keyed mark, if they had
    urgent: bool
    shown_at: str | None
    state: str  # 'new', 'acted', 'not_a_concern'
    decided_by: int | None
    decided_by_name: str | None
    decided_at: str | None
    alert_id: int | None


_COLUMNS = (
    "id, words, category, score, source, raised_at, user_id, sender_mark, urgent, shown_at, state,"
    " decided_by, decided_by_name, decided_at, alert_id"
)


def _item(row: Row) -> PossibleConcern:
    values = dict(zip(_COLUMNS.split(", "), row, strict=True))
    values["urgent"] = bool(values["urgent"])
    return PossibleConcern(**values)


def queued_for_update(db: Connection, update_id: int, since: datetime) -> int | None:
    """The item this update queued, if it was handled before (after a failure or restart). `since`
    bounds the lookup: Telegram may reuse an update_id after a week without updates."""
    row = db.execute(
        "SELECT id FROM possible_concerns WHERE update_id = ? AND raised_at >= ?", (update_id, stamp(since))
    ).fetchone()
    return row[0] if row else None


def add(
    db: Connection,
    words: str,
    category: str,
    score: float,
    source: str,
    user_id: int | None,
    update_id: int,
    urgent: bool,
    now: datetime,
) -> int:
    """Queue a message (`user_id` only for a sender who has not consented; see `set_sender_mark`)."""
    db.execute("UPDATE possible_concerns SET update_id = NULL WHERE update_id = ?", (update_id,))
    cursor = db.execute(
        "INSERT INTO possible_concerns"
        " (words, category, score, source, raised_at, user_id, update_id, urgent)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (words, category, score, source, stamp(now), user_id, update_id, int(urgent)),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def set_sender_mark(db: Connection, item_id: int, mark: str) -> None:
    db.execute("UPDATE possible_concerns SET sender_mark = ? WHERE id = ?", (mark, item_id))


def sent_by(db: Connection, user_id: int) -> list[int]:
    """The items still holding this Telegram id (sent before consent)."""
    return [row[0] for row in db.execute("SELECT id FROM possible_concerns WHERE user_id = ?", (user_id,))]


def marked(db: Connection) -> list[tuple[int, str]]:
    """(item id, sender mark) of every item still holding a mark."""
    rows = db.execute("SELECT id, sender_mark FROM possible_concerns WHERE sender_mark IS NOT NULL")
    return [(row[0], row[1]) for row in rows]


def forget_senders(db: Connection, item_ids: list[int]) -> None:
    db.executemany(
        "UPDATE possible_concerns SET user_id = NULL, sender_mark = NULL WHERE id = ?",
        [(item_id,) for item_id in item_ids],
    )


def get(db: Connection, item_id: int) -> PossibleConcern | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM possible_concerns WHERE id = ?", (item_id,)).fetchone()
    return _item(row) if row else None


def undecided(db: Connection, limit: int) -> tuple[list[PossibleConcern], int]:
    """(the oldest `limit` items nobody has decided on, how many there are in all)."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM possible_concerns WHERE state = 'new' ORDER BY id LIMIT ?", (limit,)
    ).fetchall()
    total = db.execute("SELECT count(*) FROM possible_concerns WHERE state = 'new'").fetchone()[0]
    return [_item(row) for row in rows], total


def not_yet_shown(db: Connection, urgent_only: bool, limit: int) -> tuple[list[PossibleConcern], int]:
    """(the oldest `limit` undecided items the team has not been shown, how many there are in all)."""
    where = "state = 'new' AND shown_at IS NULL" + (" AND urgent = 1" if urgent_only else "")
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM possible_concerns WHERE {where} ORDER BY id LIMIT ?", (limit,)
    ).fetchall()
    total = db.execute(f"SELECT count(*) FROM possible_concerns WHERE {where}").fetchone()[0]
    return [_item(row) for row in rows], total


def mark_shown(db: Connection, item_ids: list[int], now: datetime) -> None:
    db.executemany(
        "UPDATE possible_concerns SET shown_at = coalesce(shown_at, ?) WHERE id = ?",
        [(stamp(now), item_id) for item_id in item_ids],
    )


def decide(db: Connection, item_id: int, state: str, worker_id: int, worker_name: str, now: datetime) -> bool:
    """Record a decision; False if someone already decided. Who sent it goes either way."""
    cursor = db.execute(
        "UPDATE possible_concerns SET state = ?, decided_by = ?, decided_by_name = ?, decided_at = ?,"
        " user_id = NULL, sender_mark = NULL WHERE id = ? AND state = 'new'",
        (state, worker_id, worker_name, stamp(now), item_id),
    )
    if cursor.rowcount == 1 and state == "not_a_concern":
        release(db, item_id)
    return cursor.rowcount == 1


def forget_senders_before(db: Connection, before: datetime) -> int:
    """Items nobody has decided on since `before` no longer keep who sent them."""
    cursor = db.execute(
        "UPDATE possible_concerns SET user_id = NULL, sender_mark = NULL"
        " WHERE (user_id IS NOT NULL OR sender_mark IS NOT NULL) AND raised_at < ?",
        (stamp(before),),
    )
    return cursor.rowcount


def forget_dismissed_words_before(db: Connection, before: datetime) -> int:
    """The words of items decided "not a concern" before `before` go; the decision stays."""
    cursor = db.execute(
        "UPDATE possible_concerns SET words = '' WHERE state = 'not_a_concern' AND decided_at < ?"
        " AND words != ''",
        (stamp(before),),
    )
    return cursor.rowcount


def link_alert(db: Connection, item_id: int, alert_id: int) -> None:
    db.execute("UPDATE possible_concerns SET alert_id = ? WHERE id = ?", (alert_id, item_id))


def last_digest(db: Connection) -> str | None:
    row = db.execute("SELECT last_sent_at FROM concern_digests WHERE id = 1").fetchone()
    return row[0] if row else None


def record_digest(db: Connection, now: datetime) -> None:
    db.execute(
        "INSERT INTO concern_digests (id, last_sent_at) VALUES (1, ?)"
        " ON CONFLICT (id) DO UPDATE SET last_sent_at = excluded.last_sent_at",
        (stamp(now),),
    )


def figures(db: Connection, since: int) -> tuple[int, int, int, int]:
    """(queued since, acted on since, not a concern since, undecided now), "since" an item id."""
    queued, acted, dismissed = db.execute(
        "SELECT count(*), coalesce(sum(state = 'acted'), 0), coalesce(sum(state = 'not_a_concern'), 0)"
        " FROM possible_concerns WHERE id > ?",
        (since,),
    ).fetchone()
    undecided = db.execute("SELECT count(*) FROM possible_concerns WHERE state = 'new'").fetchone()[0]
    return queued, acted, dismissed, undecided


def undecided_words(db: Connection) -> set[str]:
    """The words of every possible concern nobody has decided on yet (kept out of quotes)."""
    return {row[0] for row in db.execute("SELECT words FROM possible_concerns WHERE state = 'new'")}
