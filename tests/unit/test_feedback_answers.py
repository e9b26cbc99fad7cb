"""Answers to feedback underneath the chat: the seal, the answer-back token, retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from sqlite3 import Connection

from bot.core.sealing import seal, unseal
from bot.feedback_answers import ANSWER_WAIT, AnswerRequests
from bot.storage import feedback_repo
from bot.storage.db import Database
from tests.conftest import Clock

KEY, OTHER_KEY = bytes(range(32)), bytes(range(1, 33))
CHAT = 987654321


def test_a_seal_opens_only_with_its_key_and_for_its_record() -> None:
    sealed = seal(KEY, "answer-request 1", CHAT)
    assert unseal(KEY, "answer-request 1", sealed) == CHAT
    assert unseal(OTHER_KEY, "answer-request 1", sealed) is None
    assert unseal(KEY, "answer-request 2", sealed) is None  # copied onto another request
    assert unseal(KEY, "answer-request 1", sealed[:-1]) is None
    assert unseal(KEY, "answer-request 1", sealed[:12]) is None
    # A fresh nonce each time: two requests from one person do not look alike.
    assert seal(KEY, "answer-request 1", CHAT) != sealed


async def test_requests_are_found_by_opening_seals_and_expire_after_thirty_days(db: Database) -> None:
    clock = Clock(datetime(2026, 12, 7, 10, tzinfo=UTC))
    answers = AnswerRequests(db, KEY, clock)
    day = clock.now.date()

    async def ask(chat: int) -> int:
        def store(connection: Connection) -> int:
            request = answers.ask_in(connection, chat)
            feedback_repo.add(connection, "hub", "words", day, request)
            return request

        return await db.transaction(store)

    mine, theirs = await ask(CHAT), await ask(CHAT + 1)
    assert await db.read(lambda c: answers.theirs_in(c, CHAT)) == [mine]
    assert await db.read(lambda c: answers.waiting_in(c, CHAT + 1)) == [(theirs, day.isoformat())]

    # Answered and delivered: the seal goes, one answer back open for 30 days.
    assert await answers.answer(mine, "Yes", 2001)
    assert not await answers.answer(mine, "Yes again", 2002)  # one answer
    [due] = await answers.due()
    assert (due.request_id, due.chat_id, due.answer_back_until) == (mine, CHAT, day + ANSWER_WAIT)
    await answers.delivered(due)
    assert await answers.due() == []
    assert await answers.answer_back_topic(mine, due.token) == "hub"
    # The token is the bot's own: not another request's, not another key's.
    assert await answers.answer_back_topic(mine, due.token[::-1]) is None
    assert await AnswerRequests(db, OTHER_KEY, clock).answer_back_topic(mine, due.token) is None

    # The last day still counts; the day after, the unanswered request has lapsed (the young
    # person is told, then the seal goes) and the answer back is closed.
    clock.now += ANSWER_WAIT
    assert await answers.lapsed() == []
    assert await answers.answer(theirs, "On the last day", 2001)  # still in time
    assert await answers.answer_back_topic(mine, due.token) == "hub"
    clock.now += timedelta(days=1)
    [lapsed] = await answers.lapsed()
    assert (lapsed.request_id, lapsed.chat_id) == (theirs, CHAT + 1)
    assert await answers.due() == []  # an answer saved on the last day is not sent a day late
    assert await db.transaction(lambda c: feedback_repo.expire_answer_requests(c, clock.now.date())) == 1
    assert await db.read(lambda c: answers.theirs_in(c, CHAT + 1)) == []
    assert await answers.answer_back_topic(mine, due.token) is None

    # Once retention deleted the feedback, its request (with the team's answer) goes too.
    await db.transaction(lambda c: c.execute("DELETE FROM feedback"))
    await db.transaction(lambda c: feedback_repo.expire_answer_requests(c, clock.now.date()))
    assert await db.read(lambda c: c.execute("SELECT count(*) FROM answer_requests").fetchone()[0]) == 0
