"""When scheduled summaries are due: "mon 09:00, thu 16:30" in the team's time zone, right across
the clock changes. Pure functions over aware datetimes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SLOT = re.compile(r"^(?P<day>[a-z]{3}|daily)\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})$")


class ScheduleError(ValueError):
    """A schedule that cannot be read; the message says which part and why."""


@dataclass(frozen=True)
class Slot:
    weekday: int | None  # 0 = Monday; None = every day
    at: time


def parse_schedule(text: str) -> tuple[Slot, ...]:
    """`mon 09:00, thu 16:30` or `daily 08:00` -> slots; an empty text means no summaries."""
    slots = []
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        match = _SLOT.match(part)
        if match is None or (match["day"] != "daily" and match["day"] not in DAYS):
            raise ScheduleError(
                f"{part!r} should look like 'mon 09:00' (a day of mon..sun or daily, then HH:MM)"
            )
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour > 23 or minute > 59:
            raise ScheduleError(f"{part!r} is not a time of day")
        weekday = None if match["day"] == "daily" else DAYS.index(match["day"])
        slots.append(Slot(weekday, time(hour, minute)))
    return tuple(slots)


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """That wall-clock time on that day. In the spring gap (01:00-02:00 in London) Python's
    zoneinfo reads it with the offset before the change, i.e. an hour later in real time; in the
    autumn repeat, fold=0 picks the first of the two."""
    return datetime.combine(day, at, tzinfo=tz)


def latest_due(slots: tuple[Slot, ...], tz: ZoneInfo, now: datetime) -> datetime | None:
    """The most recent scheduled moment at or before `now` (aware, in `tz`), or None if none in the
    last eight days (or no slots)."""
    today = now.astimezone(tz).date()
    candidates = [
        _local(today - timedelta(days=back), slot.at, tz)
        for back in range(8)
        for slot in slots
        if slot.weekday is None or slot.weekday == (today - timedelta(days=back)).weekday()
    ]
    past = [moment for moment in candidates if moment <= now]
    return max(past, default=None)
