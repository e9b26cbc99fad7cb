"""Webhook mode's own promises: only Telegram (knowing the secret) is heard, and an update is never
answered 200 before it is saved. Everything else runs in both modes in the other e2e modules."""

from __future__ import annotations

import socket

import pytest

from bot.__main__ import EXIT_PROBLEM, run_bot
from bot.config import Settings
from bot.core import texts
from tests.conftest import WEBHOOK_SECRET, RunningBot
from tests.e2e.test_feedback_and_safeguarding import eventually
from tests.e2e.test_young_person import agree, answers, rows
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.parametrize("intake_mode", ["webhook"], indirect=True)


async def test_the_bot_sets_its_webhook_with_the_secret(fake: FakeTelegram, bot: RunningBot) -> None:
    assert fake.webhook_url == str(bot.settings.webhook_url)
    [call] = fake.calls_to("setWebhook")
    assert call["secret_token"] == WEBHOOK_SECRET
    assert "callback_query" in call["allowed_updates"]
    assert int(call["max_connections"]) == 1  # one at a time: each person's updates in order


async def test_a_request_without_the_right_secret_is_refused_and_changes_nothing(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    forged = sam.make_callback_update("Yes")
    assert await fake.post_to_webhook(forged, "guessed-secret") == 401
    assert await fake.post_to_webhook(forged, None) == 401
    assert rows(bot, f"SELECT count(*) FROM inbox WHERE update_id = {forged['update_id']}") == [(0,)]
    assert answers(bot) == {}
    # Telegram itself, with the secret, is heard.
    assert await fake.post_to_webhook(forged, WEBHOOK_SECRET) == 200
    await eventually(lambda: answers(bot) == {"allowed": '"yes"'}, "the answer saved")


async def test_a_kill_just_after_the_200_loses_nothing(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    question = sam.last_message
    tap = sam.make_callback_update("Yes")
    assert await fake.post_to_webhook(tap, WEBHOOK_SECRET) == 200  # Telegram forgets it now
    await bot.crash()  # at once: it may or may not have been handled
    await bot.start()
    await eventually(lambda: answers(bot) == {"allowed": '"yes"'}, "the answer saved", 10)
    await eventually(lambda: "Question 2 of 4" in question.text, "the next question on screen", 10)
    assert rows(bot, "SELECT count(*) FROM inbox WHERE done = 0") == [(0,)]
    assert all(m.text != texts.SOMETHING_WENT_WRONG for m in sam.messages)


async def test_a_webhook_address_already_in_use_is_one_clear_line(
    fake: FakeTelegram, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    host, _, port = settings.webhook_listen.rpartition(":")
    with socket.socket() as taken:
        taken.bind((host, int(port)))
        taken.listen()
        assert await run_bot(settings) == EXIT_PROBLEM
    err = capsys.readouterr().err
    assert err.startswith(f"Configuration problem: WEBHOOK_LISTEN: cannot listen on {host}:{port}")
    assert "Traceback" not in err
