"""/announce: the invitation reaches every young person who asked for updates exactly once, paced,
through a 429 and a restart; those who blocked the bot are marked inactive."""

from __future__ import annotations

import sqlite3

from bot.core import texts
from bot.telegram.team import NOT_ALLOWED
from tests.conftest import RunningBot
from tests.e2e.test_feedback_and_safeguarding import eventually, rows
from tests.fake_telegram import FakeTelegram, User

PEOPLE = 200
FIRST = 9000
BLOCKED = {FIRST + n for n in (3, 50, 120, 199)}
OPTED_OUT = FIRST + 198  # turns updates off after the announcement began, before their turn


def invitations(fake: FakeTelegram, user_id: int) -> int:
    return len([m for m in fake.messages(user_id) if (m.text or "").startswith("📣 New: “Pets at the hub”")])


def sent_so_far(bot: RunningBot) -> int:
    return rows(bot, "SELECT count(*) FROM announcement_sends WHERE state != 'pending'")[0][0]


async def test_everyone_who_asked_is_invited_exactly_once_through_a_429_and_a_restart(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    with sqlite3.connect(bot.settings.database_path) as db:
        db.executemany(
            "INSERT INTO participants (user_id, consented_at, privacy_version, wants_updates)"
            " VALUES (?, '2026-11-01', 1, ?)",
            [(FIRST + n, 1) for n in range(PEOPLE)] + [(FIRST + PEOPLE, 0)],  # the last did not ask
        )
    for n in range(PEOPLE + 1):
        person = fake.user(FIRST + n, f"Young {n}", None, started=True)
        if person.id in BLOCKED:
            person.block()

    [progress] = await worker.send("/announce pets")
    assert progress.text.startswith("📣 Sending the invitation to “Pets at the hub”")
    await eventually(lambda: sent_so_far(bot) >= 60, "the first invitations", seconds=30)
    fake.flood_next("sendMessage", retry_after=1, times=5)  # the rate limiter retries 3 times, then stops
    await eventually(lambda: fake.calls_to("sendMessage") and sent_so_far(bot) < PEOPLE, "a pause")
    with sqlite3.connect(bot.settings.database_path) as db:  # one of those still to come opts out
        db.execute("UPDATE participants SET wants_updates = 0 WHERE user_id = ?", (OPTED_OUT,))
    await bot.restart()  # as if the bot were killed mid-way
    assert sent_so_far(bot) < PEOPLE
    await bot.run_job("announcements")  # the timer carries on where it stopped

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


async def test_only_workers_announce(fake: FakeTelegram, bot: RunningBot) -> None:
    young = fake.user(9999, "Young", "young")
    [refusal] = await young.send("/announce pets")
    assert refusal.text == NOT_ALLOWED
