"""When a scheduled summary is due, asked on every day of the week, not only on the slot's own day.

The week used: Monday 12 to Sunday 18 January 2026, in winter, so London is on UTC and no clock
change gets in the way (tests/unit/test_summaries.py covers the clock changes).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.core.schedule import ScheduleError, Slot, latest_due, parse_schedule

LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")


def utc(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, second, tzinfo=UTC)


SATURDAY_NOON = utc(17, 12)


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("mon 09:00", utc(12, 9)),
        ("tue 09:00", utc(13, 9)),
        ("wed 09:00", utc(14, 9)),
        ("thu 16:30", utc(15, 16, 30)),
        ("fri 09:00", utc(16, 9)),
        ("sat 09:00", utc(17, 9)),  # earlier today
        ("sat 12:01", utc(10, 12, 1)),  # not yet today: a week ago
        ("sun 09:00", utc(11, 9)),
        ("daily 13:00", utc(16, 13)),  # not yet today: yesterday
        ("daily 11:59", utc(17, 11, 59)),
    ],
)
def test_asked_on_a_saturday_each_slot_is_its_own_most_recent_day(schedule: str, expected: datetime) -> None:
    assert latest_due(parse_schedule(schedule), LONDON, SATURDAY_NOON) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(12, 12), utc(8, 16, 30)),  # Monday: last Thursday
        (utc(13, 12), utc(8, 16, 30)),
        (utc(14, 12), utc(8, 16, 30)),
        (utc(15, 12), utc(8, 16, 30)),  # Thursday morning: not yet
        (utc(15, 16, 30), utc(15, 16, 30)),  # Thursday at the minute
        (utc(16, 12), utc(15, 16, 30)),
        (utc(17, 12), utc(15, 16, 30)),
        (utc(18, 12), utc(15, 16, 30)),
    ],
)
def test_thursday_afternoon_asked_on_every_day_of_the_week(now: datetime, expected: datetime) -> None:
    assert latest_due(parse_schedule("thu 16:30"), LONDON, now) == expected


def test_the_latest_of_several_slots_wins() -> None:
    slots = parse_schedule("mon 09:00, thu 16:30, sat 08:00")
    assert latest_due(slots, LONDON, SATURDAY_NOON) == utc(17, 8)
    assert latest_due(slots, LONDON, utc(17, 7, 59)) == utc(15, 16, 30)
    assert latest_due(slots, LONDON, utc(15, 16, 29)) == utc(12, 9)


def test_the_day_is_the_teams_day_not_utcs() -> None:
    # Saturday 20:00 UTC is Sunday 09:00 in Auckland (UTC+13 in January).
    now = utc(17, 20)
    assert latest_due(parse_schedule("sun 08:00"), AUCKLAND, now) == utc(17, 19)
    assert latest_due(parse_schedule("sat 08:00"), AUCKLAND, now) == utc(16, 19)
    assert latest_due(parse_schedule("sat 08:00"), AUCKLAND, now).tzinfo is not None


def test_the_last_minute_of_the_day_and_of_the_hour() -> None:
    assert parse_schedule("sun 23:59") == (Slot(6, time(23, 59)),)
    assert parse_schedule("daily 0:00") == (Slot(None, time(0, 0)),)
    assert parse_schedule("fri 23:00, tue 10:59") == (Slot(4, time(23, 0)), Slot(1, time(10, 59)))
    midnight_minus_one = parse_schedule("daily 23:59")
    assert latest_due(midnight_minus_one, LONDON, utc(17, 23, 59)) == utc(17, 23, 59)
    assert latest_due(midnight_minus_one, LONDON, utc(17, 23, 58, 59)) == utc(16, 23, 59)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mon 24:00", "'mon 24:00' is not a time of day"),
        ("mon 23:60", "'mon 23:60' is not a time of day"),
        ("mon 99:99", "'mon 99:99' is not a time of day"),
        (
            "someday 09:00",
            "'someday 09:00' should look like 'mon 09:00' (a day of mon..sun or daily, then HH:MM)",
        ),
        ("abc 09:00", "'abc 09:00' should look like 'mon 09:00'"),
        ("mon 9:5", "'mon 9:5' should look like"),
    ],
)
def test_impossible_times_and_unknown_days_are_named(text: str, message: str) -> None:
    with pytest.raises(ScheduleError) as raised:
        parse_schedule(f"daily 08:00, {text}")
    assert str(raised.value).startswith(message)


def test_no_slots_means_nothing_is_ever_due() -> None:
    assert latest_due((), LONDON, SATURDAY_NOON) is None
    assert latest_due(parse_schedule(" , "), LONDON, SATURDAY_NOON) is None
