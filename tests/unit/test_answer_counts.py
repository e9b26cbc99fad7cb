"""The results' counts, grouped by SQLite, agree with a count of every answer one by one.

Random young people answer a consultation of every countable type through the storage code the bot
uses, change their minds, go Back (which drops an answer), finish or not, ask for `/deleteme`, and
retention deletes the typed answers. Whatever happened, `results_repo.tallies` must give each
question the same figures as tallying, one at a time, the answers the finished responses hold now
(kept here in memory as they were written)."""

from __future__ import annotations

import dataclasses
import itertools
import random
import sqlite3
import sys
from datetime import UTC, datetime

import pytest

from bot.core.engine import DECLINED, Answer, Progress
from bot.core.models import (
    Consultation,
    MultiChoiceQuestion,
    OrderingQuestion,
    Question,
    RankedQuestion,
    ScaleQuestion,
)
from bot.core.privacy import pseudonym
from bot.core.tallies import tally
from bot.storage import lifecycle_repo, repos, results_repo
from bot.storage.db import Database
from bot.storage.migrate import migrate

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
KEY = b"k" * 32
OPTIONS = [{"id": i, "label": i.title()} for i in ("red", "green", "blue", "gold")]
CONSULTATION = Consultation.model_validate(
    {
        "id": "counts",
        "title": "Counts",
        "intro": "Made up for this test.",
        "questions": [
            {"id": "pick", "type": "single_choice", "text": "Pick", "options": OPTIONS, "optional": True},
            {"id": "yn", "type": "yes_no", "text": "Yes?", "rather_not_say": True},
            {"id": "many", "type": "multi_choice", "text": "Many", "options": OPTIONS, "max_choices": 3},
            {"id": "rate", "type": "scale", "text": "Rate", "min": 1, "max": 4, "optional": True},
            {"id": "order", "type": "ranking", "text": "Order", "options": OPTIONS},
            {"id": "vote", "type": "ranked", "text": "Vote", "options": OPTIONS, "optional": True},
            {"id": "words", "type": "text", "text": "Words", "optional": True},
            {"id": "pic", "type": "photo", "text": "A photo", "optional": True},
        ],
    }
)
TYPED = ["words", "pic"]


def _answer(question: Question, rng: random.Random) -> Answer:
    """Any answer a stored row could hold: skips, "rather not say", and some that no longer fit."""
    roll = rng.random()
    if roll < 0.1:
        return Answer(None)
    if roll < 0.15:
        return Answer(DECLINED)
    if roll < 0.2:
        return Answer(rng.choice(["gone", 9, ("gone",), "  "]))  # an option since removed, etc.
    if isinstance(question, ScaleQuestion):
        return Answer(rng.randint(question.min, question.max))
    if question.id == "pic":
        return Answer(rng.choice(["a1.jpg", "b2.jpg", ""]))
    if question.id == "words":
        return Answer(rng.choice(["more buses", "a quiet room", " wifi\u3000", "\u2003", "\n"]))
    ids = [o["id"] for o in OPTIONS]
    if isinstance(question, OrderingQuestion | MultiChoiceQuestion):
        return Answer(tuple(rng.sample(ids, rng.randint(1, 3))))
    if question.type == "yes_no":
        return Answer(rng.choice(["yes", "no"]))
    return Answer(rng.choice(ids))


def _random_answers(rng: random.Random) -> dict[str, Answer]:
    return {q.id: _answer(q, rng) for q in CONSULTATION.questions if rng.random() < 0.9}


async def _play(db: Database, rng: random.Random, people: int) -> dict[int, Progress]:
    """Young people answering, changing, going back and finishing; what each response holds now."""
    held: dict[int, Progress] = {}
    stored_of: dict[int, repos.StoredResponse] = {}
    for user_id in range(1, people + 1):
        respondent = pseudonym(KEY, CONSULTATION.id, user_id)

        def start(c: sqlite3.Connection, r: str = respondent) -> repos.StoredResponse:
            return repos.create_response(c, CONSULTATION.id, r, None, Progress(), NOW)

        stored_of[user_id] = await db.transaction(start)
        held[user_id] = Progress()
    for _ in range(people * 4):  # steps in any order: answering, changing, Back, finishing
        user_id = rng.randint(1, people)
        before = held[user_id]
        answers = dict(before.answers)
        step = rng.random()
        if step < 0.6:
            answers.update(_random_answers(rng))
        elif step < 0.75 and answers:
            del answers[rng.choice(sorted(answers))]  # Back past a question whose answer a change hid
        after = Progress(answers, None, before.submitted or step > 0.75)
        stored = repos.StoredResponse(stored_of[user_id].id, before)
        await db.transaction(lambda c, s=stored, a=after: repos.save_progress(c, s, a, NOW))
        held[user_id] = after
    return held


