"""`/quickpoll`: one question with 2 to 10 options and a closing date, made in a short chat with a
worker instead of a YAML file. The poll is kept as YAML in the database and loaded (and checked)
like any consultation file; the half-made poll lives in memory only."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import yaml

from bot import surveys
from bot.core import texts
from bot.core.i18n import LANGUAGES, speaking
from bot.core.models import BUTTON_LABEL_MAX
from bot.definitions import Definitions

OPTIONS_MIN, OPTIONS_MAX = 2, 10
QUESTION_MAX = 300
IN_DAYS = re.compile(r"^in (\d{1,3}) days?$")


@dataclass
class Draft:
    question: str = ""
    options: list[str] = field(default_factory=list)


ASK_QUESTION = "📊 Quick poll. What's the question? (Send /cancel to stop.)"
ASK_OPTIONS = f"Now the answers: send {OPTIONS_MIN} to {OPTIONS_MAX}, one per line, in one message."
ASK_CLOSE = "When should it close? Send a date like 2026-12-31, or 'in 7 days'."


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

    async def answer(self, worker_id: int, text: str) -> str:
        """The worker's next message: the question, the options, or the closing date."""
        draft = self._drafts[worker_id]
        text = text.strip()
        if not draft.question:
            if not text or len(text) > QUESTION_MAX:
                return f"Please send the question in up to {QUESTION_MAX} characters."
            draft.question = text
            return ASK_OPTIONS
        if not draft.options:
            options = [line.strip() for line in text.splitlines() if line.strip()]
            if not OPTIONS_MIN <= len(options) <= OPTIONS_MAX or len(set(options)) != len(options):
                return f"Please send {OPTIONS_MIN} to {OPTIONS_MAX} different answers, one per line."
            too_long = [o for o in options if len(o) > BUTTON_LABEL_MAX]
            if too_long:
                return f"Each answer is a button: keep it to {BUTTON_LABEL_MAX} characters ({too_long[0]!r})."
            draft.options = options
            return ASK_CLOSE
        closes = self._closing(text)
        if closes is None:
            return "I couldn't read that date. " + ASK_CLOSE
        return await self._make(worker_id, draft, closes)

    def _closing(self, text: str) -> datetime | None:
        """A date in the future, ending at 23:59 local time; None if unreadable or past."""
        now = self.clock().astimezone(self.tz)
        match = IN_DAYS.match(text.lower())
        try:
            day = (
                (now + timedelta(days=int(match[1]))).date()
                if match
                else datetime.strptime(text, "%Y-%m-%d").date()
            )
        except ValueError:
            return None
        closes = datetime.combine(day, time(23, 59), tzinfo=self.tz)
        return closes if closes > now else None

    async def _make(self, worker_id: int, draft: Draft, closes: datetime) -> str:
        consultation_id = await self.definitions.next_quick_poll_id()
        definition = yaml.safe_dump(
            {
                "id": consultation_id,
                "title": draft.question
                if len(draft.question) <= BUTTON_LABEL_MAX
                else draft.question[: BUTTON_LABEL_MAX - 1] + "…",
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
