"""Who took part and breakdowns, as the team's and officers' tables: every figure through the
protection (`breakdowns.py`), in bands of MIN_CELL_SIZE where that is safe; typed answers never appear here.

Read beside the event loop, like the results. Officers get these frozen with the rest of what is
published (`bot.published`); workers get them live.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape
from sqlite3 import Connection

from bot.about_you.breakdowns import NOT_SAID, Reach, breakdown, reach, rows, shown_in_bands_of
from bot.about_you.council import Cohort
from bot.about_you.profiles import Profiles
from bot.about_you.questions import AboutQuestion
from bot.core.models import Consultation, MultiChoiceQuestion, PickOneQuestion, Question, ScaleQuestion
from bot.core.suppression import NO_FIGURE, Cell
from bot.core.tallies import QuestionTally, tally
from bot.exports import answer_counts, no_answer_counts
from bot.storage import results_repo

REACH_HEADER = [
    "about you",
    "group",
    "answered",
    "share of those who answered",
    "share of the service's young people",
]
BREAKDOWN_HEADER = ["about you", "group", "question", "answer", "count", "share of the group"]
DID_NOT_SAY = "did not say"
EVERYONE = "everyone who answered"
IN_GROUP = "everyone in the group"
WITHHELD = (
    "Who took part and answers by group are not shown: in ranges of {min_cell} (MIN_CELL_SIZE), "
    "groups beside the totals could be worked back to exact counts. Ranges of 5, 7, 11 or 13 are safe."
)


@dataclass(frozen=True)
class AboutYouTables:
    reach: list[list[str]]
    breakdowns: list[list[str]]
    gap: str | None  # the group least heard against the cohort, in words; None if none is


def broken_down(consultation: Consultation) -> list[Question]:
    """The questions a breakdown shows: those everyone is asked, answered with buttons (a typed
    answer never appears beside a group; a vote is counted by instant runoff, not by group)."""
    return [
        q
        for q in consultation.questions
        if q.show_if is None and isinstance(q, PickOneQuestion | ScaleQuestion | MultiChoiceQuestion)
    ]


def build(
    db: Connection,
    consultation: Consultation,
    asked: list[AboutQuestion],
    cohort: Cohort | None,
    min_cell: int,
) -> AboutYouTables:
    reach_rows: list[list[str]] = []
    breakdown_rows: list[list[str]] = []
    gaps: list[tuple[int, str]] = []
    questions = broken_down(consultation)
    for about in asked:
        names = {g.id: g.team for g in about.groups} | {NOT_SAID: DID_NOT_SAY}
        sizes = dict.fromkeys(names, 0)
        for group, n in results_repo.about_you_sizes(db, consultation.id, about.field).items():
            sizes[group if group in names else NOT_SAID] += n  # a group since taken out of the file
        shares = cohort.groups.get(about.field) if cohort else None
        found, total = reach(sizes, names, shares, cohort.total if cohort else 1, min_cell)
        reach_rows += [_reach_row(about, r) for r in found]
        reach_rows.append([about.team, EVERYONE, total.shown, "", ""])
        gaps += [(gap, _gap_words(about, r, total)) for r in found if (gap := r.gap(total, min_cell))]
        by_group = results_repo.tallies_by(db, consultation.id, questions, about.field)
        shown = rows(sizes, names, min_cell)
        for question in questions:
            counts = _by_group(question, by_group, names)
            for label, table in breakdown(shown, *counts, min_cell=min_cell):
                breakdown_rows.append([about.team, label, question.text, IN_GROUP, table.total.shown, ""])
                breakdown_rows += [
                    [about.team, label, question.text, k, cell.shown, cell.percent]
                    for k, cell in table.cells.items()
                ]
    gap = max(gaps)[1] if gaps and max(gaps)[0] > 0 else None
    return AboutYouTables(reach_rows, breakdown_rows, gap)


def _by_group(
    question: Question, by_group: dict[str, dict[str, QuestionTally]], names: dict[str, str]
) -> tuple[dict[str, dict[str, int]], dict[str, int] | None]:
    """Each group's counts in the categories of the question's own published table (so the rows
    add up to it), and for a multi choice how many in each group answered (None otherwise)."""
    multi = isinstance(question, MultiChoiceQuestion) and question.choice_limit > 1
    # The categories depend only on the question and whether anyone skipped or would rather not
    # say, which the groups' tallies tell between them: no tally of everyone is needed.
    groups = [tallies[question.id] for tallies in by_group.values()]
    skipped, declined = sum(t.skipped for t in groups), sum(t.declined for t in groups)
    everyone = replace(tally(question, []), skipped=skipped, declined=declined)
    keys = list(answer_counts(question, everyone))
    if not multi:
        keys += list(no_answer_counts(question, everyone))
    counts: dict[str, dict[str, int]] = {}
    answered: dict[str, int] = {}
    for group, tallies in by_group.items():
        key = group if group in names else NOT_SAID  # a group since taken out of the file
        figures = tallies[question.id]
        given = {**answer_counts(question, figures), **no_answer_counts(question, figures)}
        mine = counts.setdefault(key, dict.fromkeys(keys, 0))
        for k in keys:
            mine[k] += given.get(k, 0)
        answered[key] = answered.get(key, 0) + figures.answered
    return counts, answered if multi else None


def for_consultation(
    db: Connection, consultation: Consultation, profiles: Profiles | None, min_cell: int
) -> AboutYouTables | None:
    """The tables for a consultation that asks "about you" questions; None for one that asks none."""
    asked = profiles.used_by(consultation) if profiles else []
    if profiles is None or not asked or not shown_in_bands_of(min_cell):
        return None
    return build(db, consultation, asked, profiles.council.cohort, min_cell)


def withheld(consultation: Consultation, min_cell: int) -> str | None:
    """Why a consultation's "about you" tables are not shown, if they are not: the band is not safe."""
    if consultation.about_you and not shown_in_bands_of(min_cell):
        return WITHHELD.format(min_cell=min_cell)
    return None


