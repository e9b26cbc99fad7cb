"""/announce: the invitation reaches every young person who asked for updates exactly once, paced,
through a 429 and a restart, and through Telegram's flood control; those who blocked the bot are
marked inactive. (Its speed, and a SIGKILL midway: `python -m benchmarks.announce`.)"""

from __future__ import annotations

import sqlite3

from bot.core import texts
from bot.telegram.team import NOT_ALLOWED
from tests.conftest import RunningBot
from tests.e2e.test_feedback_and_safeguarding import eventually, rows
from tests.fake_telegram import FakeTelegram, FloodControl, User

PEOPLE = 200
FIRST = 9000
BLOCKED = {FIRST + n for n in (3, 50, 120, 199)}
OPTED_OUT = FIRST + 198  # turns updates off after the announcement began, before their turn


def opt_in(bot: RunningBot, user_ids: list[int], wants_updates: int = 1) -> None:
    with sqlite3.connect(bot.settings.database_path) as db:
        db.executemany(
            "INSERT INTO participants (user_id, consented_at, privacy_version, wants_updates)"
            " VALUES (?, '2026-11-01', 1, ?)",
            [(user_id, wants_updates) for user_id in user_ids],
        )


def invitations(fake: FakeTelegram, user_id: int) -> int:
    return len([m for m in fake.messages(user_id) if (m.text or "").startswith("📣 New: “Pets at the hub”")])


def all_sent(worker: User) -> bool:
    return (worker.last_text or "").startswith("✅ Invitation sent")


def sent_so_far(bot: RunningBot) -> int:
    return rows(bot, "SELECT count(*) FROM announcement_sends WHERE state != 'pending'")[0][0]


async def test_everyone_who_asked_is_invited_exactly_once_through_a_429_and_a_restart(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    opt_in(bot, [FIRST + n for n in range(PEOPLE)])
    opt_in(bot, [FIRST + PEOPLE], wants_updates=0)  # the last did not ask
    for n in range(PEOPLE + 1):
        person = fake.user(FIRST + n, f"Young {n}", None, started=True)
        if person.id in BLOCKED:
            person.block()

    [question] = await worker.send("/announce pets")
    # The worker sees exactly what will happen first: those who asked, blocked ones included.
    assert (
        question.text
        == f"Send the invitation to “Pets at the hub” to {PEOPLE} young people who asked for updates?"
    )
    [progress] = await worker.press("📣 Send", message=question)
    assert progress.message_id == question.message_id  # the question becomes the progress
    assert progress.text.startswith("📣 Sending the invitation to “Pets at the hub”")
    await eventually(lambda: sent_so_far(bot) >= 40, "the first invitations", seconds=30)
    # More 429s than the rate limiter retries: the sending waits them out and goes on by itself
    # (not stopping until the timer's next run).
    asked, sent = len(fake.calls_to("sendMessage")), sent_so_far(bot)
    fake.flood_next("sendMessage", retry_after=1, times=20)
    await eventually(
        lambda: len(fake.calls_to("sendMessage")) > asked + 20 and sent_so_far(bot) > sent + 10,
        "sending again after the 429s",
        seconds=15,
    )
    with sqlite3.connect(bot.settings.database_path) as db:  # one of those still to come opts out
        db.execute("UPDATE participants SET wants_updates = 0 WHERE user_id = ?", (OPTED_OUT,))
    await bot.restart()  # stopping sends nothing new; starting again carries on where it stopped
    assert sent_so_far(bot) < PEOPLE
    await eventually(lambda: all_sent(worker), "the rest of the invitations", seconds=30)
    await bot.run_job("announcements")  # the timer finds nothing left to send

    for n in range(PEOPLE):
        expected = 0 if FIRST + n in BLOCKED | {OPTED_OUT} else 1
        assert invitations(fake, FIRST + n) == expected, FIRST + n
    assert invitations(fake, FIRST + PEOPLE) == 0  # did not ask for updates
    assert rows(bot, "SELECT state, count(*) FROM announcement_sends GROUP BY state ORDER BY state") == [
        ("failed", len(BLOCKED) + 1),
        ("sent", PEOPLE - len(BLOCKED) - 1),
    ]
    inactive = {r[0] for r in rows(bot, "SELECT user_id FROM participants WHERE active = 0")}
    assert inactive == BLOCKED
    # One message for the worker, updated in place, now showing the end.
    assert worker.messages[-1].message_id == progress.message_id
    assert worker.messages[-1].text == (
        f"✅ Invitation sent to “Pets at the hub”: {PEOPLE - len(BLOCKED) - 1} sent · "
        f"{len(BLOCKED) + 1} could not be reached · 0 left"
    )
    # Its button opens the consultation.
    young = fake.chat(FIRST)
    assert isinstance(young, User)
    [question] = await young.press(texts.TAKE_PART_BUTTON)
    assert "Should pets be allowed?" in (question.text or "")
    # /deleteme leaves no record that they were to be invited.
    await young.send("/deleteme")
    await young.press(texts.ERASE_YES_BUTTON)
    assert rows(bot, f"SELECT count(*) FROM announcement_sends WHERE user_id = {FIRST}") == [(0,)]
    # A second /announce of the same consultation sends nothing.
    [again] = await worker.send("/announce pets")
    assert again.text == "“Pets at the hub” has been announced already."


async def test_through_telegrams_flood_control_everyone_gets_exactly_one(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    fake.flood_control = FloodControl()  # ~30 messages a second overall, ~1 a second to one chat
    people = [FIRST + n for n in range(240)]
    opt_in(bot, people)
    for user_id in people:
        fake.user(user_id, "Young", None, started=True)

    await worker.press("📣 Send", message=(await worker.send("/announce pets"))[0])
    await eventually(lambda: all_sent(worker), "every invitation", seconds=60)
    assert [invitations(fake, user_id) for user_id in people] == [1] * len(people)
    assert worker.last_text == (
        "✅ Invitation sent to “Pets at the hub”: 240 sent · 0 could not be reached · 0 left"
    )


async def test_cancel_sends_nothing_and_a_second_tap_sends_once(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    opt_in(bot, [FIRST, FIRST + 1])
    for user_id in (FIRST, FIRST + 1):
        fake.user(user_id, "Young", None, started=True)
    [question] = await worker.send("/announce pets")
    assert question.text.endswith("to 2 young people who asked for updates?")
    [cancelled] = await worker.press("✖️ Cancel", message=question)
    assert cancelled.text == "Cancelled: nothing was done."
    assert rows(bot, "SELECT count(*) FROM announcements") == [(0,)]
    [question] = await worker.send("/announce pets")
    taps = [worker.make_callback_update("📣 Send", message=question) for _ in range(2)]
    for tap in taps:  # a double tap: the announcement begins once
        await fake.deliver(tap)
    await eventually(lambda: all_sent(worker), "both invitations")
    assert [invitations(fake, user_id) for user_id in (FIRST, FIRST + 1)] == [1, 1]
    assert rows(bot, "SELECT count(*) FROM announcements") == [(1,)]


async def test_only_workers_announce(fake: FakeTelegram, bot: RunningBot) -> None:
    young = fake.user(9999, "Young", "young")
    [refusal] = await young.send("/announce pets")
    assert refusal.text == NOT_ALLOWED
