"""/quickpoll: a worker makes a one-question poll in chat; young people answer it; it survives a
restart; bad answers (a title too long for young people's list, a date in the past or unreadable)
get a kind second try with nothing lost; the closing date, read from everyday words, is put back in
words before the poll is made; only workers can make one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.core import texts
from bot.core.models import BUTTON_LABEL_MAX
from bot.quickpolls import (
    ASK_CLOSE,
    ASK_OPTIONS,
    ASK_QUESTION,
    ASK_TITLE,
    CHANGE_DATE_BUTTON,
    GONE,
    MAKE_IT_BUTTON,
    UNREADABLE,
    QuickPolls,
)
from bot.telegram import app
from bot.telegram.team import NOT_ALLOWED
from tests.conftest import Clock, RunningBot
from tests.e2e.test_feedback_and_safeguarding import agree
from tests.fake_telegram import FakeTelegram, User

LONDON = ZoneInfo("Europe/London")  # the settings' TIMEZONE
MONDAY_10AM = datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)
LONG_QUESTION = "What should we talk about first at the next meeting of the youth forum?"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The quick polls' clock: now, unless a test sets it (young people's side keeps real time)."""
    clock = Clock(datetime.now(UTC))
    monkeypatch.setattr(app, "QuickPolls", lambda definitions, tz, _clock: QuickPolls(definitions, tz, clock))
    return clock


@pytest.fixture
def settings(settings: Settings, clock: Clock) -> Settings:
    """The usual settings, asked for after the clock so the bot is built with it."""
    return settings


async def up_to_the_date(worker: User) -> None:
    assert (await worker.send("/quickpoll"))[0].text == ASK_QUESTION
    assert (await worker.send("Should the hub have a pet?"))[0].text == ASK_OPTIONS
    assert (await worker.send("Yes\nNo\nNot sure"))[0].text == ASK_CLOSE


