"""A consultation's life in chat: a worker sends a YAML file (checked; saved as a draft), previews it
as a young person would with nothing recorded, launches, closes and archives it; a file in
surveys/ whose answered questions change becomes a new version instead of changing under them."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from pathlib import Path

import pytest

from bot import definitions
from bot.config import Settings
from bot.core import texts
from bot.core.preview import KEEP_DRAFT_BUTTON, LAUNCH_IT_BUTTON, PREVIEW_BANNER, PREVIEW_END
from bot.definitions import TOO_SLOW
from bot.surveys import NO_ANCHORS
from bot.telegram.drafts import NOT_CHECKED, ONLY_PRIVATELY, TOO_BIG
from bot.telegram.team import NOT_ALLOWED
from tests.conftest import E2E_SURVEYS, TEAM_CHAT, RunningBot
from tests.e2e.test_feedback_and_safeguarding import agree
from tests.e2e.test_hub_design import say_in
from tests.fake_telegram import FakeTelegram, Group, User
from tests.unit.test_survey_mistakes import MISTAKES as MANY_MISTAKES
from tests.unit.test_survey_mistakes import REPORTED
from tests.unit.test_surveys import billion_laughs

OFFICER = 3001
GARDEN = """\
id: garden
title: The hub garden
intro: Two quick questions about the garden. It's anonymous.
questions:
  - id: want
    type: yes_no
    text: Should the hub have a garden?
  - id: grow
    type: multi_choice
    text: What should grow there?
    options:
      - {id: veg, label: Vegetables}
      - {id: flowers, label: Flowers}
"""
MISTAKES = """\
id: garden
intro: Two quick questions about the garden.
questions:
  - id: want
    type: yes_no
    text: Should the hub have a garden?
  - id: grow
    type: essay
    text: What should grow there?
"""


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The e2e consultation files in a folder the test may edit."""
    folder = tmp_path / "surveys"
    shutil.copytree(E2E_SURVEYS, folder)
    return settings.model_copy(update={"surveys_dir": folder, "officer_ids": frozenset({OFFICER})})


async def upload(user: User, text: str, name: str = "garden.yaml") -> str:
    replies = await user.send_document(text.encode(), file_name=name, mime_type="application/x-yaml")
    return "\n".join(m.text or "" for m in replies)


async def rows(bot: RunningBot, sql: str) -> list[tuple]:
    assert bot.conversation is not None
    return await bot.conversation.db.read(lambda db: [tuple(row) for row in db.execute(sql)])


async def someone_answering_pets(fake: FakeTelegram, user_id: int) -> User:
    """A young person who has answered pets' first question: from then on its questions are frozen."""
    young = fake.user(user_id, "Young", f"young_{user_id}")
    await agree(young)
    await young.press("Pets at the hub")
    await young.press("Yes")
    return young


async def answer_garden(user: User) -> str:
    await user.press("Yes")
    await user.press("Flowers")
    await user.press(texts.NEXT_BUTTON)
    [sent] = await user.press(texts.SUBMIT_BUTTON)
    return sent.text or ""


