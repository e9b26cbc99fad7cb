"""Every SQL statement the bot runs: participants, responses and answers, handled updates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.core.engine import Answer, AnswerValue, Progress
from bot.storage.db import Database


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


# --- participants ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    user_id: int
    current_consultation: str | None


async def get_participant(db: Database, user_id: int) -> Participant | None:
    row = await db.fetch_one(
        "SELECT user_id, current_consultation FROM participants WHERE user_id = ?", (user_id,)
    )
    return Participant(row["user_id"], row["current_consultation"]) if row else None


async def record_consent(tx: aiosqlite.Connection, user_id: int, now: datetime, privacy_version: int) -> bool:
    """Record agreement to the privacy notice; False if they had already agreed."""
    cursor = await tx.execute(
        "INSERT INTO participants (user_id, consented_at, privacy_version) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO NOTHING",
        (user_id, _stamp(now), privacy_version),
    )
    return cursor.rowcount == 1


async def set_current_consultation(
    tx: aiosqlite.Connection, user_id: int, consultation_id: str | None
) -> None:
    await tx.execute(
        "UPDATE participants SET current_consultation = ? WHERE user_id = ?",
        (consultation_id, user_id),
    )


# --- handled updates ----------------------------------------------------------------------------


async def claim_update(tx: aiosqlite.Connection, update_id: int, now: datetime) -> bool:
    """Record that this update is being handled; False if it was handled before (a redelivery)."""
    cursor = await tx.execute(
        "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?) "
        "ON CONFLICT (update_id) DO NOTHING",
        (update_id, _stamp(now)),
    )
    return cursor.rowcount == 1


async def forget_updates_before(db: Database, moment: datetime) -> None:
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM handled_updates WHERE handled_at < ?", (_stamp(moment),))


# --- responses and answers ------------------------------------------------------------------


@dataclass(frozen=True)
class StoredResponse:
    id: int
    progress: Progress


def _decode_value(raw: str | None) -> AnswerValue | None:
    if raw is None:
        return None
    value = json.loads(raw)
    return tuple(value) if isinstance(value, list) else value


def _encode_value(answer: Answer) -> str | None:
    if answer.value is None:
        return None
    value = list(answer.value) if isinstance(answer.value, tuple) else answer.value
    return json.dumps(value, ensure_ascii=False)


async def load_response(
    tx: aiosqlite.Connection, consultation_id: str, respondent: str
) -> StoredResponse | None:
    async with tx.execute(
        "SELECT id, position, status FROM responses WHERE consultation_id = ? AND respondent = ?",
        (consultation_id, respondent),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    async with tx.execute(
        "SELECT question_id, value FROM answers WHERE response_id = ?", (row["id"],)
    ) as cursor:
        answers = {r["question_id"]: Answer(_decode_value(r["value"])) for r in await cursor.fetchall()}
    progress = Progress(answers, row["position"], row["status"] == "submitted")
    return StoredResponse(row["id"], progress)


async def create_response(
    tx: aiosqlite.Connection,
    consultation_id: str,
    respondent: str,
    user_id: int | None,
    progress: Progress,
    now: datetime,
) -> StoredResponse:
    cursor = await tx.execute(
        "INSERT INTO responses (consultation_id, respondent, user_id, position, status,"
        " started_at, updated_at) VALUES (?, ?, ?, ?, 'in_progress', ?, ?)",
        (consultation_id, respondent, user_id, progress.position, _stamp(now), _stamp(now)),
    )
    assert cursor.lastrowid is not None
    return StoredResponse(cursor.lastrowid, progress)


async def save_progress(
    tx: aiosqlite.Connection, stored: StoredResponse, progress: Progress, now: datetime
) -> None:
    """Write what changed between the stored progress and the new one."""
    for question_id in stored.progress.answers.keys() - progress.answers.keys():
        await tx.execute(
            "DELETE FROM answers WHERE response_id = ? AND question_id = ?",
            (stored.id, question_id),
        )
    for question_id, answer in progress.answers.items():
        if stored.progress.answers.get(question_id) == answer:
            continue
        await tx.execute(
            "INSERT INTO answers (response_id, question_id, value, answered_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (response_id, question_id)"
            " DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at",
            (stored.id, question_id, _encode_value(answer), _stamp(now)),
        )
    status = "submitted" if progress.submitted else "in_progress"
    await tx.execute(
        "UPDATE responses SET position = ?, status = ?, updated_at = ?,"
        " submitted_at = CASE WHEN ? = 'submitted' THEN ? ELSE submitted_at END WHERE id = ?",
        (progress.position, status, _stamp(now), status, _stamp(now), stored.id),
    )


async def response_statuses(db: Database, respondents: dict[str, str]) -> dict[str, str]:
    """{consultation id: 'in_progress' | 'submitted'} for the given {consultation id: respondent}."""
    statuses = {}
    for consultation_id, respondent in respondents.items():
        row = await db.fetch_one(
            "SELECT status FROM responses WHERE consultation_id = ? AND respondent = ?",
            (consultation_id, respondent),
        )
        if row:
            statuses[consultation_id] = row["status"]
    return statuses
