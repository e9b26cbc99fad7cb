"""`/report <id>`: a consultation's results as an A4 PDF for committee papers, drawn with
matplotlib: the council's name, the title and dates, turnout, each question's counts as a chart and
a table, a vote's rounds and its explanation in words, and (for workers only) a few of young
people's own words. The officers' version is built from what is published (`bot.published`): every
count in its band, and no young person's words.

The pages are built from `Section`s, so both versions are drawn by the same code."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from sqlite3 import Connection
from typing import TYPE_CHECKING

from bot.about_you.tables import AboutYouTables
from bot.core import irv
from bot.core.engine import WITH_THE_TEAM
from bot.core.models import (
    Consultation,
    MultiChoiceQuestion,
    OrderingQuestion,
    PickOneQuestion,
    RankedQuestion,
    ScaleQuestion,
    TextQuestion,
)
from bot.core.suppression import NO_FIGURE
from bot.core.tallies import QuestionTally, percent, point_name
from bot.published import Publication
from bot.storage import concerns_repo, results_repo, summary_repo
from bot.votes import count_votes

if TYPE_CHECKING:
    from matplotlib.figure import Figure

A4 = (8.27, 11.69)  # inches
QUOTES_SHOWN = 5  # a few of a question's typed answers, for workers: the rest are in /export
QUOTES_LOOKED_AT = 50  # the newest answers looked at for them (some may not be quoted)
LINE = 96  # characters in a line of body text


@dataclass(frozen=True)
class Section:
    """One page: a heading, a table of (answer, count, share), bars (low, high: one number for an
    exact count, a band's ends for a protected one) and lines of notes under them."""

    heading: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    bars: dict[str, tuple[int, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    council: str
    title: str
    lines: list[str]  # dates, turnout and what the figures are
    sections: list[Section]
    marking: str = ""  # at the top of every page: the team's version says it is not for publishing


REACH_NOTE = (
    "Counts are ranges, so nobody can be picked out; shares of those who answered are worked out from "
    "the ranges. The cohort is the service's young people, as the team gave them."
)
GROUPS_NOTE = (
    "A group too small to show on its own is counted in “everyone else”. Only questions answered "
    "with buttons are shown by group: young people's own words never appear beside a group."
)
TEAM_ONLY = "TEAM ONLY: exact counts and young people's own words. Not for publication."


def _dates(consultation: Consultation) -> str:
    opened = f"{consultation.opens_at:%d %B %Y}" if consultation.opens_at else "when it was launched"
    closes = f"{consultation.closes_at:%d %B %Y}" if consultation.closes_at else "no closing date"
    return f"Open from {opened}; closes {closes}."


def for_workers(
    db: Connection,
    consultation: Consultation,
    council: str,
    now: datetime,
    quotable: Callable[[str], bool],
    about_you: AboutYouTables | None = None,
) -> Report:
    """Everything, exact, with a few quotes: for the team (read beside the loop). A quote must be
    `quotable` (the idea screening: no names, numbers, links or swearing) and not wait in the
    possible-concerns queue."""
    figures = summary_repo.consultation_figures(db, consultation.id, 0)
    asked = [q for q in consultation.questions if not isinstance(q, RankedQuestion)]
    tallies = results_repo.tallies(db, consultation.id, asked)
    sections = [
        _tally_section(
            tallies[q.id], _quotes(db, consultation.id, q.id, quotable) if isinstance(q, TextQuestion) else []
        )
        for q in asked
    ]
    sections += [
        _vote_section(result.question.text, result.count, result.labels)
        for result in count_votes(db, consultation)
    ]
    if about_you is not None:  # protected here too: a group narrows down who answered what
        sections += about_you_sections(about_you.reach, about_you.breakdowns)
    lines = [
        _dates(consultation),
        f"{figures.submitted} finished responses ({figures.total} started), as of {now:%d %B %Y %H:%M}.",
        "Exact counts, for the team: totals for publishing come from the officers' version.",
    ]
    return Report(council, consultation.title, lines, sections, TEAM_ONLY)


def for_officers(consultation: Consultation, published: Publication, council: str, min_cell: int) -> Report:
    """What may be published, as frozen at close: every count in its band of `min_cell`."""
    sections: dict[str, Section] = {}
    for question, answer, count, share in published.rows:
        section = sections.setdefault(question, Section(question))
        section.rows.append((answer, count, share))
        band = _band_ends(count, min_cell)
        if band is not None and not answer.startswith("everyone"):
            section.bars[answer] = band
    lines = [
        _dates(consultation),
        f"Finished responses: {published.finished}.",
        f'Every count is shown as a band of {min_cell} ("fewer than {min_cell}", "{min_cell} to '
        f'{2 * min_cell - 1}"), so no young person can be picked out; shares are worked out from the bands.',
    ]
    about_you = about_you_sections(published.reach, published.breakdowns)
    return Report(council, consultation.title, lines, [*sections.values(), *about_you])


def about_you_sections(reach: list[list[str]], breakdowns: list[list[str]]) -> list[Section]:
    """Who took part against the cohort, then the answers by each "about you" question: every count
    a protected band (`bot.about_you.tables`), in both versions."""
    if not reach:
        return []
    who = Section("Who took part", notes=[REACH_NOTE])
    for about, group, count, share, cohort in reach:
        who.rows.append(
            (f"{about}: {group}", count, f"{share} (cohort {cohort})" if cohort != NO_FIGURE else share)
        )
    sections = [who]
    by_field: dict[str, Section] = {}
    question_shown: set[tuple[str, str]] = set()
    for about, group, question, answer, count, share in breakdowns:
        section = by_field.setdefault(about, Section(f"Answers by {about}", notes=[GROUPS_NOTE]))
        if (about, question) not in question_shown:
            question_shown.add((about, question))
            section.rows.append((question, "", ""))
        section.rows.append((f"  {group}: {answer}", count, share))
    return sections + list(by_field.values())


def _band_ends(shown: str, min_cell: int) -> tuple[int, int] | None:
    """A published band's ends ("fewer than 5" → (0, 4), "5 to 9" → (5, 9)); None for words."""
    if shown.startswith("fewer than"):
        return 0, min_cell - 1
    low, _, high = shown.partition(" to ")
    return (int(low), int(high)) if low.isdigit() and high.isdigit() else None


def _quotes(
    db: Connection, consultation_id: str, question_id: str, quotable: Callable[[str], bool]
) -> list[str]:
    """A few of a question's written answers, the newest that may be quoted: never words with the
    safeguarding team, waiting for a decision there, or that the screening would hold."""
    answers, _ = results_repo.written_answers(db, consultation_id, question_id, 0, QUOTES_LOOKED_AT)
    waiting = concerns_repo.undecided_words(db)
    texts = [a.value for a in answers if isinstance(a.value, str)]
    return [t for t in texts if t != WITH_THE_TEAM and t not in waiting and quotable(t)][:QUOTES_SHOWN]


def _tally_section(tally: QuestionTally, quotes: Sequence[str]) -> Section:
    question = tally.question
    reached = f"{tally.answered} answered"
    if tally.skipped or tally.declined:
        reached += f", {tally.skipped} skipped, {tally.declined} would rather not say"
    section = Section(question.text, notes=[reached])
    counts: dict[str, int] = {}
    if isinstance(question, PickOneQuestion | MultiChoiceQuestion):
        counts = {o.label: tally.counts.get(o.id, 0) for o in question.options}
    elif isinstance(question, ScaleQuestion):
        counts = {point_name(question, p): n for p, n in tally.distribution.items()}
        if tally.mean is not None:
            section.notes.append(f"Average {tally.mean:.1f} on a scale of {question.min} to {question.max}.")
    elif isinstance(question, OrderingQuestion):
        places = sorted(
            question.options, key=lambda o: tally.average_rank.get(o.id) or len(question.options) + 1
        )
        for option in places:
            rank = tally.average_rank.get(option.id)
            shown = f"{rank:.1f}" if rank is not None else "not placed"
            section.rows.append(
                (option.label, f"average place {shown}", f"placed by {tally.placed.get(option.id, 0)}")
            )
        section.notes.append("Average place: 1 means everyone put it first.")
    for label, n in counts.items():
        section.rows.append((label, str(n), percent(n, tally.answered)))
        section.bars[label] = (n, n)
    if isinstance(question, TextQuestion) and quotes:
        section.notes.append("Some of what young people wrote (for the team; the rest is in /export):")
        section.notes.extend(f"“{quote}”" for quote in quotes)
    return section


def _vote_section(text: str, count: irv.Count, labels: dict[str, str]) -> Section:
    section = Section(f"Vote: {text}", notes=irv.explain(count, labels))
    first = count.rounds[0].totals if count.rounds else {}
    for candidate, n in sorted(first.items(), key=lambda item: -item[1]):
        name = labels.get(candidate, candidate)
        section.rows.append((name, str(n), percent(n, count.ballots) + " of first choices"))
        section.bars[name] = (n, n)
    return section


def render(report: Report) -> bytes:
    """The report as a PDF: a title page, then a page per section (chart, table, notes). Drawn in
    the caller's thread (a second or two)."""
    # Imported here, as in bot/charts.py: matplotlib costs memory only once someone asks.
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    out = io.BytesIO()
    with PdfPages(out, metadata={"Title": report.title, "Author": report.council}) as pdf:
        cover = Figure(figsize=A4)
        cover.text(0.08, 0.9, report.council, fontsize=12, color="#444444")
        if report.marking:
            cover.text(0.08, 0.95, report.marking, fontsize=10, weight="bold", color="#b00020")
        cover.text(0.08, 0.84, _wrap(report.title, 40), fontsize=22, weight="bold", va="top")
        cover.text(0.08, 0.7, "\n\n".join(_wrap(line) for line in report.lines), fontsize=11, va="top")
        pdf.savefig(cover)
        for section in report.sections:
            for page in _pages(report, section):
                pdf.savefig(page)
    return out.getvalue()


def _drawable(text: str) -> str:
    """Without emoji, which the PDF's font cannot draw (the words beside them stay)."""
    kept = "".join(
        ch for ch in text if not (ord(ch) >= 0x1F000 or 0x2600 <= ord(ch) <= 0x27BF or ch == "\ufe0f")
    )
    return kept.strip() or text


def _wrap(text: str, width: int = LINE) -> str:
    return "\n".join(textwrap.wrap(_drawable(text), width)) or text


NOTE_LINE = 0.016  # of the page's height, a line of 9-point notes (with some room)
ROW = 0.03  # of the page's height, a row of the table
BARS_MAX = 15  # more bars than this are unreadable in the chart's space: the table alone says it
BOTTOM = 0.05


def _pages(report: Report, section: Section) -> list[Figure]:
    """A section's pages: the chart, the table, then its notes, each carried over to another page
    where it is long (many options, a vote's rounds)."""
    from matplotlib.figure import Figure

    pages: list[Figure] = []

    def new_page() -> float:
        pages.append(Figure(figsize=A4))
        heading = section.heading if len(pages) == 1 else f"{section.heading} (continued)"
        return _head(pages[-1], report, heading)

    top = new_page()
    if 0 < len(section.bars) <= BARS_MAX:
        _chart(pages[-1], section.bars)
        top = 0.55
    rows = [[_wrap(a, 50).split("\n")[0], b, c] for a, b, c in section.rows]  # one line a row
    while rows:
        fits = max(int((top - BOTTOM) / ROW) - 1, 1)  # the header row takes one
        chunk, rows = rows[:fits], rows[fits:]
        height = ROW * (len(chunk) + 1)
        table = pages[-1].add_axes((0.08, top - height, 0.84, height))
        table.axis("off")
        table.table(
            cellText=chunk, colLabels=["answer", "count", "share"], loc="upper center", cellLoc="left"
        )
        top -= height + ROW
        if rows:
            top = new_page()
    lines = [line for note in section.notes for line in _wrap(note).split("\n")]
    while lines:
        if top - BOTTOM < NOTE_LINE:
            top = new_page()
        fits = int((top - BOTTOM) / NOTE_LINE)
        pages[-1].text(0.08, top, "\n".join(lines[:fits]), fontsize=9, va="top")
        lines = lines[fits:]
        top = BOTTOM
    return pages


def _head(page: Figure, report: Report, heading: str) -> float:
    """The running header and the page's heading; where the page's content starts."""
    page.text(0.08, 0.95, _drawable(f"{report.council} · {report.title}"), fontsize=8, color="#666666")
    if report.marking:
        page.text(0.08, 0.975, report.marking, fontsize=9, weight="bold", color="#b00020")
    page.text(0.08, 0.92, _wrap(heading, 70), fontsize=14, weight="bold", va="top")
    return 0.84


def _chart(page: Figure, bars: dict[str, tuple[int, int]]) -> None:
    """Bars of exact counts, or (protected counts) each spanning its band."""
    chart = page.add_axes((0.3, 0.6, 0.62, 0.22))
    labels = list(bars)[::-1]  # the first at the top
    lows = [bars[label][0] for label in labels]
    spans = [bars[label][1] - bars[label][0] for label in labels]
    exact = not any(spans)
    widths = lows if exact else [span + 1 for span in spans]
    names = [_wrap(label, 28) for label in labels]
    chart.barh(names, widths, left=None if exact else lows, color="#3b6ea5")
    chart.set_xlabel("count" if exact else "count (each bar spans its band)")
    chart.spines[["top", "right"]].set_visible(False)
