"""A young person asks for an answer to their feedback: the team's /reply reaches them, the
database alone cannot say who they are, and they can answer back once. End to end."""

from __future__ import annotations

from bot.config import Settings
from bot.core import i18n, texts
from tests.conftest import RunningBot
from tests.e2e.test_feedback_and_safeguarding import agree, eventually, rows, team_posts, write
from tests.fake_telegram import FakeTelegram, Group, User

SAM_ID, SAM_NAME, SAM_USERNAME = 987654321, "Samira", "samira_k"
WORDS = "Could the hub have a quiet room for homework?"
ANSWER = "Yes: the first floor study will be a quiet room from January."


async def send_feedback(person: User, words: str, button: str) -> str:
    await person.send("/feedback")
    await person.press("🏠 The hub")
    [confirm] = await person.send(words)
    assert texts.FEEDBACK_ASK_BUTTON in confirm.button_labels
    [sent] = await person.press(button, message=confirm)
    return sent.text


async def test_an_answer_reaches_the_young_person_who_asked_and_they_answer_back_once(
    fake: FakeTelegram, bot: RunningBot, team: Group, worker: User
) -> None:
    sam = fake.user(SAM_ID, SAM_NAME, SAM_USERNAME)
    await agree(sam)
    assert await send_feedback(sam, WORDS, texts.FEEDBACK_ASK_BUTTON) == texts.FEEDBACK_SENT_ASKED

    # Stored with its request, the chat number sealed: nothing in the database names Sam.
    [(sealed,)] = rows(bot, "SELECT sealed_chat FROM answer_requests")
    assert isinstance(sealed, bytes) and len(sealed) > 12
    stored = [
        v for table in ("feedback", "answer_requests") for r in rows(bot, f"SELECT * FROM {table}") for v in r
    ]
    for identity in (str(SAM_ID), SAM_NAME, SAM_USERNAME):
        assert not any(identity in str(value) for value in stored)
    assert str(SAM_ID).encode() not in sealed

    await eventually(lambda: bool(team_posts(team, "📝")), "feedback in the team chat")
    post = team_posts(team, "📝")[-1]
    assert "They'd like an answer." in post and "/reply 1 your words reaches them" in post

    # The worker sees exactly what will go, and Cancel sends nothing.
    [question] = await worker.send(f"/reply 1 {ANSWER}")
    assert question.text.startswith("Send this to the young person who wrote #1?")
    assert question.text.endswith(ANSWER)
    [cancelled] = await worker.press("✖️ Cancel", message=question)
    assert cancelled.text == "Cancelled: nothing was done."
    assert not any(m.text and m.text.startswith("💬 The team answered") for m in sam.messages)

    [question] = await worker.send(f"/reply 1 {ANSWER}")
    for tap in [worker.make_callback_update("💬 Send", message=question) for _ in range(2)]:
        await fake.deliver(tap)  # a double tap: one answer
    answers = [m for m in sam.messages if m.text and m.text.startswith("💬 The team answered")]
    assert len(answers) == 1
    [delivered] = answers
    day = rows(bot, "SELECT received_on FROM feedback")[0][0]
    on = i18n.day_in_words(day)  # "7 December 2026"
    assert delivered.text.startswith(f"💬 The team answered the message you sent on {on}:\n\n{ANSWER}")
    assert delivered.button_labels == [texts.ANSWER_BACK_BUTTON]
    assert worker.last_text.startswith("#1: 💬 Answered (delivered ")
    # The team's post of the feedback says so too, not "They'd like an answer" any more.
    [refreshed] = [m for m in team.messages if m.text and m.text.startswith("📝 Feedback #1")]
    assert "💬 Answered (delivered " in refreshed.text and "They'd like an answer" not in refreshed.text
    # Delivered: the seal is gone; one answer back is open.
    assert rows(bot, "SELECT sealed_chat IS NULL, answer, answer_back FROM answer_requests") == [
        (1, ANSWER, "open")
    ]

    # A made-up answer-back button (this request, another token) is refused kindly.
    forged = sam.make_callback_update(texts.ANSWER_BACK_BUTTON, message=delivered)
    forged["callback_query"]["data"] = "ab||1|0123456789abcdef"
    assert [m.text for m in await sam.send_raw_update(forged)] == [texts.ANSWER_BACK_GONE]

    # The answer back: no "I'd like an answer" this time, and it reaches the team marked as such.
    [write] = await sam.press(texts.ANSWER_BACK_BUTTON, message=delivered)
    assert write.text == texts.ANSWER_BACK_WRITE.format(limit=2000)
    [confirm] = await sam.send("Thank you! Can it have beanbags?")
    assert texts.FEEDBACK_ASK_BUTTON not in confirm.button_labels
    [again] = await sam.press(texts.ANSWER_BACK_BUTTON, message=delivered)  # tapped again: kept
    assert "“Thank you! Can it have beanbags?”" in again.text
    [sent] = await sam.press(texts.FEEDBACK_SEND_BUTTON, message=confirm)
    assert sent.text == texts.FEEDBACK_SENT
    assert rows(bot, "SELECT id, answer_request, answers_feedback FROM feedback ORDER BY id") == [
        (1, 1, None),
        (2, None, 1),
    ]
    await eventually(lambda: any("#2" in p for p in team_posts(team, "📝")), "the answer back posted")
    back = team_posts(team, "📝")[-1]
    assert "Their answer back to the team's answer to #1" in back and "beanbags" in back
    assert "They didn't ask for an answer" in back

    # Once only: the same button again gets a kind no, and nothing is stored.
    [again] = await sam.press(texts.ANSWER_BACK_BUTTON, message=delivered)
    assert again.text == texts.ANSWER_BACK_GONE
    [refused] = await worker.send("/reply 1 One more thing")
    assert refused.text.startswith("#1 has been answered already")