async def test_a_worker_makes_a_poll_that_young_people_answer(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    assert (await worker.send("/quickpoll"))[0].text == ASK_QUESTION
    assert (await worker.send("Should the hub have a pet?"))[0].text == ASK_OPTIONS
    [retry] = await worker.send("Yes")  # only one answer
    assert retry.text.startswith("Please send 2 to 10 different answers")
    assert (await worker.send("Yes\nNo\nNot sure"))[0].text == ASK_CLOSE
    [retry] = await worker.send("2001-01-01")  # in the past
    assert retry.text == f"Monday 1 January 2001 at 23:59 (Europe/London) has passed already. {ASK_CLOSE}"
    [confirm] = await worker.send("in 7 days")
    assert confirm.text.startswith("It will close on ")
    [made] = await worker.press(MAKE_IT_BUTTON)
    assert made.message_id == confirm.message_id and made.buttons == []
    assert made.text.startswith("✅ “Should the hub have a pet?” is open until")
    assert "/announce poll-1" in made.text

    await bot.restart()  # kept in the database, loaded like a file
    young = fake.user(8801, "Young", "young_q")
    await agree(young)
    await young.press("Should the hub have a pet?")
    await young.press("Not sure")
    [sent] = await young.press(texts.SUBMIT_BUTTON)
    assert sent.text.startswith(texts.SENT_TITLE)
    replies = await worker.send("/results poll-1")
    assert "• Not sure: 1 (100%)" in "\n".join(m.text or "" for m in replies)


async def test_cancel_and_refusal(fake: FakeTelegram, bot: RunningBot, worker: User) -> None:
    await worker.send("/quickpoll")
    await worker.send("A question")
    assert (await worker.send("/cancel"))[0].text == "OK, no poll was made."
    replies = await worker.send("hello")  # an ordinary message again, for the young people's side
    assert ASK_OPTIONS not in [m.text for m in replies] and replies
    young = fake.user(8802, "Young", "young_r")
    await agree(young)
    assert (await young.send("/quickpoll"))[0].text == NOT_ALLOWED


async def test_a_title_too_long_for_the_list_is_asked_again(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    """A question too long for a button asks for a title; a title too long is refused kindly with
    the limit, and the question is kept; young people's list shows the title whole."""
    await worker.send("/quickpoll")
    assert (await worker.send(LONG_QUESTION))[0].text == ASK_TITLE
    too_long = "What to talk about at the next youth forum"
    [refused] = await worker.send(too_long)
    assert refused.text == (
        f"That title has {len(too_long)} characters, but a button fits {BUTTON_LABEL_MAX}. "
        "Please send a shorter one (your question is kept)."
    )
    assert (await worker.send("Next youth forum topic"))[0].text == ASK_OPTIONS
    await worker.send("Money\nSchool\nHousing")
    await worker.send("in 7 days")
    [made] = await worker.press(MAKE_IT_BUTTON)
    assert made.text.startswith("✅ “Next youth forum topic” is open until")

    assert bot.conversation is not None
    poll = bot.conversation.catalogue.find("poll-1")
    assert poll is not None and poll.title == "Next youth forum topic"
    assert poll.questions[0].text == LONG_QUESTION
    young = fake.user(8803, "Young", "young_s")
    await agree(young)
    assert "Next youth forum topic" in young.last_message.button_labels
    [opened] = await young.press("Next youth forum topic", exact=True)
    assert LONG_QUESTION in (opened.text or "")


async def test_natural_dates_are_put_back_in_words_before_the_poll_is_made(
    fake: FakeTelegram, bot: RunningBot, worker: User, clock: Clock
) -> None:
    clock.now = MONDAY_10AM
    await up_to_the_date(worker)
    [first] = await worker.send("next friday")
    assert first.text == "It will close on Friday 11 December at 23:59 (Europe/London). Make the poll?"
    assert first.buttons == [[MAKE_IT_BUTTON, CHANGE_DATE_BUTTON]]
    [asked] = await worker.press(CHANGE_DATE_BUTTON)
    assert asked.message_id == first.message_id and asked.text == ASK_CLOSE and asked.buttons == []

    [second] = await worker.send("in 2 weeks")
    assert second.text == "It will close on Monday 21 December at 23:59 (Europe/London). Make the poll?"
    tap, double_tap = (worker.make_callback_update(MAKE_IT_BUTTON) for _ in range(2))
    [made] = await worker.send_raw_update(tap)
    assert made.text.startswith("✅ “Should the hub have a pet?” is open until 21 Dec 2026 23:59.")
    assert await worker.send_raw_update(double_tap) == []  # no second poll
    answer = fake.callback_answer(double_tap["callback_query"]["id"])
    assert answer is not None and answer.text == GONE

    assert bot.conversation is not None
    poll = bot.conversation.catalogue.find("poll-1")
    assert poll is not None and poll.closes_at == datetime(2026, 12, 21, 23, 59, tzinfo=LONDON)
    assert bot.conversation.catalogue.find("poll-2") is None


async def test_past_and_unreadable_dates_are_asked_again_and_only_the_last_date_is_made(
    bot: RunningBot, worker: User, clock: Clock
) -> None:
    clock.now = MONDAY_10AM
    await up_to_the_date(worker)
    [past] = await worker.send("2026-12-01")
    assert past.text == f"Tuesday 1 December at 23:59 (Europe/London) has passed already. {ASK_CLOSE}"
    [today] = await worker.send("today 9am")
    assert today.text.startswith("Monday 7 December at 09:00 (Europe/London) has passed already.")
    [nonsense] = await worker.send("whenever the forum likes")
    assert nonsense.text == f"{UNREADABLE} {ASK_CLOSE}"

    await worker.send("in 3 hours")
    clock.now = MONDAY_10AM + timedelta(hours=4)  # "Make it" tapped after that time
    [late] = await worker.press(MAKE_IT_BUTTON)
    assert late.text == f"Monday 7 December at 13:00 (Europe/London) has passed already. {ASK_CLOSE}"

    [older] = await worker.send("25/12")
    assert older.text == "It will close on Friday 25 December at 23:59 (Europe/London). Make the poll?"
    [newer] = await worker.send("friday 5pm")  # typed instead of tapping "Change the date"
    assert newer.text == "It will close on Friday 11 December at 17:00 (Europe/London). Make the poll?"
    await worker.press(MAKE_IT_BUTTON, message=older)
    assert worker.last_callback_answer == GONE  # not what was put to the worker last

    await worker.press(MAKE_IT_BUTTON, message=newer)
    assert bot.conversation is not None
    poll = bot.conversation.catalogue.find("poll-1")
    assert poll is not None and poll.closes_at == datetime(2026, 12, 11, 17, 0, tzinfo=LONDON)
    assert [o.label for o in poll.questions[0].options] == ["Yes", "No", "Not sure"]  # nothing lost
