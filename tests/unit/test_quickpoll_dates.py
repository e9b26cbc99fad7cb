"""Reading a quick poll's closing date from a worker's words (`read_closing`): everyday words in the
team's time zone, a day alone closing at 23:59, and a reason in words for a date in the past or
one that cannot be read."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.quickpolls import UNREADABLE, in_words, read_closing

LONDON = ZoneInfo("Europe/London")
MONDAY_10AM = datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)  # GMT
SUMMER_MONDAY_10AM = datetime(2026, 7, 6, 10, 0, tzinfo=LONDON)  # BST, an hour ahead of UTC


@pytest.mark.parametrize(
    ("words", "closes"),
    [
        ("next friday", datetime(2026, 12, 11, 23, 59, tzinfo=LONDON)),
        ("Friday", datetime(2026, 12, 11, 23, 59, tzinfo=LONDON)),
        ("in 2 weeks", datetime(2026, 12, 21, 23, 59, tzinfo=LONDON)),
        ("in 7 days", datetime(2026, 12, 14, 23, 59, tzinfo=LONDON)),
        ("tomorrow", datetime(2026, 12, 8, 23, 59, tzinfo=LONDON)),
        ("today", datetime(2026, 12, 7, 23, 59, tzinfo=LONDON)),
        ("friday 5pm", datetime(2026, 12, 11, 17, 0, tzinfo=LONDON)),
        ("25/12", datetime(2026, 12, 25, 23, 59, tzinfo=LONDON)),
        ("1/2", datetime(2027, 2, 1, 23, 59, tzinfo=LONDON)),  # the day first; February is ahead
        ("1 December", datetime(2027, 12, 1, 23, 59, tzinfo=LONDON)),  # the next one (words say 2027)
        ("2026-12-20 17:00", datetime(2026, 12, 20, 17, 0, tzinfo=LONDON)),
        ("2026-12-31", datetime(2026, 12, 31, 23, 59, tzinfo=LONDON)),
        ("in 3 hours", datetime(2026, 12, 7, 13, 0, tzinfo=LONDON)),
    ],
)
def test_everyday_words_are_read_in_the_teams_time_zone(words: str, closes: datetime) -> None:
    assert read_closing(words, MONDAY_10AM, LONDON) == closes


def test_a_time_in_summer_is_british_summer_time() -> None:
    closes = read_closing("friday 5pm", SUMMER_MONDAY_10AM, LONDON)
    assert closes == datetime(2026, 7, 10, 17, 0, tzinfo=LONDON)
    assert isinstance(closes, datetime) and closes.utcoffset() is not None
    assert closes.utcoffset().total_seconds() == 3600


def test_now_may_come_in_any_time_zone() -> None:
    """The bot's clock is in UTC: 23:30 UTC on a summer Sunday is already Monday in London."""
    sunday_late_utc = datetime(2026, 7, 5, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert read_closing("today", sunday_late_utc, LONDON) == datetime(2026, 7, 6, 23, 59, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        ("2001-01-01", "Monday 1 January 2001 at 23:59 (Europe/London) has passed already."),
        ("today 9am", "Monday 7 December at 09:00 (Europe/London) has passed already."),
        ("whenever", UNREADABLE),
        ("asdf qwerty", UNREADABLE),
        ("", UNREADABLE),
    ],
)
def test_a_past_or_unreadable_date_gets_a_reason(words: str, reason: str) -> None:
    assert read_closing(words, MONDAY_10AM, LONDON) == reason


def test_in_words_names_the_year_only_when_it_is_not_this_one() -> None:
    assert in_words(datetime(2027, 1, 4, 23, 59, tzinfo=LONDON), LONDON, MONDAY_10AM) == (
        "Monday 4 January 2027 at 23:59 (Europe/London)"
    )
    assert in_words(datetime(2026, 12, 11, 17, 0, tzinfo=LONDON), LONDON, MONDAY_10AM) == (
        "Friday 11 December at 17:00 (Europe/London)"
    )
