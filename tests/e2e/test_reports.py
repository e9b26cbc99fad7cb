"""What the team reads and prints: /results, /export and /poster, for workers and for officers
(totals with small numbers hidden), refused to anyone else."""

from __future__ import annotations

import csv
import io

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.config import Settings
from bot.core import texts
from bot.telegram import reports
from bot.telegram.team import NOT_ALLOWED
from tests.conftest import RunningBot
from tests.e2e.test_feedback_and_safeguarding import agree, rows
from tests.e2e.test_hub_design import say_in
from tests.fake_telegram import FakeTelegram, Group, User

OFFICER = 3001


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"officer_ids": frozenset({OFFICER})})


@pytest.fixture
def officer(fake: FakeTelegram) -> User:
    return fake.user(OFFICER, "Olu", "olu_officer", started=True)


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(document[n].get_textpage().get_text_range() for n in range(len(document)))


async def take_pets(user: User, allowed: str, pets: list[str], happy: str, name: str | None) -> None:
    await agree(user)
    await user.press("Pets at the hub")
    await user.press(allowed)
    for pet in pets:
        await user.press(pet)
    await user.press(texts.NEXT_BUTTON)
    await user.press(happy)
    if name is None:
        await user.press(texts.SKIP_BUTTON)
    else:
        await user.send(name)
    await user.press(texts.SUBMIT_BUTTON)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("command", ["/results pets", "/export pets", "/poster pets"])
async def test_young_people_are_refused_and_see_nothing(
    fake: FakeTelegram, bot: RunningBot, command: str
) -> None:
    young = fake.user(8001, "Young", "young_one")
    await agree(young)
    [refusal] = await young.send(command)
    assert refusal.text == NOT_ALLOWED


