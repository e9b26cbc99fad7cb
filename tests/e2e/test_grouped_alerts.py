"""Floods: several alerts from one young person close together reach the team as one message,
each still recorded; end to end through the real Application."""

from __future__ import annotations

import json

from bot.core import texts
from tests.conftest import TEAM_CHAT, WORKER, RunningBot
from tests.e2e.test_feedback_and_safeguarding import agree, eventually, rows, team_posts, write
from tests.fake_telegram import FakeTelegram, Group, User

FLOOD = [
    "my step dad hits me when he's drunk",
    "I want to kill myself",
    "he touched me and said not to tell",
    "I want to die",
]
MORE = "more from the same young person"
WITHDRAWN = "they asked to be contacted, then withdrew the request"


def choices_run_out(bot: RunningBot) -> None:
    """As if the young people's time to choose had passed: the alerts go anonymously."""
    write(bot, "UPDATE safeguarding_alerts SET choice_due_at = '2000-01-01T00:00:00+00:00'")


def team_edits(fake: FakeTelegram) -> list[dict]:
    return [c for c in fake.calls_to("editMessageText") if c["chat_id"] == str(TEAM_CHAT)]


def alerts(team: Group) -> list:
    return [m for m in team.messages if m.text and m.text.startswith(("🚨", "⏰"))]


async def test_a_flood_is_one_message_each_alert_recorded_and_acknowledged_together(
    fake: FakeTelegram, bot: RunningBot, team: Group, worker: User
) -> None:
    sam, eve = fake.user(1001, "Sam", "sam_k"), fake.user(1002, "Eve", "eve")
    await agree(sam)
    await agree(eve)
    for n, words in enumerate(FLOOD):
        [signpost, *_] = await sam.send(words)
        assert signpost.text == texts.SIGNPOST  # each one still gets help straight back
        if n == 1:
            await eve.send("he hurts me every night")  # someone else, at the same time
    choices_run_out(bot)
    await eventually(lambda: len(alerts(team)) == 2, "the two alert messages")
    await bot.run_outbox()
    [sams, eves] = alerts(team)
    assert f"3 {MORE}" in sams.text
    assert all(words in sams.text for words in FLOOD)
    assert "he hurts me every night" in eves.text and MORE not in eves.text
    assert not any(words in eves.text for words in FLOOD)

    # Every alert is its own row: the first leads, the others joined its message.
    stored = rows(bot, "SELECT id, lead_id, state, team_message_id FROM safeguarding_alerts ORDER BY id")
    assert len(stored) == 5
    sams_rows = [r for r in stored if r[3] == sams.message_id]
    assert len(sams_rows) == 4 and all(state == "sent" for _, _, state, _ in sams_rows)
    lead = sams_rows[0][0]
    assert [lead_id for _, lead_id, _, _ in sams_rows] == [None, lead, lead, lead]
    [(_, eves_lead, _, _)] = [r for r in stored if r[3] == eves.message_id]
    assert eves_lead is None

    # Nobody acknowledged it: the group comes back as one reminder, not one per alert.
    write(bot, "UPDATE safeguarding_alerts SET next_post_at = '2000-01-01T00:00:00+00:00'")
    await bot.run_outbox()
    reminders = team_posts(team, "⏰")
    assert len(reminders) == 2  # Sam's group and Eve's alert
    [sams_reminder] = [m for m in alerts(team) if m.text.startswith("⏰") and MORE in m.text]
    assert all(words in sams_reminder.text for words in FLOOD)

    await worker.press("🙋 I'm handling this", message=sams_reminder)
    assert worker.last_callback_answer == "Thank you. It's yours."
    states = rows(bot, "SELECT lead_id IS NULL, state, acknowledged_by FROM safeguarding_alerts ORDER BY id")
    assert [s for s in states if s[1] == "acknowledged"] == [(1, "acknowledged", WORKER)] + [
        (0, "acknowledged", WORKER)
    ] * 3
    assert [s for s in states if s[1] != "acknowledged"] == [(1, "sent", None)]  # Eve's is apart
    edited = next(m for m in team.messages if m.message_id == sams_reminder.message_id)
    assert edited.text.endswith("✅ Being handled by Wendy.") and f"3 {MORE}" in edited.text

    write(bot, "UPDATE safeguarding_alerts SET next_post_at = '2000-01-01T00:00:00+00:00'")
    await bot.run_outbox()
    [*_, again] = alerts(team)  # only Eve's comes back
    assert again.text.startswith("⏰") and "he hurts me every night" in again.text and MORE not in again.text
    assert len(alerts(team)) == 5


