"""Every SQL statement the bot runs: participants, responses and answers, handled updates.

Plain functions over a sqlite3 connection; callers run them on the database's worker thread
through `Database.transaction` or `Database.read`, several to one crossing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Connection

from bot.core.engine import Answer, AnswerValue, Progress
from bot.core.i18n import Reading
from bot.core.ideas import display_label
from bot.core.privacy import pseudonym
from bot.storage import ideas_repo


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


# --- participants ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    user_id: int
    reading: Reading


def get_participant(db: Connection, user_id: int) -> Participant | None:
    row = db.execute(
        "SELECT user_id, language, easy_read, listen FROM participants WHERE user_id = ?",
        (user_id,),
    ).fetchone()
    if row is None:
        return None
    reading = Reading(row["language"], bool(row["easy_read"]), bool(row["listen"]))
    return Participant(row["user_id"], reading)


def participant_ids(db: Connection) -> list[int]:
    return [row[0] for row in db.execute("SELECT user_id FROM participants")]


def record_consent(
    db: Connection, user_id: int, now: datetime, privacy_version: int, reading: Reading
) -> bool:
    """Record agreement to the privacy notice, with how they read; False if they had already agreed."""
    cursor = db.execute(
        "INSERT INTO participants (user_id, consented_at, privacy_version, language, easy_read, listen)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
        (user_id, _stamp(now), privacy_version, reading.language, int(reading.easy), int(reading.listen)),
    )
    return cursor.rowcount == 1


def catch_up_privacy_version(db: Connection, user_id: int, privacy_version: int) -> bool:
    """Record that someone who agreed to an older notice has been told of this one; False if they
    agreed to it (or were told) already."""
    cursor = db.execute(
        "UPDATE participants SET privacy_version = ? WHERE user_id = ? AND privacy_version < ?",
        (privacy_version, user_id, privacy_version),
    )
    return cursor.rowcount == 1


def reading(db: Connection, user_id: int) -> Reading:
    """How a young person reads, for messages the bot sends them unasked (reminders, invitations)."""
    participant = get_participant(db, user_id)
    return participant.reading if participant else Reading()


def set_reading(db: Connection, user_id: int, reading: Reading) -> None:
    db.execute(
        "UPDATE participants SET language = ?, easy_read = ?, listen = ? WHERE user_id = ?",
        (reading.language, int(reading.easy), int(reading.listen), user_id),
    )


def current_consultation(db: Connection, respondents: dict[str, str]) -> str | None:
    """The consultation they are taking now, if any: the one whose response is marked current,
    among their responses under `respondents` ({consultation id: their pseudonym}). Kept on the
    response, not the consent record, so nothing joins a person to an unfinished response without
    the key."""
    marks = ",".join("?" * len(respondents))
    for row in db.execute(
        f"SELECT consultation_id, respondent FROM responses WHERE current = 1 AND respondent IN ({marks})",
        list(respondents.values()),
    ):
        if respondents.get(row["consultation_id"]) == row["respondent"]:
            return row["consultation_id"]
    return None


def set_current_consultation(
    db: Connection, respondents: dict[str, str], consultation_id: str | None
) -> None:
    """Mark the response to `consultation_id` as the one they are taking now (None: none), among
    their responses under `respondents` ({consultation id: their pseudonym})."""
    # Nearly every step leaves it as it was: rows already right are not written again (nor
    # copied into the write-ahead log at commit).
    marks = ",".join("?" * len(respondents))
    keep = (consultation_id, respondents.get(consultation_id or ""))
    db.execute(
        f"UPDATE responses SET current = 0 WHERE current = 1 AND respondent IN ({marks})"
        " AND NOT (consultation_id IS ? AND respondent IS ?)",
        (*respondents.values(), *keep),
    )
    if consultation_id is not None:
        db.execute(
            "UPDATE responses SET current = 1 WHERE consultation_id = ? AND respondent = ? AND current = 0",
            keep,
        )


# --- handled updates ----------------------------------------------------------------------------


def claim_update(db: Connection, update_id: int, now: datetime) -> bool:
    """Record that this update is being handled; False if it was handled before (a redelivery)."""
    cursor = db.execute(
        "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?)"
        " ON CONFLICT (update_id) DO NOTHING",
        (update_id, _stamp(now)),
    )
    return cursor.rowcount == 1


def forget_updates_before(db: Connection, moment: datetime) -> None:
    """Forget old records of handled updates, but never one still waiting in the inbox: handled
    again after a long stop, it must still be recognised."""
    db.execute(
        "DELETE FROM handled_updates WHERE handled_at < ?"
        " AND update_id NOT IN (SELECT update_id FROM inbox WHERE done = 0)",
        (_stamp(moment),),
    )


# --- responses and answers ------------------------------------------------------------------


@dataclass(frozen=True)
class StoredResponse:
    id: int
    progress: Progress


def decode_value(raw: str | None) -> AnswerValue | None:
    if raw is None:
        return None
    value = json.loads(raw)
    return tuple(value) if isinstance(value, list) else value


def encode_value(answer: Answer) -> str | None:
    if answer.value is None:
        return None
    value = list(answer.value) if isinstance(answer.value, tuple) else answer.value
    return json.dumps(value, ensure_ascii=False)


def load_response(db: Connection, consultation_id: str, respondent: str) -> StoredResponse | None:
    row = db.execute(
        "SELECT id, position, status, asking_why FROM responses WHERE consultation_id = ? AND respondent = ?",
        (consultation_id, respondent),
    ).fetchone()
    if row is None:
        return None
    answers = {
        r["question_id"]: Answer(decode_value(r["value"]))
        for r in db.execute("SELECT question_id, value FROM answers WHERE response_id = ?", (row["id"],))
    }
    progress = Progress(answers, row["position"], row["status"] == "submitted", row["asking_why"])
    return StoredResponse(row["id"], progress)


def create_response(
    db: Connection,
    consultation_id: str,
    respondent: str,
    user_id: int | None,
    progress: Progress,
    now: datetime,
) -> StoredResponse:
    cursor = db.execute(
        "INSERT INTO responses (consultation_id, respondent, user_id, position, status,"
        " started_at, updated_at) VALUES (?, ?, ?, ?, 'in_progress', ?, ?)",
        (consultation_id, respondent, user_id, progress.position, _stamp(now), _stamp(now)),
    )
    assert cursor.lastrowid is not None
    return StoredResponse(cursor.lastrowid, progress)


def save_progress(db: Connection, stored: StoredResponse, progress: Progress, now: datetime) -> None:
    """Write what changed between the stored progress and the new one. No answer keeps the
    language it was given in: matched with the consent's, it would single someone out."""
    for question_id in stored.progress.answers.keys() - progress.answers.keys():
        db.execute("DELETE FROM answers WHERE response_id = ? AND question_id = ?", (stored.id, question_id))
    for question_id, answer in progress.answers.items():
        if stored.progress.answers.get(question_id) == answer:
            continue
        db.execute(
            "INSERT INTO answers (response_id, question_id, value, answered_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (response_id, question_id) DO UPDATE SET"
            " value = excluded.value, answered_at = excluded.answered_at",
            (stored.id, question_id, encode_value(answer), _stamp(now)),
        )
    status = "submitted" if progress.submitted else "in_progress"
    db.execute(
        "UPDATE responses SET position = ?, status = ?, asking_why = ?, updated_at = ?,"
        " submitted_at = CASE WHEN ? = 'submitted' THEN ? ELSE submitted_at END WHERE id = ?",
        (progress.position, status, progress.asking_why, _stamp(now), status, _stamp(now), stored.id),
    )


