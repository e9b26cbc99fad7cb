"""Anonymous feedback and safeguarding alerts, end to end through the real Application."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import logs
from bot.config import Settings
from bot.core import texts
from bot.core.engine import WITH_THE_TEAM
from bot.core.privacy import pseudonym
from bot.storage.db import Database
from bot.storage.migrate import migrate
from tests.conftest import BOTH_INTAKES, TEST_KEY, WORKER, RunningBot
from tests.fake_telegram import FakeTelegram, Group, User

pytestmark = BOTH_INTAKES  # the same tests, polling and with a webhook

DISCLOSURE = "my step dad hits me when he's drunk"


def rows(bot: RunningBot, sql: str) -> list[tuple]:
    with sqlite3.connect(bot.settings.database_path) as connection:
        return connection.execute(sql).fetchall()


def write(bot: RunningBot, sql: str) -> None:
    """Change the database as time passing would (the bot reads it afresh each time)."""
    with sqlite3.connect(bot.settings.database_path) as connection:
        connection.execute(sql)


async def eventually(check: Callable[[], bool], what: str, seconds: float = 5.0) -> None:
    """Wait for something the bot does in the background (the outbox runs as its own job)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def team_posts(team: Group, starting: str) -> list[str]:
    return [m.text for m in team.messages if m.text and m.text.startswith(starting)]


async def agree(user: User) -> None:
    await user.send("/start")
    await user.press(texts.CONSENT_BUTTON)


async def test_feedback_is_stored_with_no_link_to_its_sender(
    fake: FakeTelegram, bot: RunningBot, team: Group, caplog: pytest.LogCaptureFixture
) -> None:
    # The log as the bot writes it (INFO, libraries that log URLs quietened), as in production.
    caplog.set_level(logging.INFO)
    for noisy in logs.NOISY_LOGGERS:
        caplog.set_level(logging.WARNING, logger=noisy)
    sam = fake.user(987654321, "Samira", "samira_k")
    await agree(sam)
    [topics] = await sam.send("/feedback")
    assert topics.text == texts.FEEDBACK_TOPIC
    assert "🧑 Staff" in topics.button_labels
    [prompt] = await sam.press("🧑 Staff")
    assert prompt.text.startswith("✏️ 🧑 Staff: type your message")
    [confirm] = await sam.send("The night staff are really kind")
    assert "“The night staff are really kind”" in confirm.text
    [confirm] = await sam.send("But the wifi is awful")  # a few in a row
    assert "“But the wifi is awful”" in confirm.text
    [sent] = await sam.press(texts.FEEDBACK_SEND_BUTTON)
    assert sent.text == texts.FEEDBACK_SENT

    stored = rows(bot, "SELECT topic, body, received_on, status FROM feedback ORDER BY id")
    assert [(t, b, s) for t, b, _, s in stored] == [
        ("staff", "The night staff are really kind", "new"),
        ("staff", "But the wifi is awful", "new"),
    ]
    assert all(len(day) == len("2026-11-25") for _, _, day, _ in stored)  # the day only
    await eventually(lambda: len(team_posts(team, "📝")) == 2, "feedback in the team chat")
    assert "The night staff are really kind" in team_posts(team, "📝")[0]

    await bot.stop()  # closing the database moves the WAL into the file
    database = bot.settings.database_path
    stored_bytes = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert b"The night staff are really kind" in stored_bytes  # the scan can see the feedback...
    feedback_rows = rows(bot, "SELECT * FROM feedback") + rows(bot, "SELECT * FROM feedback_status_changes")
    for row in feedback_rows:  # ...and nothing in its rows points back at Samira
        for value in row:
            assert not any(part in str(value) for part in ("987654321", "Samira", "samira_k")), row
    assert b"Samira" not in stored_bytes and b"samira_k" not in stored_bytes
    for part in ("987654321", "Samira", "samira_k", "really kind"):
        assert part not in caplog.text


