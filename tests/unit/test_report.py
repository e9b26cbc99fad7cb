"""The results report for committee papers: read back from the PDF it really makes."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from benchmarks.results import _consultation, build
from bot import published, report

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
COUNCIL = "Testshire County Council"
# The typed answers benchmarks/results.py writes are made of these words.
TYPED_WORDS = ("music", "opening", "quiet", "please")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    path: Path = tmp_path_factory.mktemp("report") / "results.sqlite3"
    asyncio.run(build(path, 60))  # through the bot's own storage code
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


def _pages(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [document[n].get_textpage().get_text_range() for n in range(len(document))]


def test_the_workers_report_has_every_question_the_vote_and_a_few_quotes(
    database: sqlite3.Connection,
) -> None:
    consultation = _consultation()
    pdf = report.render(report.for_workers(database, consultation, COUNCIL, NOW, lambda text: True))
    pages = _pages(pdf)
    text = "\n".join(pages)
    assert COUNCIL in pages[0] and "Results at scale" in pages[0]
    assert all(report.TEAM_ONLY in page for page in pages)  # on every page: not for publication
    assert "60 finished responses (66 started)" in pages[0]
    for question in consultation.questions:
        assert question.text in text, question.id
    assert "Some of what young people wrote" in text and any(word in text for word in TYPED_WORDS)
    assert "people voted" in text and "Round 1" in text  # the vote's rounds in words
    assert len(pages) >= 1 + len(consultation.questions)  # a cover, then a page (or more) each
    # It opens: its first question's page drawn as an A4-shaped image.
    image = pdfium.PdfDocument(pdf)[1].render(scale=1).to_pil()
    assert abs(image.height / image.width - 297 / 210) < 0.01
    low, high = image.convert("L").getextrema()
    assert low < 128 < high  # something was drawn on it, not a blank page


def test_the_officers_report_is_what_is_published_bands_and_no_words(database: sqlite3.Connection) -> None:
    consultation = _consultation()
    frozen = published.build(database, consultation, 5)
    text = "\n".join(_pages(report.render(report.for_officers(consultation, frozen, COUNCIL, 5))))
    assert "Every count is shown as a band of 5" in text
    assert "Some of what young people wrote" not in text and report.TEAM_ONLY not in text
    assert not any(word in text for word in TYPED_WORDS)
    for question, answer, count, _ in frozen.rows:
        assert count == "" or count in text, (question, answer)


def test_quotes_are_only_answers_the_screening_passes(database: sqlite3.Connection) -> None:
    consultation = _consultation()
    refused = report.for_workers(database, consultation, COUNCIL, NOW, lambda text: False)
    text = "\n".join(_pages(report.render(refused)))
    assert not any(word in text for word in TYPED_WORDS)


def test_a_long_section_carries_over_pages_and_loses_nothing() -> None:
    rows = [(f"Option {n}", str(n), f"{n}%") for n in range(40)]
    notes = [f"Round {n}: what happened in this round, told in words." for n in range(80)]
    long = report.Section(
        "Forty options", rows=rows, bars={a: (int(b), int(b)) for a, b, _ in rows}, notes=notes
    )
    pages = _pages(report.render(report.Report(COUNCIL, "Long", ["A test."], [long], report.TEAM_ONLY)))
    text = "\n".join(pages)
    assert len(pages) > 2 and all(report.TEAM_ONLY in page for page in pages)
    assert all(
        f"Option {n}\r" in text or f"Option {n}\n" in text or f"Option {n} " in text for n in range(40)
    )
    assert all(f"Round {n}:" in text for n in range(80))
