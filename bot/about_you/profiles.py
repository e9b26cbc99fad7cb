"""Keeping what a young person said about themselves, and the copy each finished response counts under.

Their answers are one sealed record (`bot.core.sealing`) found by a keyed mark of their Telegram id
(`bot.core.privacy`): the database alone can neither read it nor say whose it is. A question they
skipped is kept as asked with no answer, so it is not asked again. A response copies, in its own
transaction, the answers to the questions its consultation uses: the breakdowns read only those.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from sqlite3 import Connection

from bot.about_you.council import CouncilFile
from bot.about_you.questions import FIELDS, RATHER_NOT, AboutQuestion, Field, question
from bot.core.models import Consultation
from bot.core.privacy import Purpose, first_of_month, pseudonym, purpose_key
from bot.core.sealing import seal_bytes, unseal_bytes

# What a young person said: each question asked, with the group they chose, RATHER_NOT, or None (skipped).
Said = dict[Field, str | None]
SCOPE = "about-you"


class Profiles:
    def __init__(self, master_key: bytes, council: CouncilFile, clock: Callable[[], datetime]) -> None:
        self._mark_key = purpose_key(master_key, Purpose.ABOUT_YOU_MARK)
        self._seal_key = purpose_key(master_key, Purpose.ABOUT_YOU_SEAL)
        self.council = council
        self.clock = clock

    def questions(self, fields: Iterable[Field]) -> list[AboutQuestion]:
        """The questions for these fields that can be asked here (the area needs the council's areas)."""
        return [q for f in fields if (q := question(f, self.council.areas)) is not None]

    def used_by(self, consultation: Consultation) -> list[AboutQuestion]:
        return self.questions(consultation.about_you)

    def _mark(self, user_id: int) -> str:
        return pseudonym(self._mark_key, SCOPE, user_id)

    def said_in(self, db: Connection, user_id: int) -> Said:
        """Everything they said (empty if nothing, or if it no longer opens)."""
        mark = self._mark(user_id)
        row = db.execute("SELECT sealed FROM about_you WHERE person = ?", (mark,)).fetchone()
        opened = unseal_bytes(self._seal_key, mark, row[0]) if row else None
        if opened is None:
            return {}
        stored = json.loads(opened)
        return {f: stored[f] for f in FIELDS if f in stored}

    def record_in(self, db: Connection, user_id: int, said: Mapping[Field, str | None]) -> None:
        mark = self._mark(user_id)
        sealed = seal_bytes(self._seal_key, mark, json.dumps(dict(said)).encode())
        month = first_of_month(self.clock().date()).isoformat()
        db.execute(
            "INSERT INTO about_you (person, sealed, used_month) VALUES (?, ?, ?)"
            " ON CONFLICT (person) DO UPDATE SET sealed = excluded.sealed, used_month = excluded.used_month",
            (mark, sealed, month),
        )

    def copy_in(self, db: Connection, consultation: Consultation, response_id: int, said: Said) -> None:
        """The response counts under what they said to the questions its consultation uses (and
        only those): anything they skipped, or would rather not say, is "not said"."""
        db.execute("DELETE FROM response_about_you WHERE response_id = ?", (response_id,))
        db.executemany(
            "INSERT INTO response_about_you (response_id, field, value) VALUES (?, ?, ?)",
            [
                (response_id, f, value)
                for f in consultation.about_you
                if (value := said.get(f)) is not None and value != RATHER_NOT
            ],
        )

    def forget_in(self, db: Connection, user_id: int, response_ids: Iterable[int]) -> bool:
        """Delete what they said and every response's copy of it; whether there was anything."""
        ids = list(response_ids)
        db.executemany("DELETE FROM response_about_you WHERE response_id = ?", [(i,) for i in ids])
        return db.execute("DELETE FROM about_you WHERE person = ?", (self._mark(user_id),)).rowcount > 0


def forget_unused(db: Connection, used_before: str) -> int:
    """Retention: "about you" not used since the month given (YYYY-MM-01), like a quiet consent record."""
    return db.execute("DELETE FROM about_you WHERE used_month < ?", (used_before,)).rowcount