async def test_upload_preview_launch_close_and_archive(
    fake: FakeTelegram, bot: RunningBot, worker: User, team: Group
) -> None:
    # A file with mistakes: each named in plain words with its question; nothing saved.
    refused = await upload(worker, MISTAKES)
    assert refused.startswith("❌ I couldn't save garden.yaml: nothing was saved.")
    assert "• The file: line 1: title: missing: please add it" in refused
    assert (
        "• Question 2 (grow: “What should grow there?”): line 8: type: 'essay' is not a question type"
        in refused
    )
    assert await rows(bot, "SELECT id FROM consultation_definitions WHERE id = 'garden'") == []

    saved = await upload(worker, GARDEN)
    assert saved.startswith("✅ Saved “The hub garden” (2 questions) as a draft: garden.")
    assert "/preview garden" in saved and "/launch garden" in saved
    listing = "\n".join(m.text or "" for m in await worker.send("/consultations"))
    assert "The hub garden (garden): draft" in listing

    # Young people cannot see or reach a draft, nor its preview copy.
    young = fake.user(8101, "Young", "young_garden")
    await agree(young)
    assert "The hub garden" not in str(young.last_message.inline_keyboard)
    [unknown, *_] = await young.send("/start garden")
    assert unknown.text == texts.UNKNOWN_CONSULTATION
    # The worker takes it as a young person would, consent first; nothing counts.
    [intro, consent] = await worker.send("/preview garden")
    assert intro.text is not None and intro.text.startswith("👀 Preview of “The hub garden”")
    assert texts.CONSENT_BUTTON in str(consent.inline_keyboard)
    [unknown, *_] = await young.send("/start garden~p")  # the copy is the team's alone
    assert unknown.text == texts.UNKNOWN_CONSULTATION
    first = (await worker.press(texts.CONSENT_BUTTON))[-1]
    assert "Should the hub have a garden?" in (first.text or "")
    assert (first.text or "").startswith(PREVIEW_BANNER)  # on every screen of the preview
    sent = await answer_garden(worker)
    assert sent.startswith(PREVIEW_BANNER + texts.SENT_TITLE) and sent.endswith(PREVIEW_END)
    assert await rows(bot, "SELECT count(*) FROM responses WHERE consultation_id = 'garden'") == [(0,)]
    assert await rows(bot, "SELECT count(*) FROM responses WHERE consultation_id = 'garden~p'") == [(1,)]
    assert "Use: /results" in "\n".join(m.text or "" for m in await worker.send("/results garden"))
    await worker.send("/preview garden")  # starts afresh
    statuses = await rows(bot, "SELECT status FROM responses WHERE consultation_id = 'garden~p'")
    assert statuses == [("in_progress",)]
    assert "Should the hub have a garden?" in (worker.last_message.text or "")
    await answer_garden(worker)
    end = worker.last_message
    [kept] = await worker.press(KEEP_DRAFT_BUTTON, message=end)
    assert kept.text == "Kept as a draft. /launch garden when it is ready."
    assert await rows(bot, "SELECT state FROM consultation_definitions WHERE id = 'garden'") == [("draft",)]

    [launched] = await worker.press(LAUNCH_IT_BUTTON, message=end)  # or /launch garden
    assert launched.text is not None
    assert launched.text.startswith("🚀 “The hub garden” is launched (garden). Young people can take it now.")
    assert "/announce garden" in launched.text and "?start=garden" in launched.text
    assert await rows(bot, "SELECT count(*) FROM responses WHERE consultation_id = 'garden~p'") == [(0,)]
    assert (await worker.send("/launch garden"))[0].text == (
        "garden is already launched. /consultations shows where each stands."
    )

    await young.send("/start garden")
    assert (await answer_garden(young)).startswith(texts.SENT_TITLE)
    results = "\n".join(m.text or "" for m in await worker.send("/results garden"))
    assert "• Flowers: 1 (100%)" in results

    [not_yet] = await worker.send("/archive garden")
    assert not_yet.text == "garden hasn't closed yet. Close it first with /close garden."
    await worker.send("/close garden")
    await worker.press("Yes, close it now")
    [archived] = await worker.send("/archive garden")
    assert archived.text is not None and archived.text.startswith("🗄 garden archived.")

    await bot.restart()  # every state is kept in the database
    listing = "\n".join(m.text or "" for m in await worker.send("/consultations"))
    assert "The hub garden (garden): archived" in listing and "1 response, 1 finished" in listing
    [gone, *_] = await young.send("/start garden")  # archived: not even its result any more
    assert gone.text == texts.UNKNOWN_CONSULTATION
    history = await rows(
        bot,
        "SELECT change, changed_by FROM consultation_changes WHERE consultation_id = 'garden' ORDER BY id",
    )
    assert history == [("recorded", worker.id), ("launched", worker.id), ("archived", worker.id)]


