"""Votes: a ranked question's options (fixed ones plus shortlisted ideas), ballots (every one kept,
the latest per person counts), closing early, and the count with its plain-words explanation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from sqlite3 import Connection

from bot.about_you.profiles import Profiles
from bot.charts import rounds_chart
from bot.core import irv
from bot.core.engine import Progress, ranking
from bot.core.models import IDEA_OPTION_PREFIX, Consultation, Option, RankedQuestion
from bot.core.privacy import recorded_time
from bot.core.suppression import Table, protect
from bot.storage import ideas_repo, votes_repo
from bot.storage.db import Database
from bot.surveys import Catalogue


def with_ballot_options(db: Connection, consultation: Consultation) -> Consultation:
    """The consultation as a young person sees it now: each ranked question that draws on ideas
    gets the shortlisted ones after its fixed options."""
    if not any(isinstance(q, RankedQuestion) and q.options_from for q in consultation.questions):
        return consultation
    questions = []
    for question in consultation.questions:
        if isinstance(question, RankedQuestion) and question.options_from:
            ideas = ideas_repo.shortlisted(db, consultation.id, question.id)
            options = [Option(id=f"{IDEA_OPTION_PREFIX}{i.id}", label=i.label) for i in ideas]
            question = question.model_copy(update={"options": [*question.options, *options]})
        questions.append(question)
    return consultation.model_copy(update={"questions": questions})


def ballot_ready(consultation: Consultation) -> bool:
    """Every ranked question has at least two options to put in order."""
    return all(len(q.options) >= 2 for q in consultation.questions if isinstance(q, RankedQuestion))


def record_ballots(
    db: Connection, consultation: Consultation, respondent: str, progress: Progress, now: datetime
) -> None:
    """On sending: a new ballot for each ranked question (earlier ones stay, superseded). A skipped
    one is recorded as an empty ballot only if it replaces an earlier vote: changing your mind to
    "none of these" must count too."""
    day = recorded_time(now, anonymous=True).date().isoformat()
    for question in consultation.questions:
        if not isinstance(question, RankedQuestion):
            continue
        order = ranking(progress, question.id)
        if order or votes_repo.has_voted(db, consultation.id, question.id, respondent):
            votes_repo.add_ballot(db, consultation.id, question.id, respondent, order, day)


@dataclass(frozen=True)
class VoteResult:
    consultation: Consultation
    question: RankedQuestion
    count: irv.Count
    ballots_sent: int  # every ballot, changed ones included: the audit trail behind `count`
    drawn: tuple[str, ...] = ()  # who a draw chose among, where it decided the winner (irv.decided_by_draw)

    def label(self, option_id: str) -> str:
        option = self.question.option(option_id)
        return option.label if option else option_id

    @property
    def labels(self) -> dict[str, str]:
        return {o.id: o.label for o in self.question.options}


class Votes:
    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        clock: Callable[[], datetime],
        min_cell: int,
        about_you: Profiles | None = None,
    ) -> None:
        self.db = db
        self.catalogue = catalogue
        self.clock = clock
        self.min_cell = min_cell  # the small-number protection's band, for what is published
        self.about_you = about_you  # the "about you" questions and cohort, for what is published

    async def apply_closures(self) -> None:
        """Consultations workers closed early stay closed across restarts."""
        for consultation_id, closed_at in (await self.db.read(votes_repo.closures)).items():
            self.catalogue.close_early(consultation_id, closed_at)

    async def close(self, consultation_id: str, worker_id: int) -> bool:
        """Close it now; False if it was not open."""
        consultation = self.catalogue.find(consultation_id)
        now = self.clock()
        if consultation is None or not consultation.is_open(now):
            return False
        await self.db.transaction(lambda db: votes_repo.close(db, consultation_id, now, worker_id))
        self.catalogue.close_early(consultation_id, now)
        return True


def count_votes(db: Connection, consultation: Consultation) -> list[VoteResult]:
    """The count of each ranked question, from the stored ballots."""
    live = with_ballot_options(db, consultation)
    found = []
    for question in live.questions:
        if not isinstance(question, RankedQuestion):
            continue
        ballots = votes_repo.latest_ballots(db, live.id, question.id)
        options = [o.id for o in question.options]
        count = irv.count_grouped(ballots, options, irv.seed_for(live.id, question.id))
        drawn = irv.decided_by_draw(count, ballots)
        found.append(VoteResult(live, question, count, votes_repo.ballots_cast(db, live.id), drawn))
    return found


NO_MORE_CHOICES = "no more choices"


def _rounds_table(result: VoteResult) -> str:
    """Each round's totals, one column per round, as monospaced text."""
    rounds = result.count.rounds
    width = max((len(result.label(c)) for c in result.count.candidates), default=0)
    width = max(min(width, 24), len(NO_MORE_CHOICES))
    header = "".ljust(width) + "".join(f"  R{r.number:<3}" for r in rounds)
    lines = [header]
    for candidate in result.count.candidates:
        cells = "".join(f"  {r.totals[candidate]:<4}" if candidate in r.totals else "  –   " for r in rounds)
        lines.append(result.label(candidate)[:width].ljust(width) + cells)
    lines.append(NO_MORE_CHOICES.ljust(width) + "".join(f"  {r.exhausted:<4}" for r in rounds))
    return "\n".join(lines)


