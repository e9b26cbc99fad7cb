"""Scheduled summaries: when they are due (across clock changes), exactly once, late once."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.schedule import ScheduleError, Slot, latest_due, parse_schedule
from bot.storage.db import Database
from bot.storage.migrate import migrate
from bot.summaries import Summaries, leading
from bot.surveys import load
from tests.conftest import E2E_SURVEYS, Clock
from tests.unit.test_tallies import answers, options, question, tally

LONDON = ZoneInfo("Europe/London")


def test_schedules_are_read_and_bad_ones_named() -> None:
    assert parse_schedule("mon 09:00, THU 16:30") == (
        Slot(0, datetime(2000, 1, 1, 9).time()),
        Slot(3, datetime(2000, 1, 1, 16, 30).time()),
    )
    assert parse_schedule("daily 8:05") == (Slot(None, datetime(2000, 1, 1, 8, 5).time()),)
    assert parse_schedule("") == ()
    for bad in ("monday 09:00", "mon 9", "mon 25:00", "xyz 09:00"):
        with pytest.raises(ScheduleError, match=bad.split()[0]):
            parse_schedule(bad)


@pytest.mark.parametrize(
    ("now_utc", "expected_utc"),
    [
        # Winter (GMT): Monday 09:00 London is 09:00 UTC.
        (datetime(2026, 3, 23, 9, 0, tzinfo=UTC), datetime(2026, 3, 23, 9, 0, tzinfo=UTC)),
        (datetime(2026, 3, 23, 8, 59, tzinfo=UTC), datetime(2026, 3, 16, 9, 0, tzinfo=UTC)),
        # The clocks go forward on Sunday 29 March: Monday 09:00 London is now 08:00 UTC.
        (datetime(2026, 3, 30, 8, 0, tzinfo=UTC), datetime(2026, 3, 30, 8, 0, tzinfo=UTC)),
        (datetime(2026, 3, 30, 7, 59, tzinfo=UTC), datetime(2026, 3, 23, 9, 0, tzinfo=UTC)),
        # And back on Sunday 25 October: 09:00 UTC again.
        (datetime(2026, 10, 26, 9, 0, tzinfo=UTC), datetime(2026, 10, 26, 9, 0, tzinfo=UTC)),
        (datetime(2026, 10, 26, 8, 30, tzinfo=UTC), datetime(2026, 10, 19, 8, 0, tzinfo=UTC)),
    ],
)
def test_monday_nine_o_clock_stays_nine_o_clock_in_london_across_clock_changes(
    now_utc: datetime, expected_utc: datetime
) -> None:
    assert latest_due(parse_schedule("mon 09:00"), LONDON, now_utc) == expected_utc


def summaries(db: Database, clock: Clock) -> Summaries:
    catalogue, _ = load([E2E_SURVEYS])
    return Summaries(db, catalogue, (), parse_schedule("mon 09:00"), LONDON, clock)


async def test_a_summary_is_due_once_and_a_restart_does_not_send_it_again(db: Database) -> None:
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    clock = Clock(monday + timedelta(minutes=1))
    first = summaries(db, clock)
    assert await first.due() == monday
    assert await first.due() == monday  # not sent yet (say Telegram refused): still due
    summary = await first.compose(monday)
    text, marks = summary.text, summary.marks
    await first.sent(monday, marks)
    assert "Late" not in text
    assert await first.due() is None
    clock.now += timedelta(hours=1)
    assert await summaries(db, clock).due() is None  # a fresh process on the same database
    clock.now = monday + timedelta(days=7)
    assert await summaries(db, clock).due() == monday + timedelta(days=7)  # next week's


async def test_a_summary_missed_while_down_goes_once_marked_late(db: Database) -> None:
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    clock = Clock(monday + timedelta(hours=5))  # the bot came back at 14:00
    service = summaries(db, clock)
    assert await service.due() == monday
    summary = await service.compose(monday)
    text, marks = summary.text, summary.marks
    assert "⏰ Late: this was due Mon 30 Nov, 09:00" in text
    await service.sent(monday, marks)
    assert await service.due() is None


async def test_new_counts_are_since_the_last_summary_sent(db: Database) -> None:
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    clock = Clock(monday)
    service = summaries(db, clock)

    def add_response(connection: sqlite3.Connection, n: int) -> None:
        connection.execute(
            "INSERT INTO responses (consultation_id, respondent, position, status, started_at, updated_at)"
            " VALUES ('pets', ?, NULL, 'submitted', 'x', 'x')",
            (f"r{n}",),
        )

    await db.transaction(lambda c: [add_response(c, n) for n in range(3)])
    summary = await service.compose(monday)
    text, marks = summary.text, summary.marks
    assert "• 3 new since the last summary; 3 in all, 3 finished (100%)" in text
    await service.due()
    await service.sent(monday, marks)
    await db.transaction(lambda c: add_response(c, 3))
    text = (await service.compose()).text
    assert "• 1 new since the last summary; 4 in all" in text


async def test_moments_before_the_database_was_set_up_are_not_owed(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "fresh.sqlite3")
    try:
        await migrate(database)  # set up now
        clock = Clock(datetime.now(UTC))
        catalogue = load([E2E_SURVEYS])[0]
        service = Summaries(database, catalogue, (), parse_schedule("daily 00:00"), LONDON, clock)
        assert await service.due() is None  # the last midnight came before the set-up
        clock.now += timedelta(days=1)
        assert await service.due() is not None  # the first midnight after it is owed
    finally:
        await database.close()


async def test_a_chart_comes_only_when_there_is_something_to_compare(db: Database) -> None:
    service = summaries(db, Clock(datetime(2026, 11, 30, 9, tzinfo=UTC)))

    def respond(consultation: str, n: int, status: str) -> Callable[[sqlite3.Connection], object]:
        return lambda c: c.execute(
            "INSERT INTO responses (consultation_id, respondent, position, status, started_at, updated_at)"
            " VALUES (?, ?, NULL, ?, 'x', 'x')",
            (consultation, f"{consultation}-{n}", status),
        )

    await db.transaction(respond("pets", 1, "submitted"))
    assert (await service.compose()).chart is None  # one consultation: the text says it all
    await db.transaction(respond("named", 1, "in_progress"))
    chart = (await service.compose()).chart
    assert chart is not None and chart.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_leading_answers_say_tied_when_the_top_ones_are_level() -> None:
    q = question("single_choice", options=options(("a", "Evenings"), ("b", "Weekends"), ("c", "Never")))
    assert leading(tally(q, answers("a", "b", "a", "b", "c"))) == "tied: Evenings and Weekends (2 each)"
    assert leading(tally(q, answers("b", "a", "b"))) == "Weekends (2), Evenings (1)"
    assert leading(tally(q, answers())) is None
