"""SQL for the consultations the bot serves: their definitions (YAML), versions and states, and the
record of every change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Connection
from typing import Literal

Origin = Literal["file", "upload", "quick poll"]
State = Literal["draft", "launched", "archived"]


@dataclass(frozen=True)
class Definition:
    id: str
    base_id: str
    version: int
    origin: Origin
    source: str
    definition: str
    state: State
    ever_launched: bool = False


def all_definitions(db: Connection) -> list[Definition]:
    rows = db.execute(
        "SELECT id, base_id, version, origin, source, definition, state, launched_at IS NOT NULL"
        " FROM consultation_definitions ORDER BY base_id, version"
    )
    return [Definition(*row[:7], bool(row[7])) for row in rows]


def add(db: Connection, row: Definition, by: int | None, now: datetime) -> None:
    db.execute(
        "INSERT INTO consultation_definitions"
        " (id, base_id, version, origin, source, definition, state, launched_at, changed_by, changed_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            *(row.id, row.base_id, row.version, row.origin, row.source, row.definition, row.state),
            _at(now) if row.state == "launched" else None,
            by,
            _at(now),
        ),
    )
    _record(db, row.id, "recorded" if row.version == 1 else "new version", by, now)


def update_definition(
    db: Connection, consultation_id: str, source: str, definition: str, by: int | None, now: datetime
) -> None:
    db.execute(
        "UPDATE consultation_definitions SET source = ?, definition = ?, changed_by = ?, changed_at = ?"
        " WHERE id = ?",
        (source, definition, by, _at(now), consultation_id),
    )
    _record(db, consultation_id, "updated", by, now)


def set_state(db: Connection, consultation_id: str, state: State, by: int | None, now: datetime) -> None:
    db.execute(
        "UPDATE consultation_definitions SET state = ?, changed_by = ?, changed_at = ?,"
        " launched_at = CASE WHEN ? = 'launched' THEN ? ELSE launched_at END WHERE id = ?",
        (state, by, _at(now), state, _at(now), consultation_id),
    )
    _record(db, consultation_id, state, by, now)


def answered(db: Connection) -> set[str]:
    """Consultations someone has started answering: their questions are frozen."""
    return {row[0] for row in db.execute("SELECT DISTINCT consultation_id FROM responses")}


def _record(db: Connection, consultation_id: str, change: str, by: int | None, now: datetime) -> None:
    db.execute(
        "INSERT INTO consultation_changes (consultation_id, change, changed_by, changed_at)"
        " VALUES (?, ?, ?, ?)",
        (consultation_id, change, by, _at(now)),
    )


def _at(now: datetime) -> str:
    return now.isoformat(timespec="seconds")
