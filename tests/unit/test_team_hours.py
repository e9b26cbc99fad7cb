"""TEAM_HOURS: reading it, whether the team is in, when they are next in, and what young people
are told about it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core import i18n, texts
from bot.safeguarding.team_hours import TeamHours

LONDON = ZoneInfo("Europe/London")
OFFICE = TeamHours.parse("Mon-Fri 09:00-17:00")
# The week of Monday 7 December 2026 (GMT, so London time is UTC).
MON, TUE, FRI, SAT, SUN = 7, 8, 11, 12, 13


def at(day: int, hour: int, minute: int = 0, month: int = 12, tz: ZoneInfo = LONDON) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=tz)


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("Mon-Fri 09:00-17:00", "Mon–Fri 9:00–17:00"),
        ("mon-thu 09:00-17:00, FRI 09:00-16:30", "Mon–Thu 9:00–17:00, Fri 9:00–16:30"),
        ("Monday - Friday 9:00 – 17:00", "Mon–Fri 9:00–17:00"),
        ("Mon-Fri 09:00-12:00, Mon-Fri 13:00-17:00", "Mon–Fri 9:00–12:00, 13:00–17:00"),
        ("Mon-Fri 09:00-13:00, Mon-Fri 12:00-17:00", "Mon–Fri 9:00–17:00"),  # overlaps merge
        ("Sat 10:00-14:00", "Sat 10:00–14:00"),
        ("daily 08:00-20:00", "Mon–Sun 8:00–20:00"),
        ("Fri-Mon 10:00-12:00", "Mon 10:00–12:00, Fri–Sun 10:00–12:00"),  # wraps past Sunday
        ("Mon-Sun 00:00-24:00", "Mon–Sun 0:00–24:00"),
        ("Always", "Mon–Sun 0:00–24:00"),
        ("Mon-Fri 09:00-17:00,", "Mon–Fri 9:00–17:00"),  # a stray comma is harmless
    ],
)
def test_readable_hours(text: str, described: str) -> None:
    assert TeamHours.parse(text).describe() == described


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is empty: say when the team reads alerts"),
        (" , ", "is empty"),
        ("Mon-Fri 9-5", "'Mon-Fri 9-5' should be days then opening and closing times"),
        ("09:00-17:00", "'09:00-17:00' should be days then opening and closing times"),
        ("Mon-Fry 09:00-17:00", "'fry' in 'Mon-Fry 09:00-17:00' is not a day; use Mon, Tue"),
        ("Mo 09:00-17:00", "'mo' in 'Mo 09:00-17:00' is not a day"),
        ("Mon 17:00-09:00", "'Mon 17:00-09:00' closes before it opens; split hours past midnight"),
        ("Mon 09:00-09:00", "'Mon 09:00-09:00' closes before it opens"),
        ("Mon 09:00-25:00", "'25:00' in 'Mon 09:00-25:00' is not a time of day (00:00 to 24:00)"),
        ("Mon 09:60-17:00", "'09:60' in 'Mon 09:60-17:00' is not a time of day"),
        ("Mon 24:00-24:00", "'Mon 24:00-24:00' closes before it opens"),
        ("never", "'never' should be days then opening and closing times"),
    ],
)
def test_unreadable_hours_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(reason)):
        TeamHours.parse(text)


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="'Mars/Base' is not a known time zone"):
        TeamHours.parse("Mon-Fri 09:00-17:00", "Mars/Base")


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (at(MON, 8, 59), False),
        (at(MON, 9, 0), True),
        (at(MON, 16, 59), True),
        (at(MON, 17, 0), False),
        (at(FRI, 12), True),
        (at(SAT, 12), False),
        (at(SUN, 12), False),
        (at(TUE, 0), False),
        (datetime(2026, 12, 7, 16, 59, 59, 999999, tzinfo=LONDON), True),
        (datetime(2026, 12, 7, 10, 0), True),  # a naive moment is the team's own time
    ],
)
def test_open_from_opening_time_until_closing_time(moment: datetime, is_open: bool) -> None:
    assert OFFICE.is_open(moment) is is_open


def test_hours_are_the_team_s_wall_clock_in_summer_and_elsewhere() -> None:
    summer_8_30_utc = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)  # Wednesday, 9:30 in London (BST)
    assert OFFICE.is_open(summer_8_30_utc)
    assert not OFFICE.is_open(datetime(2026, 12, 9, 8, 30, tzinfo=UTC))  # 8:30 in London (GMT)
    new_york = TeamHours.parse("Mon-Fri 09:00-17:00", "America/New_York")
    assert not new_york.is_open(datetime(2026, 12, 9, 12, 0, tzinfo=UTC))  # 7:00 there
    assert new_york.is_open(datetime(2026, 12, 9, 15, 0, tzinfo=UTC))  # 10:00 there
    assert new_york.next_open(datetime(2026, 12, 9, 12, 0, tzinfo=UTC)) == datetime(
        2026, 12, 9, 9, 0, tzinfo=ZoneInfo("America/New_York")
    )


@pytest.mark.parametrize(
    ("moment", "opens"),
    [
        (at(FRI, 17, 0), at(MON + 7, 9)),  # closing time on Friday: after the weekend
        (at(SAT, 12), at(MON + 7, 9)),
        (at(SUN, 23, 59), at(MON + 7, 9)),
        (at(TUE, 7, 30), at(TUE, 9)),  # early: later today
        (at(TUE, 18), at(TUE + 1, 9)),  # evening: tomorrow
        (at(TUE, 10), at(TUE, 10)),  # in now
    ],
)
def test_next_open(moment: datetime, opens: datetime) -> None:
    found = OFFICE.next_open(moment)
    assert found == opens and found.tzinfo == LONDON


def test_next_open_across_a_weekend_and_the_clock_change() -> None:
    # Friday 27 March 2026, 18:00 GMT; the clocks go forward on Sunday 29 March.
    opens = OFFICE.next_open(datetime(2026, 3, 27, 18, 0, tzinfo=UTC))
    assert opens == datetime(2026, 3, 30, 9, 0, tzinfo=LONDON)
    assert opens.astimezone(UTC) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 9:00 BST


def test_split_days_and_always() -> None:
    hours = TeamHours.parse("Mon-Thu 09:00-17:00, Fri 09:00-16:30")
    assert hours.is_open(at(FRI, 16, 29)) and not hours.is_open(at(FRI, 16, 30))
    assert hours.is_open(at(TUE, 16, 45))
    always = TeamHours.parse("always")
    assert always.always and not OFFICE.always
    assert always.is_open(at(SUN, 3)) and always.next_open(at(SUN, 3)) == at(SUN, 3)
    assert TeamHours.parse("Mon-Sun 00:00-24:00") == always
    assert always.is_open(at(SAT, 23, 59)) and always.is_open(at(SUN, 0, 0))


def test_what_young_people_are_told_about_when() -> None:
    assert texts.team_sees(at(TUE, 10), OFFICE.next_open(at(TUE, 10))) == "soon"
    assert texts.team_sees(at(TUE, 7), OFFICE.next_open(at(TUE, 7))) == "today after 9:00"
    assert texts.team_sees(at(TUE, 18), OFFICE.next_open(at(TUE, 18))) == "tomorrow after 9:00"
    assert texts.team_sees(at(FRI, 17), OFFICE.next_open(at(FRI, 17))) == "on Monday after 9:00"
    utc_friday_evening = datetime(2026, 12, 11, 23, 30, tzinfo=UTC)
    assert texts.team_sees(utc_friday_evening, OFFICE.next_open(utc_friday_evening)) == (
        "on Monday after 9:00"
    )
    split = TeamHours.parse("Mon-Thu 09:00-17:00, Fri 10:30-16:30")
    assert texts.team_sees(at(TUE + 2, 18), split.next_open(at(TUE + 2, 18))) == "tomorrow after 10:30"
    with i18n.speaking("ar"):
        assert texts.team_sees(at(SAT, 12), OFFICE.next_open(at(SAT, 12))) == (
            f"يوم {i18n.FIRST_STRONG_ISOLATE}الاثنين{i18n.POP_DIRECTIONAL_ISOLATE} بعد الساعة "
            f"{i18n.FIRST_STRONG_ISOLATE}9:00{i18n.POP_DIRECTIONAL_ISOLATE}"
        )
        assert OFFICE.describe(texts.short_days()) == "الاثنين–الجمعة 9:00–17:00"