async def test_workers_export_every_response_with_words_and_no_formulas(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    await take_pets(fake.user(8101, "A", "a_a"), "👍 Yes", ["🐱 Cat", "🐶 Dog"], "5 😍", '=HYPERLINK("x")')
    await take_pets(fake.user(8102, "B", "b_b"), "👎 No", ["🐟 Fish"], "2", None)
    [csv_file, xlsx_file] = await worker.send("/export pets")
    holds = "Pets at the hub (pets): every response, one row each by pseudonymous key, answers in words"
    assert csv_file.caption == xlsx_file.caption == holds
    rows = csv_rows(csv_file.document or b"")
    assert rows[0][:4] == ["response", "status", "started on", "allowed: Should pets be allowed?"]
    assert [r[3:] for r in rows[1:]] == [
        ["👍 Yes", "🐱 Cat, 🐶 Dog", "5 😍", '\'=HYPERLINK("x")'],  # a formula is never run
        ["👎 No", "🐟 Fish", "2", texts.SKIPPED],
    ]
    assert all(len(r[0]) == 16 and r[1] == "finished" for r in rows[1:])  # pseudonymous keys only
    sheet = load_workbook(io.BytesIO(xlsx_file.document or b"")).active
    assert sheet is not None
    cells = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    assert cells[1][6] == '=HYPERLINK("x")' and sheet.cell(2, 7).data_type == "s"  # text, not a formula
    assert [[c.removeprefix("'") for c in row] for row in rows] == cells
    dump = (csv_file.document or b"").decode("utf-8-sig")
    assert "8101" not in dump and "a_a" not in dump


async def test_a_file_too_big_for_telegram_is_explained_instead_of_sent(
    fake: FakeTelegram, bot: RunningBot, worker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram refuses a bot's upload over 50 MB; here the limit is made small instead (an XLSX
    this small is bigger than its CSV)."""
    await take_pets(fake.user(8301, "A", "a_a"), "👍 Yes", ["🐱 Cat"], "5 😍", None)
    monkeypatch.setattr(reports, "UPLOAD_LIMIT", 1000)
    [csv_file, note] = await worker.send("/export pets")
    assert csv_file.document_name == "pets-responses.csv"
    assert note.text == (
        "“pets-responses.xlsx” came to 0.0 MB, more than the 50 MB Telegram lets a bot send, so it is "
        "not here. The other file holds the same rows."
    )
    monkeypatch.setattr(reports, "UPLOAD_LIMIT", 10)
    notes = await worker.send("/export pets")
    assert [(m.document_name, (m.text or "").split(" came to")[0]) for m in notes] == [
        (None, "“pets-responses.csv”"),
        (None, "“pets-responses.xlsx”"),
    ]
    assert all((m.text or "").endswith(reports.NEITHER_FITS) for m in notes)


async def test_closing_asks_first_and_cancel_leaves_it_open(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    [question] = await worker.send("/close pets")
    assert question.text == "Close “Pets at the hub” now? No more answers or ballots will be accepted."
    [cancelled] = await worker.press("✖️ Cancel", message=question)
    assert cancelled.text == "Cancelled: nothing was done."
    assert rows(bot, "SELECT count(*) FROM closures") == [(0,)]
    young = fake.user(8300, "Pat", "pat")
    await agree(young)
    [first] = await young.press("Pets at the hub")
    assert "Should pets be allowed?" in (first.text or "")  # still open
    await worker.press("Yes, close it now", message=(await worker.send("/close pets"))[0])
    assert rows(bot, "SELECT count(*) FROM closures") == [(1,)]


async def test_officers_get_totals_with_small_numbers_hidden_once_it_has_closed(
    fake: FakeTelegram, bot: RunningBot, officer: User, worker: User
) -> None:
    for n in range(7):
        allowed = "👍 Yes" if n < 6 else "👎 No"
        await take_pets(fake.user(8200 + n, f"P{n}", f"p{n}"), allowed, ["🐱 Cat"], "4", "Biscuit")
    [not_yet] = await officer.send("/results pets")
    assert (not_yet.text or "").startswith("Totals for publishing come once “Pets at the hub” has closed")
    await worker.press("Yes, close it now", message=(await worker.send("/close pets"))[0])
    replies = await officer.send("/results pets")
    text = "\n".join(m.text or "" for m in replies)
    assert text.startswith(
        "📊 Pets at the hub: totals for publishing\nEvery count is shown as a range (“fewer than 5”, "
        "“5 to 9”…), never exactly, so that nobody can work out how any one young person answered"
    )
    assert not any(m.buttons for m in replies)  # no written answers to offer officers
    # 6 said yes, 1 said no: each count and the total in its band of 5.
    assert "• 👍 Yes: 5 to 9" in text and "• 👎 No: fewer than 5" in text
    assert "• everyone who reached it: 5 to 9" in text
    assert "Biscuit" not in text and "written answers, ideas and photos are for workers only" in text
    [csv_file, xlsx_file] = await officer.send("/export pets")
    rows = csv_rows(csv_file.document or b"")
    assert rows[0] == ["question", "answer", "count", "percent of everyone asked"]
    assert ["Should pets be allowed?", "👎 No", "fewer than 5", "–"] in rows
    assert not any("Biscuit" in cell for row in rows for cell in row)
    assert xlsx_file.document_name == "pets-totals.xlsx"
    holds = "Pets at the hub (pets): totals for publishing, every count in a band so no one can be picked out"
    assert csv_file.caption == xlsx_file.caption == holds
    [refusal] = await officer.send("/poster pets")  # posters are for workers
    assert refusal.text == NOT_ALLOWED
    # The report for committee papers: the same totals as a PDF, and no young person's words.
    [pdf] = await officer.send("/report pets")
    assert pdf.document_name == "pets-report.pdf"
    assert pdf.caption == "Pets at the hub (pets): results report for committee papers: totals for publishing"
    text = pdf_text(pdf.document or b"")
    assert "Every count is shown as a band of 5" in text and "5 to 9" in text and "fewer than 5" in text
    assert "Biscuit" not in text
    [worker_pdf] = await worker.send("/report pets")  # the team's: exact counts and a few quotes
    worker_text = pdf_text(worker_pdf.document or b"")
    assert "7 finished responses" in worker_text and "Biscuit" in worker_text


async def test_what_was_published_at_close_does_not_change_when_someone_deletes_their_data(
    fake: FakeTelegram, bot: RunningBot, officer: User, worker: User
) -> None:
    """Yes 5 / No 5, then one who said No uses /deleteme: recomputed, the officers' totals would
    go from "5 to 9" to "fewer than 5" for No, and show what that young person answered."""
    people = [fake.user(8400 + n, f"P{n}", f"q{n}") for n in range(10)]
    for n, person in enumerate(people):
        await take_pets(person, "👍 Yes" if n < 5 else "👎 No", ["🐱 Cat"], "4", None)
    await worker.press("Yes, close it now", message=(await worker.send("/close pets"))[0])
    await bot.run_job("lifecycle")  # it finds the consultation closed and freezes what is published
    await people[-1].send("/deleteme")  # before anyone outside the team has read a number
    await people[-1].press(texts.ERASE_YES_BUTTON)
    assert rows(bot, "SELECT count(*) FROM responses WHERE consultation_id = 'pets'") == [(9,)]

    published = [m.text for m in await officer.send("/results pets")]
    assert "• 👎 No: 5 to 9" in "\n".join(t or "" for t in published)  # the 5 at close, not the 4 now
    assert [m.text for m in await officer.send("/results pets")] == published
    [listing] = await officer.send("/consultations")
    assert "finished responses: 10 to 14" in (listing.text or "")
    [csv_file, _] = await officer.send("/export pets")
    assert ["Should pets be allowed?", "👎 No", "5 to 9", "–"] in csv_rows(csv_file.document or b"")


async def test_workers_page_through_written_answers_and_officers_cannot(
    fake: FakeTelegram, bot: RunningBot, worker: User, officer: User, team: Group
) -> None:
    for n in range(12):
        await take_pets(fake.user(8500 + n, f"P{n}", f"w{n}"), "👍 Yes", ["🐱 Cat"], "4", f"Biscuit {n}")
    await take_pets(fake.user(8599, "S", "s_s"), "👎 No", ["🐟 Fish"], "2", None)  # skips the name
    replies = await worker.send("/results pets")
    assert "Any name ideas for a hub pet? — 12 of 13 answered, 1 skipped" in "\n".join(
        m.text or "" for m in replies
    )
    offer = replies[-1]
    assert offer.button_labels == ["Show written answers: Any name ideas for a hub pet?"]

    [page] = await worker.press("Show written answers", message=offer)
    lines = (page.text or "").splitlines()
    assert lines[:3] == [
        "📝 Pets at the hub: Any name ideas for a hub pet?",
        "Written answers 1 to 10 of 12, newest first",
        "",
    ]
    assert lines[3:] == [f"{n}. Biscuit {12 - n}" for n in range(1, 11)]
    assert page.button_labels == ["Next ▶️"]
    [turned] = await worker.press("Next ▶️", message=page)
    assert turned.message_id == page.message_id and turned.edited  # the page turns in place
    assert (turned.text or "").splitlines()[1:] == [
        "Written answers 11 to 12 of 12, newest first",
        "",
        "11. Biscuit 1",
        "12. Biscuit 0",
    ]
    assert turned.button_labels == ["◀️ Previous"]
    [back] = await worker.press("◀️ Previous", message=turned)
    assert back.text == page.text

    # An officer in the team chat taps a worker's button there: refused, and nothing is shown.
    [offer_here] = [m for m in await say_in(fake, team, worker, "/results pets") if m.buttons]
    shown = len(team.messages)
    await officer.press("Show written answers", message=offer_here)
    assert officer.last_callback_answer == NOT_ALLOWED
    assert len(team.messages) == shown and not any("Biscuit" in (m.text or "") for m in officer.messages)
    # The worker tapping it there gets the page in their private chat: young people's words stay
    # out of groups, where others (officers among them) read along.
    private_before = len(worker.messages)
    await worker.press("Show written answers", message=offer_here)
    assert worker.last_callback_answer == reports.WRITTEN_SENT_PRIVATELY
    assert len(team.messages) == shown
    assert len(worker.messages) == private_before + 1 and "Biscuit" in (worker.messages[-1].text or "")


async def test_workers_print_an_a4_poster_with_the_deep_link(bot: RunningBot, worker: User) -> None:
    [poster] = await worker.send("/poster pets")
    assert poster.document_name == "poster-pets.png"
    with Image.open(io.BytesIO(poster.document or b"")) as image:
        assert abs(image.height / image.width - 2**0.5) < 0.01
    assert "?start=pets" in (poster.caption or "")


async def test_consultations_lists_each_with_its_state_and_responses(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    await take_pets(fake.user(8301, "A", "a_c"), "👍 Yes", ["🐱 Cat"], "3", None)
    [listing] = await worker.send("/consultations")
    text = listing.text or ""
    assert "Pets at the hub (pets): open\n• 1 response, 1 finished" in text
    assert "An old consultation (old-one): closed (closes 01 Jan 2020)" in text
