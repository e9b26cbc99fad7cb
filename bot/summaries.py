"""Scheduled summaries for the participation team: what is due, exactly once, and what it says.

A summary is due at each moment of SUMMARY_SCHEDULE (in TIMEZONE). It is recorded before sending
and marked sent only after Telegram took it, so a restart never sends one twice and a failed send
is tried again; one missed while the bot was down goes at start-up, marked late.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from sqlite3 import Connection
from zoneinfo import ZoneInfo

from bot.about_you.profiles import Profiles
from bot.about_you.tables import for_consultation as about_you_tables
from bot.charts import ResponseBar, responses_chart
from bot.config import FeedbackTopic
from bot.core.i18n import counted
from bot.core.models import (
    Consultation,
    ImageChoiceQuestion,
    MultiChoiceQuestion,
    ScaleQuestion,
    SingleChoiceQuestion,
    YesNoQuestion,
)
from bot.core.schedule import Slot, latest_due
from bot.core.suppression import MIN_CELL
from bot.core.tallies import QuestionTally
from bot.storage import concerns_repo, ideas_repo, inbox_repo, repos, results_repo, summary_repo
from bot.storage.db import Database
from bot.storage.summary_repo import Marks
from bot.surveys import Catalogue
from bot.votes import VoteResult, count_votes

# A summary sent this long after its moment is marked late.
LATE_AFTER = timedelta(minutes=10)
CHOICE_QUESTIONS_SHOWN = 3
OPTIONS_SHOWN = 2


def _when(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%a %d %b, %H:%M")


def _plain(title: str) -> str:
    """A title without emoji, which the chart's font cannot draw."""
    return "".join(ch for ch in title if ord(ch) < 0x2000).strip() or title


@dataclass(frozen=True)
class Summary:
    text: str
    chart: bytes | None
    marks: Marks


def _short(text: str, limit: int = 45) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


CHOICES = (SingleChoiceQuestion, MultiChoiceQuestion, YesNoQuestion, ImageChoiceQuestion)


def _leading_in_vote(result: VoteResult) -> str:
    count = result.count
    if count.winner is None:
        return "• no votes yet"
    drawn = result.drawn  # a draw, not the votes, picks between these: nobody leads
    who = " and ".join(result.label(c) for c in drawn) if drawn else result.label(count.winner)
    return (
        f"• {'tied now' if drawn else 'leading now'}: {escape(who)} "
        f"(instant-runoff of {counted(count.ballots, 'ballot')}; /results {result.consultation.id})"
    )


def leading(figures: QuestionTally) -> str | None:
    """The leading answers to one choice or scale question, in words (ties in the file's order)."""
    question = figures.question
    if isinstance(question, ScaleQuestion):
        if figures.mean is None:
            return None
        return f"average {figures.mean:.1f} of {question.max} ({figures.answered})"
    if not isinstance(question, CHOICES):
        return None
    labels = {o.id: o.label for o in question.options}
    top = sorted((item for item in figures.counts.items() if item[1]), key=lambda item: -item[1])
    if not top:
        return None
    most = top[0][1]
    tied = [labels[option] for option, n in top if n == most]
    if len(tied) > 1:  # "leading" would pick one of equals by the file's order
        return f"tied: {' and '.join(tied)} ({most} each)"
    return ", ".join(f"{labels[option]} ({n})" for option, n in top[:OPTIONS_SHOWN])


def consultation_lines(
    db: Connection,
    consultation: Consultation,
    since: int | None,
    now: datetime,
    questions_shown: int | None = CHOICE_QUESTIONS_SHOWN,
) -> list[str]:
    """A consultation's figures in a few lines (Telegram HTML): responses (and how many are new
    since the response id `since`, if given), completion, and the leading answers to its choice
    and scale questions among finished responses (as in `/results`)."""
    choice_questions = [q for q in consultation.questions if isinstance(q, (*CHOICES, ScaleQuestion))][
        :questions_shown
    ]
    figures = summary_repo.consultation_figures(db, consultation.id, since or 0)
    tallies = results_repo.tallies(db, consultation.id, choice_questions)
    closes = ""
    if consultation.closes_at is not None and consultation.closes_at > now:
        closes = f", closes in {counted((consultation.closes_at - now).days, 'day')}"
    rate = f"{figures.submitted / figures.total:.0%}" if figures.total else "-"
    counts = f"{figures.total} in all, {figures.submitted} finished ({rate})"
    if since is not None:
        counts = f"{figures.new} new since the last summary; {counts}"
    state = "open" if consultation.is_open(now) else "closed"
    lines = [f"<b>{escape(consultation.title)}</b> ({state}{closes})", f"• {counts}"]
    tops = [(question, leading(tallies[question.id])) for question in choice_questions]
    answered = [f"• {escape(_short(question.text))}: {escape(top)}" for question, top in tops if top]
    if answered:
        lines[-1] += "; answers below from the finished ones"
    return lines + answered


