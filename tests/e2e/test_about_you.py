""" "About you", end to end: asked once across consultations, always skippable, kept sealed, shown
and changed with /aboutyou, deleted with /deleteme; then who took part against the cohort and
answers by group, protected, in /results, /breakdown, /export, /report and the summary."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.about_you import tables
from bot.config import Settings
from bot.core import texts
from bot.core.preview import PREVIEW_ABOUT_END, PREVIEW_BANNER
from bot.telegram import reports
from tests.conftest import RunningBot
from tests.e2e.test_feedback_and_safeguarding import agree, rows, write
from tests.e2e.test_reports import OFFICER, csv_rows, pdf_text
from tests.fake_telegram import FakeTelegram, User
from tests.fake_telegram.server import SentMessage

HERE = Path(__file__).parent / "about_you"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "surveys_dir": HERE / "surveys",
            "about_you_file": HERE / "council.yaml",
            "officer_ids": frozenset({OFFICER}),
        }
    )


async def answer_pets(user: User, allowed: str = "👍 Yes") -> list[SentMessage]:
    """Pets, answered and sent; what the bot says on sending."""
    await user.press("Pets at the hub")
    await user.press(allowed)
    await user.press(texts.SKIP_BUTTON)
    await user.press(texts.SKIP_BUTTON)
    return await user.press(texts.SUBMIT_BUTTON)


def about_you_stored(bot: RunningBot) -> str:
    """Every value "about you" keeps, as text: what someone holding the database file alone sees."""
    with sqlite3.connect(bot.settings.database_path) as connection:
        return "\n".join(
            repr(row)
            for table in ("about_you", "response_about_you")
            for row in connection.execute(f"SELECT * FROM {table}").fetchall()
        )


def database_files(bot: RunningBot) -> list[bytes]:
    path = Path(bot.settings.database_path)
    return [p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()]


async def test_asked_once_across_consultations_and_every_question_skippable(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(7001234, "Samira", "samira_k")
    await agree(sam)
    sent = await answer_pets(sam)
    offer = sent[-1]  # the answers are sent first; then the offer, as a new message
    assert offer.text == texts.ABOUT_OFFER
    assert offer.button_labels == [texts.ABOUT_GO_BUTTON, texts.ABOUT_NO_BUTTON]

    [age] = await sam.press(texts.ABOUT_GO_BUTTON)
    assert age.text == "👤 About you (1 of 3)\n\nHow old are you?"
    assert age.button_labels[:5] == ["11 to 13", "14 or 15", "16 or 17", "18 to 21", "22 to 25"]
    assert age.button_labels[5:] == [texts.RATHER_NOT_BUTTON, texts.SKIP_BUTTON, texts.ABOUT_STOP_BUTTON]
    [area] = await sam.press("14 or 15")
    assert area.text == "👤 About you (2 of 3)\n\nWhere do you live?"
    assert area.button_labels[:2] == ["North", "South"]  # the council's areas
    [care] = await sam.press(texts.SKIP_BUTTON)
    assert "Are you in care" in (care.text or "")
    [done] = await sam.press("Yes")
    assert done.text == texts.ABOUT_DONE
    # Each answer was saved as it was tapped, and the sent response counts under them.
    assert sorted(rows(bot, "SELECT field, value FROM response_about_you")) == [
        ("age_band", "14-15"),
        ("care_experience", "yes"),
    ]

    # A second consultation asks only what was never asked: disability, as 3 of its 3.
    await sam.send("/start")
    await sam.press("Rooms at the hub")
    sent = await sam.press("👍 Yes")
    sent = await sam.press(texts.SUBMIT_BUTTON)
    assert sent[-1].text == texts.ABOUT_OFFER
    [disability] = await sam.press(texts.ABOUT_GO_BUTTON)
    assert disability.text == (
        "👤 About you (3 of 3)\n\nDo you have a disability, or an illness that lasts a long time?"
    )
    [stopped] = await sam.press(texts.ABOUT_STOP_BUTTON)
    assert stopped.text == texts.ABOUT_STOPPED
    # Rooms counts under what was said before (age, care); disability was not said.
    by_consultation = rows(
        bot,
        "SELECT r.consultation_id, g.field, g.value FROM response_about_you g"
        " JOIN responses r ON r.id = g.response_id ORDER BY 1, 2",
    )
    assert by_consultation == [
        ("pets", "age_band", "14-15"),
        ("pets", "care_experience", "yes"),
        ("rooms", "age_band", "14-15"),
        ("rooms", "care_experience", "yes"),
    ]

    # A third asks nothing they were asked before (stopping counts as asked): no offer at all.
    # Using what they said keeps it: retention counts from the last month it was used.
    write(bot, "UPDATE about_you SET used_month = '2020-01-01'")
    await sam.send("/start")
    await sam.press("Snacks at the hub")
    await sam.press("👍 Yes")
    sent = await sam.press(texts.SUBMIT_BUTTON)
    assert all(m.text != texts.ABOUT_OFFER for m in sent)
    assert rows(bot, "SELECT used_month FROM about_you") == [("2026-12-01",)]
    copies = (
        "SELECT r.consultation_id, g.field, g.value FROM response_about_you g"
        " JOIN responses r ON r.id = g.response_id"
    )
    assert ("snacks", "age_band", "14-15") in rows(bot, copies)

    # Without the key, the database can neither read what they said nor say whose it is: the
    # sealed record matches nothing else stored (not their id, not a response's pseudonym), and
    # the responses' copies hold groups only, under pseudonymous responses.
    stored = about_you_stored(bot)
    [(mark, sealed)] = rows(bot, "SELECT person, sealed FROM about_you")
    assert b"14-15" not in sealed and b"yes" not in sealed
    assert "7001234" not in stored and "samira" not in stored.lower()
    assert mark not in {r for (r,) in rows(bot, "SELECT respondent FROM responses")}
    assert [c for (c,) in rows(bot, "SELECT name FROM pragma_table_info('about_you')")] == [
        "person",
        "sealed",
        "used_month",
    ]


async def test_no_thanks_is_not_asked_again_and_aboutyou_changes_or_deletes(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    kim = fake.user(7002, "Kim", "kim_h")
    await agree(kim)
    [nothing] = await kim.send("/aboutyou")
    assert nothing.text == texts.ABOUT_NOTHING
    await answer_pets(kim)
    [no_thanks] = await kim.press(texts.ABOUT_NO_BUTTON)
    assert no_thanks.text == texts.ABOUT_STOPPED
    assert rows(bot, "SELECT count(*) FROM response_about_you") == [(0,)]

    # /aboutyou shows what was asked (all skipped), and can ask it again.
    [mine] = await kim.send("/aboutyou")
    assert "How old are you? (skipped)" in (mine.text or "")
    assert mine.button_labels == [texts.ABOUT_CHANGE_BUTTON, texts.ABOUT_DELETE_BUTTON]
    [again] = await kim.press(texts.ABOUT_CHANGE_BUTTON)
    assert again.text == "👤 About you (1 of 3)\n\nHow old are you?"
    await kim.press("16 or 17")
    await kim.press("South")
    [done] = await kim.press(texts.RATHER_NOT_BUTTON)
    assert done.text == texts.ABOUT_DONE
    [mine] = await kim.send("/aboutyou")
    assert "— 16 or 17" in (mine.text or "") and "— South" in (mine.text or "")
    assert "Are you in care" in (mine.text or "") and texts.RATHER_NOT_SAID in (mine.text or "")
    # A change counts for the answers already sent, not only for the next consultation.
    assert sorted(rows(bot, "SELECT field, value FROM response_about_you")) == [
        ("age_band", "16-17"),
        ("area", "south"),
    ]

    # Delete asks first; "Keep it" keeps it.
    before = rows(bot, "SELECT sealed FROM about_you")
    [ask] = await kim.press(texts.ABOUT_DELETE_BUTTON, message=mine)
    assert ask.text == texts.ABOUT_DELETE_ASK
    [kept] = await kim.press(texts.ABOUT_KEEP_BUTTON, message=ask)
    assert kept.text == texts.ABOUT_KEPT and rows(bot, "SELECT sealed FROM about_you") == before
    [mine] = await kim.send("/aboutyou")
    await kim.press(texts.ABOUT_DELETE_BUTTON, message=mine)
    [deleted] = await kim.press(texts.ABOUT_DELETE_YES_BUTTON)
    assert deleted.text == texts.ABOUT_DELETED
    assert rows(bot, "SELECT count(*) FROM response_about_you") == [(0,)]
    assert before and rows(bot, "SELECT count(*) FROM about_you") == [(0,)]
    # Not left readable in the database's files either (the write-ahead log included).
    assert not any(b"16-17" in data for data in database_files(bot))
    [nothing] = await kim.send("/aboutyou")
    assert nothing.text == texts.ABOUT_NOTHING


async def test_deleteme_deletes_about_you_too(fake: FakeTelegram, bot: RunningBot) -> None:
    ali = fake.user(7003, "Ali", "ali_h")
    await agree(ali)
    await answer_pets(ali)
    await ali.press(texts.ABOUT_GO_BUTTON)
    await ali.press("11 to 13")
    [mydata] = await ali.send("/mydata")
    assert texts.MYDATA_ABOUT_YOU in (mydata.text or "")
    await ali.send("/deleteme")
    [erased] = await ali.press(texts.ERASE_YES_BUTTON)
    assert texts.ERASE_ABOUT_YOU_CLEARED in (erased.text or "")
    assert rows(bot, "SELECT count(*) FROM about_you") == [(0,)]
    assert rows(bot, "SELECT count(*) FROM response_about_you") == [(0,)]


async def take_part(fake: FakeTelegram, n: int, allowed: str, age: str, care: str) -> User:
    young = fake.user(7100 + n, f"P{n}", f"p{n}")
    await agree(young)
    await answer_pets(young, allowed)
    await young.press(texts.ABOUT_GO_BUTTON)
    await young.press(age)
    await young.press(texts.SKIP_BUTTON)  # the area
    await young.press(care)
    return young


async def test_who_took_part_and_answers_by_group_are_protected_everywhere(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    # 8 aged 14 or 15 (6 yes, 2 no), 3 aged 16 or 17 (all no), 2 who would rather not say;
    # 3 care-experienced of the 13, where the cohort has 40%.
    people = [("👍 Yes", "14 or 15")] * 6 + [("👎 No", "14 or 15")] * 2 + [("👎 No", "16 or 17")] * 3
    people += [("👍 Yes", texts.RATHER_NOT_BUTTON)] * 2
    for n, (allowed, age) in enumerate(people):
        await take_part(fake, n, allowed, age, "Yes" if n in (0, 8, 11) else "No")

    replies = await worker.send("/results pets")
    who = next(m.text or "" for m in replies if "who took part" in (m.text or ""))
    # 13 answered: too few for shares from the bands, so only the cohort's share is given.
    assert "• 14 or 15: 5 to 9 (30% of the service's young people)" in who
    assert "• 16 or 17: fewer than 5" in who
    assert "• care-experienced: fewer than 5 (40% of the service's young people)" in who
    assert "/breakdown pets" in who

    [by_age] = await worker.send("/breakdown pets age_band")
    text = by_age.text or ""
    # 14 or 15 (8) is a row; 16 or 17 (3) is too few to be one: it is in "everyone else".
    assert "14 or 15</i>" not in text  # the fake shows text, not HTML
    assert "14 or 15 (5 to 9 in all):" in text and "16 or 17" not in text
    assert "everyone else (5 to 9 in all):" in text
    assert "Any name ideas" not in text  # typed answers never beside a group
    assert "care experience" not in text  # only the question asked for

    [refused] = await worker.send("/breakdown pets disability")
    assert refused.text == "“pets” does not ask disability. It asks: age_band, area, care_experience."

    # The export: both tables, every count a band, and no group row under 5.
    files = await worker.send("/export pets")
    assert [m.document_name for m in files] == [
        "pets-responses.csv",
        "pets-responses.xlsx",
        "pets-who-took-part.csv",
        "pets-by-group.csv",
    ]
    named = {m.document_name: csv_rows(m.document or b"") for m in files if m is not files[1]}
    groups = {row[1] for row in named["pets-by-group.csv"][1:]}
    assert groups == {"14 or 15", "everyone else"} | {"not care-experienced", "everyone else"}
    # Bands only ("0" where nobody answered at all, as the question's own table says too).
    assert all(
        row[4] in {"0", "fewer than 5", "5 to 9", "10 to 14"} for row in named["pets-by-group.csv"][1:]
    )
    assert ["care experience", "care-experienced", "fewer than 5", "–", "40%"] in named[
        "pets-who-took-part.csv"
    ]
    responses = "\n".join(",".join(r) for r in named["pets-responses.csv"])
    assert "14-15" not in responses and "14 or 15" not in responses  # never beside each response

    # The summary names the least heard group while it is open.
    summary = "\n".join(m.text or "" for m in await worker.send("/summary"))
    assert (
        "Least heard so far: care-experienced (care experience): 40% of the service's young people" in summary
    )

    # The team's report has the protected tables too.
    [pdf] = await worker.send("/report pets")
    report = pdf_text(pdf.document or b"")
    assert "Who took part" in report and "Answers by age" in report


async def test_officers_get_the_same_protected_tables_once_it_has_closed(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    officer = fake.user(OFFICER, "Olu", "olu_officer", started=True)
    people = [await take_part(fake, n, "👍 Yes", "14 or 15", "No") for n in range(6)]
    [not_yet] = await officer.send("/breakdown pets")
    assert (not_yet.text or "").startswith("Totals for publishing come once “Pets at the hub” has closed")
    live = (await worker.send("/breakdown pets"))[0].text

    await worker.press("Yes, close it now", message=(await worker.send("/close pets"))[0])
    [published] = await officer.send("/breakdown pets")
    assert published.text == live  # the same protection for everyone: only when differs
    assert "14 or 15 (5 to 9 in all):" in (published.text or "")
    results = "\n".join(m.text or "" for m in await officer.send("/results pets"))
    assert "Pets at the hub: who took part" in results and "• 14 or 15: 5 to 9" in results
    files = {m.document_name: m for m in await officer.send("/export pets")}
    assert set(files) == {
        "pets-totals.csv",
        "pets-totals.xlsx",
        "pets-who-took-part.csv",
        "pets-by-group.csv",
    }
    [pdf] = await officer.send("/report pets")
    assert "Answers by care experience" in pdf_text(pdf.document or b"")

    # A change after the close leaves the closed consultation's answers where they were sent.
    await people[0].send("/aboutyou")
    await people[0].press(texts.ABOUT_CHANGE_BUTTON)
    await people[0].press("18 to 21")
    assert ("age_band", "18-21") not in rows(bot, "SELECT field, value FROM response_about_you")


async def test_with_bands_that_could_be_worked_back_nothing_is_broken_down(
    fake: FakeTelegram, settings: Settings, worker: User
) -> None:
    running = RunningBot(fake, settings.model_copy(update={"min_cell_size": 6}))
    await running.start()
    try:
        await take_part(fake, 1, "👍 Yes", "14 or 15", "No")
        [refused] = await worker.send("/breakdown pets")
        assert refused.text == tables.WITHHELD.format(min_cell=6)
        results = [m.text or "" for m in await worker.send("/results pets")]
        assert tables.WITHHELD.format(min_cell=6) in results
        assert not any("who took part" in text for text in results)
    finally:
        await running.stop()


async def test_without_the_council_s_areas_the_area_is_neither_asked_nor_broken_down(
    fake: FakeTelegram, settings: Settings, worker: User
) -> None:
    running = RunningBot(fake, settings.model_copy(update={"about_you_file": None}))
    await running.start()
    try:
        young = fake.user(7301, "Jo", "jo_h")
        await agree(young)
        await answer_pets(young)
        [age] = await young.press(texts.ABOUT_GO_BUTTON)
        assert age.text == "👤 About you (1 of 2)\n\nHow old are you?"
        [care] = await young.press("11 to 13")  # straight on to care: no areas to choose from
        assert "Are you in care" in (care.text or "")
        [refused] = await worker.send("/breakdown pets area")
        assert refused.text == reports.NO_AREAS.format(title="Pets at the hub")
    finally:
        await running.stop()


async def test_a_worker_s_preview_shows_every_question_and_keeps_nothing(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    await worker.send("/preview pets")
    await worker.press(texts.CONSENT_BUTTON)
    await worker.press("👍 Yes")
    await worker.press(texts.SKIP_BUTTON)
    await worker.press(texts.SKIP_BUTTON)
    sent = await worker.press(texts.SUBMIT_BUTTON)
    offer = sent[-1]
    assert offer.text == PREVIEW_BANNER + texts.ABOUT_OFFER
    [age] = await worker.press(texts.ABOUT_GO_BUTTON, message=offer)
    assert age.text == PREVIEW_BANNER + "👤 About you (1 of 3)\n\nHow old are you?"
    [area] = await worker.press("14 or 15")
    assert (area.text or "").endswith("Where do you live?")
    [care] = await worker.press(texts.SKIP_BUTTON)
    assert "Are you in care" in (care.text or "")
    [done] = await worker.press(texts.RATHER_NOT_BUTTON)
    assert done.text == PREVIEW_BANNER + PREVIEW_ABOUT_END  # not "/aboutyou shows…": nothing was kept
    assert rows(bot, "SELECT count(*) FROM about_you") == [(0,)]
    assert rows(bot, "SELECT count(*) FROM response_about_you") == [(0,)]
