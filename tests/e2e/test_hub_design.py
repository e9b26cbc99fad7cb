"""The hub design consultation, end to end: pictures, faces, ranking, logic, rather-not-say and a
photo upload, then the team's results."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from bot.config import Settings
from bot.core import texts
from bot.core.engine import DECLINED
from tests.conftest import RunningBot
from tests.e2e.test_feedback_and_safeguarding import agree, rows
from tests.fake_telegram import FakeTelegram, Group, User
from tests.fake_telegram.server import SentMessage
from tests.unit.test_photos import MAKE, blank_png, phone_photo

SHIPPED = Path(__file__).parents[2] / "surveys"
HUB = "Design our new hub"
# 12 questions, three shown only after certain answers: the count is of those that may still be
# asked, so it starts at 12 and only falls as answers rule follow-ups out (never "5 of 9", "6 of 10").
QUESTIONS = 12


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"surveys_dir": SHIPPED})


def answers(bot: RunningBot) -> dict[str, object]:
    found = rows(bot, "SELECT a.question_id, a.value FROM answers a JOIN responses r ON r.id = a.response_id")
    return {question: json.loads(value) if value is not None else None for question, value in found}


def heading(message: SentMessage) -> tuple[int, int]:
    match = re.search(r"Question (\d+) of (\d+)", message.text or "")
    assert match, message.text
    return int(match[1]), int(match[2])


async def open_hub(user: User) -> list[SentMessage]:
    await agree(user)
    return await user.press(HUB)


async def test_pictures_faces_ranking_and_branches(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(6001, "Sam", "sam_h")
    first = await open_hub(sam)
    # The three designs arrive as one album, numbered, then the question with a button for each.
    [album] = sam.albums
    assert [m.caption for m in album] == [
        "1. A: small flats around a garden",
        "2. B: one big family-style house",
        "3. C: bedrooms + games building",
    ]
    assert all(m.photo and m.photo.startswith(b"\x89PNG") for m in album)
    question = first[-1]
    assert heading(question) == (1, QUESTIONS)
    assert "2. B: one big family-style house" in question.button_labels

    # A second young person gets the same pictures by the file_id Telegram gave them: no upload.
    kim = fake.user(6002, "Kim", "kim_h")
    await open_hub(kim)
    [first_album, second_album] = fake.calls_to("sendMediaGroup")
    assert "attach://" in str(first_album["media"])
    assert "attach://" not in str(second_album["media"])

    [feel] = await sam.press("2. B: one big family-style house")
    assert feel.button_labels[:5] == list(texts.faces(5))  # faces with words, a big button each
    await sam.press("🙂 Good")
    await sam.press("🍳 Kitchen to cook together")
    await sam.press(texts.NEXT_BUTTON)

    # The ranking: tap in order, Undo, then Done after three of five.
    await sam.press("🤝 Staff I can talk to")
    await sam.press("🔒 Privacy")
    [ranked] = await sam.press("🌳 Space outside")
    assert "1. 🤝 Staff I can talk to\n2. 🔒 Privacy\n3. 🌳 Space outside" in (ranked.text or "")
    [undone] = await sam.press(texts.UNDO_BUTTON)
    assert "3. 🌳 Space outside" not in (undone.text or "")
    await sam.press("🛏️ A bedroom of my own")
    [where] = await sam.press(texts.DONE_RANKING_BUTTON)
    assert heading(where) == (5, QUESTIONS)

    # show_if one way: the edge of town brings a question about getting there (counted already).
    [getting_there] = await sam.press("🌄 Edge of town, more space")
    assert heading(getting_there) == (6, QUESTIONS)
    assert "how would you want to get to school" in (getting_there.text or "")
    # ...and the other: going back and choosing town hides it and discards its answer.
    await sam.press("🚌 A bus that runs often")
    await sam.press(texts.BACK_BUTTON)
    await sam.press(texts.BACK_BUTTON)
    [lived_in] = await sam.press("🏙️ In town, near shops, buses")
    assert heading(lived_in) == (6, QUESTIONS - 1)  # town: no question about getting there
    assert "getting-there" not in answers(bot)

    # Rather not say: recorded as such (not a skip), and it hides the follow-up question.
    assert lived_in.button_labels[:2] == ["👍 Yes", "👎 No"]
    [home] = await sam.press(texts.RATHER_NOT_BUTTON)
    assert heading(home) == (7, QUESTIONS - 2)
    assert answers(bot)["lived-in"] == DECLINED
    # Back across the hidden follow-up lands on the question before it.
    [back] = await sam.press(texts.BACK_BUTTON)
    assert "Have you ever lived in a children's home" in (back.text or "")

    # Yes shows the follow-up; answering it and then changing to No discards that answer.
    [better] = await sam.press("👍 Yes")
    assert heading(better) == (7, QUESTIONS - 1)
    await sam.send("More say in the rules")
    assert answers(bot)["lived-in-better"] == "More say in the rules"
    await sam.send("/start")  # they wander off and come back: the question they were on returns
    [still] = sam.messages[-1:]
    assert "feel like home" in (still.text or "")
    await sam.press(texts.BACK_BUTTON, message=still)
    await sam.press(texts.BACK_BUTTON)
    await sam.press("👎 No")
    assert "lived-in-better" not in answers(bot)
    stored = answers(bot)
    assert stored["outline"] == "house" and stored["outline-feel"] == 4
    assert stored["matters"] == ["people", "privacy", "bedroom"]


async def say_in(fake: FakeTelegram, group: Group, user: User, text: str) -> list[SentMessage]:
    """`user` sends `text` in `group`; the bot's messages there meanwhile."""
    update = user.make_message_update(text)
    update["message"]["chat"] = group.chat_json()
    revision = fake.revision
    await fake.deliver(update)
    return fake.changed_since(group.id, revision)


