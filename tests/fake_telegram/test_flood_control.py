"""The fake's flood control (opt-in): Telegram's limits on messages a bot sends, refused with its
429 envelope and `parameters.retry_after`."""

import datetime as dtm

import aiohttp
import pytest
from telegram import Bot
from telegram.error import RetryAfter

from tests.fake_telegram import FakeTelegram, FloodControl


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def clock(fake: FakeTelegram) -> Clock:
    clock = Clock()
    fake.flood_control = FloodControl(clock=clock)
    return clock


@pytest.fixture
async def bot(fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch):
    # PTB 22 warns (an error here) on reading RetryAfter.retry_after as int unless opted in.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with Bot(fake.token, base_url=f"{fake.base_url}/bot") as tg_bot:
        yield tg_bot


async def refused_after(bot: Bot, chat_id: int) -> dtm.timedelta:
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(chat_id, "one too many")
    return caught.value.retry_after


async def test_off_unless_asked(fake: FakeTelegram, bot: Bot) -> None:
    fake.user(1001, started=True)
    for _ in range(40):
        await bot.send_message(1001, "hi")


async def test_thirty_messages_a_second_overall(fake: FakeTelegram, clock: Clock, bot: Bot) -> None:
    for n in range(30):
        fake.user(2000 + n, started=True)
        await bot.send_message(2000 + n, "hi")
        clock.now += 0.01
    fake.user(3000, started=True)
    assert await refused_after(bot, 3000) == dtm.timedelta(seconds=1)
    assert fake.messages(3000) == [] and fake.flood_control.refused == 1
    clock.now += 0.71  # the first of the thirty leaves the window: one more fits
    await bot.send_message(3000, "hi")
    assert await refused_after(bot, 2000) == dtm.timedelta(seconds=1)


async def test_a_private_chat_takes_a_short_burst_then_about_one_a_second(
    fake: FakeTelegram, clock: Clock, bot: Bot
) -> None:
    fake.user(1001, started=True)
    sent = await bot.send_message(1001, "hi")
    await bot.edit_message_text("edited", 1001, sent.message_id)  # edits count too
    await bot.send_message(1001, "hi")
    clock.now += 0.5
    assert await refused_after(bot, 1001) == dtm.timedelta(seconds=3)  # 2.5 s, in whole seconds
    clock.now += 2.5
    await bot.send_message(1001, "hi")


async def test_twenty_messages_a_minute_to_a_group(fake: FakeTelegram, clock: Clock, bot: Bot) -> None:
    fake.group(-100123)
    for _ in range(20):
        await bot.send_message(-100123, "report")
        clock.now += 1
    assert await refused_after(bot, -100123) == dtm.timedelta(seconds=40)


async def test_the_refusal_is_telegrams_json(fake: FakeTelegram, clock: Clock) -> None:
    fake.user(1001, started=True)
    url = f"{fake.base_url}/bot{fake.token}/sendMessage"
    async with aiohttp.ClientSession() as session:
        for _ in range(3):
            async with session.post(url, json={"chat_id": 1001, "text": "hi"}) as response:
                assert response.status == 200
        async with session.post(url, json={"chat_id": "1001", "text": "hi"}) as response:
            assert response.status == 429
            assert await response.json() == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 3",
                "parameters": {"retry_after": 3},
            }
