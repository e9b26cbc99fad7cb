"""`/export`: a consultation's responses as CSV and XLSX for workers (one row per response, its
pseudonymous key, one column per question, answers in words), and the officers' tables of totals
with every count protected. Both are written a row at a time into a file, so a consultation's size
never decides how much memory an export takes."""

from __future__ import annotations

import csv
import io
import itertools
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from html import escape
from typing import BinaryIO

from bot.core import texts
from bot.core.engine import describe_answer
from bot.core.models import (
    Consultation,
    MultiChoiceQuestion,
    OrderingQuestion,
    PickOneQuestion,
    Question,
    RankedQuestion,
    ScaleQuestion,
)
from bot.core.suppression import Table as ProtectedTable
from bot.core.suppression import band, protect, protect_each
from bot.core.tallies import QuestionTally, point_name
from bot.storage import exports_repo
from bot.storage.exports_repo import ExportedResponse
from bot.votes import VoteResult, cell_name, enough_took_part

Table = tuple[list[str], list[list[str]]]  # (header, rows)
SKIPPED = texts.SKIPPED
DECLINED_WORDS = texts.RATHER_NOT_SAID
TOO_FEW = "too few took part to name it safely"
NO_CHOICE_WORDS = "no choice"
EITHER_WORDS = "{first} or {second}"
REACHED = "everyone who reached it"
ONLY_SOME = "asked only after a certain answer: see the team's results"
KEY_SHOWN = 16  # hex characters of the pseudonym: plenty to tell responses apart
WIDTH_FROM_ROWS = 200  # an XLSX's column widths are decided from the header and this many rows
# A cell starting with one of these is run as a formula by spreadsheet programs: young people's
# words must never be (CSV/formula injection), so such cells get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_responses_csv(db: sqlite3.Connection, consultation: Consultation, out: BinaryIO) -> int:
    """Every response into `out` as CSV; the number of rows written (the header aside)."""
    return write_csv(out, *_responses(db, consultation))


def write_responses_xlsx(db: sqlite3.Connection, consultation: Consultation, out: BinaryIO) -> int:
    """Every response into `out` as XLSX; the number of rows written (the header aside)."""
    return write_xlsx(out, *_responses(db, consultation), sheet="responses")


def _responses(db: sqlite3.Connection, consultation: Consultation) -> tuple[list[str], Iterator[list[str]]]:
    """The header, and a row for each response as it is read."""
    header = ["response", "status", "started on", *(f"{q.id}: {q.text}" for q in consultation.questions)]
    return header, _response_rows(consultation, exports_repo.responses(db, consultation.id))


