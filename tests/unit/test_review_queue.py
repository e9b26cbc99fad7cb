"""The possible-concerns queue's own rules: one item per update, and how long it keeps who sent it
(a keyed mark once they have consented, their Telegram id before)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from sqlite3 import Connection
from typing import Any

from bot.core.engine import WITH_THE_TEAM
from bot.core.i18n import Reading
from bot.core.privacy import Purpose, pseudonym, purpose_key
from bot.safeguarding.alerts import Safeguarding
from bot.safeguarding.review import KEEP_DISMISSED_WORDS, KEEP_SENDER, ReviewQueue
from bot.safeguarding.team_hours import DEFAULT, TeamHours
from bot.safeguarding.triage import Tier, Verdict
from bot.storage import repos
from bot.storage.db import Database
from tests.conftest import Clock

MAYBE = Verdict(Tier.REVIEW, "neglect", 0.4)
KEY = b"k" * 32


def queue(db: Database, clock: Clock) -> ReviewQueue:
    no_triage: Any = None  # the queue never reads messages itself
    hours = TeamHours.parse(DEFAULT)
    safeguarding = Safeguarding(db, no_triage, KEY, timedelta(minutes=3), timedelta(hours=1), clock, hours)
    return ReviewQueue(db, safeguarding, hours, clock, KEY)


async def senders(db: Database) -> list[int | None]:
    rows = await db.read(lambda c: c.execute("SELECT user_id FROM possible_concerns ORDER BY id").fetchall())
    return [row[0] for row in rows]


async def marks(db: Database) -> list[str | None]:
    query = "SELECT sender_mark FROM possible_concerns ORDER BY id"
    return [row[0] for row in await db.read(lambda c: c.execute(query).fetchall())]


def mark(item_id: int, user_id: int) -> str:
    return pseudonym(purpose_key(KEY, Purpose.CONCERN_SENDER), str(item_id), user_id)


async def consent(db: Database, *user_ids: int) -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    await db.transaction(
        lambda c: [repos.record_consent(c, user_id, now, 1, Reading()) for user_id in user_ids]
    )


async def test_an_undecided_item_lets_go_of_its_sender_after_two_weeks(db: Database) -> None:
    clock = Clock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    review = queue(db, clock)
    await consent(db, 1001)
    await review.add(1001, "fridge is empty again", MAYBE, "answer", update_id=1)
    await review.add(1003, "nobody picks me up", MAYBE, "message", update_id=3)  # before consent
    clock.now += timedelta(days=7)
    await review.add(1002, "not eaten since tuesday", MAYBE, "message", update_id=2)
    clock.now += KEEP_SENDER - timedelta(days=7)  # the first two are exactly KEEP_SENDER old
    assert await review.tidy() == (0, 0)
    clock.now += timedelta(seconds=1)
    assert await review.tidy() == (2, 0)
    assert await senders(db) == [None, None, 1002]
    assert await marks(db) == [None, None, None]
    # Acting on it still raises an alert; there is just nobody to offer help to.
    decision = await review.decide(1, act=True, worker_id=7, worker_name="Wendy")
    assert decision.recorded and decision.alert_id is not None and decision.user_id is None


async def test_the_same_update_handled_again_finds_its_item(db: Database) -> None:
    clock = Clock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    review = queue(db, clock)
    await consent(db, 1001)
    first = await review.add(1001, "fridge is empty again", MAYBE, "answer", update_id=5)
    assert await review.add(1001, "fridge is empty again", MAYBE, "answer", update_id=5) == first
    clock.now += timedelta(days=8)  # Telegram may reuse an update id after a week: a new item
    assert await review.add(1003, "no heating all winter", MAYBE, "answer", update_id=5) != first
    assert await senders(db) == [None, 1003]
    assert await marks(db) == [mark(first, 1001), None]


async def test_a_sender_who_has_consented_is_held_as_a_mark_and_found_again_to_act(db: Database) -> None:
    clock = Clock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    review = queue(db, clock)
    await consent(db, *range(1, 10_001))
    await review.add(50_001, "I sleep on my mates sofa", MAYBE, "message", update_id=1)  # before consent
    await consent(db, 50_002)
    await review.add(50_002, "I sleep on my mates sofa", MAYBE, "message", update_id=2)
    assert await senders(db) == [50_001, None]
    assert await marks(db) == [None, mark(2, 50_002)]
    holding = await db.read(lambda c: [review.holding_in(c, 50_001), review.holding_in(c, 50_002)])
    assert holding == [1, 1]
    # Acting on it finds them among everyone who has consented, and the decision lets go of them.
    decision = await review.decide(2, act=True, worker_id=7, worker_name="Wendy")
    assert decision.recorded and decision.user_id == 50_002
    assert await marks(db) == [None, None]
    assert (await review.decide(1, act=True, worker_id=7, worker_name="Wendy")).user_id == 50_001


async def test_deleteme_keeps_their_words_for_the_team_but_not_who_wrote_them(db: Database) -> None:
    clock = Clock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    review = queue(db, clock)
    await review.add(1001, "fridge is empty again", MAYBE, "message", update_id=1)  # before consent
    await consent(db, 1001, 1002)
    await review.add(1001, "fridge is empty again", MAYBE, "answer", update_id=2)
    await review.add(1002, "not eaten since tuesday", MAYBE, "message", update_id=3)
    await db.transaction(lambda c: review.forget_sender_in(c, 1001))
    assert await senders(db) == [None, None, None]
    assert await marks(db) == [None, None, mark(3, 1002)]
    words = await db.read(lambda c: c.execute("SELECT words FROM possible_concerns ORDER BY id").fetchall())
    assert [w for (w,) in words] == [
        "fridge is empty again",
        "fridge is empty again",
        "not eaten since tuesday",
    ]


async def test_words_judged_not_a_concern_go_a_month_after_the_decision(db: Database) -> None:
    clock = Clock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    review = queue(db, clock)
    await review.add(1001, "fridge is empty again", MAYBE, "answer", update_id=1)
    await review.add(1002, "not eaten since tuesday", MAYBE, "message", update_id=2)
    await review.decide(1, act=False, worker_id=7, worker_name="Wendy")
    await review.decide(2, act=True, worker_id=7, worker_name="Wendy")
    clock.now += KEEP_DISMISSED_WORDS
    assert (await review.tidy())[1] == 0
    clock.now += timedelta(seconds=1)
    assert (await review.tidy())[1] == 1
    kept = "SELECT words, state, decided_by_name FROM possible_concerns ORDER BY id"
    assert [tuple(row) for row in await db.read(lambda c: c.execute(kept).fetchall())] == [
        ("", "not_a_concern", "Wendy"),  # the decision stays
        ("not eaten since tuesday", "acted", "Wendy"),  # acted on: part of the safeguarding record
    ]


def answer(db: Connection, user_id: int, words: str) -> None:
    """Their anonymous answer to the pets' text question."""
    cursor = db.execute(
        "INSERT INTO responses (consultation_id, respondent, position, status, started_at, updated_at)"
        " VALUES ('pets', ?, 'names', 'submitted', '2026-11-02', '2026-11-02')",
        (pseudonym(KEY, "pets", user_id),),
    )
    db.execute(
        "INSERT INTO answers (response_id, question_id, value, answered_at)"
        " VALUES (?, 'names', ?, '2026-11-02')",
        (cursor.lastrowid, json.dumps(words)),
    )


async def names_answers(db: Database) -> list[str]:
    rows = await db.fetch_all(
        "SELECT a.value FROM answers a JOIN responses r ON r.id = a.response_id ORDER BY r.id"
    )
    return [json.loads(value) for (value,) in rows]


async def test_acting_on_an_answer_moves_only_its_sender_s_words(db: Database) -> None:
    clock = Clock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    review = queue(db, clock)
    await consent(db, 1001, 1002)
    for user_id, update_id in ((1001, 1), (1002, 2)):  # the same ordinary-sounding words, twice
        await db.transaction(lambda c, user_id=user_id: answer(c, user_id, "I worry about my mum"))
        await review.add(user_id, "I worry about my mum", MAYBE, "answer", update_id)
    await review.decide(2, act=True, worker_id=7, worker_name="Wendy")
    assert await names_answers(db) == ["I worry about my mum", WITH_THE_TEAM]
    # An item that has let go of its sender cannot say whose answer it was: none is rewritten.
    clock.now += KEEP_SENDER + timedelta(seconds=1)
    await review.tidy()
    await review.decide(1, act=True, worker_id=7, worker_name="Wendy")
    assert await names_answers(db) == ["I worry about my mum", WITH_THE_TEAM]
