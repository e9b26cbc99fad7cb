"""`/quickpoll`: one question with 2 to 10 options and a closing date, made in a short chat with a
worker instead of a YAML file. The poll is kept as YAML in the database and loaded (and checked)
like any consultation file; the half-made poll lives in memory only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

import yaml
from dateparser.date import DateDataParser

from bot import surveys
from bot.core import texts
from bot.core.actions import Action, Kind
from bot.core.i18n import LANGUAGES, speaking
from bot.core.models import BUTTON_LABEL_MAX
from bot.core.screens import Button, Screen
from bot.definitions import Definitions

OPTIONS_MIN, OPTIONS_MAX = 2, 10
QUESTION_MAX = 300
DAY_ENDS = time(23, 59)  # a closing date given without a time closes at the end of that day
CHANGE_DATE = "date"  # the value of "Change the date" (Kind.QUICK_POLL); "Make it" carries the time


@dataclass
class Draft:
    question: str = ""
    title: str = ""  # what young people's list shows: the question itself when it fits on a button
    options: list[str] = field(default_factory=list)
    closes: datetime | None = None  # the closing time last put to the worker, for "Make it"


ASK_QUESTION = "📊 Quick poll. What's the question? (Send /cancel to stop.)"
ASK_TITLE = (
    f"Young people choose a poll from a list of buttons, and a button fits {BUTTON_LABEL_MAX} "
    "characters, so that question is too long to name it there. What short title should the list "
    "show? (The question stays as you wrote it.)"
)
TITLE_TOO_LONG = (
    "That title has {length} characters, but a button fits {limit}. Please send a shorter one "
    "(your question is kept)."
)
ASK_OPTIONS = f"Now the answers: send {OPTIONS_MIN} to {OPTIONS_MAX}, one per line, in one message."
ASK_CLOSE = (
    "When should it close? Send a day like “next friday”, “in 2 weeks” or “25/12” (it closes at "
    "23:59 that day), or a day and time like “friday 5pm”."
)
UNREADABLE = "Sorry, I couldn't read that as a date."
MAKE_IT_BUTTON, CHANGE_DATE_BUTTON = "✅ Make it", "📅 Change the date"
GONE = "That question is out of date (the poll was made or cancelled, or you sent another date)."


def in_words(moment: datetime, tz: ZoneInfo, now: datetime) -> str:
    """A moment as the worker reads it: "Friday 11 December at 23:59 (Europe/London)", with the
    year when it is not this one."""
    moment = moment.astimezone(tz)
    year = f" {moment.year}" if moment.year != now.astimezone(tz).year else ""
    return f"{moment:%A} {moment.day} {moment:%B}{year} at {moment:%H:%M} ({tz.key})"


def read_closing(text: str, now: datetime, tz: ZoneInfo) -> datetime | str:
    """When a poll should close, from the worker's words ("next friday", "in 2 weeks", "friday 5pm",
    "25/12", "2026-12-20 17:00") read in `tz`; or why not, in words for the worker."""
    read = DateDataParser(
        languages=["en"],  # the team's side speaks English; other languages only misread words
        settings={
            "PREFER_DATES_FROM": "future",  # "friday" is the coming one, "25/12" this Christmas
            "DATE_ORDER": "DMY",  # the team writes the day first: 1/2 is the first of February
            "TIMEZONE": tz.key,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),  # read in TIMEZONE
            "RETURN_TIME_AS_PERIOD": True,  # tells "friday 5pm" (period "time") from "friday"
        },
    ).get_date_data(text)
    if read.date_obj is None:
        return UNREADABLE
    moment = read.date_obj.astimezone(tz)
    if read.period == "time":
        closes = moment.replace(second=0, microsecond=0)
    else:  # "in 2 weeks" comes with this moment's time of day: a day is the whole day
        closes = datetime.combine(moment.date(), DAY_ENDS, tzinfo=tz)
    if closes <= now:
        return f"{in_words(closes, tz, now)} has passed already."
    return closes


def _in_every_language(name: str) -> dict[str, str]:
    """One of the bot's sentences in each language, for a poll's YAML (its words are the worker's)."""
    said = {}
    for language in LANGUAGES:
        with speaking(language):
            said[language] = str(getattr(texts, name))
    return said


class QuickPolls:
    def __init__(self, definitions: Definitions, tz: ZoneInfo, clock: Callable[[], datetime]) -> None:
        self.definitions = definitions
        self.tz = tz
        self.clock = clock
        self._drafts: dict[int, Draft] = {}

    def is_making(self, worker_id: int) -> bool:
        return worker_id in self._drafts

    def begin(self, worker_id: int) -> str:
        self._drafts[worker_id] = Draft()
        return ASK_QUESTION

    def cancel(self, worker_id: int) -> str:
        self._drafts.pop(worker_id, None)
        return "OK, no poll was made."

    def answer(self, worker_id: int, text: str) -> Screen:
        """The worker's next message: the question, a short title (if the question is too long to
        be one), the options, or the closing date. A mistake is asked again; nothing before it is lost."""
        draft = self._drafts[worker_id]
        text = text.strip()
        if not draft.question:
            if not text or len(text) > QUESTION_MAX:
                return Screen(f"Please send the question in up to {QUESTION_MAX} characters.")
            draft.question = text
            if len(text) > BUTTON_LABEL_MAX:
                return Screen(ASK_TITLE)
            draft.title = text
            return Screen(ASK_OPTIONS)
        if not draft.title:
            if not text or len(text) > BUTTON_LABEL_MAX:
                return Screen(TITLE_TOO_LONG.format(length=len(text), limit=BUTTON_LABEL_MAX))
            draft.title = text
            return Screen(ASK_OPTIONS)
        if not draft.options:
            options = [line.strip() for line in text.splitlines() if line.strip()]
            if not OPTIONS_MIN <= len(options) <= OPTIONS_MAX or len(set(options)) != len(options):
                return Screen(f"Please send {OPTIONS_MIN} to {OPTIONS_MAX} different answers, one per line.")
            too_long = [o for o in options if len(o) > BUTTON_LABEL_MAX]
            if too_long:
                return Screen(
                    f"Each answer is a button: keep it to {BUTTON_LABEL_MAX} characters ({too_long[0]!r})."
                )
            draft.options = options
            return Screen(ASK_CLOSE)
        now = self.clock()
        closes = read_closing(text, now, self.tz)
        if isinstance(closes, str):
            return Screen(f"{closes} {ASK_CLOSE}")
        draft.closes = closes
        return Screen(
            f"It will close on {in_words(closes, self.tz, now)}. Make the poll?",
            (
                (
                    Button(MAKE_IT_BUTTON, Action(Kind.QUICK_POLL, value=str(int(closes.timestamp())))),
                    Button(CHANGE_DATE_BUTTON, Action(Kind.QUICK_POLL, value=CHANGE_DATE)),
                ),
            ),
        )

    async def make(self, worker_id: int, closes_at: int) -> str | None:
        """The worker tapped "Make it" under a closing date (`closes_at`, Unix seconds): what to tell
        them, or None when that was not the date put to them last."""
        draft = self._drafts.get(worker_id)
        if draft is None or draft.closes is None or int(draft.closes.timestamp()) != closes_at:
            return None
        now = self.clock()
        if draft.closes <= now:  # confirmed too late ("in 2 hours", tapped the next day)
            passed = f"{in_words(draft.closes, self.tz, now)} has passed already."
            draft.closes = None
            return f"{passed} {ASK_CLOSE}"
        return await self._make(worker_id, draft, draft.closes)

    def change_date(self, worker_id: int) -> str | None:
        """The worker tapped "Change the date": it is asked again, the rest kept; None when no date
        waits for them to confirm."""
        draft = self._drafts.get(worker_id)
        if draft is None or draft.closes is None:
            return None
        draft.closes = None
        return ASK_CLOSE

    async def _make(self, worker_id: int, draft: Draft, closes: datetime) -> str:
        consultation_id = await self.definitions.next_quick_poll_id()
        definition = yaml.safe_dump(
            {
                "id": consultation_id,
                "title": draft.title,
                "intro": _in_every_language("QUICK_POLL_INTRO"),
                "anonymous": True,
                "closes_at": closes.isoformat(),
                "questions": [
                    {
                        "id": "q",
                        "type": "single_choice",
                        "text": draft.question,
                        "options": [
                            {"id": f"o{n}", "label": label} for n, label in enumerate(draft.options, 1)
                        ],
                    }
                ],
            },
            allow_unicode=True,
            sort_keys=False,
        )
        source = surveys.Source(f"quick poll {consultation_id}", definition, self.definitions.surveys_dir)
        consultation, problems = surveys.parse(source)
        if consultation is None:
            return "I couldn't make that poll: " + "; ".join(p.reason for p in problems)
        await self.definitions.add_quick_poll(worker_id, consultation, definition)
        del self._drafts[worker_id]
        return (
            f"✅ “{consultation.title}” is open until {closes:%d %b %Y %H:%M}. Id: {consultation_id}. "
            f"Invite young people with /announce {consultation_id} or /poster {consultation_id}."
        )