def _response_rows(consultation: Consultation, responses: Iterable[ExportedResponse]) -> Iterator[list[str]]:
    for response in responses:
        yield [
            response.respondent[:KEY_SHOWN],
            "finished" if response.status == "submitted" else "not finished",
            response.started_on,
            *(
                "" if q.id not in response.answers else describe_answer(q, response.answers[q.id])
                for q in consultation.questions
            ),
        ]


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def write_csv(out: BinaryIO, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """UTF-8 with a byte-order mark, so Excel shows emoji and accents right; the rows written."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text)
        writer.writerow([_safe(c) for c in header])
        written = 0
        for row in rows:
            writer.writerow([_safe(c) for c in row])
            written += 1
    finally:
        text.detach()  # flushed, and `out` left open: it is the caller's
    return written


def write_xlsx(out: BinaryIO, header: Sequence[str], rows: Iterable[Sequence[str]], sheet: str) -> int:
    """openpyxl's write-only mode: each row goes to disk as it comes. `sheet` names the sheet: a
    fixed word, as titles may hold characters Excel refuses there. The rows written."""
    # Imported here: openpyxl costs ~25 MB, paid only when someone exports.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    # A write-only sheet cannot go back, so widths and the frozen header are set before any row,
    # the widths from the header and the first rows.
    remaining = iter(rows)
    first = list(itertools.islice(remaining, WIDTH_FROM_ROWS))
    for number, column in enumerate(zip(header, *first, strict=True), start=1):
        width = max(len(value) for value in column)
        worksheet.column_dimensions[get_column_letter(number)].width = min(max(width + 2, 10), 60)
    worksheet.freeze_panes = "A2"

    def text(value: str) -> Cell:
        cell = WriteOnlyCell(worksheet, ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # text, never a formula or an error code, whatever it starts with
        return cell

    bold = Font(bold=True)
    titles = [text(value) for value in header]
    for cell in titles:
        cell.font = bold
    worksheet.append(titles)
    written = 0
    for row in itertools.chain(first, remaining):
        worksheet.append([text(value) for value in row])
        written += 1
    book.save(out)
    return written


OFFICER_HEADER = ["question", "answer", "count", "percent of everyone asked"]
FOR_WORKERS = "written answers, ideas and photos are for workers only"


def officer_table(
    consultation: Consultation,
    tallies: Mapping[str, QuestionTally],
    votes: Mapping[str, tuple[VoteResult, ProtectedTable]],
    min_cell: int,
) -> Table:
    """Totals an officer may publish from each question's tally (a vote's from its count and its
    protected `vote_table`, by question id), every count through the one small-number protection
    (`bot.core.suppression`: bands of min_cell); no young person's words.

    Questions asked only after a certain answer (`show_if`) are left out: how many reached them
    would be one more table about the answers to the question before. Scale averages too: worked
    out from the true counts, an average can narrow the bands beside it."""
    rows: list[list[str]] = []
    for question in consultation.questions:
        if question.show_if is not None:
            rows.append([question.text, ONLY_SOME, "", ""])
        elif isinstance(question, RankedQuestion) and question.id in votes:
            rows += _vote_rows(question, *votes[question.id], min_cell)
        elif isinstance(question, PickOneQuestion | ScaleQuestion) or (
            isinstance(question, MultiChoiceQuestion) and question.choice_limit == 1
        ):
            rows += _exclusive_rows(question, tallies[question.id], min_cell)
        elif isinstance(question, MultiChoiceQuestion | OrderingQuestion):
            rows += _per_option_rows(question, tallies[question.id], min_cell)
        else:
            rows.append([question.text, FOR_WORKERS, "", ""])
    return OFFICER_HEADER, rows


def answer_counts(question: Question, figures: QuestionTally) -> dict[str, int]:
    if isinstance(question, ScaleQuestion):
        return {point_name(question, p): n for p, n in figures.distribution.items()}
    assert isinstance(question, PickOneQuestion | MultiChoiceQuestion | OrderingQuestion)
    counts = figures.placed if isinstance(question, OrderingQuestion) else figures.counts
    return {o.label: counts.get(o.id, 0) for o in question.options}


def no_answer_counts(question: Question, figures: QuestionTally) -> dict[str, int]:
    """Skipped and "rather not say", each only where the question offers it. Listed where it cannot
    happen, a 0 is known to be 0, and the protection counts on not knowing any category's value. (One
    found anyway, from before the file changed, is listed: rare, and it says only that there was one.)"""
    found = {}
    if question.optional or figures.skipped:
        found[SKIPPED] = figures.skipped
    if question.rather_not_say or figures.declined:
        found[DECLINED_WORDS] = figures.declined
    return found


def _rows(question: Question, table: ProtectedTable, suffix: str = "") -> list[list[str]]:
    return [
        [question.text, f"{label}{suffix}", cell.shown, cell.percent] for label, cell in table.cells.items()
    ]


def _exclusive_rows(question: Question, figures: QuestionTally, min_cell: int) -> list[list[str]]:
    """One answer each (or skipped, or rather not say): the cells add up to who reached it."""
    table = protect({**answer_counts(question, figures), **no_answer_counts(question, figures)}, min_cell)
    return [*_rows(question, table), [question.text, REACHED, table.total.shown, ""]]


def _per_option_rows(question: Question, figures: QuestionTally, min_cell: int) -> list[list[str]]:
    """Who answered, skipped or would rather not say (one group, as they exclude each other); then
    each option out of those who answered (they could pick or place several)."""
    what = " (placed it)" if isinstance(question, OrderingQuestion) else " (picked it)"
    reached = protect({"answered": figures.answered, **no_answer_counts(question, figures)}, min_cell)
    each = protect_each(answer_counts(question, figures), figures.answered, min_cell)
    return [*_rows(question, reached), *_rows(question, each, what)]


def _vote_rows(
    question: RankedQuestion, result: VoteResult, table: ProtectedTable, min_cell: int
) -> list[list[str]]:
    """A vote: first choices (and those who chose none) out of everyone who reached it, and the
    winner once at least min_cell took part."""
    names = {
        key: f"{cell_name(result.question, key, NO_CHOICE_WORDS, EITHER_WORDS)} (first choice)"
        for key in table.cells
    }
    rows = [[question.text, names[key], cell.shown, cell.percent] for key, cell in table.cells.items()]
    rows.append([question.text, REACHED, table.total.shown, ""])
    if not enough_took_part(table, min_cell):
        winner = TOO_FEW
    else:
        winner = result.label(result.count.winner) if result.count.winner else "none"
    rows.append([question.text, "winner (instant-runoff)", winner, ""])
    return rows


def officer_text(title: str, table: Table, min_cell: int) -> str:
    """The officers' table as a message (Telegram HTML), titled, with one line saying what the
    bands mean and why, then question by question."""
    _, rows = table
    few, next_band = band(0, min_cell).shown, band(min_cell, min_cell).shown
    lines = [
        f"📊 <b>{escape(title)}: totals for publishing</b>",
        f"Every count is shown as a range (“{few}”, “{next_band}”…), never exactly, so that nobody "
        "can work out how any one young person answered, even in a small group.",
    ]
    previous = None
    for question, answer, count, percent in rows:
        if question != previous:
            lines += ["", f"<b>{escape(question)}</b>"]
            previous = question
        share = f" ({percent})" if percent and percent != "–" else ""
        lines.append(f"• {escape(answer)}: {escape(count)}{share}" if count else f"• {escape(answer)}")
    return "\n".join(lines)
