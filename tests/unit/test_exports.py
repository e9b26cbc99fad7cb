"""`/export` for workers: every response, read and written a row at a time, as CSV and XLSX holding
the answers in words, never running a young person's words as a formula, within Excel's rules."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import sqlite3
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from bot.core.engine import DECLINED, WITH_THE_TEAM, Answer, AnswerValue, Progress, describe_answer
from bot.core.models import Consultation
from bot.exports import FORMULA_STARTS, write_responses_csv, write_responses_xlsx
from bot.storage import repos
from bot.storage.db import Database

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FRUIT = [{"id": "a", "label": "Apple"}, {"id": "b", "label": "=Banana"}, {"id": "c", "label": "Cherry"}]
PICTURES = [{"id": "p1", "label": "One", "image": "a.png"}, {"id": "p2", "label": "Two", "image": "b.png"}]
CONSULTATION = Consultation.model_validate(
    {
        "id": "c",
        "title": "Everything",
        "intro": "Every kind of question",
        "questions": [
            {"id": "pick", "type": "single_choice", "text": "Pick one", "options": FRUIT, "optional": True},
            {"id": "many", "type": "multi_choice", "text": "Some", "options": FRUIT, "rather_not_say": True},
            {"id": "scale", "type": "scale", "text": "How much?", "labels": {1: "low", 5: "high"}},
            {"id": "words", "type": "text", "text": "Tell us", "optional": True, "rather_not_say": True},
            {"id": "names", "type": "suggestion", "text": "Name it"},
            {"id": "vote", "type": "ranked", "text": "Vote", "options": FRUIT},
            {"id": "order", "type": "ranking", "text": "Put in order", "options": FRUIT},
            {"id": "yn", "type": "yes_no", "text": "Yes or no?"},
            {"id": "look", "type": "image_choice", "text": "Which picture?", "options": PICTURES},
            {"id": "snap", "type": "photo", "text": "A photo", "optional": True},
        ],
    }
)
HEADER = [
    "response",
    "status",
    "started on",
    "pick: Pick one",
    "many: Some",
    "scale: How much?",
    "words: Tell us",
    "names: Name it",
    "vote: Vote",
    "order: Put in order",
    "yn: Yes or no?",
    "look: Which picture?",
    "snap: A photo",
]
WORDS_COLUMN = HEADER.index("words: Tell us")
# Typed words a spreadsheet would run, or XLSX cannot hold, among ordinary ones; and the markers.
WORDS: list[AnswerValue | None] = [
    "=SUM(A1:A9)",
    "+44 7700 900123",
    "-5 degrees",
    "@everyone",
    "\tTabbed",
    "a bell\x07 and an escape\x1b",
    "#N/A",
    'plain, with "quotes"\nand a new line',
    "émoji 😍 and عربى",
    "long " * 30,
    WITH_THE_TEAM,
    None,  # skipped
    DECLINED,
]
RESPONSES = 39  # three times round the words


def answers_of(n: int) -> dict[str, Answer]:
    """Every question answered, in a different way from one response to the next."""
    return {
        "pick": Answer(["a", "b", None][n % 3]),
        "many": Answer([("a", "c"), ("b",), DECLINED][n % 3]),
        "scale": Answer(n % 5 + 1),
        "words": Answer(WORDS[n % len(WORDS)]),
        "names": Answer((f"Idea {n}", "=cmd|' /C calc'!A0") if n % 2 else (WITH_THE_TEAM,)),
        "vote": Answer(("c", "a") if n % 2 else ()),
        "order": Answer(("b", "a", "c")),
        "yn": Answer("yes" if n % 2 else "no"),
        "look": Answer("p2"),
        "snap": Answer("f00d.jpg" if n % 2 else None),
    }


def store(tx: sqlite3.Connection, consultation: str, n: int, answers: dict[str, Answer], done: bool) -> str:
    respondent = hashlib.sha256(f"{consultation} {n}".encode()).hexdigest()  # as a pseudonym looks
    stored = repos.create_response(tx, consultation, respondent, None, Progress(position="pick"), NOW)
    repos.save_progress(tx, stored, Progress(answers, None, submitted=done), NOW)
    return respondent


@pytest.fixture
async def expected(db: Database) -> list[list[str]]:
    """Responses finished, unfinished and opened without an answer, beside another consultation's
    and a preview's; the rows the export should hold, oldest first."""

    questions = CONSULTATION.questions

    def work(tx: sqlite3.Connection) -> list[list[str]]:
        rows = []
        for n in range(RESPONSES):
            answers = answers_of(n)
            if n % 4 == 3:  # stopped after three questions
                answers = dict(list(answers.items())[:3])
            elif n % 9 == 4:  # opened, nothing answered
                answers = {}
            done = len(answers) == len(CONSULTATION.questions)
            respondent = store(tx, "c", n, answers, done)
            store(tx, "other", n, answers, done)
            store(tx, "c~p", n, answers, done)
            words = [describe_answer(q, answers[q.id]) if q.id in answers else "" for q in questions]
            rows.append([respondent[:16], "finished" if done else "not finished", "2026-11-25", *words])
        return rows

    return await db.transaction(work)


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(codecs.BOM_UTF8)  # so Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def defused(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets an apostrophe first."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