# Fewer voters than this and a few changed minds could change the winner: the headline says so.
LOW_TURNOUT = 10


def _winner_line(result: VoteResult, now: datetime) -> str:
    """The headline (HTML) with its caveat: a winner a draw picked says so, and while the vote is
    open it is only who leads, or who is tied."""
    count = result.count
    still_open = result.consultation.is_open(now)
    if count.winner is None:
        return f"🏆 <b>No winner{' yet' if still_open else ''}</b>"
    winner = escape(result.label(count.winner))
    drawn = result.drawn
    between = " and ".join(escape(result.label(c)) for c in drawn)
    if still_open:
        if drawn:
            return f"🏆 <b>Tied now between {between}</b> (if it closed now, a draw would pick {winner})"
        return f"🏆 <b>Leading now: {winner}</b> (it is still open)"
    if drawn:
        return f"🏆 <b>Winner by a draw between {between} (seed {escape(count.seed)}): {winner}</b>"
    return f"🏆 <b>Winner: {winner}</b>"


def _turnout_line(result: VoteResult) -> str:
    ballots = result.count.ballots
    line = f"Turnout: {ballots} young people (ballots sent, changes included: {result.ballots_sent})"
    if 0 < ballots < LOW_TURNOUT:
        who = "young person" if ballots == 1 else "young people"
        line += f"\n⚠️ Only {ballots} {who} voted: a few changed minds could change the result."
    return line


def team_result_sections(result: VoteResult, now: datetime) -> list[str]:
    """For workers (HTML), in sections each sent as its own message(s), so the rounds table never
    straddles two: turnout, first preferences and the winner; the rounds; why, in plain words."""
    count = result.count
    title = escape(result.consultation.title)
    firsts = "\n".join(
        f"• {escape(result.label(c))}: {n}"
        for c, n in sorted(count.first_preferences.items(), key=lambda item: -item[1])
    )
    summary = [
        f"🗳️ <b>{title}</b>: {escape(result.question.text)}",
        _turnout_line(result),
        _winner_line(result, now),
        "",
        "<b>First preferences</b>",
        firsts or "none yet",
    ]
    rounds = f"<b>Instant-runoff rounds</b>\n<pre>{escape(_rounds_table(result))}</pre>"
    explanation = [
        *(escape(line) for line in irv.explain(count, result.labels)),
        "",
        f"<i>Ties are broken by earlier rounds, then a draw with seed {escape(count.seed)}: "
        "the same ballots always give the same result.</i>",
    ]
    return ["\n".join(summary), rounds, "\n".join(explanation)]


# Finished without putting any option first (an empty ballot, or none): not an option id (no "_").
NO_CHOICE = "_none"


def vote_table(result: VoteResult, reached: int, min_cell: int) -> Table:
    """A vote as anyone outside the team sees it: each option's first choices and those who chose
    none, out of everyone who reached the question, through the one small-number protection. Keyed
    by option id ("a b" for two shown as one). Every ballot counts once: changed ones by their latest."""
    firsts = {o.id: result.count.first_preferences.get(o.id, 0) for o in result.question.options}
    none = max(reached - sum(firsts.values()), 0)
    # Only a vote that can be skipped has "no choice": listed on one that cannot, its 0 would be known.
    if result.question.optional or none:
        firsts[NO_CHOICE] = none
    return protect(firsts, min_cell, joined="{} {}")


def cell_name(question: RankedQuestion, key: str, no_choice: str, either: str) -> str:
    """A cell's key from `vote_table` in words: an option's label, or two shown as one (`either`
    has {first} and {second}); the reader's wording is the caller's."""
    names = []
    for part in key.split(" "):
        option = question.option(part)
        names.append(no_choice if part == NO_CHOICE else option.label if option else part)
    return either.format(first=names[0], second=names[1]) if len(names) == 2 else names[0]


def enough_took_part(table: Table, min_cell: int) -> bool:
    """Whether the winner may be named outside the team: with fewer than min_cell taking part, the
    winner alone could say how they voted."""
    return table.total.low >= min_cell


def result_chart(result: VoteResult) -> bytes:
    """For workers: the count as bars per round, labelled as young people saw the options."""
    labels = [result.label(c) for c in result.count.candidates]
    rounds = [{result.label(c): n for c, n in r.totals.items()} for r in result.count.rounds]
    return rounds_chart(result.consultation.title, labels, rounds)
