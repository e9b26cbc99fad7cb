"""Closing results, reminders and retention, with a clock the test controls."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.core.privacy import pseudonym
from bot.lifecycle import Lifecycle
from bot.photo_answers import PhotoAnswers
from bot.storage import ideas_repo
from bot.storage.db import Database
from bot.surveys import load
from tests.conftest import E2E_SURVEYS, Clock

KEY = b"k" * 32
LONDON = ZoneInfo("Europe/London")
# Retention here deletes no photo files (none are stored), only their records.
PHOTOS = PhotoAnswers(Path("/nonexistent/photos"), lambda: datetime.now(UTC))


def lifecycle(db: Database, clock: Clock, retention_days: int = 30) -> Lifecycle:
    catalogue, _ = load([E2E_SURVEYS])
    return Lifecycle(db, catalogue, KEY, retention_days, LONDON, clock, PHOTOS)


def add_response(
    db: sqlite3.Connection, consultation: str, user_id: int, updated: str, answers: dict[str, str]
) -> None:
    cursor = db.execute(
        "INSERT INTO responses (consultation_id, respondent, position, status, started_at, updated_at)"
        " VALUES (?, ?, 'q', 'in_progress', ?, ?)",
        (consultation, pseudonym(KEY, consultation, user_id), updated, updated),
    )
    for question, value in answers.items():
        db.execute(
            "INSERT INTO answers (response_id, question_id, value, answered_at) VALUES (?, ?, ?, ?)",
            (cursor.lastrowid, question, value, updated),
        )


async def test_final_results_are_due_once_a_consultation_has_closed(db: Database) -> None:
    service = lifecycle(db, Clock(datetime(2026, 11, 25, 12, tzinfo=UTC)))
    await db.transaction(lambda c: add_response(c, "old-one", 1, "2019-12-01", {"q": '"a"'}))
    assert await service.closings_due() == []  # it closed before this database was set up
    await db.transaction(
        lambda c: c.execute("UPDATE schema_migrations SET applied_at = '2019-01-01T00:00:00+00:00'")
    )
    [(consultation, [text])] = await service.closings_due()  # "old-one" closed in 2020 (no vote)
    assert consultation.id == "old-one"
    assert text.startswith("🏁 <b>Final results</b>\n<b>An old consultation</b> (closed)")
    assert "• 1 in all, 0 finished (0%)" in text and "Too late?: A (1)" in text
    await service.closing_posted("old-one")
    assert await service.closings_due() == []


async def test_one_reminder_after_two_days_to_those_who_asked_never_at_night(db: Database) -> None:
    def setup(c: sqlite3.Connection) -> None:
        for user_id, wants in ((1, 1), (2, 0), (3, 1)):
            c.execute(
                "INSERT INTO participants (user_id, consented_at, privacy_version, wants_updates)"
                " VALUES (?, '2026-11-01', 1, ?)",
                (user_id, wants),
            )
        add_response(c, "pets", 1, "2026-11-22T00:00:00+00:00", {})  # three days ago: due
        add_response(c, "pets", 2, "2026-11-22T00:00:00+00:00", {})  # did not ask for messages
        add_response(c, "pets", 3, "2026-11-25T00:00:00+00:00", {})  # the day before: not yet

    await db.transaction(setup)
    clock = Clock(datetime(2026, 11, 25, 21, 30, tzinfo=UTC))  # 21:30 in London: quiet
    service = lifecycle(db, clock)
    assert await service.reminders_due() == []
    clock.now = datetime(2026, 11, 26, 7, 59, tzinfo=UTC)
    assert await service.reminders_due() == []
    clock.now = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    due = await service.reminders_due()
    assert [(r.user_id, r.consultation.id) for r in due] == [(1, "pets")]
    await service.reminded(due[0])
    assert await service.reminders_due() == []  # at most once
    clock.now = datetime(2026, 11, 27, 10, tzinfo=UTC)
    assert await service.reminders_due() == []  # only the day is known: it may have been 23:59
    clock.now = datetime(2026, 11, 28, 8, tzinfo=UTC)
    assert [r.user_id for r in await service.reminders_due()] == [3]


async def test_named_responses_wait_48_real_hours_and_quiet_hours_follow_summer_time(db: Database) -> None:
    def setup(c: sqlite3.Connection) -> None:
        c.execute(
            "INSERT INTO participants (user_id, consented_at, privacy_version, wants_updates)"
            " VALUES (1, '2026-07-01', 1, 1)"
        )
        add_response(c, "pets", 1, "2026-07-10T23:59:00+00:00", {})

    await db.transaction(setup)
    clock = Clock(datetime(2026, 7, 12, 23, 58, tzinfo=UTC))  # 47h59m later, and night anyway
    service = lifecycle(db, clock)
    clock.now = datetime(2026, 7, 13, 6, 59, tzinfo=UTC)  # 07:59 BST: still quiet in summer
    assert await service.reminders_due() == []
    clock.now = datetime(2026, 7, 13, 7, 0, tzinfo=UTC)  # 08:00 BST
    assert [r.user_id for r in await service.reminders_due()] == [1]


async def test_retention_deletes_typed_answers_only_after_the_period(db: Database) -> None:
    catalogue, _ = load([E2E_SURVEYS])
    pets = catalogue.get("pets")
    assert pets is not None
    closed_pets = pets.model_copy(update={"closes_at": datetime(2026, 10, 1, tzinfo=UTC)})
    catalogue.consultations["pets"] = closed_pets
    clock = Clock(datetime(2026, 10, 30, tzinfo=UTC))
    service = Lifecycle(db, catalogue, KEY, 30, LONDON, clock, PHOTOS)
    await db.transaction(
        lambda c: add_response(c, "pets", 1, "2026-09-30", {"allowed": '"yes"', "names": '"Rex"'})
    )
    assert await service.apply_retention() == {}  # 29 days after closing
    clock.now = datetime(2026, 10, 31, tzinfo=UTC)
    assert await service.apply_retention() == {"pets": 1}
    rows = await db.fetch_all("SELECT question_id FROM answers")
    assert [r["question_id"] for r in rows] == ["allowed"]  # choices stay


async def test_retention_forgets_ideas_as_typed_and_their_reasons_but_keeps_the_ideas(db: Database) -> None:
    catalogue, _ = load([Path(__file__).parents[2] / "surveys"])
    ideas = catalogue.get("service-name-ideas")
    assert ideas is not None
    catalogue.consultations[ideas.id] = ideas.model_copy(
        update={"closes_at": datetime(2026, 10, 1, tzinfo=UTC)}
    )
    service = Lifecycle(db, catalogue, KEY, 30, LONDON, Clock(datetime(2026, 10, 31, tzinfo=UTC)), PHOTOS)

    def setup(c: sqlite3.Connection) -> None:
        add_response(c, ideas.id, 1, "2026-09-30", {"name": '["Safe Haven"]', "feel": '"safe"'})
        moment = datetime(2026, 9, 30, tzinfo=UTC)
        ideas_repo.add_submission(
            c, ideas.id, "name", "p1", "Safe Haven", "safe haven", (), "2026-09-30", moment
        )
        ideas_repo.set_why(c, ideas.id, "name", "p1", "safe haven", "My nan's house was called that")

    await db.transaction(setup)
    assert await service.apply_retention() == {ideas.id: 1}
    assert [r["question_id"] for r in await db.fetch_all("SELECT question_id FROM answers")] == ["feel"]
    [submission] = await db.fetch_all("SELECT wording, why FROM idea_submissions")
    assert (submission["wording"], submission["why"]) == ("", None)
    [idea] = await db.fetch_all("SELECT label FROM ideas")
    assert idea["label"] == "Safe Haven"  # the moderated idea stays, as a count does