async def test_the_csv_holds_every_response_in_words_and_runs_nothing(
    db: Database, expected: list[list[str]]
) -> None:
    out = io.BytesIO()
    written = await db.read_aside(lambda tx: write_responses_csv(tx, CONSULTATION, out))
    header, *rows = csv_rows(out.getvalue())
    assert header == HEADER
    assert written == len(rows) == RESPONSES
    assert rows == [[defused(cell) for cell in row] for row in expected]
    # The same by hand, where it matters most:
    assert rows[0][3:] == [
        "Apple",
        "Apple, Cherry",
        "1 low",
        "'=SUM(A1:A9)",
        "(sent to the safeguarding team)",
        "",
        "1. =Banana  2. Apple  3. Cherry",
        "👎 No",
        "Two",
        "(skipped)",
    ]
    assert rows[1][3:7] == ["'=Banana", "'=Banana", "2", "'+44 7700 900123"]
    assert rows[1][7:] == [
        "Idea 1; =cmd|' /C calc'!A0",
        "1. Cherry  2. Apple",
        "1. =Banana  2. Apple  3. Cherry",
        "👍 Yes",
        "Two",
        "📷 a photo",
    ]
    assert rows[3][1:] == ["not finished", "2026-11-25", "Apple", "Apple, Cherry", "4", *[""] * 7]
    assert rows[4][1:] == ["not finished", "2026-11-25", *[""] * 10]  # opened, nothing answered
    assert [rows[n][WORDS_COLUMN] for n in (2, 3, 4)] == ["'-5 degrees", "", ""]
    assert [rows[n][WORDS_COLUMN] for n in (5, 24, 25)] == [
        "a bell\x07 and an escape\x1b",  # kept in a CSV, as ever
        "(skipped)",
        "(rather not say)",
    ]
    assert len({row[0] for row in rows}) == RESPONSES and all(len(row[0]) == 16 for row in rows)


async def test_the_xlsx_holds_the_same_as_text_with_a_bold_frozen_header(
    db: Database, expected: list[list[str]]
) -> None:
    out = io.BytesIO()
    written = await db.read_aside(lambda tx: write_responses_xlsx(tx, CONSULTATION, out))
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.title == "responses"
    cells = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    without_bell = [[cell.replace("\x07", "").replace("\x1b", "") for cell in row] for row in expected]
    assert written == RESPONSES and cells == [HEADER, *without_bell]  # no apostrophes: cells are text
    assert cells[6][WORDS_COLUMN] == "a bell and an escape"  # XLSX cannot hold control characters
    # Every cell is text, whatever it starts with: "=SUM(A1:A9)" is not a formula, "#N/A" not an error.
    assert {cell.data_type for row in sheet.iter_rows() for cell in row if cell.value is not None} == {"s"}
    assert (cells[1][WORDS_COLUMN], cells[7][WORDS_COLUMN]) == ("=SUM(A1:A9)", "#N/A")
    assert all(cell.font.bold for cell in sheet[1]) and not any(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A2"
    widths = sheet.column_dimensions
    assert (widths["A"].width, widths["C"].width, widths["G"].width) == (18, 12, 60)  # key, day, long words


async def test_a_consultation_nobody_answered_exports_its_header_alone(db: Database) -> None:
    csv_file, xlsx_file = io.BytesIO(), io.BytesIO()

    def write(tx: sqlite3.Connection) -> tuple[int, int]:
        in_csv = write_responses_csv(tx, CONSULTATION, csv_file)
        return in_csv, write_responses_xlsx(tx, CONSULTATION, xlsx_file)

    assert await db.read_aside(write) == (0, 0)
    assert csv_rows(csv_file.getvalue()) == [HEADER]
    sheet = load_workbook(xlsx_file).active
    assert sheet is not None
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [HEADER]
