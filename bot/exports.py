"""`/export`: a consultation's responses as CSV and XLSX for workers (one row per response, its
pseudonymous key, one column per question, answers in words), and the officers' tables of totals
with every count protected."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from html import escape

from bot.core import texts
from bot.core.engine import Answer, describe_answer
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
from bot.core.suppression import protect, protect_each
from bot.core.tallies import QuestionTally, point_name, tally
from bot.storage.repos import ExportedResponse
from bot.votes import VoteResult, cell_name, enough_took_part, vote_table

Table = tuple[list[str], list[list[str]]]  # (header, rows)
SKIPPED = texts.SKIPPED
DECLINED_WORDS = texts.RATHER_NOT_SAID
TOO_FEW = "too few took part to name it safely"
NO_CHOICE_WORDS = "no choice"
EITHER_WORDS = "{first} or {second}"
REACHED = "everyone who reached it"
ONLY_SOME = "asked only after a certain answer: see the team's results"
KEY_SHOWN = 16  # hex characters of the pseudonym: plenty to tell responses apart
# A cell starting with one of these is run as a formula by spreadsheet programs: young people's
# words must never be (CSV/formula injection), so such cells get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def responses_table(consultation: Consultation, responses: Sequence[ExportedResponse]) -> Table:
    header = ["response", "status", "started on", *(f"{q.id}: {q.text}" for q in consultation.questions)]
    rows = [
        [
            response.respondent[:KEY_SHOWN],
            "finished" if response.status == "submitted" else "not finished",
            response.started_on,
            *(
                "" if q.id not in response.answers else describe_answer(q, response.answers[q.id])
                for q in consultation.questions
            ),
        ]
        for response in responses
    ]
    return header, rows


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows emoji and accents right."""
    header, rows = table
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(c) for c in header])
    writer.writerows([[_safe(c) for c in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table, sheet: str) -> bytes:
    """`sheet` names the sheet: a fixed word, as titles may hold characters Excel refuses there."""
    # Imported here: openpyxl costs ~25 MB, paid only when someone exports.
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    header, rows = table
    book = Workbook()
    worksheet = book.active
    assert worksheet is not None
    worksheet.title = sheet
    for values in (header, *rows):
        worksheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in values])
    for row in worksheet.iter_rows():
        for cell in row:
            cell.data_type = "s"  # text, never a formula, whatever it starts with
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    worksheet.freeze_panes = "A2"
    for column in worksheet.columns:
        width = max((len(str(c.value or "")) for c in column), default=8)
        worksheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


OFFICER_HEADER = ["question", "answer", "count", "percent of everyone asked"]
FOR_WORKERS = "written answers, ideas and photos are for workers only"


def officer_table(
    consultation: Consultation,
    answers: Mapping[str, Sequence[Answer]],
    votes: Sequence[VoteResult],
    min_cell: int,
) -> Table:
    """Totals an officer may publish, every count through the one small-number protection
    (`bot.core.suppression`: bands of min_cell); no young person's words.

    Questions asked only after a certain answer (`show_if`) are left out: how many reached them
    would be one more table about the answers to the question before. Scale averages too: worked
    out from the true counts, an average can narrow the bands beside it."""
    rows: list[list[str]] = []
    vote_counts = {result.question.id: result for result in votes}
    for question in consultation.questions:
        figures = tally(question, answers.get(question.id, []))
        if question.show_if is not None:
            rows.append([question.text, ONLY_SOME, "", ""])
        elif isinstance(question, RankedQuestion) and question.id in vote_counts:
            rows += _vote_rows(question, vote_counts[question.id], figures, min_cell)
        elif isinstance(question, PickOneQuestion | ScaleQuestion) or (
            isinstance(question, MultiChoiceQuestion) and question.choice_limit == 1
        ):
            rows += _exclusive_rows(question, figures, min_cell)
        elif isinstance(question, MultiChoiceQuestion | OrderingQuestion):
            rows += _per_option_rows(question, figures, min_cell)
        else:
            rows.append([question.text, FOR_WORKERS, "", ""])
    return OFFICER_HEADER, rows


def _labels(question: Question, figures: QuestionTally) -> dict[str, int]:
    if isinstance(question, ScaleQuestion):
        return {point_name(question, p): n for p, n in figures.distribution.items()}
    assert isinstance(question, PickOneQuestion | MultiChoiceQuestion | OrderingQuestion)
    counts = figures.placed if isinstance(question, OrderingQuestion) else figures.counts
    return {o.label: counts.get(o.id, 0) for o in question.options}


def _no_answer(question: Question, figures: QuestionTally) -> dict[str, int]:
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
    table = protect({**_labels(question, figures), **_no_answer(question, figures)}, min_cell)
    return [*_rows(question, table), [question.text, REACHED, table.total.shown, ""]]


def _per_option_rows(question: Question, figures: QuestionTally, min_cell: int) -> list[list[str]]:
    """Who answered, skipped or would rather not say (one group, as they exclude each other); then
    each option out of those who answered (they could pick or place several)."""
    what = " (placed it)" if isinstance(question, OrderingQuestion) else " (picked it)"
    reached = protect({"answered": figures.answered, **_no_answer(question, figures)}, min_cell)
    each = protect_each(_labels(question, figures), figures.answered, min_cell)
    return [*_rows(question, reached), *_rows(question, each, what)]


def _vote_rows(
    question: RankedQuestion, result: VoteResult, figures: QuestionTally, min_cell: int
) -> list[list[str]]:
    """A vote: first choices (and those who chose none) out of everyone who reached it, and the
    winner once at least min_cell took part."""
    table = vote_table(result, figures.reached, min_cell)
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


def officer_text(table: Table) -> str:
    """The officers' table as a message (Telegram HTML), question by question."""
    _, rows = table
    lines = ["📊 <b>Totals for publishing</b> (every count in a band, so no one can be picked out)"]
    previous = None
    for question, answer, count, percent in rows:
        if question != previous:
            lines += ["", f"<b>{escape(question)}</b>"]
            previous = question
        share = f" ({percent})" if percent and percent != "–" else ""
        lines.append(f"• {escape(answer)}: {escape(count)}{share}" if count else f"• {escape(answer)}")
    return "\n".join(lines)
