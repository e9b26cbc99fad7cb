"""/quickpoll: a worker makes a one-question poll in chat; young people answer it; it survives a
restart; bad answers get a kind second try; only workers can make one."""

from __future__ import annotations

from bot.core import texts
from bot.quickpolls import ASK_CLOSE, ASK_OPTIONS, ASK_QUESTION
from bot.telegram.team import NOT_ALLOWED
from tests.conftest import RunningBot
from tests.e2e.test_feedback_and_safeguarding import agree
from tests.fake_telegram import FakeTelegram, User


async def test_a_worker_makes_a_poll_that_young_people_answer(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    assert (await worker.send("/quickpoll"))[0].text == ASK_QUESTION
    assert (await worker.send("Should the hub have a pet?"))[0].text == ASK_OPTIONS
    [retry] = await worker.send("Yes")  # only one answer
    assert retry.text.startswith("Please send 2 to 10 different answers")
    assert (await worker.send("Yes\nNo\nNot sure"))[0].text == ASK_CLOSE
    [retry] = await worker.send("2001-01-01")  # in the past
    assert retry.text.startswith("I couldn't read that date.")
    [made] = await worker.send("in 7 days")
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