def _reach_row(about: AboutQuestion, found: Reach) -> list[str]:
    cohort = f"{found.cohort_share}%" if found.cohort_share is not None else NO_FIGURE
    return [about.team, found.label, found.respondents.shown, found.respondents.percent, cohort]


def _gap_words(about: AboutQuestion, found: Reach, total: Cell) -> str:
    """The group least heard, as the summary says it: shares from the bands only where the bands
    allow one ("about 17%"), the bands themselves otherwise."""
    if found.respondents.percent != NO_FIGURE:
        heard = f"about {found.respondents.percent.removeprefix('about ')} of those who have answered"
    else:
        heard = f"{found.respondents.shown} of the {total.shown} who have answered"
    return f"{found.label} ({about.team}): {found.cohort_share}% of the service's young people, but {heard}"


def reach_text(title: str, reach_rows: list[list[str]]) -> str:
    """Who took part, as a team message (Telegram HTML)."""
    lines = [
        f"👥 <b>{escape(title)}: who took part</b>",
        "Counts are ranges, so nobody can be picked out; shares are worked out from the ranges.",
    ]
    previous = None
    for about, group, count, share, cohort in reach_rows:
        if about != previous:
            lines += ["", f"<b>{escape(about)}</b>"]
            previous = about
        parts = [share] if share and share != NO_FIGURE else []
        parts += [f"{cohort} of the service's young people"] if cohort and cohort != NO_FIGURE else []
        said = f" ({'; '.join(parts)})" if parts else ""
        lines.append(f"• {escape(group)}: {escape(count)}{escape(said)}")
    return "\n".join(lines)


def breakdown_text(
    title: str, breakdown_rows: list[list[str]], min_cell: int, about: str | None = None
) -> str:
    """Breakdowns (of one "about you" question, or all), as a team message (Telegram HTML)."""
    rule = f"A group of fewer than {min_cell} is counted in “everyone else”, never alone; counts are ranges."
    lines = [f"📊 <b>{escape(title)}: answers by group</b>", rule]
    heading = None
    for field_name, group, question, answer, count, share in breakdown_rows:
        if about is not None and field_name != about:
            continue
        if (field_name, question) != heading:
            lines += ["", f"<b>{escape(question)}</b>, by {escape(field_name)}"]
            heading = (field_name, question)
        if answer == IN_GROUP:  # each group's row starts with its name and size
            lines.append(f"<i>{escape(group)}</i> ({escape(count)} in all):")
        else:
            percent = f" ({share})" if share and share != NO_FIGURE else ""
            lines.append(f"  • {escape(answer)}: {escape(count)}{escape(percent)}")
    return "\n".join(lines)
