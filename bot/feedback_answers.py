"""Answers to anonymous feedback: a young person may ask for one when they send it.

Their chat number is then kept sealed (bot/core/sealing.py) beside the feedback, so the database
alone cannot say who asked; the seal is deleted once Telegram takes the team's answer, when they
delete their data, or after ANSWER_WAIT. The answer carries one chance to answer back, for
ANSWER_WAIT too: its button holds a token only the bot can make (a keyed hash of the request and
its random salt), so nobody can answer back for someone else, the database holds no token to copy,
and an old button cannot act on a request made after a backup was restored. If their time runs out
first, they are told the answer is not coming, and the seal goes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from sqlite3 import Connection

from bot.core import texts
from bot.core.actions import Action, Kind
from bot.core.i18n import day_in_words
from bot.core.privacy import Purpose, purpose_key
from bot.core.screens import Button, Screen
from bot.core.sealing import seal, unseal
from bot.storage import feedback_repo
from bot.storage.db import Database

ANSWER_WAIT = timedelta(days=30)
SALT_SIZE = 16
TOKEN_LENGTH = 16  # hex characters: 64 bits, in a button's 64-byte callback data with room to spare


def _record(request_id: int) -> str:
    return f"answer-request {request_id}"


@dataclass(frozen=True)
class Delivery:
    """A team answer to put in front of the young person who asked."""

    request_id: int
    chat_id: int
    answer: str
    asked_on: str
    token: str  # for their answer-back button
    answer_back_until: date

    def screen(self) -> Screen:
        """The answer as they see it (in the language being spoken), with its answer-back button."""
        back = Action(Kind.ANSWER_BACK, question=str(self.request_id), value=self.token)
        return Screen(
            texts.TEAM_ANSWERED.format(
                day=day_in_words(self.asked_on),
                answer=self.answer,
                until=day_in_words(self.answer_back_until.isoformat()),
            ),
            ((Button(texts.ANSWER_BACK_BUTTON, back),),),
        )


@dataclass(frozen=True)
class Lapsed:
    """A request whose time ran out before an answer reached them: they are told, once."""

    request_id: int
    chat_id: int | None  # None if the seal does not open (another key): nobody to tell
    asked_on: str

    def screen(self) -> Screen:
        return Screen(texts.ANSWER_NOT_COMING.format(day=day_in_words(self.asked_on)))


class AnswerRequests:
    def __init__(self, db: Database, pseudonym_key: bytes, clock: Callable[[], datetime]) -> None:
        self.db = db
        self._seal_key = purpose_key(pseudonym_key, Purpose.ANSWER_ADDRESS)
        self._token_key = purpose_key(pseudonym_key, Purpose.ANSWER_BACK)
        self._clock = clock

    def _today(self) -> date:
        return self._clock().date()

    def ask_in(self, db: Connection, chat_id: int) -> int:
        """A request for an answer (in the feedback's own transaction): its id, to file the
        feedback under."""
        salt = os.urandom(SALT_SIZE)
        request_id = feedback_repo.new_answer_request(db, self._today() + ANSWER_WAIT, salt)
        feedback_repo.set_seal(db, request_id, seal(self._seal_key, _record(request_id), chat_id))
        return request_id

    def token(self, request_id: int, salt: bytes) -> str:
        message = f"{request_id}:".encode() + salt
        return hmac.new(self._token_key, message, hashlib.sha256).hexdigest()[:TOKEN_LENGTH]

    def _chat_of(self, request_id: int, sealed: bytes) -> int | None:
        return unseal(self._seal_key, _record(request_id), sealed)

    def theirs_in(self, db: Connection, chat_id: int) -> list[int]:
        """The requests still holding this young person's sealed chat number."""
        return [i for i, sealed in feedback_repo.seals(db) if self._chat_of(i, sealed) == chat_id]

    def waiting_in(self, db: Connection, chat_id: int) -> list[tuple[int, str]]:
        """/mydata: (request, the day they sent it) for each feedback that waits for an answer."""
        return [(i, feedback_repo.first_asked_on(db, i)) for i in self.theirs_in(db, chat_id)]

    def withdraw_in(self, db: Connection, chat_id: int, only: int | None = None) -> int:
        """Their sealed chat numbers deleted (all at /deleteme; `only` that request, from /mydata,
        if it is theirs); the feedback stays, anonymous. Returns how many."""
        theirs = [i for i in self.theirs_in(db, chat_id) if only is None or i == only]
        feedback_repo.forget_seals(db, theirs)
        return len(theirs)

    async def answer(self, request_id: int, words: str, worker_id: int) -> bool:
        """The team's answer, saved to be delivered; False if someone answered first or the young
        person can no longer be reached."""
        now = self._clock()
        return await self.db.transaction(
            lambda db: feedback_repo.record_answer(db, request_id, words, worker_id, now, now.date())
        )

    async def due(self) -> list[Delivery]:
        """Answers the team sent that Telegram has not taken yet. A seal that does not open
        (another key) cannot be delivered: it is marked so, not tried for ever."""
        today = self._today()
        deliveries, broken = [], []
        for due in await self.db.read(lambda db: feedback_repo.due_answers(db, today)):
            chat_id = self._chat_of(due.request_id, due.sealed)
            if chat_id is None or due.answer is None:
                broken.append(due.request_id)
                continue
            token = self.token(due.request_id, due.salt)
            until = today + ANSWER_WAIT
            deliveries.append(Delivery(due.request_id, chat_id, due.answer, due.asked_on, token, until))
        for request_id in broken:
            await self.undeliverable(request_id)
        return deliveries

    async def lapsed(self) -> list[Lapsed]:
        """Requests whose time ran out with their seal still held."""
        found = await self.db.read(lambda db: feedback_repo.expired_seals(db, self._today()))
        return [Lapsed(r.request_id, self._chat_of(r.request_id, r.sealed), r.asked_on) for r in found]

    async def forget(self, request_id: int) -> None:
        await self.db.transaction(lambda db: feedback_repo.forget_seals(db, [request_id]))

    async def delivered(self, delivery: Delivery) -> None:
        """Telegram took it: the seal goes, and the answer back is open until the day it said."""
        today = self._today()
        await self.db.transaction(
            lambda db: feedback_repo.delivered(db, delivery.request_id, today, delivery.answer_back_until)
        )

    async def undeliverable(self, request_id: int) -> None:
        await self.db.transaction(lambda db: feedback_repo.undeliverable(db, request_id))

    async def answer_back_topic(self, request_id: int, token: str) -> str | None:
        """The topic of the feedback answered, if the button is the bot's own and its answer back
        is still open; else None."""
        today = self._today()
        found = await self.db.read(lambda db: feedback_repo.answer_back(db, request_id, today))
        if found is None:
            return None
        salt, topic = found
        return topic if hmac.compare_digest(self.token(request_id, salt), token) else None

    def take_answer_back_in(self, db: Connection, request_id: int) -> int | None:
        """The answer back used (in its feedback's transaction): the feedback it answers, or None
        if it was used already or its time has passed."""
        return feedback_repo.take_answer_back(db, request_id, self._today())
