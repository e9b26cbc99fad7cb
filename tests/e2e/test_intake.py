"""The durable intake, through the real Application: nothing a young person sends is lost, whatever
goes wrong with an update, the database, the disk or one person's flood."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import EXIT_PROBLEM, run_bot
from bot.config import Settings
from bot.core import texts
from bot.intake import health
from bot.intake.lanes import MAX_RESTARTS
from tests.conftest import BOTH_INTAKES, RunningBot
from tests.e2e.test_feedback_and_safeguarding import eventually
from tests.e2e.test_young_person import agree, answers, reach_the_text_question, rows
from tests.fake_telegram import FakeTelegram, Group, User

pytestmark = BOTH_INTAKES  # the same tests, polling and with a webhook


def left_in_inbox(bot: RunningBot, updates: list[dict], restarts: int = 0) -> None:
    """Put updates in the stopped bot's inbox as a run that died before finishing them left them
    (Telegram has forgotten them: they were confirmed)."""
    with closing(sqlite3.connect(bot.settings.database_path)) as db, db:
        db.executemany(
            "INSERT INTO inbox (update_id, payload, received_at, restarts)"
            " VALUES (?, ?, '2026-01-01T00:00:00', ?)",
            [(update["update_id"], json.dumps(update), restarts) for update in updates],
        )


def said(chat: Group, words: str) -> bool:
    return any(words in (message.text or "") for message in chat.messages)


@contextmanager
def loop_watch() -> Iterator[list[float]]:
    """The longest gaps between ticks of a task that wants to run every 10 ms: how long the event
    loop was frozen at worst while the block ran."""
    gaps: list[float] = []

    async def tick() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    task = asyncio.get_running_loop().create_task(tick())
    try:
        yield gaps
    finally:
        task.cancel()


async def test_an_update_the_library_cannot_read_is_set_aside_and_the_rest_go_on(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    sam, ali = fake.user(1001, "Sam", "sam_k"), fake.user(1002, "Ali", "ali_b")
    broken = sam.make_message_update("hello")
    del broken["message"]["date"]  # python-telegram-bot cannot build a Message without it
    fake.push_raw_update(broken)
    [welcome] = await ali.send("/start")  # someone else, answered meanwhile
    assert texts.CONSENT_SUMMARY in welcome.text
    await fake.wait_processed(broken["update_id"])
    [(update_id, reason)] = rows(bot, "SELECT update_id, reason FROM quarantine")
    assert update_id == broken["update_id"] and "cannot be read" in reason
    [welcome] = await sam.send("/start")  # and the sender is not stuck
    assert texts.CONSENT_SUMMARY in welcome.text
    assert rows(bot, "SELECT count(*) FROM inbox WHERE done = 0") == [(0,)]
    assert "Sam" not in rows(bot, "SELECT payload FROM quarantine")[0][0]  # only its shape is kept
    replies = await worker.send("/summary")  # and the team hears of it
    assert any("Messages set aside: 1 in the last 7 days" in (m.text or "") for m in replies)


async def test_updates_saved_before_a_crash_are_handled_at_start_up_in_order(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    yes = sam.make_callback_update("Yes")
    await bot.stop()
    # As if the bot had saved these two and died before handling them.
    cat = {**yes, "update_id": yes["update_id"] + 1}
    cat["callback_query"] = {**yes["callback_query"], "id": "cat-tap", "data": "t|pets|kinds|cat"}
    left_in_inbox(bot, [yes, cat])
    await bot.start()
    await fake.wait_processed(cat["update_id"], times=1)
    assert answers(bot) == {"allowed": '"yes"', "kinds": '["cat"]'}
    assert "✅ 🐱 Cat" in sam.last_message.button_labels


async def test_a_reply_lost_after_the_answer_was_saved_is_made_good_on_the_same_message(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    """The bot died after saving a tap's answer but before its reply: handled again at start-up,
    the tapped question turns into where they are (not a "moved on" toast alone)."""
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    question = sam.last_message
    fake.fail_next("answerCallbackQuery", 502, "Bad Gateway", times=3)  # the reply keeps failing
    yes = sam.make_callback_update("Yes")
    fake.push_raw_update(yes)
    await eventually(lambda: answers(bot) == {"allowed": '"yes"'}, "the answer saved")
    await bot.crash()  # before the reply is tried again
    assert "Question 1 of 4" in question.text  # what a stuck young person would see
    await bot.start()
    await eventually(lambda: question.text.startswith("Question 2 of 4"), "the screen made good", 15)
    assert answers(bot) == {"allowed": '"yes"'}
    assert [m.text[:15] for m in sam.messages if m.text.startswith("Question")] == ["Question 2 of 4"]
    await sam.press("Cat")  # and they carry on from there
    assert answers(bot)["kinds"] == '["cat"]'
    fake.bot_errors.clear()


async def test_a_write_lock_held_elsewhere_loses_nothing_and_never_freezes_the_bot(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam, ali = fake.user(1001, "Sam", "sam_k"), fake.user(1002, "Ali", "ali_b")
    await agree(sam, "pets")
    await agree(ali, "pets")
    other = sqlite3.connect(bot.settings.database_path, isolation_level=None)
    with closing(other), loop_watch() as gaps:
        other.execute("BEGIN IMMEDIATE")  # another process (a backup, a migration) holds the lock
        taps = [sam.make_callback_update("Yes"), ali.make_callback_update("No")]
        for tap in taps:
            fake.push_raw_update(tap)
        await asyncio.sleep(10)
        assert answers(bot) == {}  # nothing could be written...
        other.execute("COMMIT")
        for tap in taps:  # ...and nothing was lost
            await fake.wait_processed(tap["update_id"])
    assert max(gaps) < 0.5, f"the event loop froze for {max(gaps):.2f} s"
    stored = sorted(rows(bot, "SELECT question_id, value FROM answers"))
    assert stored == [("allowed", '"no"'), ("allowed", '"yes"')]
    assert sam.last_text.startswith("Question 2 of 4") and "Question 1 of 4" not in (ali.last_text or "")
    assert all(m.text != texts.SOMETHING_WENT_WRONG for m in sam.messages + ali.messages)
    fake.bot_errors.clear()  # storage errors were meant to happen, and were tried again


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB file system of its own (tmpfs), to fill up."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


async def test_a_full_disk_confirms_nothing_it_did_not_save_and_recovers(
    fake: FakeTelegram, settings: Settings, small_disk: Path, team: Group
) -> None:
    bot = RunningBot(fake, settings.model_copy(update={"database_path": small_disk / "youthvoice.sqlite3"}))
    await bot.start()
    try:
        sam = fake.user(1001, "Sam", "sam_k")
        await agree(sam, "pets")
        filler = small_disk / "filler"
        with filler.open("wb", buffering=0) as disk_hog, contextlib.suppress(OSError):
            while True:  # fill the disk to the last byte
                disk_hog.write(b"\0" * 4096)

        tap = sam.make_callback_update("Yes")
        fake.push_raw_update(tap)
        await eventually(
            lambda: any("cannot save" in (m.text or "") for m in team.messages), "a word to the team", 15
        )
        await asyncio.sleep(1)
        assert bot.application is not None
        info = await bot.application.bot.get_webhook_info()
        assert info.pending_update_count == 1  # not confirmed: still Telegram's to give again
        assert answers(bot) == {}

        filler.unlink()  # space comes back
        started = time.monotonic()
        await fake.wait_processed(tap["update_id"])
        assert time.monotonic() - started < 5
        assert answers(bot) == {"allowed": '"yes"'}
        assert sam.last_text.startswith("Question 2 of 4")
        await eventually(
            lambda: any("saving incoming messages again" in (m.text or "") for m in team.messages),
            "all clear",
            15,
        )
        fake.bot_errors.clear()
    finally:
        await bot.stop()


async def test_one_persons_flood_does_not_hold_up_anyone_else(fake: FakeTelegram, bot: RunningBot) -> None:
    flooder, sam = fake.user(1001, "Fin", "fin"), fake.user(1002, "Sam", "sam_k")
    await agree(flooder)
    for n in range(150):
        fake.push_raw_update(flooder.make_message_update(f"message {n}"))
    await asyncio.sleep(0.2)  # the flood is in
    started = time.monotonic()
    [welcome] = await sam.send("/start")
    assert time.monotonic() - started < 1.0
    assert texts.CONSENT_SUMMARY in welcome.text


async def test_an_update_with_no_sender_is_ignored_quietly(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    # An anonymous group admin's message: Telegram gives a sender_chat, no `from`.
    anonymous = {
        "update_id": fake.next_update_id(),
        "message": {
            "message_id": 1,
            "sender_chat": team.chat_json(),
            "chat": team.chat_json(),
            "date": int(time.time()),
            "text": "/summary",
        },
    }
    before = len(team.messages)
    await fake.deliver(anonymous)
    assert len(team.messages) == before  # nothing said, least of all a young person's "sorry"
    assert rows(bot, f"SELECT done FROM inbox WHERE update_id = {anonymous['update_id']}") == [(1,)]


async def test_an_unusable_database_stops_the_bot_with_a_non_zero_exit(
    fake: FakeTelegram, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    running = asyncio.create_task(run_bot(settings))
    taking_updates = ("getUpdates", "setWebhook")
    await eventually(lambda: any(fake.calls_to(m) for m in taking_updates), "taking updates", 10)
    with closing(sqlite3.connect(settings.database_path)) as other:
        other.execute("DROP TABLE inbox")  # not busy, not full: broken
    fake.push_raw_update(fake.user(1001, "Sam", "sam_k").make_message_update("/start"))
    assert await asyncio.wait_for(running, 10) == EXIT_PROBLEM
    assert "cannot be used: no such table: inbox" in capsys.readouterr().err


async def test_a_consent_whose_reply_was_lost_is_made_good_at_start_up(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await sam.send("/start pets")
    notice = sam.last_message
    fake.fail_next("answerCallbackQuery", 502, "Bad Gateway", times=3)  # the reply keeps failing
    fake.push_raw_update(sam.make_callback_update(texts.CONSENT_BUTTON))
    await eventually(lambda: rows(bot, "SELECT count(*) FROM participants") == [(1,)], "consent saved")
    await bot.crash()
    await bot.start()
    await eventually(lambda: "Question 1 of 4" in (sam.last_text or ""), "the first question", 10)
    assert texts.CONSENT_GIVEN in notice.text and not notice.inline_keyboard
    fake.bot_errors.clear()


async def test_feedback_and_an_alert_handled_again_after_a_failure_are_kept_once(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    await sam.send("/feedback")
    await sam.press("🧑 Staff")
    fake.fail_next("sendMessage", 502, "Bad Gateway")  # the reply fails once: handled again
    await sam.send("The night staff are really kind")
    assert sam.last_text.count("The night staff are really kind") == 1
    await sam.press(texts.FEEDBACK_SEND_BUTTON)
    assert rows(bot, "SELECT body FROM feedback") == [("The night staff are really kind",)]

    fake.fail_next("sendMessage", 502, "Bad Gateway")
    await sam.send("I want to kill myself")  # test words, written for the project
    assert sam.last_text == texts.SIGNPOST
    assert rows(bot, "SELECT count(*) FROM safeguarding_alerts") == [(1,)]
    fake.bot_errors.clear()


async def test_the_health_check_sees_the_bot_taking_updates(
    fake: FakeTelegram, bot: RunningBot, intake_mode: str
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await sam.send("/start")
    healthy, line = health.check(bot.settings.database_path)
    assert healthy and line == f"ok: {intake_mode}, 0 update(s) waiting"
    await bot.stop()
    much_later = datetime.now(UTC) + health.STALE_BEAT * 2
    healthy, line = health.check(bot.settings.database_path, now=much_later)
    assert not healthy and line.startswith(f"not {intake_mode}: last sign of life")


async def test_an_update_that_keeps_killing_the_bot_is_set_aside(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam, "pets")
    deadly = sam.make_callback_update("Yes")
    await bot.stop()
    left_in_inbox(bot, [deadly], restarts=MAX_RESTARTS - 1)  # as if each run had taken it up and died
    await bot.start()
    await fake.wait_processed(deadly["update_id"], times=1)
    assert rows(bot, "SELECT reason FROM quarantine") == [
        (f"never finished in {MAX_RESTARTS} runs of the bot",)
    ]
    assert sam.last_text == texts.SOMETHING_WENT_WRONG and answers(bot) == {}
    [question] = await sam.send("/start")  # and they carry on
    assert "Question 1 of 4" in question.text


async def test_a_disclosure_in_an_answer_handled_again_still_brings_the_helplines(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await reach_the_text_question(sam)
    fake.fail_next("sendMessage", 502, "Bad Gateway")  # saved, then the reply fails: handled again
    replies = await sam.send("I want to kill myself")  # test words, written for the project
    assert any(m.text == texts.SIGNPOST for m in replies)
    assert rows(bot, "SELECT count(*) FROM safeguarding_alerts") == [(1,)]
    fake.bot_errors.clear()


async def test_a_reply_telegram_will_never_take_is_set_aside_once_others_get_through(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam, ali = fake.user(1001, "Sam", "sam_k"), fake.user(1002, "Ali", "ali_b")
    await agree(sam, "pets")
    # PTB has no class for a 413: it is a NetworkError, like a passing outage...
    fake.fail_next("editMessageText", 413, "Request Entity Too Large", times=50)
    tap = sam.make_callback_update("Yes")
    fake.push_raw_update(tap)
    await eventually(lambda: answers(bot) == {"allowed": '"yes"'}, "the answer saved")
    # Refused twice: its lane has seen the trouble begin before anyone else's update gets through.
    await eventually(lambda: len(fake.calls_to("editMessageText")) >= 2, "the reply refused again")
    await ali.send("/start")  # ...but others get through meanwhile: it is this update's own
    await fake.wait_processed(tap["update_id"], timeout=20)
    assert sam.last_text == texts.SOMETHING_WENT_WRONG
    assert rows(bot, "SELECT count(*) FROM quarantine") == [(1,)]
    fake.bot_errors.clear()