async def two_asking(fake: FakeTelegram) -> tuple[User, User]:
    """Sam and Ola, each having sent feedback asking for an answer (#1 and #2)."""
    sam = fake.user(SAM_ID, SAM_NAME, SAM_USERNAME)
    other = fake.user(4242, "Ola", "ola")
    for person, words in ((sam, WORDS), (other, "More table tennis")):
        await agree(person)
        await send_feedback(person, words, texts.FEEDBACK_ASK_BUTTON)
    return sam, other


async def test_mydata_shows_a_waiting_request_and_deleteme_removes_the_seal(
    fake: FakeTelegram, bot: RunningBot, team: Group, worker: User
) -> None:
    sam, other = await two_asking(fake)
    day = rows(bot, "SELECT received_on FROM feedback")[0][0]

    [held] = await sam.send("/mydata")
    assert texts.MYDATA_ANSWER_WAITING.format(day=i18n.day_in_words(day)) in held.text
    [held_other] = await other.send("/mydata")
    assert held_other.text.count("💬 You asked for an answer") == 1
    # A button to stop waiting for that one answer, without deleting anything else.
    [stop] = [label for label in held.button_labels if label.startswith("💬 Stop waiting")]
    forged = sam.make_callback_update(stop, message=held)
    forged["callback_query"]["data"] = "sw|||2"  # Ola's request: not Sam's to stop
    await sam.send_raw_update(forged)
    assert rows(bot, "SELECT id, sealed_chat IS NULL FROM answer_requests ORDER BY id") == [(1, 0), (2, 0)]
    [stopped] = await other.press(held_other.button_labels[-1], message=held_other)
    assert stopped.text == texts.STOPPED_WAITING
    assert rows(bot, "SELECT id, sealed_chat IS NULL FROM answer_requests ORDER BY id") == [(1, 0), (2, 1)]
    assert rows(bot, "SELECT count(*) FROM participants WHERE user_id = 4242") == [(1,)]  # nothing else

    [ask] = await sam.send("/deleteme")
    [done] = await sam.press(texts.ERASE_YES_BUTTON, message=ask)
    assert texts.ERASE_ANSWER_CLEARED in done.text
    # Sam's seal is gone too; the feedback itself stays, anonymous.
    assert rows(bot, "SELECT id, sealed_chat IS NULL FROM answer_requests ORDER BY id") == [(1, 1), (2, 1)]
    assert rows(bot, "SELECT count(*) FROM feedback") == [(2,)]

    [saved] = await worker.send(f"/reply 1 {ANSWER}")
    assert saved.text == (
        "Saved as a note with feedback #1. Its sender can no longer be reached, so it won't reach them."
    )
    assert not any(m.text and m.text.startswith("💬 The team answered") for m in sam.messages)