def replace_typed_words(db: Connection, respondents: dict[str, str], words: str, instead: str) -> None:
    """Their answers holding `words` as typed (an answer in words, or one idea among theirs) hold
    `instead` in their place from now on; only theirs ({consultation id: their pseudonym}), as
    someone else may have typed the same words. For a worker's rare decision, not each message."""
    typed = {words.strip(), display_label(words)}
    changed = []
    for consultation_id, respondent in respondents.items():
        for row in db.execute(
            "SELECT a.response_id, a.question_id, a.value FROM answers a"
            " JOIN responses r ON r.id = a.response_id"
            " WHERE r.consultation_id = ? AND r.respondent = ? AND a.value IS NOT NULL",
            (consultation_id, respondent),
        ):
            value = decode_value(row["value"])
            if isinstance(value, str) and value in typed:
                changed.append((instead, row["response_id"], row["question_id"]))
            elif isinstance(value, tuple) and typed & set(value):
                ideas = tuple(dict.fromkeys(instead if idea in typed else idea for idea in value))
                changed.append((ideas, row["response_id"], row["question_id"]))
    db.executemany(
        "UPDATE answers SET value = ? WHERE response_id = ? AND question_id = ?",
        [(encode_value(Answer(value)), *key) for value, *key in changed],
    )


