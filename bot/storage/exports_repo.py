"""SQL for `/export`: a consultation's responses with their answers, read one at a time."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from sqlite3 import Connection

from bot.core.engine import Answer
from bot.storage.repos import decode_value


@dataclass(frozen=True)
class ExportedResponse:
    respondent: str  # the keyed pseudonym: no Telegram id, name or username
    status: str
    started_on: str  # the day only
    answers: dict[str, Answer]


def responses(db: Connection, consultation_id: str) -> Iterator[ExportedResponse]:
    """Every response with its answers, oldest first, one at a time: however many there are, only
    one is held in memory."""
    # One query, in the order it is read: responses by id (NOT INDEXED walks the table in id order,
    # where the consultation's index would need every row sorted first), each one's answers by its
    # primary key. A LEFT JOIN keeps a response with no answers yet.
    rows = db.execute(
        "SELECT r.id, r.respondent, r.status, r.started_at, a.question_id, a.value"
        " FROM responses AS r NOT INDEXED LEFT JOIN answers AS a ON a.response_id = r.id"
        " WHERE r.consultation_id = ? ORDER BY r.id, a.question_id",
        (consultation_id,),
    )
    for _, group in itertools.groupby(rows, key=lambda row: row["id"]):
        found = list(group)  # this response's rows: one per answer
        answers = {
            row["question_id"]: Answer(decode_value(row["value"]))
            for row in found
            if row["question_id"] is not None
        }
        first = found[0]
        yield ExportedResponse(first["respondent"], first["status"], first["started_at"][:10], answers)