class Summaries:
    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        topics: tuple[FeedbackTopic, ...],
        slots: tuple[Slot, ...],
        tz: ZoneInfo,
        clock: Callable[[], datetime],
        about_you: Profiles | None = None,
        min_cell: int = MIN_CELL,
    ) -> None:
        self.db = db
        self.catalogue = catalogue
        self._about_you = about_you  # for who is least heard, against the cohort
        self._min_cell = min_cell
        self._topics = {t.id: t.label for t in topics}
        self._slots = slots
        self._tz = tz
        self._clock = clock

    async def due(self) -> datetime | None:
        """The scheduled moment whose summary should go now, if it has not gone yet."""
        now = self._clock()
        moment = latest_due(self._slots, self._tz, now)
        if moment is None:
            return None

        def check(db: Connection) -> bool:
            started = repos.database_started(db)
            if summary_repo.is_sent(db, moment) or (started is not None and moment < started):
                return False  # sent already, or due before youthvoice was even set up here
            summary_repo.record_due(db, moment, late=now - moment > LATE_AFTER)
            return True

        return moment if await self.db.transaction(check) else None

    async def compose(self, due_at: datetime | None = None) -> Summary:
        """The summary: Telegram HTML, one line per fact; a chart when it adds something; and the
        marks it has seen."""
        now = self._clock()
        # Read from the catalogue here, on the loop that changes it, not in gather's thread.
        open_now, coming_up = list(self.catalogue.open_now(now)), self._coming_up(now)

        def gather(db: Connection) -> Summary:
            since = summary_repo.last_marks(db)
            lines = [f"📊 <b>youthvoice summary</b>, {_when(now, self._tz)}"]
            if due_at is not None and summary_repo.is_late(db, due_at):
                lines.append(
                    f"⏰ Late: this was due {_when(due_at, self._tz)}, when the bot was not running."
                )
            bars = []
            for consultation in open_now:
                lines += ["", *consultation_lines(db, consultation, since.responses, now)]
                lines += [_leading_in_vote(result) for result in count_votes(db, consultation)]
                heard = about_you_tables(db, consultation, self._about_you, self._min_cell)
                if heard is not None and heard.gap is not None:
                    lines.append(f"• 👥 Least heard so far: {escape(heard.gap)}. Worth reaching out to them.")
                counts = summary_repo.consultation_figures(db, consultation.id, 0)
                bars.append(
                    ResponseBar(_plain(consultation.title), counts.submitted, counts.total - counts.submitted)
                )
            new_feedback, unread = summary_repo.feedback_figures(db, since.feedback)
            by_topic = ", ".join(
                f"{escape(self._topics.get(t, t))} {n}" for t, n in sorted(new_feedback.items())
            )
            lines += [
                "",
                f"💬 <b>Feedback</b>: {sum(new_feedback.values())} new"
                + (f" ({by_topic})" if by_topic else "")
                + f"; {unread} not read yet",
            ]
            ideas_waiting = len(ideas_repo.awaiting_moderation(db))
            if ideas_waiting:
                lines.append(f"💡 <b>Ideas</b>: {ideas_waiting} waiting for a decision (/moderate)")
            raised, waiting = summary_repo.alert_figures(db, since.alerts)
            lines.append(
                f"🚨 <b>Safeguarding</b>: {counted(raised, 'alert')} since the last summary; "
                f"{waiting} not yet taken on by anyone"
            )
            queued, acted, dismissed, undecided = concerns_repo.figures(db, since.concerns)
            lines.append(
                f"🔎 <b>Possible concerns</b>: {queued} since the last summary ({acted} acted on, "
                f"{dismissed} not a concern); {undecided} waiting to be read (/concerns)"
            )
            set_aside = inbox_repo.quarantined(db)
            if set_aside:
                lines.append(
                    f"⚠️ <b>Messages set aside</b>: {set_aside} in the last 7 days could not be handled "
                    "(the bot's log says why)"
                )
            lines += coming_up
            return Summary("\n".join(lines), responses_chart(bars), summary_repo.current_marks(db))

        return await self.db.read_aside(gather)  # over every answer: beside the loop, chart and all

    def _coming_up(self, now: datetime) -> list[str]:
        week = now + timedelta(days=7)
        events = []
        for consultation in self.catalogue.consultations.values():
            if consultation.opens_at and now < consultation.opens_at <= week:
                events.append(
                    f"“{escape(consultation.title)}” opens {_when(consultation.opens_at, self._tz)}"
                )
            if consultation.closes_at and now < consultation.closes_at <= week:
                events.append(
                    f"“{escape(consultation.title)}” closes {_when(consultation.closes_at, self._tz)}"
                )
        return ["", "📅 <b>Next 7 days</b>: " + "; ".join(events)] if events else []

    async def sent(self, due_at: datetime, marks: Marks) -> None:
        now = self._clock()
        await self.db.transaction(lambda db: summary_repo.mark_sent(db, due_at, now, marks))