async def test_feedback_rate_limit_is_friendly_and_in_memory(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    await sam.send("/feedback")
    await sam.press("🤖 This bot")
    for n in range(5):
        await sam.send(f"idea number {n}")
    [refusal, confirm] = await sam.send("one more")
    assert refusal.text == texts.FEEDBACK_TOO_MANY
    assert "one more" not in confirm.text and "idea number 4" in confirm.text
    await sam.press(texts.FEEDBACK_SEND_BUTTON)
    assert rows(bot, "SELECT count(*) FROM feedback") == [(5,)]
    await sam.send("/feedback")
    await sam.press("🤖 This bot")
    [refusal] = await sam.send("and another")
    assert refusal.text == texts.FEEDBACK_TOO_MANY
    # Nothing about the limit is on disk: no table or column records who sent what when.
    columns = " ".join(str(r) for r in rows(bot, "SELECT sql FROM sqlite_master"))
    assert not re.search(r"\brate", columns.lower())  # ("moderated" is fine)


async def test_too_long_feedback_and_cancel(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    await sam.send("/feedback")
    await sam.press("🏠 The hub")
    [too_long] = await sam.send("x" * 2001)
    assert too_long.text == texts.feedback_too_long(2001, 2000)
    [cancelled] = await sam.send("/cancel")
    assert cancelled.text == texts.FEEDBACK_CANCELLED
    [pointer] = await sam.send("hello?")  # no longer writing feedback
    assert pointer.text == texts.NOT_UNDERSTOOD
    assert rows(bot, "SELECT count(*) FROM feedback") == [(0,)]


async def test_workers_mark_feedback_and_others_cannot(
    fake: FakeTelegram, bot: RunningBot, team: Group, worker: User
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    await sam.send("/feedback")
    await sam.press("🤝 The service")
    await sam.send("More evening sessions please")
    await sam.press(texts.FEEDBACK_SEND_BUTTON)
    await eventually(lambda: bool(team_posts(team, "📝")), "feedback in the team chat")
    post = team.messages[-1]

    outsider = fake.user(3003, "Olly", "olly", started=True)
    await outsider.press("🛠️ Acting on it", message=post)
    assert outsider.last_callback_answer == "Sorry, only the participation team can do that."
    assert rows(bot, "SELECT status FROM feedback") == [("new",)]

    await worker.press("🛠️ Acting on it", message=post)
    assert rows(bot, "SELECT status FROM feedback") == [("acting",)]
    assert rows(bot, "SELECT status, worker_id FROM feedback_status_changes") == [("acting", WORKER)]
    assert "Status: 🛠️ Acting on it" in team.messages[-1].text

    await worker.send("/reply 1 Thanks, we're adding Thursday evenings.")
    assert rows(bot, "SELECT public_reply FROM feedback") == [("Thanks, we're adding Thursday evenings.",)]


async def test_a_disclosure_in_feedback_gets_help_first_and_reaches_the_team_with_contact(
    fake: FakeTelegram, bot: RunningBot, team: Group, worker: User
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    await sam.send("/feedback")
    await sam.press("✏️ Something else")
    replies = await sam.send(DISCLOSURE)
    signpost = replies[0]  # before anything else
    assert signpost.text == texts.SIGNPOST
    assert "0800 1111" in signpost.text and "116 123" in signpost.text and "85258" in signpost.text
    assert signpost.button_labels == [texts.CONTACT_YES_BUTTON, texts.CONTACT_NO_BUTTON]
    assert rows(bot, "SELECT words, state, user_id FROM safeguarding_alerts") == [
        (DISCLOSURE, "awaiting_choice", 1001)
    ]

    [thanks] = await sam.press(texts.CONTACT_YES_BUTTON, message=signpost)
    # A new message (the helplines stay on screen) saying when the team will see it: see test_helplines.py
    assert thanks.text.startswith("Thank you. Someone from the team will get in touch.")
    assert thanks.message_id != signpost.message_id
    await eventually(
        lambda: rows(bot, "SELECT state FROM safeguarding_alerts") == [("sent",)],
        "the alert, recorded as sent",
    )
    [alert] = [m for m in team.messages if m.text and m.text.startswith("🚨")]
    assert DISCLOSURE in alert.text and "Sam (@sam_k)" in alert.text
    assert any(e.get("url") == "tg://user?id=1001" for e in alert.entities)  # a link to message them
    assert rows(bot, "SELECT state, wants_contact, contact_name FROM safeguarding_alerts") == [
        ("sent", 1, "Sam")
    ]

    await worker.press("🙋 I'm handling this", message=alert)
    assert worker.last_callback_answer == "Thank you. It's yours."
    assert rows(bot, "SELECT state, acknowledged_by FROM safeguarding_alerts") == [("acknowledged", WORKER)]
    assert team.messages[-1].text.endswith("✅ Being handled by Wendy.")


async def test_a_disclosure_in_an_answer_is_kept_once_in_the_alert_and_goes_anonymously_on_no(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await sam.send("/start pets")
    await sam.press(texts.CONSENT_BUTTON)
    for label in ("Yes", "Cat", texts.NEXT_BUTTON, "3"):
        await sam.press(label)
    replies = await sam.send(DISCLOSURE)
    assert replies[0].text == texts.SIGNPOST
    assert replies[-1].text.startswith(texts.REVIEW_TITLE)  # the answer was taken as usual
    # The words are kept once, in the alert: the answer says where they went.
    assert WITH_THE_TEAM in replies[-1].text and DISCLOSURE not in replies[-1].text
    answer = rows(bot, "SELECT value FROM answers WHERE question_id = 'names'")
    assert answer == [(f'"{WITH_THE_TEAM}"',)]
    assert rows(bot, "SELECT words, source FROM safeguarding_alerts") == [(DISCLOSURE, "answer")]

    [answered] = await sam.press(texts.CONTACT_NO_BUTTON, message=replies[0])
    assert answered.text.startswith("That's OK. The team will still see what you wrote, without your name.")
    await eventually(lambda: bool(team_posts(team, "🚨")), "the alert in the team chat")
    alert = team_posts(team, "🚨")[0]
    assert "an anonymous young person" in alert and DISCLOSURE in alert and "Sam" not in alert
    assert rows(bot, "SELECT user_id, contact_name, wants_contact FROM safeguarding_alerts") == [
        (None, None, 0)
    ]


async def test_an_unanswered_choice_goes_anonymously_and_unacknowledged_alerts_are_reposted(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    [signpost] = await sam.send("I want to kill myself")  # no "not sure what you mean" after it
    assert signpost.text == texts.SIGNPOST
    await bot.run_outbox()
    assert team_posts(team, "🚨") == []  # they still have time to choose

    write(bot, "UPDATE safeguarding_alerts SET choice_due_at = '2000-01-01T00:00:00+00:00'")
    await bot.run_outbox()
    [first] = team_posts(team, "🚨")
    assert "an anonymous young person" in first
    assert rows(bot, "SELECT user_id, posts FROM safeguarding_alerts") == [(None, 1)]

    write(bot, "UPDATE safeguarding_alerts SET next_post_at = '2000-01-01T00:00:00+00:00'")
    await bot.run_outbox()
    assert len(team_posts(team, "⏰")) == 1  # nobody acknowledged it: it comes back
    assert rows(bot, "SELECT posts, state FROM safeguarding_alerts") == [(2, "sent")]


async def test_an_alert_survives_flood_control_and_a_restart(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    [signpost] = await sam.send("he touched me and said not to tell")
    assert signpost.text == texts.SIGNPOST
    # Telegram refuses every attempt (the rate limiter retries 3 times), then the bot stops.
    fake.flood_next("sendMessage", retry_after=1, times=4)
    write(bot, "UPDATE safeguarding_alerts SET choice_due_at = '2000-01-01T00:00:00+00:00'")
    await eventually(
        lambda: (
            rows(bot, "SELECT next_post_at IS NOT NULL, state FROM safeguarding_alerts") == [(1, "to_send")]
            and len(fake.calls_to("sendMessage")) >= 4
        ),
        "the refused attempts",
        seconds=15,
    )
    await bot.stop()
    assert team_posts(team, "🚨") == []
    assert rows(bot, "SELECT state FROM safeguarding_alerts") == [("to_send",)]

    await bot.start()  # the outbox's own timer posts it once Telegram's retry_after has passed
    await eventually(
        lambda: rows(bot, "SELECT state, posts FROM safeguarding_alerts") == [("sent", 1)],
        "the alert after the restart, recorded as sent",
    )
    assert len(team_posts(team, "🚨")) == 1


async def test_everyday_phrases_do_not_raise_alerts(fake: FakeTelegram, bot: RunningBot) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    [reply] = await sam.send("this survey is killing me lol")
    assert reply.text == texts.NOT_UNDERSTOOD
    assert rows(bot, "SELECT count(*) FROM safeguarding_alerts") == [(0,)]


async def test_you_said_we_did_reaches_those_who_opted_in(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    keen, quiet, gone = (
        fake.user(uid, name, name.lower()) for uid, name in ((1, "Keen"), (2, "Quiet"), (3, "Gone"))
    )
    for person in (keen, quiet, gone):
        await agree(person)
    for person in (keen, gone):
        [ask] = await person.send("/updates")
        await person.press(texts.UPDATES_YES_BUTTON, message=ask)
        assert person.last_text == texts.UPDATES_ON
    gone.block()
    outsider = fake.user(3003, "Olly", "olly", started=True)
    [refused] = await outsider.send("/yousaid hello")
    assert refused.text == "Sorry, only the participation team can do that."

    words = "You asked for later opening, so the hub now opens until 9pm."
    [question] = await worker.send(f"/yousaid {words}")
    # What will happen, first: those who asked (the one who blocked the bot is not known yet).
    assert question.text == f"Send this to 2 young people who asked for updates?\n\n{words}"
    [cancelled] = await worker.press("✖️ Cancel", message=question)
    assert cancelled.text == "Cancelled: nothing was done."
    assert not keen.last_text.startswith("📣")
    [question] = await worker.send(f"/yousaid {words}")
    taps = [worker.make_callback_update("📣 Send", message=question) for _ in range(2)]
    for tap in taps:  # a double tap: sent once
        await fake.deliver(tap)
    await eventually(lambda: worker.last_text.startswith("Sent to"), "the broadcast to finish")
    assert keen.last_text.startswith("📣 You said, we did\n\nYou asked for later opening")
    assert sum(1 for m in keen.messages if m.text and m.text.startswith("📣 You said")) == 1
    assert not quiet.last_text.startswith("📣")
    assert worker.last_text == "Sent to 1 young person; 1 could not be reached."
    assert rows(bot, "SELECT user_id, active FROM participants ORDER BY user_id") == [(1, 1), (2, 1), (3, 0)]


async def test_captions_and_edited_messages_are_read_for_safeguarding_too(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    [signpost] = await sam.send_photo(caption="he hurts me every night")
    assert signpost.text == texts.SIGNPOST
    update = sam.make_message_update("all fine here")
    await fake.deliver(update)
    edit = {
        "update_id": fake.next_update_id(),
        "edited_message": {**update["message"], "text": "I want to die"},
    }
    await fake.deliver(edit)
    assert [m.text for m in sam.messages[-2:]] == [texts.SIGNPOST, texts.EDITS_NOT_SEEN]
    assert rows(bot, "SELECT words, source FROM safeguarding_alerts ORDER BY id") == [
        ("he hurts me every night", "message"),
        ("I want to die", "message"),
    ]


async def test_a_disclosure_after_the_consultation_closed_still_raises_an_alert(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    # They were taking it when it closed: their response to it is the current one.
    respondent = pseudonym(TEST_KEY.encode(), "old-one", 1001)
    write(
        bot,
        "INSERT INTO responses (consultation_id, respondent, position, status, started_at, updated_at,"
        f" current) VALUES ('old-one', '{respondent}', 'q', 'in_progress', '2019-12-31', '2019-12-31', 1)",
    )
    replies = await sam.send("I want to kill myself")
    assert replies[0].text == texts.SIGNPOST
    assert replies[1].text == texts.NOT_OPEN.format(title="An old consultation")
    assert rows(bot, "SELECT words FROM safeguarding_alerts") == [("I want to kill myself",)]


async def test_a_late_yes_adds_contact_details_and_nobody_else_can_answer_for_them(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    sam, eve = fake.user(1001, "Sam", "sam_k"), fake.user(1002, "Eve", "eve")
    await agree(sam)
    await agree(eve)
    [signpost] = await sam.send("I want to kill myself")
    write(bot, "UPDATE safeguarding_alerts SET choice_due_at = '2000-01-01T00:00:00+00:00'")
    await eventually(lambda: bool(team_posts(team, "🚨")), "the anonymous alert")
    assert "an anonymous young person" in team_posts(team, "🚨")[0]

    # Eve forges Sam's button as if from her own account: refused, nothing changes.
    tap = sam.make_callback_update(texts.CONTACT_YES_BUTTON, message=signpost)
    tap["callback_query"]["from"] = eve.to_json()
    await fake.deliver(tap)
    assert fake.callback_answer(tap["callback_query"]["id"]).text == texts.MOVED_ON
    assert rows(bot, "SELECT user_id, wants_contact FROM safeguarding_alerts") == [(None, 0)]

    [answered] = await sam.press(texts.CONTACT_YES_BUTTON, message=signpost)
    assert answered.text.startswith("✅ Your answer is now: Yes, please contact me\n\nThank you.")
    await eventually(lambda: any("Sam (@sam_k)" in text for text in team_posts(team, "🚨")), "the contact")
    assert rows(bot, "SELECT user_id, wants_contact FROM safeguarding_alerts") == [(1001, 1)]


async def test_acknowledged_alerts_stay_quiet_and_long_words_still_fit(
    fake: FakeTelegram, bot: RunningBot, team: Group, worker: User
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    long_message = ("i want to kill myself. " + "everything is too much. " * 170)[:4000]
    await sam.send(long_message)
    write(bot, "UPDATE safeguarding_alerts SET choice_due_at = '2000-01-01T00:00:00+00:00'")
    await eventually(lambda: bool(team_posts(team, "🚨")), "the alert")
    alert = next(m for m in team.messages if m.text and m.text.startswith("🚨"))
    assert "[cut: 4000 characters in all, kept in the database]" in alert.text
    await worker.press("🙋 I'm handling this", message=alert)

    write(bot, "UPDATE safeguarding_alerts SET next_post_at = '2000-01-01T00:00:00+00:00'")
    await bot.run_outbox()
    assert team_posts(team, "⏰") == []  # someone has it: no reminders


async def test_summaries_on_schedule_once_and_on_request(
    fake: FakeTelegram, settings: Settings, team: Group, worker: User
) -> None:
    # A schedule whose latest moment was a minute ago: due as soon as the bot starts.
    just_now = (datetime.now(ZoneInfo(settings.timezone)) - timedelta(minutes=1)).strftime("%H:%M")
    running = RunningBot(fake, settings.model_copy(update={"summary_schedule": f"daily {just_now}"}))
    database = await Database.open(settings.database_path)  # set up an hour before the bot runs
    await migrate(database)
    await database.close()
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    write(running, f"UPDATE schema_migrations SET applied_at = '{an_hour_ago}'")
    sam = fake.user(1001, "Sam", "sam_k")
    fake.flood_next("sendMessage", retry_after=1, times=4)  # the first attempt is refused
    await running.start()
    try:
        await eventually(lambda: len(fake.calls_to("sendMessage")) >= 4, "the refused attempt", seconds=15)
        await running.run_job("summary")  # the next minute's check tries again
        [summary] = team_posts(team, "📊")
        assert (
            "<b>" not in summary
            and "Pets at the hub" in summary
            and "0 new since the last summary" in summary
        )
        await running.restart()
        await running.run_job("summary")
        assert len(team_posts(team, "📊")) == 1  # not twice

        await sam.send("/start")
        [refused] = await sam.send("/summary")
        assert refused.text == "Sorry, only the participation team can do that."
        [now] = await worker.send("/summary")
        assert now.text.startswith("📊 youthvoice summary") and "🚨 Safeguarding: 0 alerts" in now.text
    finally:
        await running.stop()


async def test_final_results_are_posted_once_when_a_consultation_has_closed(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    await bot.run_job("lifecycle")
    assert team_posts(team, "🏁") == []  # "old-one" closed in 2020, before this database existed
    write(bot, "UPDATE schema_migrations SET applied_at = '2019-01-01T00:00:00+00:00'")
    await bot.run_job("lifecycle")
    [results] = team_posts(team, "🏁")
    assert results.startswith("🏁 Final results\nAn old consultation (closed)")
    await bot.restart()  # the start-up run checks again
    await bot.run_job("lifecycle")
    assert len(team_posts(team, "🏁")) == 1


async def test_a_reminder_reaches_someone_who_asked_and_carries_them_on(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    from bot.lifecycle import Lifecycle, Retention
    from bot.telegram.jobs import remind

    sam = fake.user(1001, "Sam", "sam_k")
    await sam.send("/start pets")
    await sam.press(texts.CONSENT_BUTTON)
    await sam.press("Yes")
    [ask] = await sam.send("/updates")
    await sam.press(texts.UPDATES_YES_BUTTON, message=ask)
    write(bot, "UPDATE responses SET updated_at = '2026-01-01T00:00:00+00:00'")
    conversation, application = bot.conversation, bot.application
    assert conversation is not None and application is not None
    ten_am = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    lifecycle = Lifecycle(
        conversation.db,
        conversation.catalogue,
        conversation.key,
        Retention.of(bot.settings),
        ZoneInfo("Europe/London"),
        lambda: ten_am,
        conversation.photos,
    )
    await remind(application.bot, conversation, lifecycle)
    await remind(application.bot, conversation, lifecycle)  # at most once
    reminders = [m for m in sam.messages if m.text.startswith("👋 You started")]
    assert len(reminders) == 1
    [question] = await sam.press(texts.CARRY_ON_BUTTON, message=reminders[0])
    assert question.text.startswith("Question 2 of 4")
