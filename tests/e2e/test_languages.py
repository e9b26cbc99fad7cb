"""Every young person can take part in their language, and in easy-read wording: Arabic from
Telegram's language_code or chosen with /language (before consent too), switching mid-way without
losing answers, and the answers stored the same whatever the language."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core import i18n, texts
from tests.conftest import E2E_SURVEYS, RunningBot
from tests.e2e.test_young_person import rows
from tests.fake_telegram import FakeTelegram, Group, SentMessage, User

ISOLATE, POP = i18n.FIRST_STRONG_ISOLATE, i18n.POP_DIRECTIONAL_ISOLATE


def arabic(name: str) -> str:
    with i18n.speaking("ar"):
        return str(getattr(texts, name))


async def take_pets(user: User, labels: dict[str, str], next_button: str, submit: str) -> None:
    """Yes, Cat, Next, 3 on the scale, a typed name, Send, in whichever language they read."""
    await user.press(labels["yes"])
    await user.press(labels["cat"])
    await user.press(next_button)
    await user.press("3")
    await user.send("Biscuit")
    [sent] = await user.press(submit)
    assert sent.text is not None


def answers(bot: RunningBot, respondent_filter: str) -> dict[str, object]:
    stored = rows(
        bot,
        "SELECT a.question_id, a.value FROM answers a JOIN responses r ON r.id = a.response_id"
        f" WHERE r.consultation_id = 'pets' AND r.id = {respondent_filter}",
    )
    return {q: None if v is None else json.loads(v) for q, v in stored}


async def test_an_arabic_speaker_reads_arabic_and_answers_the_same_as_an_english_speaker(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    amal = fake.user(8201, "Amal", "amal_a", language_code="ar")
    [welcome] = await amal.send("/start")
    assert welcome.text is not None and welcome.text.startswith("👋 مرحبًا!")
    assert welcome.button_labels[:3] == [
        arabic("CONSENT_BUTTON"),
        arabic("READ_MORE_BUTTON"),
        arabic("DECLINE_BUTTON"),
    ]
    [listing] = (await amal.press(arabic("CONSENT_BUTTON")))[-1:]
    assert listing.text == arabic("CHOOSE_CONSULTATION")
    assert "الحيوانات الأليفة في المركز" in listing.button_labels
    [first] = await amal.press("الحيوانات الأليفة في المركز")
    assert first.text is not None
    # Numbers and titles are isolated, so they read right inside right-to-left Arabic.
    assert f"السؤال {ISOLATE}1{POP} من {ISOLATE}4{POP}" in first.text
    assert "هل يُسمح بالحيوانات الأليفة؟" in first.text
    assert first.button_labels[:2] == ["👍 نعم", "👎 لا"]
    await take_pets(amal, {"yes": "👍 نعم", "cat": "🐱 قطة"}, arabic("NEXT_BUTTON"), arabic("SUBMIT_BUTTON"))
    assert amal.last_message.text is not None and amal.last_message.text.startswith(arabic("SENT_TITLE"))

    sam = fake.user(8202, "Sam", "sam_e", language_code="en-GB")
    await sam.send("/start")
    await sam.press(texts.CONSENT_BUTTON)
    await sam.press("Pets at the hub")
    await take_pets(sam, {"yes": "👍 Yes", "cat": "🐱 Cat"}, texts.NEXT_BUTTON, texts.SUBMIT_BUTTON)

    [(amal_response,), (sam_response,)] = rows(bot, "SELECT id FROM responses ORDER BY id")
    amal_answers, sam_answers = answers(bot, amal_response), answers(bot, sam_response)
    assert (
        amal_answers
        == sam_answers
        == {
            "allowed": "yes",
            "kinds": ["cat"],
            "happy": 3,
            "names": "Biscuit",
        }
    )
    # No answer keeps its language: matched with the consent's, it would single Amal out.
    assert "language" not in {column for _, column, *_ in rows(bot, "PRAGMA table_info(answers)")}
    assert rows(bot, "SELECT user_id, language FROM participants ORDER BY user_id") == [
        (8201, "ar"),
        (8202, "en"),
    ]


async def test_switching_language_mid_way_keeps_every_answer(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(8203, "Sam", "sam_s", language_code="en")
    await sam.send("/start")
    await sam.press(texts.CONSENT_BUTTON)
    await sam.press("Pets at the hub")
    await sam.press("👍 Yes")
    [chooser] = await sam.send("/language")
    assert chooser.button_labels == ["✅ English", "العربية"]
    [said, question] = await sam.press("العربية")
    assert said.text == "✅ حسنًا، سأستخدم العربية."
    assert question.text is not None and "أي حيوانات؟ اختر حتى 2." in question.text
    await sam.press("🐶 كلب")
    await sam.press(arabic("NEXT_BUTTON"))

    await bot.restart()  # the choice is remembered
    [again] = await sam.send("/start")
    assert again.text is not None and "كم ستسعدك الحيوانات الأليفة؟" in again.text
    await sam.press("4")
    await sam.press(arabic("SKIP_BUTTON"))
    [review] = await sam.press(arabic("BACK_BUTTON"))
    assert review.text is not None
    [(response,)] = rows(bot, "SELECT id FROM responses")
    assert answers(bot, response) == {
        "allowed": "yes",
        "kinds": ["dog"],
        "happy": 4,
        "names": None,
    }


async def test_language_can_be_chosen_before_consent_and_is_kept_from_then(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(8204, "Sam", "sam_b", language_code="de")  # a language we don't have: English
    [welcome] = await sam.send("/start pets")
    assert welcome.text is not None and welcome.text.startswith("👋 Hi!")
    [chooser] = await sam.press(texts.LANGUAGE_BUTTON)
    assert chooser.text == texts.LANGUAGE_ASK
    [said, consent] = await sam.press("العربية")
    assert said.text == "✅ حسنًا، سأستخدم العربية."
    assert consent.text is not None and consent.text.startswith("👋 مرحبًا!")
    assert rows(bot, "SELECT * FROM participants") == []  # nothing stored before they agree
    replies = await sam.press(arabic("CONSENT_BUTTON"))
    assert "هل يُسمح بالحيوانات الأليفة؟" in (replies[-1].text or "")  # the deep link's consultation
    assert rows(bot, "SELECT language FROM participants") == [("ar",)]


async def test_easy_read_words_questions_simply_where_the_file_has_it(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(8205, "Sam", "sam_r", language_code="en")
    await sam.send("/start")
    [listing] = (await sam.press(texts.CONSENT_BUTTON))[-1:]
    assert listing.button_labels[-3:] == [texts.LANGUAGE_BUTTON, texts.EASY_READ_BUTTON, texts.LISTEN_BUTTON]
    [said, listing] = await sam.press(texts.EASY_READ_BUTTON)
    assert said.text == texts.EASY_READ_ON
    assert listing.button_labels[-2] == texts.STANDARD_WORDING_BUTTON
    [first] = await sam.press("Pets at the hub")
    assert first.text is not None and "Can we have pets?" in first.text
    assert "Should pets be allowed?" not in first.text
    await sam.press("👍 Yes")
    [second, *_] = await sam.send("/easyread")  # off again, straight back to the question
    assert second.text == texts.EASY_READ_OFF
    assert "Which pets? Pick up to 2." in (sam.last_message.text or "")
    assert rows(bot, "SELECT easy_read FROM participants") == [(0,)]


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The e2e consultations, with an English recording for the pets question 'allowed'."""
    folder = tmp_path / "surveys"
    shutil.copytree(E2E_SURVEYS, folder)
    (folder / "media").mkdir(exist_ok=True)
    (folder / "media" / "allowed.ogg").write_bytes(OGG)
    pets = folder / "pets.yaml"
    pets.write_text(
        pets.read_text(encoding="utf-8").replace(
            '    easy_text: {en: "Can we have pets?"',
            '    audio: media/allowed.ogg\n    easy_text: {en: "Can we have pets?"',
        ),
        encoding="utf-8",
    )
    return settings.model_copy(update={"surveys_dir": folder})


