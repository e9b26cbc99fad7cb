"""A young person never gets lost (issue 17): a way out on every screen, menus that do not linger,
/help that shows where they are, and typed words never thrown away. End to end."""

from __future__ import annotations

from bot.core import texts
from tests.conftest import RunningBot
from tests.e2e.test_young_person import agree, answers, rows
from tests.fake_telegram import FakeTelegram, SentMessage, User

PETS = "Pets at the hub"


async def on_kinds(sam: User) -> None:
    """Sam has answered question 1 of the pets consultation and stands on question 2."""
    await agree(sam, "pets")
    [kinds] = await sam.press("👍 Yes")
    assert kinds.text.startswith("Question 2 of 4")


async def test_pause_on_any_question_keeps_the_answers_and_carry_on_returns_there(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await on_kinds(sam)
    await sam.press("🐱 Cat")
    [paused] = await sam.press(texts.PAUSE_BUTTON)
    assert paused.text == texts.PAUSED.format(title=PETS)
    assert paused.button_labels == [texts.CARRY_ON_BUTTON]
    [typed] = await sam.send("hello?")  # paused: typing is not taken for an answer
    assert typed.text == texts.NOT_UNDERSTOOD
    assert answers(bot) == {"allowed": '"yes"', "kinds": '["cat"]'}
    [again] = await sam.press(texts.CARRY_ON_BUTTON, message=paused)
    assert "Question 2 of 4\n\nWhich pets? Pick up to 2." in again.text
    assert "✅ 🐱 Cat" in again.button_labels


async def test_only_the_newest_menu_is_live_and_help_shows_where_they_are(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    [first_list] = sam.messages[-1:]
    assert PETS in first_list.button_labels
    [second_list] = await sam.send("/start")
    assert PETS in second_list.button_labels and first_list.button_labels == []  # tidied
    await sam.press(PETS, message=second_list)
    [question] = sam.messages[-1:]
    help_text, here = await sam.send("/help")
    assert help_text.text == texts.HELP
    assert here.text.startswith("Question 1 of 4") and texts.PAUSE_BUTTON in here.button_labels
    assert question.button_labels == []  # the copy /help replaced is no longer live
    # The safeguarding choice is not a menu: it stays to hand whatever comes after it.
    [signpost, *_] = await sam.send("my step dad hits me when he's drunk")
    assert signpost.button_labels  # the contact choice
    await sam.send("/help")
    assert signpost.button_labels


async def test_feedback_typed_before_a_topic_is_kept_for_it(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    [topics] = await sam.send("/feedback")
    assert topics.text == texts.FEEDBACK_TOPIC
    [which] = await sam.send("The wifi in the hub keeps dropping")  # straight away, no topic yet
    assert which.text == texts.FEEDBACK_WHICH_TOPIC.format(messages="“The wifi in the hub keeps dropping”")
    [confirm] = await sam.press("🏠 The hub", message=which)
    assert "“The wifi in the hub keeps dropping”" in confirm.text
    await sam.press(texts.FEEDBACK_SEND_BUTTON, message=confirm)
    assert rows(bot, "SELECT topic, body FROM feedback") == [("hub", "The wifi in the hub keeps dropping")]


async def test_words_typed_at_a_button_question_are_never_just_dropped(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await on_kinds(sam)
    # Words that name a button: that button, to tap.
    meant, question = await sam.send("cat")
    assert meant.text == texts.DID_YOU_MEAN.format(label="🐱 Cat") and meant.button_labels == ["🐱 Cat"]
    assert question.text.startswith("Question 2 of 4")
    await sam.press("🐱 Cat", message=meant)
    assert answers(bot)["kinds"] == '["cat"]'

    # Anything else: kept, and offered to the team as feedback; the consultation waits, answers kept.
    words = "Honestly I'd rather have a rabbit"
    offer, _ = await sam.send(words)
    assert offer.text == texts.TYPED_AT_BUTTONS.format(words=words)
    [which] = await sam.press(texts.SEND_AS_FEEDBACK_BUTTON, message=offer)
    assert which.text == texts.FEEDBACK_WHICH_TOPIC.format(messages=f"“{words}”")
    [confirm] = await sam.press("✏️ Something else", message=which)
    await sam.press(texts.FEEDBACK_SEND_BUTTON, message=confirm)
    assert rows(bot, "SELECT topic, body FROM feedback") == [("other", words)]
    assert answers(bot) == {"allowed": '"yes"', "kinds": '["cat"]'}
    [listed] = await sam.send("/start")  # sending feedback paused it: it waits, marked as begun
    assert texts.CONTINUE_MARK + PETS in listed.button_labels


async def test_easy_read_covers_the_bots_own_help(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    await sam.send("/easyread")
    [help_text] = await sam.send("/help")
    assert help_text.text == texts.HELP_EASY and help_text.text != texts.HELP


async def on_names(sam: User) -> SentMessage:
    """Sam stands on the pets consultation's text question (question 4)."""
    await on_kinds(sam)
    await sam.press("🐱 Cat")
    await sam.press(texts.NEXT_BUTTON)
    [names] = await sam.press("4")
    assert names.text.startswith("Question 4 of 4")
    return names


async def test_feedback_begun_then_left_never_takes_an_answer_and_says_what_was_not_sent(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await on_names(sam)
    await sam.send("/feedback")  # pauses the consultation: what they type now is feedback
    [listed] = await sam.send("/start")
    await sam.press(texts.CONTINUE_MARK + PETS, message=listed)
    await sam.send("Rex")
    assert answers(bot)["names"] == '"Rex"'  # the answer went where they were
    assert rows(bot, "SELECT count(*) FROM feedback") == [(0,)]

    # Words typed for feedback, then a consultation tapped before a topic: they are told.
    await sam.send("/feedback")
    await sam.send("The hub needs more plug sockets")
    told, *_ = await sam.send("/start")
    assert told.text == texts.FEEDBACK_NOT_SENT


async def test_feedback_in_progress_survives_a_second_feedback_and_double_taps(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    await sam.send("/feedback")
    [which] = await sam.send("The hub needs more plug sockets")
    taps = [sam.make_callback_update("🏠 The hub", message=which) for _ in range(2)]
    for tap in taps:  # a double tap on the topic keeps the words
        await fake.deliver(tap)
    assert "“The hub needs more plug sockets”" in (sam.last_text or "")
    [again] = await sam.send("/feedback")  # not wiped: the draft as it stands
    assert "“The hub needs more plug sockets”" in again.text
    await sam.press(texts.FEEDBACK_SEND_BUTTON, message=again)
    assert rows(bot, "SELECT body FROM feedback") == [("The hub needs more plug sockets",)]


async def test_each_offer_sends_its_own_words_and_the_consultation_is_offered_again(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await on_kinds(sam)
    first, _ = await sam.send("The staff on Tuesdays are lovely")
    await sam.send("Also the garden needs benches")
    [which] = await sam.press(texts.SEND_AS_FEEDBACK_BUTTON, message=first)  # the first offer
    assert "“The staff on Tuesdays are lovely”" in which.text
    [confirm] = await sam.press("🧑 Staff", message=which)
    sent, back = await sam.press(texts.FEEDBACK_SEND_BUTTON, message=confirm)
    assert sent.text == texts.FEEDBACK_SENT
    assert back.text == texts.PAUSED.format(title=PETS) and back.button_labels == [texts.CARRY_ON_BUTTON]
    assert rows(bot, "SELECT body FROM feedback") == [("The staff on Tuesdays are lovely",)]
    [question] = await sam.press(texts.CARRY_ON_BUTTON, message=back)
    assert "Question 2 of 4" in question.text


async def test_a_ticked_option_named_again_is_not_unticked_and_the_review_keeps_words_too(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await on_kinds(sam)
    await sam.press("🐱 Cat")
    said, _ = await sam.send("cat")
    assert said.text == texts.ALREADY_TICKED.format(label="🐱 Cat") and said.button_labels == []
    assert answers(bot)["kinds"] == '["cat"]'
    await sam.press(texts.NEXT_BUTTON)
    await sam.press("4")
    [review] = await sam.send("Rex")
    assert review.text.startswith(texts.REVIEW_TITLE)
    offer, _ = await sam.send("Actually I want to say the hub is cold")
    assert offer.button_labels == [texts.SEND_AS_FEEDBACK_BUTTON]


async def test_cancel_leaves_only_carry_on_live(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await on_kinds(sam)
    question = sam.messages[-1]
    [paused] = await sam.send("/cancel")
    assert paused.button_labels == [texts.CARRY_ON_BUTTON] and question.button_labels == []


async def test_back_in_the_consultation_typed_words_are_answers_even_with_feedback_under_way(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await on_names(sam)
    await sam.send("/feedback")
    await sam.press("🏠 The hub")  # a topic picked: feedback under way
    [listed] = await sam.send("/start")
    await sam.press(texts.CONTINUE_MARK + PETS, message=listed)
    await sam.send("Rex")
    assert answers(bot)["names"] == '"Rex"'
    assert rows(bot, "SELECT count(*) FROM feedback") == [(0,)]
    # They finish and send it; feedback sent later from outside offers nothing to carry on with.
    await sam.press(texts.SUBMIT_BUTTON)
    await sam.send("/feedback")
    await sam.press("🏠 The hub")
    [confirm] = await sam.send("The hub's kettle is broken")
    replies = await sam.press(texts.FEEDBACK_SEND_BUTTON, message=confirm)
    assert [m.text for m in replies] == [texts.FEEDBACK_SENT]


async def test_an_offer_refused_as_too_long_keeps_its_words_and_the_question(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await on_kinds(sam)
    long_words = "I think the hub should have a quiet reading corner with soft chairs. " * 30
    offer, _ = await sam.send(long_words)
    [too_long] = await sam.press(texts.SEND_AS_FEEDBACK_BUTTON, message=offer)
    assert too_long.text.startswith(texts.feedback_too_long(len(long_words.strip()), 2000)[:20])
    meant, _ = await sam.send("dog")  # still on the question: not taken as feedback
    assert meant.text == texts.DID_YOU_MEAN.format(label="🐶 Dog")


async def test_buttons_made_up_from_digits_get_a_kind_answer_not_a_crash(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    [listed] = await sam.send("/start")
    taps = [sam.make_callback_update(PETS, message=listed) for _ in range(4)]
    for tap, data in zip(taps, ("sw|||²", "ab||²|0123456789abcdef", "f|||+²", "wc|||²"), strict=True):
        tap["callback_query"]["data"] = data
        await sam.send_raw_update(tap)
        assert fake.callback_answer(tap["callback_query"]["id"]) is not None  # answered
    # (the fake fixture fails the test if the bot raised while handling any of them)