async def test_sending_a_launched_consultation_again_makes_a_new_version(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    await upload(worker, GARDEN)
    assert (await upload(worker, GARDEN.replace("The hub garden", "Our garden"))).startswith(
        "✅ Draft garden updated: “Our garden”, 2 questions."
    )
    await worker.send("/launch garden")
    assert (await upload(worker, GARDEN.replace("The hub garden", "Our garden"))) == (
        "That file is the same as garden, which is already launched: nothing changed."
    )
    changed = await upload(worker, GARDEN.replace("Flowers", "Fruit trees"))
    assert changed.startswith(
        "✅ garden is already launched, so this is saved as a new version: draft garden-v2"
    )
    [launched] = await worker.send("/launch garden-v2")
    assert "The earlier version garden is still open for those who began it" in (launched.text or "")
    young = fake.user(8110, "Young", "young_versions")
    await agree(young)  # someone new sees one button for the garden: the newest version
    data = [button.get("callback_data") for row in young.last_message.inline_keyboard for button in row]
    assert "o|garden-v2" in data and "o|garden" not in data
    long_label = await upload(
        worker, GARDEN.replace("id: garden", "id: wordy").replace("Vegetables", "V" * 33)
    )
    assert long_label.startswith("✅ Saved “The hub garden” (2 questions) as a draft: wordy.")
    assert (
        "⚠️ Saved, but worth a look:\n"
        "• Question 2 (grow: “What should grow there?”): line 12: options.veg.label" in long_label
    )
    past = GARDEN.replace("id: garden", "id: old-garden\ncloses_at: 2020-01-31T17:00:00+00:00")
    await upload(worker, past)
    [refused] = await worker.send("/launch old-garden")
    assert refused.text == (
        "old-garden closes on 31 Jan 2020, which has passed. Change its closes_at and send the file again."
    )
    later = GARDEN.replace("id: garden", "id: new-garden\nopens_at: 2099-03-02T09:00:00+00:00")
    await upload(worker, later)
    [launched] = await worker.send("/launch new-garden")
    assert "It opens on 02 Mar 2099 at 09:00." in (launched.text or "")  # Europe/London in winter
    # The id of a consultation from the server's folder is not the team's to reuse in chat.
    taken = await upload(worker, GARDEN.replace("id: garden", "id: pets"))
    assert taken.startswith(
        "The id 'pets' is already used by a consultation from the server's surveys folder"
    )


async def test_an_answered_file_whose_questions_change_becomes_a_new_version(
    fake: FakeTelegram, bot: RunningBot, worker: User, settings: Settings
) -> None:
    young = await someone_answering_pets(fake, 8102)
    pets = settings.surveys_dir / "pets.yaml"
    original = pets.read_text(encoding="utf-8")

    pets.write_text(original.replace("Pets at the hub", "Pets in the hubs"), encoding="utf-8")
    await bot.restart()  # a new title is not a new question: it applies to the live one
    listing = "\n".join(m.text or "" for m in await worker.send("/consultations"))
    assert "Pets in the hubs (pets): open" in listing and "pets-v2" not in listing

    pets.write_text(
        original.replace("Which pets? Pick up to 2.", "Which animals? Pick up to 2."), encoding="utf-8"
    )
    await bot.restart()
    [question] = await young.send("/start")  # carries on with the questions they started
    assert "Which pets? Pick up to 2." in (question.text or "")
    listing = "\n".join(m.text or "" for m in await worker.send("/consultations"))
    assert "Pets at the hub (pets-v2): draft" in listing
    [first, *_] = await worker.send("/preview pets-v2")
    assert first.text is not None and first.text.startswith("👀 Preview of “Pets at the hub”")

    await bot.restart()  # the same change again makes no third version
    assert await rows(bot, "SELECT id, state FROM consultation_definitions WHERE base_id = 'pets'") == [
        ("pets", "launched"),
        ("pets-v2", "draft"),
    ]


async def test_who_may_send_files_and_preview(
    fake: FakeTelegram, bot: RunningBot, worker: User, settings: Settings
) -> None:
    young = fake.user(8103, "Young", "young_yaml")
    await agree(young)
    replies = await young.send_document(GARDEN.encode(), file_name="garden.yaml", mime_type="text/yaml")
    assert replies and all("draft" not in (m.text or "") for m in replies)
    assert await rows(bot, "SELECT id FROM consultation_definitions WHERE id = 'garden'") == []
    for command in ("/preview pets", "/launch pets", "/archive pets"):
        assert (await young.send(command))[0].text == NOT_ALLOWED
    officer = fake.user(OFFICER, "Olu", "olu_officer", started=True)
    [refused] = await officer.send_document(GARDEN.encode(), file_name="garden.yaml", mime_type="text/yaml")
    assert refused.text == NOT_ALLOWED

    too_big = await upload(worker, GARDEN + "#" * 300_000)
    assert too_big == TOO_BIG.format(kb=256)
    not_text = await worker.send_document(b"\xff\xfe\x00garden", file_name="garden.yml")
    assert (
        not_text[0].text
        == "I couldn't read garden.yml: a consultation file is plain text (UTF-8), like the ones in surveys/."
    )

    team = fake.group(TEAM_CHAT, "Participation team")
    [refused] = await say_in(fake, team, worker, "/preview pets")
    assert refused.text == ONLY_PRIVATELY


async def test_an_archived_draft_stays_away_and_team_commands_never_take_a_preview_copy(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    young = fake.user(8104, "Young", "young_archive")
    await agree(young)
    await upload(worker, GARDEN)
    await worker.send("/preview garden")
    for command in ("/announce garden~p", "/results garden~p", "/export garden~p", "/close garden~p"):
        [refused] = await worker.send(command)
        assert (refused.text or "").startswith("Use: "), command
    [archived] = await worker.send("/archive garden")
    assert archived.text == "🗄 Draft garden archived: it is no longer listed."
    assert (await worker.send("/archive garden"))[0].text == "garden is already archived."

    await bot.restart()
    [listing] = await young.send("/start")
    assert "The hub garden" not in str(listing.inline_keyboard)
    [unknown, *_] = await young.send("/start garden")
    assert unknown.text == texts.UNKNOWN_CONSULTATION
    assert (await upload(worker, GARDEN)).startswith("✅ Draft garden updated")  # back as the draft
    # Preview answers do not outlive a restart.
    assert await rows(bot, "SELECT count(*) FROM responses WHERE consultation_id = 'garden~p'") == [(0,)]


async def test_renamed_and_added_files_at_one_restart(
    fake: FakeTelegram, bot: RunningBot, worker: User, settings: Settings
) -> None:
    await someone_answering_pets(fake, 8105)
    pets = settings.surveys_dir / "pets.yaml"
    original = pets.read_text(encoding="utf-8")
    # Questions changed, and a file that takes the id the new version would have had.
    pets.write_text(original.replace("Which pets?", "Which animals?"), encoding="utf-8")
    (settings.surveys_dir / "a-pets-v2.yaml").write_text(GARDEN.replace("id: garden", "id: pets-v2"))
    await bot.restart()
    stored = await rows(bot, "SELECT id, base_id, state FROM consultation_definitions WHERE id LIKE 'pets%'")
    assert sorted(stored) == [
        ("pets", "pets", "launched"),
        ("pets-v2", "pets-v2", "launched"),
        ("pets-v3", "pets", "draft"),
    ]

    # A file given another id retires the old one: young people see one button, not two.
    (settings.surveys_dir / "named.yaml").write_text(
        (settings.surveys_dir / "named.yaml")
        .read_text(encoding="utf-8")
        .replace("id: named", "id: named-two")
    )
    await bot.restart()
    other = fake.user(8106, "Young", "young_other")
    await agree(other)
    data = [button.get("callback_data") for row in other.last_message.inline_keyboard for button in row]
    assert "o|named-two" in data and "o|named" not in data


async def test_a_worker_records_a_question_whose_message_has_no_answer_buttons(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    typed = (
        "id: story\ntitle: Your story\nintro: Tell us.\n"
        "questions:\n  - {id: tell, type: text, text: 'What happened?'}\n"
    )
    await upload(worker, typed, "story.yaml")
    await worker.send("/preview story")
    await worker.press(texts.CONSENT_BUTTON)
    question = worker.last_message
    assert "What happened?" in (question.text or "") and question.button_labels == [texts.PAUSE_BUTTON]
    recording = fake.store_file("voice", b"OggS" + bytes(20), duration=3, mime_type="audio/ogg")
    update = worker.make_message_update(voice=recording.to_json())
    update["message"]["reply_to_message"] = fake.message_json(question)
    [saved] = await worker.send_raw_update(update)
    assert (saved.text or "").startswith(
        "🔊 Saved: young people who listen (English) will hear this with question tell"
    )
    # A worker reading Arabic records an English-only consultation: it is an English recording.
    await worker.send("/language")
    await worker.press("العربية")
    await worker.send("/preview story")
    question = worker.last_message
    update = worker.make_message_update(voice=recording.to_json())
    update["message"]["reply_to_message"] = fake.message_json(question)
    [saved] = await worker.send_raw_update(update)
    assert "(English)" in (saved.text or "")


async def test_a_translation_left_behind_is_pointed_out(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    translated = GARDEN.replace(
        "{id: veg, label: Vegetables}", "{id: veg, label: {en: Vegetables, ar: خضروات}}"
    )
    await upload(worker, translated)
    stale = await upload(worker, translated.replace("en: Vegetables", "en: Fruit and veg"))
    assert stale.startswith("✅ Draft garden updated")
    assert "options.veg.label: the English changed but the ar did not: check it still says the same" in stale


async def test_a_billion_laughs_is_refused_at_once_and_young_people_are_still_answered(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    young = fake.user(8107, "Young", "young_laughs")
    await agree(young)
    started = time.monotonic()
    refused = await upload(worker, billion_laughs(), "laughs.yaml")
    assert time.monotonic() - started < 5  # a generous guard: it takes milliseconds, not minutes
    assert refused.startswith("❌ I couldn't save laughs.yaml: nothing was saved.")
    assert f"• The file: line 3: {NO_ANCHORS}" in refused
    assert await rows(bot, "SELECT id FROM consultation_definitions WHERE id = 'laughs'") == []
    [signpost, *_] = await young.send("I want to kill myself")
    assert signpost.text == texts.SIGNPOST


async def test_a_check_that_runs_long_gives_up_and_everyone_else_is_answered_meanwhile(
    fake: FakeTelegram, bot: RunningBot, worker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    young = fake.user(8108, "Young", "young_meanwhile")
    await agree(young)
    entered, released = threading.Event(), threading.Event()

    def stuck(*args: object) -> str:
        """A check busy for longer than the limit (no file can make it so since anchors, aliases and
        big files are refused: this stands in for whatever might)."""
        entered.set()
        released.wait(timeout=20)
        return "never said"

    monkeypatch.setattr(definitions, "_check_upload", stuck)
    monkeypatch.setattr(definitions, "CHECK_SECONDS", 3.0)
    uploading = asyncio.create_task(upload(worker, GARDEN))
    try:
        for _ in range(500):
            if entered.is_set():
                break
            await asyncio.sleep(0.01)
        assert entered.is_set()
        # The worker's file is being checked in a thread: a young person's words are still read.
        [signpost, *_] = await young.send("I want to kill myself")
        assert signpost.text == texts.SIGNPOST
        assert not uploading.done()
        assert await uploading == TOO_SLOW.format(name="garden.yaml")
    finally:
        released.set()
        await asyncio.gather(uploading, return_exceptions=True)
    assert await rows(bot, "SELECT id FROM consultation_definitions WHERE id = 'garden'") == []


async def test_a_file_of_ordinary_mistakes_gets_the_whole_report_and_nothing_else(
    bot: RunningBot, worker: User
) -> None:
    replies = await worker.send_document(MANY_MISTAKES.encode(), file_name="hub.yaml")
    said = "\n".join(m.text or "" for m in replies)
    assert said.startswith("❌ I couldn't save hub.yaml: nothing was saved.")
    for reported in REPORTED:
        line, _, reason = reported.split(": ", 2)
        if "media/" not in reason:  # the pictures are looked for in this bot's surveys folder
            assert f": {line}: {reason}" in said
    assert "• Question 3 (rate: “Would you visit?”)" not in said  # duplicated ids: named by place
    assert "• Question 3 (rate): line 20: id: 'rate' is question 2's id too" in said
    for wrong in (texts.SOMETHING_WENT_WRONG, texts.STICKER_OR_MEDIA, texts.CONSENT_QUESTION):
        assert wrong not in said


async def test_a_long_report_is_split_between_messages(bot: RunningBot, worker: User) -> None:
    questions = "".join(f"  - {{id: q{n}, type: essay, text: Question {n}}}\n" for n in range(1, 41))
    text = GARDEN.split("questions:")[0] + "questions:\n" + questions
    replies = await worker.send_document(text.encode(), file_name="long.yaml")
    assert len(replies) >= 2 and all(len(m.text or "") <= 4096 for m in replies)
    said = "\n".join(m.text or "" for m in replies)
    assert said.count("is not a question type") == 40


async def test_a_check_that_fails_is_told_to_the_worker_and_goes_no_further(
    bot: RunningBot, worker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> str:
        raise RuntimeError("a mistake of ours")

    monkeypatch.setattr(definitions.Definitions, "upload", broken)
    replies = await worker.send_document(GARDEN.encode(), file_name="garden.yaml")
    assert [m.text for m in replies] == [NOT_CHECKED.format(name="garden.yaml")]