OGG = b"OggS\x00\x02" + bytes(40)  # enough of an OGG page for the checks and the fake


def voices(user: User) -> list[SentMessage]:
    return [m for m in user.messages if m.media is not None and m.media[0] == "voice"]


async def test_listeners_hear_the_files_recording_and_one_a_worker_made_in_chat(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    sam = fake.user(8206, "Sam", "sam_l", language_code="en")
    await sam.send("/start")
    await sam.press(texts.CONSENT_BUTTON)
    [said, *_] = await sam.send("/listen")
    assert said.text == texts.LISTEN_ON
    await sam.press("Pets at the hub")
    [voice] = voices(sam)  # the file's recording, just above the question
    assert sam.messages[-1].text is not None and "Should pets be allowed?" in sam.messages[-1].text
    assert sam.messages[-2] is voice

    # A worker records the next question while previewing it, replying to its message.
    await worker.send("/preview pets")
    await worker.press(texts.CONSENT_BUTTON)
    await worker.press("👍 Yes")
    question = worker.last_message
    assert question.text is not None and "Which pets?" in question.text
    recording = fake.store_file("voice", OGG, duration=4, mime_type="audio/ogg")
    update = worker.make_message_update(voice=recording.to_json())
    update["message"]["reply_to_message"] = fake.message_json(question)
    [saved] = await worker.send_raw_update(update)
    assert saved.text == (
        "🔊 Saved: young people who listen (English) will hear this with question kinds of pets. "
        "Send another the same way to replace it."
    )
    [not_a_reply] = await worker.send_voice()
    assert (not_a_reply.text or "").startswith("To give a question a voice note: /preview")

    await sam.press("👍 Yes")
    assert len(voices(sam)) == 2 and voices(sam)[-1].media[1]["file_id"] == recording.file_id  # type: ignore[index]
    assert "Which pets?" in (sam.messages[-1].text or "")
    await sam.press("🐱 Cat")  # taps on the same question: the voice note came once, when they got there
    assert len(voices(sam)) == 2 and sam.messages[-1].edits == 1

    # Nobody else hears anything: not those who did not ask, nor Arabic readers (no Arabic recording).
    amal = fake.user(8207, "Amal", "amal_l", language_code="ar")
    await amal.send("/listen")
    await amal.send("/start")
    await amal.press(arabic("CONSENT_BUTTON"))
    await amal.press("الحيوانات الأليفة في المركز")
    assert voices(amal) == []


async def test_an_arabic_disclosure_gets_arabic_help_and_reaches_the_team(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    amal = fake.user(8208, "Amal", "amal_s", language_code="ar")
    await amal.send("/start")
    await amal.press(arabic("CONSENT_BUTTON"))
    [signpost] = await amal.send("سأقتل نفسي")
    assert signpost.text == arabic("SIGNPOST")
    await amal.press(arabic("CONTACT_NO_BUTTON"))
    await bot.run_outbox()
    [alert] = [m.text for m in team.messages if m.text and m.text.startswith("🚨")]
    assert "سأقتل نفسي" in alert and "(suicide)" in alert  # the team reads English, her words as written


async def test_feedback_in_arabic_with_our_topics_translated(fake: FakeTelegram, bot: RunningBot) -> None:
    amal = fake.user(8209, "Amal", "amal_f", language_code="ar")
    await amal.send("/start")
    await amal.press(arabic("CONSENT_BUTTON"))
    [topics] = await amal.send("/feedback")
    assert topics.text == arabic("FEEDBACK_TOPIC")
    assert topics.button_labels[0] == "🏠 المركز"
    [write] = await amal.press("🏠 المركز")
    assert write.text is not None and write.text.startswith(f"✏️ {ISOLATE}🏠 المركز{POP}:")


async def test_an_arabic_reader_is_told_which_consultations_are_only_in_english(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    amal = fake.user(8210, "Amal", "amal_m", language_code="ar")
    await amal.send("/start")
    [listing] = (await amal.press(arabic("CONSENT_BUTTON")))[-1:]
    with i18n.speaking("ar"):
        marked = texts.ENGLISH_ONLY_LABEL.format(title="Come to our open day")
    assert marked in listing.button_labels and marked.endswith("🇬🇧 بالإنجليزية فقط")
    assert "الحيوانات الأليفة في المركز" in listing.button_labels  # in Arabic: no mark
    [opened] = await amal.press(marked)
    assert opened.text is not None
    # Before the English intro and question, she is told why they are in English.
    assert opened.text.index(arabic("ENGLISH_ONLY_INTRO")) < opened.text.index("Not anonymous")
    assert "Would you come?" in opened.text

    sam = fake.user(8211, "Sam", "sam_m", language_code="en")
    await sam.send("/start")
    [listing] = (await sam.press(texts.CONSENT_BUTTON))[-1:]
    assert "Come to our open day" in listing.button_labels
    [opened] = await sam.press("Come to our open day")
    assert opened.text is not None and texts.ENGLISH_ONLY_INTRO not in opened.text
