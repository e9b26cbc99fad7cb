"""Flood grouping of safeguarding alerts: the window, its marks, and a group's message fitting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

from bot.safeguarding.alerts import FLOOD_WINDOW, Person, Safeguarding
from bot.safeguarding.phrases import Concern
from bot.safeguarding.team_hours import DEFAULT, TeamHours
from bot.storage.alerts_repo import Alert
from bot.storage.db import Database
from bot.telegram.team import MESSAGE_MAX, group_text
from tests.conftest import Clock

TZ = ZoneInfo("Europe/London")
CONCERN = Concern("self_harm", "kill myself")


def alert(alert_id: int, words: str, lead_id: int | None = None) -> Alert:
    return Alert(
        alert_id, words, "self_harm", "message", "2026-11-25T14:32:00+00:00", None, None, None, None, 0,
        "to_send", 0, None, None, None, lead_id, None, 0, None,
    )  # fmt: skip


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_a_lone_alert_reads_as_before() -> None:
    text = group_text([alert(7, "I want to die & <worse>")], TZ)
    assert text.startswith("🚨 <b>Safeguarding alert #7</b> (self harm)\nFrom: an anonymous young person")
    assert text.endswith("<i>Their words:</i>\nI want to die &amp; &lt;worse&gt;")
    assert "more from the same young person" not in text


def test_a_big_flood_is_cut_to_fit_one_message() -> None:
    long = "I can't take it & <it> hurts 😢 " * 200  # escaping and emoji both take room
    group = [alert(1, long)] + [alert(i, f"{i}: {long}", lead_id=1) for i in range(2, 12)]
    text = group_text(group, TZ, reminder=True, posts=3, acknowledged_by="Wendy")
    assert units(text) <= MESSAGE_MAX
    assert "➕ <b>10 more from the same young person</b>" in text
    assert all(f"<i>#{i} (self harm), in a message to the bot," in text for i in range(2, 12))
    assert text.count(f"[cut: {len(long)} characters in all, kept in the database]") == 1
    assert text.endswith("✅ Being handled by Wendy.")

    many = [alert(1, "help")] + [alert(i, long, lead_id=1) for i in range(2, 202)]
    text = group_text(many, TZ)
    assert units(text) <= MESSAGE_MAX and "200 more from the same young person" in text
    assert "earlier not shown here: all are kept in the database" in text
    assert "<i>#201 " in text and "<i>#2 " not in text  # the latest are the ones shown
    assert units(unescape(text)) <= MESSAGE_MAX


async def test_alerts_join_a_lead_within_the_window_and_the_mark_is_forgotten(db: Database) -> None:
    clock = Clock(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))
    no_triage: Any = None  # raising does not read messages
    safeguarding = Safeguarding(
        db, no_triage, b"k" * 32, timedelta(minutes=3), timedelta(minutes=30), clock, TeamHours.parse(DEFAULT)
    )

    async def raised(user_id: int | None) -> int:
        return await db.transaction(
            lambda c: safeguarding.raise_in(c, user_id, "words", CONCERN, "message", None)
        )

    lead = await raised(1001)
    other = await raised(1002)
    clock.now += FLOOD_WINDOW - timedelta(seconds=1)
    follower = await raised(1001)
    clock.now += timedelta(seconds=2)  # the lead is now older than the window
    await safeguarding.due()
    after = await raised(1001)
    unknown = [await raised(None), await raised(None)]  # whoever they were, not grouped
    stored = await db.fetch_all(
        "SELECT id, lead_id, sender_mark IS NOT NULL AS marked FROM safeguarding_alerts"
    )
    assert [(r["id"], r["lead_id"], r["marked"]) for r in stored] == [
        (lead, None, 0),  # forgotten once the window passed
        (other, None, 0),
        (follower, lead, 0),
        (after, None, 1),
        (unknown[0], None, 0),
        (unknown[1], None, 0),
    ]


async def test_a_request_withdrawn_after_posting_is_due_as_an_edit_only(db: Database) -> None:
    clock = Clock(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))
    no_triage: Any = None
    safeguarding = Safeguarding(
        db, no_triage, b"k" * 32, timedelta(minutes=3), timedelta(minutes=30), clock, TeamHours.parse(DEFAULT)
    )
    jo = Person(1001, "Jo", "jo_b")
    first = await safeguarding.raise_alert(jo.user_id, "words", CONCERN, "message", 1)
    second = await safeguarding.raise_alert(jo.user_id, "more words", CONCERN, "message", 2)
    for signpost, answer in ((first, "1"), (second, "0")):
        alert_id = signpost.buttons[0][0].action.value.partition(":")[0]
        await safeguarding.choose(jo, f"{alert_id}:{answer}")
    [group] = await safeguarding.due()
    assert [a.id for a in group.new] == [1, 2] and group.refresh == ()
    await safeguarding.posted(group.open_ids, -100, 7)

    assert await safeguarding.withdraw(jo.user_id, 1)
    [group] = await safeguarding.due()
    # Nothing new and no reminder: only the message, still naming Jo, to edit.
    assert group.refresh == (1,) and group.new == () and not group.reminder and group.joins_message
    assert "Jo" not in group_text(group.shown, TZ) and "then withdrew the request" in group_text(
        group.shown, TZ
    )
    assert group.stale == ((-100, 7),)
    await safeguarding.refreshed(group.refresh, -100, 7)
    assert await safeguarding.due() == []


async def test_no_thanks_to_a_yes_the_team_never_saw_is_not_a_withdrawal(db: Database) -> None:
    clock = Clock(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))
    no_triage: Any = None
    safeguarding = Safeguarding(
        db, no_triage, b"k" * 32, timedelta(minutes=3), timedelta(minutes=30), clock, TeamHours.parse(DEFAULT)
    )
    jo = Person(1001, "Jo", "jo_b")
    await safeguarding.raise_alert(jo.user_id, "words", CONCERN, "message", 1)
    await safeguarding.choose(jo, "1:1")  # not posted yet
    await safeguarding.choose(jo, "1:0")
    [group] = await safeguarding.due()
    assert group.refresh == () and group.stale == ()
    assert "did not ask to be contacted" in group_text(group.shown, TZ)


async def test_every_message_showing_a_withdrawn_request_is_edited_even_once_acknowledged(
    db: Database,
) -> None:
    clock = Clock(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))
    no_triage: Any = None
    safeguarding = Safeguarding(
        db, no_triage, b"k" * 32, timedelta(minutes=3), timedelta(minutes=30), clock, TeamHours.parse(DEFAULT)
    )
    jo = Person(1001, "Jo", "jo_b")
    await safeguarding.raise_alert(jo.user_id, "words", CONCERN, "message", 1)
    await safeguarding.choose(jo, "1:1")
    await safeguarding.posted([1], -100, 7)
    await safeguarding.posted([1], -100, 8)  # a reminder
    assert await safeguarding.withdraw(jo.user_id, 1)
    recorded, _ = await safeguarding.acknowledge(1, 42)  # the tap edits only the message tapped
    assert recorded
    [group] = await safeguarding.due()
    assert group.refresh == (1,) and group.stale == ((-100, 7), (-100, 8)) and not group.open_ids
    await safeguarding.refreshed(group.refresh, -100, 7)
    [group] = await safeguarding.due()
    assert group.stale == ((-100, 8),)
    await safeguarding.refreshed(group.refresh, -100, 8)
    assert await safeguarding.due() == []