async def test_the_flood_window_ends_and_its_marks_are_forgotten(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    await sam.send(FLOOD[0])
    await sam.send(FLOOD[1])
    assert rows(bot, "SELECT sender_mark IS NOT NULL, lead_id FROM safeguarding_alerts ORDER BY id") == [
        (1, None),  # only the lead carries the mark, and only for the window
        (0, 1),
    ]
    assert "1001" not in str(rows(bot, "SELECT sender_mark FROM safeguarding_alerts"))
    choices_run_out(bot)
    await eventually(lambda: len(alerts(team)) == 1, "the first message")

    # Eleven minutes later (as far as the database can tell): the window has passed.
    write(bot, "UPDATE safeguarding_alerts SET raised_at = '2000-01-01T00:00:00+00:00'")
    await bot.run_outbox()
    assert rows(bot, "SELECT count(*) FROM safeguarding_alerts WHERE sender_mark IS NOT NULL") == [(0,)]

    await sam.send(FLOOD[2])
    assert rows(bot, "SELECT lead_id FROM safeguarding_alerts ORDER BY id") == [(None,), (1,), (None,)]
    choices_run_out(bot)
    await eventually(lambda: len(alerts(team)) == 2, "a new message")
    first, second = alerts(team)
    assert f"1 {MORE}" in first.text and FLOOD[2] not in first.text
    assert FLOOD[2] in second.text and MORE not in second.text


async def test_a_follower_after_the_lead_was_posted_joins_its_message(
    fake: FakeTelegram, bot: RunningBot, team: Group, worker: User
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    await sam.send(FLOOD[0])
    choices_run_out(bot)
    await eventually(lambda: len(alerts(team)) == 1, "the lead's message")

    [signpost, *_] = await sam.send(FLOOD[1])
    await sam.press(texts.CONTACT_NO_BUTTON, message=signpost)
    await eventually(
        lambda: rows(bot, "SELECT state FROM safeguarding_alerts ORDER BY id") == [("sent",), ("sent",)],
        "the follower, recorded as sent",
    )
    [message] = alerts(team)  # no new alert message: the lead's was edited
    assert message.edited and len(team_edits(fake)) == 1
    assert f"1 {MORE}" in message.text and FLOOD[0] in message.text and FLOOD[1] in message.text
    assert "Sam" not in message.text
    assert rows(bot, "SELECT DISTINCT team_message_id FROM safeguarding_alerts") == [(message.message_id,)]

    # If the message cannot be edited (deleted, say), the group goes anew, replying to it.
    fake.fail_next("editMessageText", 400, "Bad Request: message to edit not found")
    await sam.send(FLOOD[2])
    choices_run_out(bot)
    await eventually(lambda: len(alerts(team)) == 2, "the group as a new message")
    old, new = alerts(team)
    assert f"2 {MORE}" in new.text and all(words in new.text for words in FLOOD[:3])
    assert FLOOD[2] not in old.text
    reply = json.loads(fake.calls_to("sendMessage")[-1]["reply_parameters"])
    assert reply["message_id"] == old.message_id
    # Recorded once Telegram has taken it: a moment after the message appears.
    await eventually(
        lambda: (
            rows(bot, "SELECT DISTINCT state, team_message_id FROM safeguarding_alerts")
            == [("sent", new.message_id)]
        ),
        "the group recorded as sent with its new message",
    )

    await worker.press("🙋 I'm handling this", message=new)
    assert rows(bot, "SELECT DISTINCT state FROM safeguarding_alerts") == [("acknowledged",)]

    # One more within the window, after someone took the group on, and this time they ask to be
    # contacted: news, so a new message (an edit would notify nobody) with the rest for context,
    # naming them, for someone to take on again.
    [signpost, *_] = await sam.send(FLOOD[3])
    await sam.press(texts.CONTACT_YES_BUTTON, message=signpost)
    await eventually(lambda: len(alerts(team)) == 3, "the group again, with the newest")
    latest = alerts(team)[-1]
    assert f"3 {MORE}" in latest.text and "Being handled" not in latest.text
    assert "Sam (@sam_k)" in latest.text  # one of them asked to be contacted: who, for all
    assert any(e.get("url") == "tg://user?id=1001" for e in latest.entities)
    assert latest.button_labels == ["🙋 I'm handling this"]
    await eventually(
        lambda: (
            rows(bot, "SELECT state FROM safeguarding_alerts ORDER BY id")
            == [("acknowledged",)] * 3 + [("sent",)]
        ),
        "the newest recorded as sent, the rest still acknowledged",
    )


async def test_a_withdrawn_request_leaves_the_groups_message_and_its_reminder(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    [signpost, *_] = await sam.send(FLOOD[0])
    await sam.press(texts.CONTACT_YES_BUTTON, message=signpost)
    [signpost, *_] = await sam.send(FLOOD[1])
    await sam.press(texts.CONTACT_NO_BUTTON, message=signpost)
    await eventually(
        lambda: rows(bot, "SELECT state FROM safeguarding_alerts ORDER BY id") == [("sent",), ("sent",)],
        "both in one message",
    )
    [message] = alerts(team)
    assert f"1 {MORE}" in message.text and "Sam (@sam_k)" in message.text

    # Withdrawn just as the group is due again: the old message loses the name, and so does the reminder.
    [held] = await sam.send("/mydata")
    [withdraw] = held.button_labels
    edits = len(team_edits(fake))
    write(bot, "UPDATE safeguarding_alerts SET next_post_at = '2000-01-01T00:00:00+00:00'")
    await sam.press(withdraw, message=held)
    await bot.run_outbox()
    old, reminder = alerts(team)
    assert reminder.text.startswith("⏰")
    for shown in (old, reminder):
        assert "Sam" not in shown.text and "sam_k" not in shown.text and WITHDRAWN in shown.text
        assert FLOOD[0] in shown.text and FLOOD[1] in shown.text
    assert old.edited and len(team_edits(fake)) == edits + 1
    await eventually(
        lambda: (
            rows(bot, "SELECT state, team_message_id, refresh_at FROM safeguarding_alerts")
            == [("sent", reminder.message_id, None)] * 2
        ),
        "the reminder recorded, nothing left to edit",
    )
