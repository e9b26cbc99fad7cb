"""A young person takes a consultation in Telegram, through the real Application and a fake API."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.core import texts
from bot.core.screens import erase_screen
from bot.intake.lanes import MAX_ATTEMPTS
from bot.storage import lifecycle_repo
from tests.conftest import BOTH_INTAKES, E2E_SURVEYS, RunningBot
from tests.fake_telegram import FakeTelegram, User

pytestmark = BOTH_INTAKES  # the same tests, polling and with a webhook


def rows(bot: RunningBot, sql: str) -> list[tuple]:
    with sqlite3.connect(bot.settings.database_path) as connection:
        return connection.execute(sql).fetchall()


def answers(bot: RunningBot, consultation: str = "pets") -> dict[str, str | None]:
    return dict(
        rows(
            bot,
            "SELECT question_id, value FROM answers JOIN responses ON responses.id = response_id "
            f"WHERE consultation_id = '{consultation}'",
        )
    )


async def agree(user: User, payload: str = "") -> None:
    await user.send(f"/start {payload}".strip())
    await user.press(texts.CONSENT_BUTTON)


# Under every list: the language and easy read, never more than a tap away.
READING_ROW = [texts.LANGUAGE_BUTTON, texts.EASY_READ_BUTTON, texts.LISTEN_BUTTON]
# Under the consent question, and under the nudge to anything sent before it.
CONSENT_BUTTONS = [
    texts.CONSENT_BUTTON,
    texts.READ_MORE_BUTTON,
    texts.DECLINE_BUTTON,
    texts.LANGUAGE_BUTTON,
    texts.EASY_READ_BUTTON,
]


async def reach_the_text_question(user: User, scale_point: str = "3") -> None:
    """Agree and answer the first three pets questions: Yes, Cat, Next, a scale point."""
    await agree(user, "pets")
    for label in ("Yes", "Cat", texts.NEXT_BUTTON, scale_point):
        await user.press(label)


async def test_consent_comes_first_and_nothing_is_stored_before_it(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    [welcome] = await sam.send("/start")
    assert welcome.text == f"{texts.WELCOME}\n\n{texts.CONSENT_SUMMARY}\n\n{texts.CONSENT_QUESTION}"
    assert "anonymous" in welcome.text and "someone is hurting you" in welcome.text
    assert welcome.button_labels == CONSENT_BUTTONS
    assert rows(bot, "SELECT * FROM participants") == []

    # Anything before consent gets one line and the same buttons, not the notice again.
    [nudge] = await sam.send("hello?")
    assert nudge.text == texts.NEED_CONSENT and nudge.button_labels == CONSENT_BUTTONS

    await sam.press(texts.DECLINE_BUTTON)
    assert sam.messages[-1].text.startswith("That's fine. Nothing about you has been saved.")
    assert rows(bot, "SELECT * FROM participants") == []

    await sam.send("/start")
    replies = await sam.press(texts.CONSENT_BUTTON)
    assert [user_id for (user_id,) in rows(bot, "SELECT user_id FROM participants")] == [1001]
    listing = replies[-1]
    assert listing.text == texts.CHOOSE_CONSULTATION
    # Open consultations only: the closed one is not offered.
    assert listing.button_labels == ["Come to our open day", "Pets at the hub", *READING_ROW]  # file order


async def test_privacy_help_and_unknown_commands(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    [notice] = await sam.send("/privacy")
    assert bot.conversation is not None
    # The full notice; before they agree, the consent question under it (see test_privacy.py).
    assert notice.text == f"{bot.conversation.privacy_facts.notice()}\n\n{texts.CONSENT_QUESTION}"
    [help_text] = await sam.send("/help")
    assert "/cancel" in help_text.text and "/privacy" in help_text.text and "/mydata" in help_text.text
    [pointer] = await sam.send("/frobnicate")
    assert pointer.text == texts.NOT_UNDERSTOOD
    assert [c["command"] for c in fake.my_commands()] == [
        "start",
        "feedback",
        "updates",
        "cancel",
        "language",
        "easyread",
        "listen",
        "privacy",
        "mydata",
        "aboutyou",
        "deleteme",
        "help",
    ]
    # Telegram shows Arabic apps the menu in Arabic.
    arabic = fake.my_commands(language_code="ar")
    assert arabic[0] == {"command": "start", "description": "اعرض ما يمكنك قول رأيك فيه"}


async def test_deep_link_takes_a_whole_consultation_with_back_and_submit(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await sam.send("/start pets")
    agreed, question = await sam.press(texts.CONSENT_BUTTON)
    assert agreed.text.endswith(texts.CONSENT_GIVEN) and agreed.button_labels == []  # notice kept
    assert question.text.startswith(
        "Pets at the hub\n\nA short one about pets. It's anonymous.\n\n"
        "Question 1 of 4\n\nShould pets be allowed?"
    )
    # No Back on the first question; Pause on every one.
    assert question.button_labels == ["👍 Yes", "👎 No", texts.PAUSE_BUTTON]

    # A tap turns the question's own message into the next question: the buttons stay put.
    [next_question] = await sam.press("👍 Yes")
    assert next_question.message_id == question.message_id
    assert next_question.text.startswith("Question 2 of 4")
    assert answers(bot) == {"allowed": '"yes"'}  # committed before the next question arrived

    # Multi choice: toggles redraw the same message; a third pick is refused with a toast.
    [redrawn] = await sam.press("Cat")
    assert "✅ 🐱 Cat" in redrawn.button_labels
    await sam.press("Fish")
    await sam.press("Dog")
    assert sam.last_callback_answer == texts.too_many_choices(2)
    assert answers(bot)["kinds"] == '["cat", "fish"]'

    # Back to question 1, change the answer, and forward again: the later answer is kept.
    await sam.press(texts.BACK_BUTTON)
    assert sam.last_text.startswith("Question 1 of 4")
    assert "✅ 👍 Yes" in sam.last_message.button_labels
    await sam.press("👎 No")
    assert sam.last_text.startswith("Question 2 of 4")
    scale = (await sam.press(texts.NEXT_BUTTON))[-1]
    assert scale.text.startswith("Question 3 of 4")
    assert scale.buttons[0] == ["1 😞", "2", "3", "4", "5 😍"]
    await sam.press("4")

    # Text: too long is refused kindly and nothing is saved; then a good answer.
    replies = await sam.send("x" * 51)
    assert replies[0].text == texts.too_long(51, 50)
    assert "names" not in answers(bot)
    replies = await sam.send("Biscuit")
    review = replies[-1]
    assert review.text.startswith(texts.REVIEW_TITLE)
    for line in ("➡️ 👎 No", "➡️ 🐱 Cat, 🐟 Fish", "➡️ 4", "➡️ Biscuit"):
        assert line in review.text
    assert review.button_labels == [texts.SUBMIT_BUTTON, texts.BACK_BUTTON, texts.PAUSE_BUTTON]

    [sent] = await sam.press(texts.SUBMIT_BUTTON)
    assert sent.message_id == review.message_id
    assert sent.button_labels == [texts.FEEDBACK_BUTTON]  # feedback is offered at the end
    [topics] = await sam.press(texts.FEEDBACK_BUTTON)
    assert topics.text == texts.FEEDBACK_TOPIC
    assert sent.text.startswith(texts.SENT_TITLE) and sent.text.endswith(texts.THANK_YOU)
    assert "➡️ Biscuit" in sent.text  # their answers stay in view
    assert rows(bot, "SELECT status FROM responses WHERE consultation_id = 'pets'") == [("submitted",)]
    assert answers(bot) == {"allowed": '"no"', "kinds": '["cat", "fish"]', "happy": "4", "names": '"Biscuit"'}

    # One response per person: starting again says thank you instead.
    [again] = await sam.send("/start pets")
    assert again.text == texts.ALREADY_DONE.format(title="Pets at the hub")


async def test_skip_records_a_skipped_answer(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    await sam.press("Yes")
    await sam.press("Dog")
    await sam.press(texts.NEXT_BUTTON)
    await sam.press("3")
    review = (await sam.press(texts.SKIP_BUTTON))[-1]
    assert f"➡️ {texts.SKIPPED}" in review.text
    assert answers(bot)["names"] is None


async def test_cancel_keeps_answers_and_start_picks_up_where_they_left_off(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    await sam.press("Yes")
    [paused] = await sam.send("/cancel")
    assert paused.text == texts.PAUSED.format(title="Pets at the hub")
    assert answers(bot) == {"allowed": '"yes"'}
    [pointer] = await sam.send("what now")
    assert pointer.text == texts.NOT_UNDERSTOOD
    [nothing] = await sam.send("/cancel")
    assert nothing.text == texts.NOTHING_TO_CANCEL

    [listing] = await sam.send("/start")
    assert texts.CONTINUE_MARK + "Pets at the hub" in listing.button_labels
    [question] = await sam.press("Pets at the hub")
    assert question.text.startswith("Question 2 of 4")


async def test_a_restart_mid_consultation_continues_at_the_same_question(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    await sam.press("Yes")
    await sam.press("Cat")
    await bot.restart()

    # A tap on the message sent before the restart still works...
    [redrawn] = await sam.press("Dog")
    assert "✅ 🐶 Dog" in redrawn.button_labels and "✅ 🐱 Cat" in redrawn.button_labels
    await bot.restart()
    # ...and so does a typed message, which gets the current question back.
    replies = await sam.send("hi again")
    assert replies[0].text == texts.USE_THE_BUTTONS
    assert replies[1].text.startswith("Question 2 of 4")
    await sam.press(texts.NEXT_BUTTON)
    assert sam.last_text.startswith("Question 3 of 4")


async def test_a_duplicated_update_is_recorded_once(fake: FakeTelegram, bot: RunningBot) -> None:
    """Telegram delivering an update again (say, the bot stopped before confirming it) changes
    nothing: the inbox knows it, so it is neither applied nor answered twice."""
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    pick = sam.make_callback_update("Yes")
    await fake.deliver(pick)
    sent = len(sam.messages)
    fake.push_raw_update(pick)
    toggle = sam.make_callback_update("Cat")
    await fake.deliver(toggle)  # handled after the copy (one person's updates are in order)
    assert len(sam.messages) == sent  # the tap edited the question in place; no reply to the copy
    fake.push_raw_update(toggle)  # Telegram redelivers the very same update
    await sam.press(texts.NEXT_BUTTON)
    assert answers(bot)["kinds"] == '["cat"]'  # a second toggle would have removed it

    await sam.press("5")
    assert sam.last_text.startswith("Question 4 of 4")
    message = sam.make_message_update("Rex")
    await fake.deliver(message)
    fake.push_raw_update(message)
    await sam.press(texts.BACK_BUTTON)
    assert answers(bot)["names"] == '"Rex"'
    assert rows(bot, "SELECT count(*) FROM responses") == [(1,)]
    assert rows(bot, "SELECT count(*) FROM inbox WHERE done = 0") == [(0,)]


async def test_an_old_button_gets_a_gentle_moved_on(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    first_copy = sam.last_message
    # A tap on it that reaches us late, from a phone that still shows its buttons:
    late_tap = sam.make_callback_update("👎 No", message=first_copy)
    await sam.send("yes please")  # typing on a button question sends the question again
    assert first_copy.button_labels == []  # the older copy is tidied: only the new one is live
    await sam.press("👍 Yes")  # answered through the second copy
    await sam.press("Cat")
    await sam.press(texts.NEXT_BUTTON)
    before = answers(bot)

    replies = await sam.send_raw_update(late_tap)
    assert fake.callback_answer(late_tap["callback_query"]["id"]).text == texts.MOVED_ON
    assert [m.text[:15] for m in replies] == ["Question 3 of 4"]  # where they are now
    assert answers(bot) == before == {"allowed": '"yes"', "kinds": '["cat"]'}


async def test_a_double_tap_moves_on_once(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    first_tap, second_tap = sam.make_callback_update("Yes"), sam.make_callback_update("Yes")
    await fake.deliver(first_tap)
    sent = len(sam.messages)
    await fake.deliver(second_tap)  # a different update for the same button
    assert len(sam.messages) == sent  # no second "Question 2"
    assert fake.callback_answer(second_tap["callback_query"]["id"]).text == texts.MOVED_ON
    assert answers(bot) == {"allowed": '"yes"'}


async def test_stickers_photos_and_very_long_texts_get_a_friendly_pointer(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    [pointer] = await sam.send_sticker()
    assert pointer.text == texts.STICKER_OR_MEDIA
    await sam.press("Pets at the hub")
    replies = await sam.send_photo()
    assert replies[0].text == texts.STICKER_OR_MEDIA
    assert replies[1].text.startswith("Question 1 of 4")  # never a dead end
    replies = await sam.send("🙂" * 2000)
    # Emoji alone say nothing the buttons do not: pointed to them, with the question again.
    assert replies[0].text == texts.USE_THE_BUTTONS
    assert replies[1].text.startswith("Question 1 of 4")
    assert answers(bot) == {}


async def test_a_closed_consultation_is_refused_kindly(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    replies = await sam.send("/start old-one")
    assert replies[0].text == texts.NOT_OPEN.format(title="An old consultation")
    assert rows(bot, "SELECT * FROM responses") == []


async def test_anonymous_answers_hold_no_telegram_identity(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(987654321, "Samira", "samira_k")
    await reach_the_text_question(sam, "2")
    await sam.send("A cat called Biscuit")
    await sam.press(texts.SUBMIT_BUTTON)
    await sam.send("/start named")
    await sam.press("Yes")
    await sam.press(texts.SUBMIT_BUTTON)
    await bot.stop()  # closing the database moves everything from the WAL into the file itself

    identity = ("987654321", "Samira", "samira_k")
    anonymous_rows = rows(bot, "SELECT * FROM responses WHERE consultation_id = 'pets'") + rows(
        bot,
        "SELECT answers.* FROM answers JOIN responses ON responses.id = response_id "
        "WHERE consultation_id = 'pets'",
    )
    assert len(anonymous_rows) == 5
    for row in anonymous_rows:
        for value in row:
            assert not any(part in str(value) for part in identity), row
    # Times are kept to the day, so they cannot be matched with the consent record's.
    [(started, updated, submitted)] = rows(
        bot, "SELECT started_at, updated_at, submitted_at FROM responses WHERE consultation_id = 'pets'"
    )
    assert all(stamp.endswith("T00:00:00+00:00") for stamp in (started, updated, submitted))
    # The check can fail: a named consultation does keep the id.
    assert rows(bot, "SELECT user_id FROM responses WHERE consultation_id = 'named'") == [(987654321,)]
    # Names and usernames are stored nowhere at all.
    database = bot.settings.database_path
    stored_bytes = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert b"Biscuit" in stored_bytes  # the scan sees the answers...
    assert b"Samira" not in stored_bytes and b"samira_k" not in stored_bytes  # ...and no names


async def test_an_edited_message_gets_a_pointer_and_changes_nothing(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await reach_the_text_question(sam)
    update = sam.make_message_update("Rex")
    await fake.deliver(update)
    edit = {"update_id": fake.next_update_id(), "edited_message": {**update["message"], "text": "Max"}}
    edit["edited_message"]["edit_date"] = update["message"]["date"] + 5
    await fake.deliver(edit)
    assert sam.last_text == texts.EDITS_NOT_SEEN
    assert answers(bot)["names"] == '"Rex"'


async def test_a_consultation_edited_mid_way_carries_on_from_the_first_unanswered_question(
    fake: FakeTelegram, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "surveys"
    folder.mkdir()
    original = (E2E_SURVEYS / "pets.yaml").read_text()
    (folder / "pets.yaml").write_text(original)
    running = RunningBot(fake, settings.model_copy(update={"surveys_dir": folder}))
    await running.start()
    try:
        sam = fake.user(1001, "Sam", "sam_k")
        await agree(sam, "pets")
        await sam.press("Yes")  # now on "kinds"
        (folder / "pets.yaml").write_text(original.replace("id: kinds", "id: which-pets"))
        await running.restart()
        replies = await sam.send("/start")
        assert replies[-1].text.startswith("Question 2 of 4\n\nWhich pets?")
        await sam.press("Dog")
        await sam.press(texts.NEXT_BUTTON)
        assert sam.last_text.startswith("Question 3 of 4")
    finally:
        await running.stop()


async def test_a_young_person_who_blocked_the_bot_causes_no_error(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    tap = sam.make_callback_update("Yes")
    sam.block()  # between tapping and the bot's reply
    before = fake.revision
    await fake.deliver(tap)  # the answer is saved even though the next question cannot be delivered
    assert answers(bot) == {"allowed": '"yes"'}
    assert fake.changed_since(1001, before) == []  # Telegram refused the edit: nothing reached them
    # ...and the `fake` fixture checks the bot raised nothing while handling it.


async def test_telegram_failing_for_a_while_is_ridden_out_and_they_see_where_they_are(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    # Saved, then Telegram fails the reply again and again (502s): tried again until it works.
    fake.fail_next("answerCallbackQuery", 502, "Bad Gateway", times=4)
    await sam.press("Yes", timeout=20)
    assert sam.last_text.startswith("Question 2 of 4")
    assert all(m.text != texts.SOMETHING_WENT_WRONG for m in sam.messages)
    assert answers(bot) == {"allowed": '"yes"'}
    assert rows(bot, "SELECT count(*) FROM quarantine") == [(0,)]
    fake.bot_errors.clear()  # the errors were meant to happen


async def test_an_update_that_keeps_failing_is_set_aside_with_an_apology(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await reach_the_text_question(sam)
    # Every try fails on Telegram refusing the reply outright (not a passing outage).
    fake.fail_next("sendMessage", 400, "Bad Request: can't parse entities", times=MAX_ATTEMPTS)
    await sam.send("Rex")
    assert sam.last_text == texts.SOMETHING_WENT_WRONG
    assert "Traceback" not in sam.last_text
    assert answers(bot)["names"] == '"Rex"'  # what was saved stays saved
    assert rows(bot, "SELECT count(*) FROM quarantine") == [(1,)]
    fake.bot_errors.clear()  # the errors were meant to happen
    [question] = await sam.send("/start")
    assert question.text.startswith(texts.REVIEW_TITLE)


async def test_flood_control_is_waited_out_and_the_reply_still_arrives(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    edits_before = len(fake.calls_to("editMessageText"))
    fake.flood_next("editMessageText", retry_after=1)
    replies = await sam.press("Yes")
    # Refused with 429, then made again after the wait.
    assert len(fake.calls_to("editMessageText")) == edits_before + 2
    assert replies[-1].text.startswith("Question 2 of 4")
    assert answers(bot) == {"allowed": '"yes"'}


async def test_a_bad_consultation_file_is_skipped_and_the_rest_still_run(
    fake: FakeTelegram, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "surveys"
    folder.mkdir()
    shutil.copy(E2E_SURVEYS / "pets.yaml", folder)
    (folder / "broken.yaml").write_text("id: broken\ntitle: Broken\nintro: x\nquestions: []\n")
    running = RunningBot(fake, settings.model_copy(update={"surveys_dir": folder}))
    await running.start()
    try:
        sam = fake.user(1001, "Sam", "sam_k")
        await agree(sam)
        assert sam.last_message.button_labels == ["Pets at the hub", *READING_ROW]
    finally:
        await running.stop()
    assert f"{folder / 'broken.yaml'}: line 4: -: questions: needs at least 1 (it has 0)" in caplog.text


async def test_when_the_tapped_message_cannot_be_edited_the_next_question_is_sent(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    fake.fail_next("editMessageText", 400, "Bad Request: message to edit not found")
    [question] = await sam.press("Yes")  # e.g. they deleted the message while the bot was busy
    assert question.text.startswith("Question 2 of 4")
    assert question.edits == 0  # a new message, so they are never left without the next step


async def test_a_token_telegram_refuses_is_one_clear_line(
    fake: FakeTelegram, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import run_bot

    wrong = settings.model_copy(update={"telegram_bot_token": SecretStr("999:WRONG-TOKEN")})
    assert await run_bot(wrong) == 2
    err = capsys.readouterr().err
    # One line says it (log lines may come before it, if an earlier test set up logging).
    [said] = [line for line in err.splitlines() if line.startswith("Configuration problem")]
    assert said.startswith("Configuration problem: TELEGRAM_BOT_TOKEN: Telegram does not accept this token")
    assert "WRONG-TOKEN" not in err and "Traceback" not in err


async def test_deleteme_erases_consent_and_answers_named_and_anonymous(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam, kim = fake.user(1001, "Sam", "sam_k"), fake.user(1002, "Kim", "kim")
    for person in (sam, kim):
        await reach_the_text_question(person)
        await person.send("A cat")
        await person.press(texts.SUBMIT_BUTTON)
    await sam.send("/start named")
    await sam.press("Yes")
    assert rows(bot, "SELECT count(*) FROM responses") == [(3,)]

    [ask] = await sam.send("/deleteme")
    assert bot.conversation is not None
    assert ask.text == erase_screen(bot.conversation.privacy_facts).text
    assert "feedback you sent, because nothing links it to you" in ask.text
    assert "replaced within 14 days" in ask.text  # BACKUP_KEEP
    [kept] = await sam.press(texts.ERASE_NO_BUTTON)
    assert kept.text == texts.ERASE_KEPT
    assert rows(bot, "SELECT count(*) FROM responses") == [(3,)]

    [ask] = await sam.send("/deleteme")
    [done] = await sam.press(texts.ERASE_YES_BUTTON)
    # Sam's anonymous pets response (4 answers) and named open-day response (1 answer) are gone.
    assert done.text == texts.erase_done(5, 2)
    assert "We deleted 5 answers in 2 consultations" in done.text
    assert rows(bot, "SELECT user_id FROM participants") == [(1002,)]
    assert rows(bot, "SELECT count(*) FROM responses") == [(1,)]  # Kim's stays
    assert rows(bot, "SELECT count(*) FROM answers") == [(4,)]
    [again] = await sam.send("/start")
    assert again.button_labels == CONSENT_BUTTONS  # asked like new
    [nothing] = await sam.send("/deleteme")
    assert nothing.text == texts.NOTHING_STORED


async def test_the_month_they_last_used_the_bot_is_kept_and_no_more(
    fake: FakeTelegram, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    noted: list[int] = []
    note_seen = lifecycle_repo.note_seen
    monkeypatch.setattr(
        lifecycle_repo,
        "note_seen",
        lambda db, user_id, month: noted.append(user_id) or note_seen(db, user_id, month),
    )
    sam = fake.user(1001, "Sam", "sam_k")
    await sam.send("/help")
    await sam.send("hello?")
    assert noted == []  # no consent row to note it in: nothing written for it, however often
    await agree(sam)
    await sam.send("/help")
    await sam.send("/help")
    assert noted == [1001]  # once they agreed, once a month
    this_month = datetime.now(UTC).date().replace(day=1).isoformat()
    assert rows(bot, "SELECT last_seen_month FROM participants") == [(this_month,)]


async def test_erased_words_are_in_none_of_the_database_s_files(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    words = b"A pizza night with karaoke at the hub on Saturdays would be great"
    await reach_the_text_question(sam)
    await sam.send(words.decode())
    files = list(bot.settings.database_path.parent.glob(f"{bot.settings.database_path.name}*"))
    assert any(words in path.read_bytes() for path in files)  # still in the write-ahead log, at least
    await sam.send("/deleteme")
    await sam.press(texts.ERASE_YES_BUTTON)
    files = list(bot.settings.database_path.parent.glob(f"{bot.settings.database_path.name}*"))
    assert [path.name for path in files if words in path.read_bytes()] == []


async def test_the_nightly_backup_copies_the_database_while_the_bot_runs(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await reach_the_text_question(sam)
    await bot.run_job("backup")
    [made] = list(bot.settings.backup_dir.glob("youthvoice-*.sqlite3"))
    with sqlite3.connect(made) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM answers").fetchone() == (3,)
    await sam.send("Still answering after the backup")  # the bot carried on
    assert answers(bot)["names"] == '"Still answering after the backup"'
