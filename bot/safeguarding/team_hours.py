"""When the team reads alerts (`TEAM_HOURS`, e.g. "Mon-Fri 09:00-17:00"), so the bot can say
honestly when a young person's message will be seen. Pure: wall-clock hours in the team's time
zone, right across the clock changes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT = "Mon-Fri 09:00-17:00"
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WHOLE_DAY = 24 * 60
_ALIASES = {"weds": 2, "thur": 3, "thurs": 3, "tues": 1}
_EVERY_DAY = {"daily", "every day", "everyday"}
_ALWAYS = {"always", "24/7", "any time", "anytime"}
_PART = re.compile(
    r"^(?P<days>daily|every ?day|[a-z]+(?:\s*[-–]\s*[a-z]+)?)\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*[-–]\s*(?P<end>\d{1,2}:\d{2})$"
)
_EXAMPLE = "e.g. 'Mon-Fri 09:00-17:00' or 'Mon-Thu 09:00-17:00, Fri 09:00-16:30' or 'always'"

Span = tuple[int, int]  # minutes after midnight: opens, closes (up to 24:00)


@dataclass(frozen=True)
class TeamHours:
    """Opening spans for each weekday (0 = Monday), sorted and merged, in `timezone`."""

    days: tuple[tuple[Span, ...], ...]
    timezone: ZoneInfo

    @classmethod
    def parse(cls, text: str, timezone: ZoneInfo | str = "Europe/London") -> TeamHours:
        """Read "Mon-Fri 09:00-17:00", "Mon-Thu 09:00-17:00, Fri 09:00-16:30", "Sat 10:00-14:00",
        "daily 08:00-20:00", "Mon-Sun 00:00-24:00" or "always" (day names in any case, short or
        long). Raises ValueError saying what is wrong."""
        tz = _zone(timezone)
        wanted = " ".join(text.split())
        if not wanted:
            raise ValueError(f"is empty: say when the team reads alerts, {_EXAMPLE}")
        if wanted.lower() in _ALWAYS:
            return cls(tuple(((0, WHOLE_DAY),) for _ in range(7)), tz)
        spans: list[list[Span]] = [[] for _ in range(7)]
        for part in (p.strip() for p in wanted.split(",") if p.strip()):
            match = _PART.match(part.lower())
            if match is None:
                raise ValueError(f"{part!r} should be days then opening and closing times, {_EXAMPLE}")
            opens, closes = _minutes(match["start"], part), _minutes(match["end"], part)
            if opens >= WHOLE_DAY or closes <= opens:
                raise ValueError(
                    f"{part!r} closes before it opens; split hours past midnight in two, "
                    "e.g. 'Fri 22:00-24:00, Sat 00:00-02:00'"
                )
            for day in _days(match["days"], part):
                spans[day].append((opens, closes))
        if not any(spans):
            raise ValueError(f"is empty: say when the team reads alerts, {_EXAMPLE}")
        return cls(tuple(_merged(day) for day in spans), tz)

    @property
    def always(self) -> bool:
        return all(day == ((0, WHOLE_DAY),) for day in self.days)

    def is_open(self, moment: datetime) -> bool:
        """Whether the team is in at `moment` (a naive moment is read as the team's own time)."""
        local = self._local(moment)
        seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        return any(opens * 60 <= seconds < closes * 60 for opens, closes in self.days[local.weekday()])

    def next_open(self, moment: datetime) -> datetime:
        """`moment` itself if the team is in then, else when they next come in (in their time zone)."""
        local = self._local(moment)
        if self.is_open(local):
            return local
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            for opens, _ in self.days[day.weekday()]:
                start = datetime.combine(day, time(opens // 60, opens % 60), tzinfo=self.timezone)
                if _utc(start) > _utc(local):
                    return start
        raise ValueError("no opening hours")  # parse never makes a week without any

    def describe(self, day_names: Sequence[str] = SHORT_DAYS) -> str:
        """Like "Mon-Fri 9:00-17:00" or "Mon-Thu 9:00-17:00, Fri 9:00-16:30", with en dashes (days
        named as given)."""
        groups: list[tuple[int, int]] = []  # first and last weekday with the same hours
        for day, spans in enumerate(self.days):
            if groups and groups[-1][1] == day - 1 and self.days[groups[-1][0]] == spans:
                groups[-1] = (groups[-1][0], day)
            elif spans:
                groups.append((day, day))
        return ", ".join(
            f"{day_names[first]}{'' if first == last else '–' + day_names[last]} "
            + ", ".join(f"{_clock(opens)}–{_clock(closes)}" for opens, closes in self.days[first])
            for first, last in groups
        )

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.timezone)
        return moment.astimezone(self.timezone)


def _zone(timezone: ZoneInfo | str) -> ZoneInfo:
    if isinstance(timezone, ZoneInfo):
        return timezone
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{timezone!r} is not a known time zone, e.g. Europe/London") from None


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo("UTC"))


def _minutes(value: str, part: str) -> int:
    hour, minute = (int(n) for n in value.split(":"))
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise ValueError(f"{value!r} in {part!r} is not a time of day (00:00 to 24:00)")
    return hour * 60 + minute


def _day(name: str, part: str) -> int:
    if name in _ALIASES:
        return _ALIASES[name]
    for number, full in enumerate(DAY_NAMES):
        if len(name) >= 3 and full.startswith(name):
            return number
    raise ValueError(f"{name!r} in {part!r} is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun")


def _days(text: str, part: str) -> list[int]:
    """The weekdays "mon-fri", "sat" or "daily" name; a range may wrap past Sunday ("fri-mon")."""
    if text.replace(" ", "") in {d.replace(" ", "") for d in _EVERY_DAY}:
        return list(range(7))
    names = re.split(r"\s*[-–]\s*", text, maxsplit=1)
    if len(names) == 1:
        return [_day(names[0], part)]
    start, end = _day(names[0], part), _day(names[1], part)
    return [(start + n) % 7 for n in range((end - start) % 7 + 1)]


def _merged(spans: list[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for opens, closes in sorted(spans):
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return tuple(merged)


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"