async def test_an_answer_waits_out_telegram_and_stops_for_someone_who_blocked_the_bot(
    fake: FakeTelegram, bot: RunningBot, team: Group, worker: User
) -> None:
    sam, gone = await two_asking(fake)

    # Telegram is unreachable when the worker sends: saved, said so, and delivered on the next round.
    [question] = await worker.send(f"/reply 1 {ANSWER}")
    fake.fail_next("sendMessage", 502, "Bad Gateway")
    await worker.press("💬 Send", message=question)
    assert worker.last_text.startswith("#1: 💬 Answered (waiting for Telegram)")
    await bot.run_outbox()
    assert sum(1 for m in sam.messages if m.text and m.text.startswith("💬 The team answered")) == 1

    gone.block()
    [question] = await worker.send("/reply 2 Table tennis is on Tuesdays now.")
    await worker.press("💬 Send", message=question)
    assert worker.last_text.startswith("#2: 💬 Answered (could not be delivered: they may have blocked")
    assert rows(bot, "SELECT id, sealed_chat IS NULL, undeliverable FROM answer_requests ORDER BY id") == [
        (1, 1, 0),
        (2, 1, 1),
    ]


async def test_only_the_team_replies_and_only_the_bots_own_button_answers_back(
    fake: FakeTelegram, bot: RunningBot, team: Group, worker: User
) -> None:
    sam = fake.user(SAM_ID, SAM_NAME, SAM_USERNAME)
    await agree(sam)
    assert await send_feedback(sam, WORDS, texts.FEEDBACK_SEND_BUTTON) == texts.FEEDBACK_SENT
    assert rows(bot, "SELECT count(*) FROM answer_requests") == [(0,)]  # not asked: nothing kept

    outsider = fake.user(3003, "Olly", "olly", started=True)
    [refused] = await outsider.send(f"/reply 1 {ANSWER}")
    assert refused.text == "Sorry, only the participation team can do that."
    [noted] = await worker.send(f"/reply 1 {ANSWER}")
    assert noted.text.endswith("Its sender didn't ask for an answer, so it won't reach them.")
    assert rows(bot, "SELECT public_reply FROM feedback") == [(ANSWER,)]


async def test_someone_whose_time_ran_out_is_told_once_and_the_seal_goes(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    sam, _ = await two_asking(fake)
    write(bot, "UPDATE answer_requests SET expires_on = '2020-01-01' WHERE id = 1")  # 30 days on
    await bot.run_outbox()
    day = rows(bot, "SELECT received_on FROM feedback WHERE id = 1")[0][0]
    told = texts.ANSWER_NOT_COMING.format(day=i18n.day_in_words(day))
    assert sam.last_text == told
    assert rows(bot, "SELECT id, sealed_chat IS NULL FROM answer_requests ORDER BY id") == [(1, 1), (2, 0)]
    await bot.run_outbox()  # told once
    assert sum(1 for m in sam.messages if m.text == told) == 1


async def test_nobody_is_promised_an_answer_where_the_team_only_sees_counts(
    fake: FakeTelegram, settings: Settings
) -> None:
    """FEEDBACK_TO_TEAM=summary: the team never reads the words as they come, so cannot answer."""
    running = RunningBot(fake, settings.model_copy(update={"feedback_to_team": "summary"}))
    await running.start()
    try:
        sam = fake.user(SAM_ID, SAM_NAME, SAM_USERNAME)
        await agree(sam)
        await sam.send("/feedback")
        await sam.press("🏠 The hub")
        [confirm] = await sam.send(WORDS)
        assert confirm.button_labels == [texts.FEEDBACK_SEND_BUTTON, texts.FEEDBACK_CANCEL_BUTTON]
    finally:
        await running.stop()