@pytest.mark.parametrize("seed", range(6))
async def test_grouped_counts_agree_with_counting_every_answer(tmp_path, seed: int) -> None:
    rng = random.Random(seed)
    db = await Database.open(tmp_path / "counts.sqlite3")
    await migrate(db)
    held = await _play(db, rng, people=rng.randint(5, 60))

    erased = rng.sample(sorted(held), len(held) // 5)  # /deleteme
    for user_id in erased:
        respondents = {CONSULTATION.id: pseudonym(KEY, CONSULTATION.id, user_id)}
        await db.transaction(lambda c, u=user_id, r=respondents: repos.erase_person(c, u, r))
        del held[user_id]
    if seed % 2:  # retention: typed answers deleted once their time is up
        await db.transaction(lambda c: lifecycle_repo.delete_answers(c, CONSULTATION.id, TYPED))
        held = {
            u: Progress({q: a for q, a in p.answers.items() if q not in TYPED}, None, p.submitted)
            for u, p in held.items()
        }

    grouped = await db.read(lambda c: results_repo.tallies(c, CONSULTATION.id, CONSULTATION.questions))
    finished = [p for p in held.values() if p.submitted]
    assert finished, "the random run should finish some responses"
    for question in CONSULTATION.questions:
        one_by_one = [(p.answers[question.id], 1) for p in finished if question.id in p.answers]
        expected = tally(question, one_by_one)
        if isinstance(question, RankedQuestion):  # a vote's per-option figures are its count's
            expected = dataclasses.replace(expected, placed={}, average_rank={}, borda={})
        assert grouped[question.id] == expected, question.id
    await db.close()


def test_sqlite_trims_exactly_what_python_strips() -> None:
    every = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert every == results_repo.WHITESPACE


# Stored values the bot's own encoder never writes, but a database can hold: other spellings of the
# same JSON, a NUL inside a vote's id (SQLite's JSON functions cut strings there), the "rather not
# say" marker spelt differently, whitespace-only words.
ODD_VALUES = {
    "pick": ['"\\u0072ed"', '"red"', "1", "true", "null"],
    "rate": ["1", "1.0", "true", "4", '"4"'],
    "vote": ['["red\\u0000x"]', '["red", "red"]', '["gone", "blue"]', '"red"', "[]", "[1]"],
    "words": ['"\\u3000"', '"\\u0000rather\\u002dnot-say"', '"\\u0000rather-not-say"', '"hi\\u0000"', "7"],
}


async def test_values_spelt_another_way_are_counted_as_one_by_one(tmp_path) -> None:
    db = await Database.open(tmp_path / "odd.sqlite3")
    await migrate(db)

    def store(c: sqlite3.Connection) -> None:
        for n, row in enumerate(itertools.zip_longest(*ODD_VALUES.values())):
            stored = repos.create_response(c, CONSULTATION.id, f"r{n}", None, Progress(), NOW)
            c.execute("UPDATE responses SET status = 'submitted' WHERE id = ?", (stored.id,))
            for question_id, raw in zip(ODD_VALUES, row, strict=True):
                if raw is not None:
                    c.execute(
                        "INSERT INTO answers (response_id, question_id, value, answered_at)"
                        " VALUES (?, ?, ?, ?)",
                        (stored.id, question_id, raw, NOW.isoformat()),
                    )

    await db.transaction(store)
    grouped = await db.read(lambda c: results_repo.tallies(c, CONSULTATION.id, CONSULTATION.questions))
    for question in CONSULTATION.questions:
        one_by_one = [(Answer(repos.decode_value(raw)), 1) for raw in ODD_VALUES.get(question.id, [])]
        expected = tally(question, one_by_one)
        if isinstance(question, RankedQuestion):
            expected = dataclasses.replace(expected, placed={}, average_rank={}, borda={})
        assert grouped[question.id] == expected, question.id
    await db.close()