async def reach_photo_question(user: User) -> None:
    await open_hub(user)
    for label in ("1. A: small flats", "😐 OK", "🌳 Garden", texts.NEXT_BUTTON):
        await user.press(label)
    await user.press("🛏️ A bedroom of my own")
    await user.press(texts.DONE_RANKING_BUTTON)
    await user.press("🏘️ A quiet street")
    await user.press(texts.SKIP_BUTTON)  # lived in
    await user.press(texts.SKIP_BUTTON)  # home
    [photo_question] = await user.press(texts.SKIP_BUTTON)  # what would stop you
    assert texts.SEND_A_PHOTO in (photo_question.text or "")


async def test_a_photo_is_stored_without_its_location_and_bad_files_are_refused(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    ali = fake.user(6003, "Ali", "ali_h")
    await reach_photo_question(ali)

    [refused, question] = await ali.send_document(b"%PDF-1.4 not a picture", "idea.pdf", "application/pdf")
    assert refused.text == texts.PHOTO_NOT_A_PICTURE and texts.SEND_A_PHOTO in (question.text or "")
    big = b"\xff\xd8\xff" + bytes(11 * 1024 * 1024)
    [refused, _] = await ali.send_document(big, "huge.jpg", "image/jpeg")
    assert refused.text == texts.PHOTO_TOO_BIG
    [disguised, _] = await ali.send_document(b"just text", "fake.png", "image/png")
    assert disguised.text == texts.PHOTO_NOT_A_PICTURE
    assert rows(bot, "SELECT count(*) FROM photos") == [(0,)]

    original = phone_photo()
    assert MAKE.encode() in original and b"GPS" in original
    [review] = await ali.send_photo(original)
    assert (review.text or "").startswith(texts.REVIEW_TITLE)
    assert texts.PHOTO_SENT in (review.text or "")
    [(name,)] = rows(bot, "SELECT name FROM photos")
    stored = (bot.settings.photo_directory / name).read_bytes()
    assert MAKE.encode() not in stored and b"GPS" not in stored
    with Image.open(bot.settings.photo_directory / name) as image:
        assert not image.getexif()
        assert "icc_profile" not in image.info and "exif" not in image.info
    assert [p.name for p in bot.settings.photo_directory.iterdir()] == [name]  # never the original

    # Replacing the photo deletes the first file; /deleteme deletes the second.
    await ali.press(texts.BACK_BUTTON)
    await ali.send_photo(original)
    [(second,)] = rows(bot, "SELECT name FROM photos")
    assert second != name and [p.name for p in bot.settings.photo_directory.iterdir()] == [second]
    await ali.send("/deleteme")
    await ali.press(texts.ERASE_YES_BUTTON)
    assert list(bot.settings.photo_directory.iterdir()) == []


async def test_a_picture_with_too_many_pixels_is_refused_kindly_and_the_question_stays(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    bea = fake.user(6004, "Bea", "bea_b")
    await reach_photo_question(bea)
    bomb = blank_png(10_000, 10_000)  # 100 megapixels in a few KB
    assert len(bomb) < 50_000
    [refused, question] = await bea.send_document(bomb, "plan.png", "image/png")
    assert refused.text == texts.PHOTO_TOO_BIG
    assert texts.SEND_A_PHOTO in (question.text or "")
    assert rows(bot, "SELECT count(*) FROM photos") == [(0,)]
    assert not bot.settings.photo_directory.exists() or list(bot.settings.photo_directory.iterdir()) == []
    [review] = await bea.send_document(blank_png(1_200, 900), "plan.png", "image/png")  # the same, smaller
    assert texts.PHOTO_SENT in (review.text or "")
    assert rows(bot, "SELECT count(*) FROM photos") == [(1,)]


async def test_workers_read_tallies_and_see_the_photos(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    for n in range(2):
        person = fake.user(6100 + n, f"P{n}", f"p_{n}")
        await reach_photo_question(person)
        await person.send_photo(phone_photo())
        await person.press(texts.SUBMIT_BUTTON)
    replies = await worker.send("/results hub-design")
    text = "\n".join(m.text or "" for m in replies)
    assert "• A: small flats around a garden: 2 (100%)" in text
    assert "• 🛏️ A bedroom of my own: average place 1.0 (1 = first), placed by 2" in text
    assert "2 photos" in text
    [album] = worker.albums  # as files: Telegram refuses odd shapes as photos
    files = [m.document or b"" for m in album]
    assert len(files) == 2 and all(f.startswith(b"\xff\xd8") for f in files)
    assert MAKE.encode() not in b"".join(files)
    # Each says what it answers, so a photo forwarded on is not a mystery.
    assert all(
        (m.caption or "").startswith(f"{HUB}: Got an idea for the hub? Send us a photo") for m in album
    )

    # Elsewhere than a private chat or the team's chats, a worker gets one kind line: no figures,
    # never the photos.
    other = fake.group(-100777, "Partners")
    [reply] = await say_in(fake, other, worker, "/results hub-design")
    assert reply.text == "Please use /results in the team chat or in a private chat with me."
    assert len(fake.calls_to("sendMediaGroup")) == 1 + 2  # the hub pictures twice, the gallery once


async def test_the_question_comes_even_when_its_pictures_cannot(fake: FakeTelegram, bot: RunningBot) -> None:
    await open_hub(fake.user(6201, "First", "first_h"))  # uploads the pictures: file_ids kept
    # A new bot token makes the kept file_ids unknown: the bot uploads the pictures again.
    fake.fail_next("sendMediaGroup", 400, "Bad Request: wrong file identifier/HTTP URL specified")
    second = fake.user(6202, "Second", "second_h")
    replies = await open_hub(second)
    assert len(second.albums) == 1 and "Question 1 of" in (replies[-1].text or "")
    # And if Telegram will take no pictures at all, the question still comes, with its buttons.
    fake.fail_next("sendMediaGroup", 400, "Bad Request: wrong file identifier/HTTP URL specified", times=2)
    third = fake.user(6203, "Third", "third_h")
    replies = await open_hub(third)
    assert third.albums == [] and "1. A: small flats around a garden" in replies[-1].button_labels