def response_statuses(db: Connection, respondents: dict[str, str]) -> dict[str, str]:
    """{consultation id: 'in_progress' | 'submitted'} for the given {consultation id: respondent}."""
    statuses = {}
    for consultation_id, respondent in respondents.items():
        row = db.execute(
            "SELECT status FROM responses WHERE consultation_id = ? AND respondent = ?",
            (consultation_id, respondent),
        ).fetchone()
        if row:
            statuses[consultation_id] = row["status"]
    return statuses


# --- erasure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erased:
    responses: int
    answers: int
    photos: list[str]  # files to delete now their rows have gone


def consultations_with_responses(db: Connection) -> list[str]:
    return [row[0] for row in db.execute("SELECT DISTINCT consultation_id FROM responses")]


def respondents_of(db: Connection, key: bytes, user_id: int) -> dict[str, str]:
    """{consultation id: their pseudonym} for every consultation anyone has responded to."""
    return {cid: pseudonym(key, cid, user_id) for cid in consultations_with_responses(db)}


def response_ids(db: Connection, respondents: dict[str, str]) -> list[int]:
    """The ids of the responses filed under these pseudonyms ({consultation id: pseudonym})."""
    return [
        row[0]
        for consultation_id, respondent in respondents.items()
        for row in db.execute(
            "SELECT id FROM responses WHERE consultation_id = ? AND respondent = ?",
            (consultation_id, respondent),
        )
    ]


def erase_person(db: Connection, user_id: int, respondents: dict[str, str]) -> Erased:
    """Delete a young person's consent record and every response that is theirs: those filed under
    their Telegram id, and anonymous ones under their pseudonym ({consultation id: pseudonym}), with
    their ballots, reminders and idea submissions (and the ideas only they sent, unless approved)."""
    ids = [row[0] for row in db.execute("SELECT id FROM responses WHERE user_id = ?", (user_id,))]
    ids += response_ids(db, respondents)
    unique = sorted(set(ids))
    for consultation_id, respondent in respondents.items():
        for table in ("reminders", "ballots"):
            db.execute(
                f"DELETE FROM {table} WHERE consultation_id = ? AND respondent = ?",
                (consultation_id, respondent),
            )
    ideas_repo.erase_submissions(db, respondents)
    marks = ",".join("?" * len(unique))
    answers = 0
    photos = photos_of_responses(db, unique)
    if unique:
        answers = db.execute(f"DELETE FROM answers WHERE response_id IN ({marks})", unique).rowcount
        db.execute(f"DELETE FROM responses WHERE id IN ({marks})", unique)
    db.execute("DELETE FROM announcement_sends WHERE user_id = ?", (user_id,))
    db.execute("DELETE FROM participants WHERE user_id = ?", (user_id,))
    return Erased(len(unique), answers, photos)


def erase_consultation(db: Connection, consultation_id: str) -> list[str]:
    """Delete every response to a consultation (a worker's preview copy; its ideas are never filed)
    with its ballots; returns the photos whose files to delete once this has committed."""
    response_ids = [
        row[0] for row in db.execute("SELECT id FROM responses WHERE consultation_id = ?", (consultation_id,))
    ]
    photos = photos_of_responses(db, response_ids)
    for table in ("ballots", "responses"):  # answers and photo rows cascade
        db.execute(f"DELETE FROM {table} WHERE consultation_id = ?", (consultation_id,))
    return photos


def database_started(db: Connection) -> datetime | None:
    """When this database was first set up: scheduled work from before then is not owed."""
    row = db.execute("SELECT min(applied_at) FROM schema_migrations").fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


# --- photos --------------------------------------------------------------------------------------


def add_photo(db: Connection, name: str, response_id: int, question_id: str, day: str) -> None:
    db.execute(
        "INSERT INTO photos (name, response_id, question_id, received_on) VALUES (?, ?, ?, ?)",
        (name, response_id, question_id, day),
    )


def drop_photo(db: Connection, name: str) -> None:
    db.execute("DELETE FROM photos WHERE name = ?", (name,))


def photos_of_responses(db: Connection, response_ids: list[int]) -> list[str]:
    marks = ",".join("?" * len(response_ids))
    return [
        row[0] for row in db.execute(f"SELECT name FROM photos WHERE response_id IN ({marks})", response_ids)
    ]


def photos_of_question(db: Connection, consultation_id: str, question_id: str) -> list[str]:
    return [
        row[0]
        for row in db.execute(
            "SELECT p.name FROM photos p JOIN responses r ON r.id = p.response_id"
            " WHERE r.consultation_id = ? AND p.question_id = ? AND r.status = 'submitted' ORDER BY p.name",
            (consultation_id, question_id),
        )
    ]


def all_photo_names(db: Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM photos")}
