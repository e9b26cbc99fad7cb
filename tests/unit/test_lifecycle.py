"""Closing results, reminders and retention, with a clock the test controls."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.core.privacy import pseudonym
from bot.lifecycle import Lifecycle, Retention
from bot.photo_answers import PhotoAnswers
from bot.storage import ideas_repo, lifecycle_repo
from bot.storage.db import Database
from bot.surveys import load
from tests.conftest import E2E_SURVEYS, Clock

KEY = b"k" * 32
LONDON = ZoneInfo("Europe/London")
# Retention here deletes no photo files (none are stored), only their records.
PHOTOS = PhotoAnswers(Path("/nonexistent/photos"), lambda: datetime.now(UTC))


# Typed answers 30 days after closing; the others at their defaults.
POLICY = Retention(
    typed_answers=timedelta(days=30),
    feedback=timedelta(days=365),
    quiet_participant=timedelta(days=365),
    alert_identity=timedelta(days=30),
)


def lifecycle(db: Database, clock: Clock) -> Lifecycle:
    catalogue, _ = load([E2E_SURVEYS])
    return Lifecycle(db, catalogue, KEY, POLICY, LONDON, clock, PHOTOS)


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
    await db.transaction(lambda c: add_response(c, "old-one", 2, "2019-12-01", {"q": '"a"'}))
    await db.transaction(lambda c: c.execute("UPDATE responses SET status = 'submitted' WHERE id = 2"))
    [(consultation, [text])] = await service.closings_due()  # "old-one" closed in 2020 (no vote)
    assert consultation.id == "old-one"
    assert text.startswith("🏁 <b>Final results</b>\n<b>An old consultation</b> (closed)")
    # Like /results, the leading answers are the finished responses' (the unfinished "a" is not counted).
    assert "• 2 in all, 1 finished (50%)" in text and "Too late?: A (1)" in text
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
    service = Lifecycle(db, catalogue, KEY, POLICY, LONDON, clock, PHOTOS)
    await db.transaction(
        lambda c: add_response(c, "pets", 1, "2026-09-30", {"allowed": '"yes"', "names": '"Rex"'})
    )
    assert (await service.apply_retention()).answers == {}  # 29 days after closing
    clock.now = datetime(2026, 10, 31, tzinfo=UTC)
    assert (await service.apply_retention()).answers == {"pets": 1}
    rows = await db.fetch_all("SELECT question_id FROM answers")
    assert [r["question_id"] for r in rows] == ["allowed"]  # choices stay


async def test_retention_keeps_only_approved_ideas_and_not_as_anyone_typed_them(db: Database) -> None:
    catalogue, _ = load([Path(__file__).parents[2] / "surveys"])
    ideas = catalogue.get("service-name-ideas")
    assert ideas is not None
    catalogue.consultations[ideas.id] = ideas.model_copy(
        update={"closes_at": datetime(2026, 10, 1, tzinfo=UTC)}
    )
    service = Lifecycle(db, catalogue, KEY, POLICY, LONDON, Clock(datetime(2026, 10, 31, tzinfo=UTC)), PHOTOS)

    def setup(c: sqlite3.Connection) -> None:
        add_response(c, ideas.id, 1, "2026-09-30", {"name": '["Safe Haven"]', "feel": '"safe"'})
        moment = datetime(2026, 9, 30, tzinfo=UTC)
        sent = [("p1", "Safe Haven"), ("p2", "Base Camp"), ("p3", "The Den"), ("p4", "Safe Place")]
        for respondent, idea in sent:
            ideas_repo.add_submission(
                c, ideas.id, "name", respondent, idea, idea.lower(), (), "2026-09-30", moment
            )
        ideas_repo.set_why(c, ideas.id, "name", "p1", "safe haven", "My nan's house was called that")
        ideas_repo.decide(c, 1, ideas_repo.APPROVED, 7, moment)
        ideas_repo.decide(c, 2, ideas_repo.REJECTED, 7, moment)  # "The Den" still waits
        ideas_repo.decide(c, 4, ideas_repo.MERGED, 7, moment, merged_into=1)

    await db.transaction(setup)
    assert (await service.apply_retention()).answers == {ideas.id: 1}
    assert [r["question_id"] for r in await db.fetch_all("SELECT question_id FROM answers")] == ["feel"]
    # The approved idea stays, an option on the ballot, with its support (the merged one's too);
    # the rejected, the waiting and the merged go, and nobody's own wording or reason stays.
    assert [tuple(r) for r in await db.fetch_all("SELECT label, status FROM ideas")] == [
        ("Safe Haven", ideas_repo.APPROVED)
    ]
    submissions = await db.fetch_all("SELECT idea_id, respondent, wording, why FROM idea_submissions")
    assert sorted(tuple(r) for r in submissions) == [(1, "p1", "", None), (1, "p4", "", None)]
    [idea] = await db.read(lambda c: ideas_repo.approved(c, ideas.id, "name"))
    assert idea.support == 2


async def test_feedback_goes_with_its_status_changes_a_year_after_it_arrived(db: Database) -> None:
    clock = Clock(datetime(2026, 12, 6, 3, 30, tzinfo=UTC))
    service = lifecycle(db, clock)

    def setup(c: sqlite3.Connection) -> None:
        for body, day in (
            ("The hub's wifi keeps dropping", "2025-12-05"),
            ("More board games", "2025-12-06"),
        ):
            item = c.execute(
                "INSERT INTO feedback (topic, body, received_on, public_reply) VALUES ('hub', ?, ?, 'Fixed')",
                (body, day),
            ).lastrowid
            c.execute(
                "INSERT INTO feedback_status_changes VALUES (?, 'done', 42, '2026-01-10T10:00:00+00:00')",
                (item,),
            )

    await db.transaction(setup)
    assert (await service.apply_retention()).feedback == 1  # 366 days old; the other is 365
    assert [r["body"] for r in await db.fetch_all("SELECT body FROM feedback")] == ["More board games"]
    assert len(await db.fetch_all("SELECT * FROM feedback_status_changes")) == 1


async def test_a_quiet_young_person_s_consent_goes_a_year_after_the_month_they_were_last_seen(
    db: Database,
) -> None:
    clock = Clock(datetime(2026, 12, 6, 3, 30, tzinfo=UTC))
    service = lifecycle(db, clock)

    def setup(c: sqlite3.Connection) -> None:
        for user_id, consented, seen in (
            (1, "2024-03-02", "2025-11-01"),  # last seen in November 2025: over a year ago
            (2, "2024-03-02", "2025-12-01"),  # December 2025: maybe 6 December, so not yet
            (3, "2025-10-05T00:00:00+00:00", None),  # agreed, and never came back
            (4, "2026-06-01T00:00:00+00:00", None),
        ):
            c.execute(
                "INSERT INTO participants (user_id, consented_at, privacy_version, last_seen_month)"
                " VALUES (?, ?, 1, ?)",
                (user_id, consented, seen),
            )
        c.execute("INSERT INTO announcements VALUES (1, 'pets', 42, '2025-01-01', NULL, NULL)")
        c.execute("INSERT INTO announcement_sends (announcement_id, user_id) VALUES (1, 1), (1, 2)")
        c.execute(
            "INSERT INTO responses (consultation_id, respondent, user_id, status, started_at, updated_at)"
            " VALUES ('open-day', 'p1', 1, 'submitted', '2025-11-01', '2025-11-01')"
        )

    await db.transaction(setup)
    assert (await service.apply_retention()).participants == 2
    assert [r[0] for r in await db.fetch_all("SELECT user_id FROM participants")] == [2, 4]
    assert [r[0] for r in await db.fetch_all("SELECT user_id FROM announcement_sends")] == [2]
    [response] = await db.fetch_all("SELECT user_id FROM responses")
    assert response["user_id"] is None  # the answers stay, no longer theirs by id

    clock.now = datetime(2027, 1, 1, tzinfo=UTC)  # now December 2025 is over a year ago
    await db.transaction(lambda c: lifecycle_repo.note_seen(c, 4, datetime(2026, 12, 1).date()))
    assert (await service.apply_retention()).participants == 1
    [kept] = await db.fetch_all("SELECT user_id, last_seen_month FROM participants")
    assert tuple(kept) == (4, "2026-12-01")


async def test_who_sent_an_alert_is_cleared_a_month_after_the_team_took_it_on(db: Database) -> None:
    clock = Clock(datetime(2026, 12, 6, 3, 30, tzinfo=UTC))
    service = lifecycle(db, clock)

    def setup(c: sqlite3.Connection) -> None:
        for state, acknowledged in (
            ("acknowledged", "2026-11-06T03:29:59+00:00"),
            ("acknowledged", "2026-11-06T03:30:01+00:00"),
            ("sent", None),
        ):
            c.execute(
                "INSERT INTO safeguarding_alerts (words, category, source, raised_at, user_id, contact_name,"
                " contact_username, wants_contact, state, acknowledged_at)"
                " VALUES ('nobody listens at home', 'neglect', 'message', '2026-11-05', 1001, 'Sam',"
                " 'sam_k', 1, ?, ?)",
                (state, acknowledged),
            )
        # The team messages that showed them go with them.
        c.execute("INSERT INTO alert_posts SELECT id, -100, id FROM safeguarding_alerts")

    await db.transaction(setup)
    assert (await service.apply_retention()).alert_identities == 1
    assert [tuple(r) for r in await db.fetch_all("SELECT alert_id FROM alert_posts ORDER BY alert_id")] == [
        (2,),
        (3,),
    ]
    stored = await db.fetch_all(
        "SELECT user_id, contact_name, contact_username, words, category FROM safeguarding_alerts ORDER BY id"
    )
    assert [tuple(r) for r in stored] == [
        (None, None, None, "nobody listens at home", "neglect"),  # the words stay for the record
        (1001, "Sam", "sam_k", "nobody listens at home", "neglect"),
        (1001, "Sam", "sam_k", "nobody listens at home", "neglect"),
    ]
