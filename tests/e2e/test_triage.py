"""Safeguarding triage end to end (issue 14): every typed word reaches one tier, ALERT (the phrase
list: signposting and an alert), REVIEW (the classifier, or a language the checks cannot read: a
possible concern for a person to read, the young person not interrupted) or NONE; and the review
queue in the safeguarding chat.

The words were chosen with `python -m bot triage`, each well inside its tier; the tests assert the
tier only through what people see and what the database holds."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import conversation
from bot.config import Settings
from bot.conversation import load_phrasebook
from bot.core import texts
from bot.core.engine import WITH_THE_TEAM
from bot.core.ideas import display_label
from bot.safeguarding import classifier
from bot.safeguarding.review import ReviewQueue
from bot.safeguarding.triage import UNREAD_LANGUAGE, Tier, Triage
from bot.telegram.concerns import WHERE_TO_ASK
from bot.telegram.team import NOT_ALLOWED
from tests.conftest import WORKER, Clock, RunningBot
from tests.e2e.test_feedback_and_safeguarding import agree, eventually, rows
from tests.e2e.test_hub_design import say_in
from tests.fake_telegram import FakeTelegram, Group, User
from tests.fake_telegram.server import SentMessage

SHIPPED = Path(__file__).parents[2] / "surveys"
E2E_SURVEYS = Path(__file__).parent / "surveys"
LONDON = ZoneInfo("Europe/London")
MONDAY_10AM = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)  # within the default TEAM_HOURS
SATURDAY_10AM = datetime(2026, 3, 7, 10, 0, tzinfo=LONDON)  # outside them
SAFEGUARDING_CHAT = -100600
WORKER_2, OFFICER = 2002, 2003
IDEAS = "Name the new service"

ALERTING = "i want to kill myself"  # on the phrase list
REVIEWED = "mum drinks a lot"  # only the classifier hears it, not sure enough to interrupt
REVIEWED_TOO = "I worry about my mum"
URGENT = "no one listens to me at home"  # only the classifier, sure enough to tell the team now
ORDINARY = "more pizza nights please"
SMALL_TALK = "see you on thursday"
POLISH = "nie chce wracac do domu, on mnie bije"
UNREAD = "in a language the checks cannot read"
ACT, DISMISS = "🚨 Act on this", "👍 Not a concern"


def undated_ideas() -> str:
    """The shipped naming ideas with their dates taken out, so they are open now."""
    ideas = (SHIPPED / "service-name-ideas.yaml").read_text(encoding="utf-8")
    return re.sub(r"(?m)^(opens|closes)_at:.*\n", "", ideas)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The review queue's clock (when digests are due), set by hand; all else runs on real time."""
    clock = Clock(MONDAY_10AM)

    def review_queue(db, safeguarding, team_hours, _clock, key) -> ReviewQueue:
        return ReviewQueue(db, safeguarding, team_hours, clock, key)

    monkeypatch.setattr(conversation, "ReviewQueue", review_queue)
    return clock


@pytest.fixture
def settings(settings: Settings, tmp_path: Path, clock: Clock) -> Settings:
    """Pets and the (undated) naming ideas; a safeguarding chat of its own; a second worker and an
    officer."""
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    (surveys / "pets.yaml").write_text((E2E_SURVEYS / "pets.yaml").read_text(encoding="utf-8"))
    (surveys / "ideas.yaml").write_text(undated_ideas(), encoding="utf-8")
    return settings.model_copy(
        update={
            "surveys_dir": surveys,
            "safeguarding_chat_id": SAFEGUARDING_CHAT,
            "worker_ids": frozenset({WORKER, WORKER_2}),
            "officer_ids": frozenset({OFFICER}),
        }
    )


@pytest.fixture(autouse=True)
def safeguarding(fake: FakeTelegram, team: Group) -> Group:
    """The safeguarding chat (and the team chat, for ideas), there from the start."""
    return fake.group(SAFEGUARDING_CHAT, "Safeguarding")


def concerns(bot: RunningBot) -> list[tuple]:
    return rows(bot, "SELECT words, source, category, urgent, state FROM possible_concerns ORDER BY id")


def alerts(bot: RunningBot) -> list[tuple]:
    return rows(bot, "SELECT words, source FROM safeguarding_alerts ORDER BY id")


def posts(chat: Group, starting: str = "🔎 Possible concern #") -> list[SentMessage]:
    return [m for m in chat.messages if (m.text or "").startswith(starting)]


def post_of(chat: Group, words: str) -> SentMessage:
    """The first post of the possible concern with these words (as it is now)."""
    return next(m for m in posts(chat) if words in (m.text or ""))


def quiet(call: dict) -> bool:
    """Whether the bot sent it without a notification sound."""
    return str(call.get("disable_notification")).lower() == "true"


def texts_of(replies: list[SentMessage]) -> list[str]:
    return [m.text or m.caption or "" for m in replies]


def test_the_chosen_words_are_still_in_their_tiers() -> None:
    """Should the phrase list or the model change, choose new words with `python -m bot triage`."""
    triage = Triage(load_phrasebook(None), classifier.shipped())
    verdicts = {
        words: triage.check(words)
        for words in (ALERTING, REVIEWED, REVIEWED_TOO, URGENT, ORDINARY, SMALL_TALK, POLISH)
    }
    assert {words: (v.tier, v.urgent_review) for words, v in verdicts.items()} == {
        ALERTING: (Tier.ALERT, False),
        REVIEWED: (Tier.REVIEW, False),
        REVIEWED_TOO: (Tier.REVIEW, False),
        URGENT: (Tier.REVIEW, True),
        ORDINARY: (Tier.NONE, False),
        SMALL_TALK: (Tier.NONE, False),
        POLISH: (Tier.REVIEW, False),
    }
    assert verdicts[POLISH].category == UNREAD_LANGUAGE


# --- each way words reach the bot ----------------------------------------------------------------


async def to_the_text_answer(user: User) -> None:
    await user.send("/start pets")
    await user.press(texts.CONSENT_BUTTON)
    for label in ("Yes", "Cat", texts.NEXT_BUTTON, "3"):
        await user.press(label)


async def to_feedback(user: User) -> None:
    await agree(user)
    await user.send("/feedback")
    await user.press("✏️ Something else")


async def to_the_ideas(user: User) -> None:
    await agree(user)
    await user.press(IDEAS)


async def before_consent(user: User) -> None:
    await user.send("/start")


async def say(user: User, words: str) -> list[SentMessage]:
    return await user.send(words)


async def caption(user: User, words: str) -> list[SentMessage]:
    return await user.send_photo(caption=words)


async def edit(user: User, words: str) -> list[SentMessage]:
    original = user.make_message_update(SMALL_TALK)
    await user.send_raw_update(original)
    edited = {
        "update_id": user.fake.next_update_id(),
        "edited_message": {**original["message"], "text": words},
    }
    return await user.send_raw_update(edited)


def answer_taken(replies: list[SentMessage], words: str) -> None:
    [review] = replies
    assert review.text.startswith(texts.REVIEW_TITLE) and words in review.text


def feedback_taken(replies: list[SentMessage], words: str) -> None:
    [confirm] = replies
    assert f"“{words}”" in confirm.text and texts.FEEDBACK_SEND_BUTTON in confirm.button_labels


def idea_taken(replies: list[SentMessage], words: str) -> None:
    assert texts_of(replies) == [texts.ASK_WHY.format(idea=display_label(words))]


def kept_in_the_alert(replies: list[SentMessage], words: str) -> None:
    """The answer or idea was taken, its words kept once, in the alert (no reason asked for)."""
    [shown] = replies
    assert WITH_THE_TEAM in shown.text and words not in shown.text


def only(*expected: str) -> Callable[[list[SentMessage], str], None]:
    def check(replies: list[SentMessage], words: str) -> None:
        assert texts_of(replies) == list(expected)

    return check


def consent_asked(replies: list[SentMessage], words: str) -> None:
    [nudge] = replies
    assert nudge.text == texts.NEED_CONSENT and texts.CONSENT_BUTTON in nudge.button_labels


@dataclass(frozen=True)
class Way:
    source: str  # possible_concerns.source and safeguarding_alerts.source
    prepare: Callable[[User], Awaitable[None]]
    send: Callable[[User, str], Awaitable[list[SentMessage]]]
    normal: Callable[[list[SentMessage], str], None]  # asserts the reply when nothing worries
    pointer_only: bool = False  # its reply is only a pointer, which signposting replaces
    # Its reply when the words raised an alert, if not `normal`'s.
    alerted: Callable[[list[SentMessage], str], None] | None = None


WAYS = {
    "answer": Way("answer", to_the_text_answer, say, answer_taken, alerted=kept_in_the_alert),
    "feedback": Way("feedback", to_feedback, say, feedback_taken),
    "idea": Way("answer", to_the_ideas, say, idea_taken, alerted=kept_in_the_alert),
    "caption": Way("message", agree, caption, only(texts.STICKER_OR_MEDIA), pointer_only=True),
    "edited": Way("message", agree, edit, only(texts.EDITS_NOT_SEEN)),
    "before_consent": Way("message", before_consent, say, consent_asked),
    "outside_any_flow": Way("message", agree, say, only(texts.NOT_UNDERSTOOD), pointer_only=True),
}


@pytest.mark.parametrize("way", list(WAYS.values()), ids=list(WAYS))
async def test_each_way_in_reaches_the_right_tier(fake: FakeTelegram, bot: RunningBot, way: Way) -> None:
    alarmed, worried, calm = (fake.user(1001 + n, name, name.lower()) for n, name in enumerate("ABC"))
    for person in (alarmed, worried, calm):
        await way.prepare(person)

    # ALERT: the helplines before anything else, and an alert.
    replies = await way.send(alarmed, ALERTING)
    assert replies[0].text == texts.SIGNPOST
    assert replies[0].button_labels == [texts.CONTACT_YES_BUTTON, texts.CONTACT_NO_BUTTON]
    if way.pointer_only:
        assert replies[1:] == []
    else:
        (way.alerted or way.normal)(replies[1:], ALERTING)
    assert alerts(bot) == [(ALERTING, way.source)]

    # REVIEW: their usual reply, nothing more; a possible concern, still knowing whose: by a keyed
    # mark once they have consented, by their Telegram id before (nothing else is kept about them).
    replies = await way.send(worried, REVIEWED)
    way.normal(replies, REVIEWED)
    [(words, source, category, urgent, state)] = concerns(bot)
    assert (words, source, urgent, state) == (REVIEWED, way.source, 0, "new") and category
    held = (worried.id, 0) if way.prepare is before_consent else (None, 1)
    assert rows(bot, "SELECT user_id, sender_mark IS NOT NULL FROM possible_concerns") == [held]

    # NONE: neither.
    way.normal(await way.send(calm, ORDINARY), ORDINARY)
    assert alerts(bot) == [(ALERTING, way.source)] and len(concerns(bot)) == 1
    assert not any(texts.SIGNPOST in t for person in (worried, calm) for t in texts_of(person.messages))


async def test_a_worrying_name_idea_or_reason_is_never_sent_for_moderation(
    fake: FakeTelegram, bot: RunningBot, team: Group, worker: User, safeguarding: Group
) -> None:
    amy, ben = fake.user(1001, "Amy", "amy"), fake.user(1002, "Ben", "ben")
    await to_the_ideas(amy)
    replies = await amy.send(ALERTING)
    assert replies[0].text == texts.SIGNPOST  # and no reason asked for: its words are with the team
    await amy.send(URGENT)  # a second idea, which the classifier hears
    await amy.press(texts.NO_REASON_BUTTON)
    await amy.send("Base Camp")
    await amy.send(REVIEWED)  # its reason
    await to_the_ideas(ben)
    await ben.send("Safe Haven")
    await ben.press(texts.NO_REASON_BUTTON)
    await ben.send(REVIEWED_TOO)  # an idea the classifier hears, not sure enough to tell at once
    await ben.press(texts.NO_REASON_BUTTON)

    await bot.run_outbox()
    await eventually(lambda: len(posts(team, "💡")) == 2, "the ordinary ideas posted")
    await bot.run_outbox()
    posted = [post.text for post in posts(team, "💡")]
    assert any("“Base Camp”" in t for t in posted) and any("“Safe Haven”" in t for t in posted)
    [waiting, *listed] = await worker.send("/moderate")
    assert waiting.text == "2 ideas waiting for a decision."
    assert not any(words in m.text for m in listed for words in (ALERTING, URGENT, REVIEWED, REVIEWED_TOO))

    # They went the safeguarding way instead: the alerting idea is not kept as an idea at all, the
    # worrying reason is not kept as a reason (its idea goes on), the reviewed ideas wait for the
    # possible concern's decision.
    assert alerts(bot) == [(ALERTING, "answer")]
    assert [(w, s, u) for w, s, _, u, _ in concerns(bot)] == [
        (URGENT, "answer", 1),
        (REVIEWED, "answer", 0),
        (REVIEWED_TOO, "answer", 0),
    ]
    assert rows(bot, "SELECT label, held_for FROM ideas ORDER BY id") == [
        (URGENT, 1),
        ("Base Camp", None),
        ("Safe Haven", None),
        (REVIEWED_TOO, 3),
    ]
    assert rows(bot, f"SELECT count(*) FROM ideas WHERE label = '{ALERTING}'") == [(0,)]
    assert rows(bot, "SELECT count(*) FROM idea_submissions WHERE why IS NOT NULL") == [(0,)]
    await eventually(lambda: bool(posts(safeguarding)), "the urgent one in the safeguarding chat")
    assert URGENT in post_of(safeguarding, URGENT).text

    # The decisions free or keep them: "Not a concern" sends the held idea on to moderation;
    # "Act on this" deletes the other, with its submission: its words are kept once, in the alert.
    listed = await worker.send("/concerns")  # Ben's came after the hour's digest had gone
    await worker.press(DISMISS, message=next(m for m in listed if REVIEWED_TOO in (m.text or "")))
    await worker.press(ACT, message=post_of(safeguarding, URGENT))
    await bot.run_outbox()
    await eventually(lambda: len(posts(team, "💡")) == 3, "Ben's idea, freed, posted for moderation")
    assert f"“{REVIEWED_TOO}”" in posts(team, "💡")[-1].text
    assert rows(bot, "SELECT label, held_for IS NULL FROM ideas ORDER BY id") == [
        ("Base Camp", 1),
        ("Safe Haven", 1),
        (REVIEWED_TOO, 1),
    ]
    assert rows(bot, f"SELECT count(*) FROM idea_submissions WHERE wording = '{URGENT}'") == [(0,)]
    [held] = await amy.send("/mydata")
    assert "Base Camp" in held.text and URGENT not in held.text
    # Amy's ideas say which went to the safeguarding team, the one acted on too; Ben's, freed, stays.
    ideas = rows(bot, "SELECT a.value FROM answers a JOIN responses r ON r.id = a.response_id ORDER BY r.id")
    assert [json.loads(value) for (value,) in ideas] == [
        [WITH_THE_TEAM, "Base Camp"],
        ["Safe Haven", REVIEWED_TOO],
    ]


async def test_words_the_checks_cannot_read_go_to_a_person(
    fake: FakeTelegram, bot: RunningBot, safeguarding: Group, worker: User
) -> None:
    ola = fake.user(1001, "Ola", "ola")
    await agree(ola)
    [reply] = await ola.send(POLISH)
    assert reply.text == texts.NOT_UNDERSTOOD  # not interrupted
    assert concerns(bot) == [(POLISH, "message", "unread_language", 0, "new")]
    assert alerts(bot) == []

    await bot.run_outbox()  # Monday 10:00: a digest is due
    await eventually(lambda: bool(posts(safeguarding)), "the digest")
    [post] = posts(safeguarding)
    assert UNREAD in post.text and POLISH in post.text and "score" not in post.text
    listed = await worker.send("/concerns")
    assert any(UNREAD in (m.text or "") and POLISH in (m.text or "") for m in listed)


async def test_the_review_queue_urgent_at_once_digests_hourly_in_team_hours_and_decisions(
    fake: FakeTelegram,
    bot: RunningBot,
    clock: Clock,
    team: Group,
    safeguarding: Group,
    worker: User,
) -> None:
    amy, ben, cara = (
        fake.user(1001 + n, name, name.lower()) for n, name in enumerate(("Amy", "Ben", "Cara"))
    )
    for person in (amy, ben, cara):
        await agree(person)
    will = fake.user(WORKER_2, "Will", "will_w", started=True)
    olive = fake.user(OFFICER, "Olive", "olive_o", started=True)

    # Saturday, outside TEAM_HOURS: the one the classifier is sure of goes at once, loudly...
    clock.now = SATURDAY_10AM
    await amy.send(REVIEWED)
    await ben.send(URGENT)
    await eventually(lambda: bool(posts(safeguarding)), "the urgent item posted at once")
    await bot.run_outbox()
    [urgent] = posts(safeguarding)
    assert URGENT in urgent.text and urgent.button_labels == [ACT, DISMISS]
    assert posts(safeguarding, "🔎 1 possible concern to read") == []  # no digest for it
    [sent] = [c for c in fake.calls_to("sendMessage") if URGENT in c.get("text", "")]
    assert not quiet(sent)
    # ...the rest waits for the team's hours.
    clock.now += timedelta(hours=20)
    await bot.run_outbox()
    assert len(posts(safeguarding)) == 1

    # Monday 09:30: the digest, quietly.
    clock.now = MONDAY_10AM - timedelta(minutes=30)
    await bot.run_outbox()
    assert len(posts(safeguarding, "🔎 1 possible concern to read")) == 1
    assert REVIEWED in post_of(safeguarding, REVIEWED).text
    [sent] = [c for c in fake.calls_to("sendMessage") if REVIEWED in c.get("text", "")]
    assert quiet(sent)

    # At most hourly: one more at 09:40 waits until 10:30.
    clock.now = MONDAY_10AM - timedelta(minutes=20)
    await cara.send(REVIEWED_TOO)
    clock.now = MONDAY_10AM + timedelta(minutes=29)
    await bot.run_outbox()
    assert len(posts(safeguarding)) == 2 and len(posts(safeguarding, "🔎 1 possible concern to read")) == 1
    clock.now = MONDAY_10AM + timedelta(minutes=31)
    await bot.run_outbox()
    assert len(posts(safeguarding)) == 3 and len(posts(safeguarding, "🔎 1 possible concern to read")) == 2
    assert [state for *_, state in concerns(bot)] == ["new", "new", "new"]

    # /concerns: the undecided ones with their buttons, to staff only, and not in another group.
    listed = await worker.send("/concerns")
    assert listed[0].text == "🔎 3 possible concerns waiting; here is each one."
    assert [m.button_labels for m in listed[1:]] == [[ACT, DISMISS]] * 3
    assert [REVIEWED in listed[1].text, URGENT in listed[2].text] == [True, True]
    for outsider in (cara, olive):
        [refused] = await outsider.send("/concerns")
        assert refused.text == NOT_ALLOWED
    [elsewhere] = await say_in(fake, team, worker, "/concerns")
    assert elsewhere.text == WHERE_TO_ASK
    [here, *items] = await say_in(fake, safeguarding, worker, "/concerns")
    assert here.text.startswith("🔎 3 possible concerns waiting") and len(items) == 3

    # A young person or an officer tapping a forged button: refused, nothing changes.
    for outsider in (cara, olive):
        for label in (ACT, DISMISS):
            await outsider.press(label, message=urgent)
            assert outsider.last_callback_answer == NOT_ALLOWED
    assert [state for *_, state in concerns(bot)] == ["new", "new", "new"]
    assert rows(bot, "SELECT count(*) FROM possible_concerns WHERE sender_mark IS NOT NULL") == [(3,)]
    assert alerts(bot) == [] and ACT in urgent.button_labels

    # Act on this: an alert, who acted on the team's message, and help offered to Ben.
    clock.now = MONDAY_10AM + timedelta(minutes=40)
    await worker.press(ACT, message=urgent)
    assert worker.last_callback_answer == "Thank you. It is now a safeguarding alert."
    [(alert_id, words, source, user_id)] = rows(
        bot, "SELECT id, words, source, user_id FROM safeguarding_alerts"
    )
    assert (words, source, user_id) == (URGENT, "message", ben.id)
    acted = post_of(safeguarding, URGENT)
    assert f"Acted on by Wendy, 10:40 Mon 02 Mar: safeguarding alert #{alert_id}." in acted.text
    assert acted.button_labels == []
    assert rows(
        bot,
        f"SELECT state, decided_by, decided_by_name, coalesce(user_id, sender_mark), alert_id"
        f" FROM possible_concerns WHERE words = '{URGENT}'",
    ) == [("acted", WORKER, "Wendy", None, alert_id)]
    follow_up = ben.last_message
    assert follow_up.text.startswith(texts.REVIEW_FOLLOW_UP) and texts.SIGNPOST in follow_up.text
    assert follow_up.button_labels == [texts.CONTACT_YES_BUTTON, texts.CONTACT_NO_BUTTON]
    assert amy.messages[-1].text == texts.NOT_UNDERSTOOD  # nobody else hears anything
    await ben.press(texts.CONTACT_YES_BUTTON, message=follow_up)
    assert rows(bot, "SELECT wants_contact, user_id FROM safeguarding_alerts") == [(1, ben.id)]

    # Not a concern: who and when; then a second worker is told it is decided, and nothing changes.
    await will.press(DISMISS, message=post_of(safeguarding, REVIEWED))
    assert will.last_callback_answer == "Thank you."
    assert rows(
        bot,
        f"SELECT state, decided_by, decided_by_name, decided_at, coalesce(user_id, sender_mark),"
        f" alert_id FROM possible_concerns WHERE words = '{REVIEWED}'",
    ) == [("not_a_concern", WORKER_2, "Will", "2026-03-02T10:40:00+00:00", None, None)]
    assert "👍 Not a concern: Will, 10:40 Mon 02 Mar." in post_of(safeguarding, REVIEWED).text
    stale = next(m for m in listed if REVIEWED in (m.text or ""))  # its copy in Wendy's /concerns
    await worker.press(ACT, message=stale)
    assert worker.last_callback_answer == "Someone has already decided on this one."
    assert "Not a concern: Will" in stale.text  # her copy now says so
    assert len(alerts(bot)) == 1
    assert [state for *_, state in concerns(bot)] == ["not_a_concern", "acted", "new"]

    [left, only_one] = await worker.send("/concerns")
    assert left.text == "🔎 1 possible concern waiting; here is each one." and REVIEWED_TOO in only_one.text


async def test_the_summary_counts_possible_concerns(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    people = [fake.user(1001 + n, f"P{n}", f"p{n}") for n in range(3)]
    for person, words in zip(people, (REVIEWED, URGENT, POLISH), strict=True):
        await agree(person)
        await person.send(words)
    listed = await worker.send("/concerns")
    await worker.press(ACT, message=listed[1])
    await worker.press(DISMISS, message=listed[2])
    summary = "\n".join(m.text or "" for m in await worker.send("/summary"))
    assert (
        "🔎 Possible concerns: 3 since the last summary (1 acted on, 1 not a concern); "
        "1 waiting to be read (/concerns)"
    ) in summary


async def test_the_digest_follows_team_hours_in_the_team_s_time_zone(
    fake: FakeTelegram, settings: Settings, clock: Clock, safeguarding: Group
) -> None:
    # Monday 10:00 in London is 05:00 in New York: the team there is not in yet.
    running = RunningBot(fake, settings.model_copy(update={"timezone": "America/New_York"}))
    await running.start()
    try:
        amy = fake.user(1001, "Amy", "amy")
        await agree(amy)
        await amy.send(REVIEWED)
        await running.run_outbox()
        assert posts(safeguarding) == []
        clock.now += timedelta(hours=4)  # 09:00 in New York
        await running.run_outbox()
        assert len(posts(safeguarding)) == 1
    finally:
        await running.stop()


async def test_an_update_handled_twice_makes_one_possible_concern(
    fake: FakeTelegram, bot: RunningBot, clock: Clock
) -> None:
    clock.now = SATURDAY_10AM  # no digest to take the failure meant for the reply
    amy, ben = fake.user(1001, "Amy", "amy"), fake.user(1002, "Ben", "ben")
    await to_the_text_answer(amy)
    await agree(ben)
    for person in (amy, ben):  # saved, then the reply fails: the update is handled again
        fake.fail_next("sendMessage", 502, "Bad Gateway")
        await person.send(REVIEWED)
    fake.bot_errors.clear()
    answer_taken(amy.messages[-1:], REVIEWED)
    assert ben.last_text == texts.NOT_UNDERSTOOD
    # And Telegram delivering the very same update again.
    again = ben.make_message_update(URGENT)
    await ben.send_raw_update(again)
    await ben.send_raw_update(again)
    assert [(w, s) for w, s, *_ in concerns(bot)] == [
        (REVIEWED, "answer"),
        (REVIEWED, "message"),
        (URGENT, "message"),
    ]


async def test_mydata_and_deleteme_find_their_possible_concerns_by_mark_or_id(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    dev, amy = fake.user(1001, "Dev", "dev"), fake.user(1002, "Amy", "amy")
    await before_consent(dev)
    await dev.send(REVIEWED_TOO)  # before consent: the item keeps their Telegram id
    await agree(dev)
    await agree(amy)
    await dev.send(REVIEWED)  # after: a keyed mark
    assert rows(bot, "SELECT user_id, sender_mark IS NOT NULL FROM possible_concerns ORDER BY id") == [
        (dev.id, 0),
        (None, 1),
    ]
    [held] = await dev.send("/mydata")
    assert texts.MYDATA_CONCERN in held.text
    [held] = await amy.send("/mydata")
    assert texts.MYDATA_CONCERN not in held.text
    await dev.send("/deleteme")
    await dev.press(texts.ERASE_YES_BUTTON)
    # What they wrote stays for the team; who wrote it does not.
    assert rows(bot, "SELECT words, user_id, sender_mark FROM possible_concerns ORDER BY id") == [
        (REVIEWED_TOO, None, None),
        (REVIEWED, None, None),
    ]


async def test_two_outbox_runs_at_once_post_an_urgent_item_once(
    fake: FakeTelegram, bot: RunningBot, safeguarding: Group
) -> None:
    amy = fake.user(1001, "Amy", "amy")
    await agree(amy)
    await amy.send(URGENT)
    await asyncio.gather(bot.run_outbox(), bot.run_outbox())  # the timer and a wake-up at once
    await eventually(lambda: bool(posts(safeguarding)), "the urgent item")
    await bot.run_outbox()
    assert len(posts(safeguarding)) == 1


async def test_an_offer_of_help_that_does_not_get_through_can_be_tried_again(
    fake: FakeTelegram, bot: RunningBot, clock: Clock, safeguarding: Group, worker: User
) -> None:
    ben = fake.user(1002, "Ben", "ben")
    await agree(ben)
    await ben.send(URGENT)
    await bot.run_outbox()
    await eventually(lambda: bool(posts(safeguarding)), "the urgent one posted")

    fake.fail_next("sendMessage", 500)  # the offer of help to Ben
    await worker.press(ACT, message=post_of(safeguarding, URGENT))
    assert "could not be reached just now" in (worker.last_callback_answer or "")
    assert not any(texts.REVIEW_FOLLOW_UP in (m.text or "") for m in ben.messages)
    assert post_of(safeguarding, URGENT).button_labels == [ACT, DISMISS]  # still there, to try again
    assert "Acted on by Wendy" in post_of(safeguarding, URGENT).text

    await worker.press(ACT, message=post_of(safeguarding, URGENT))
    assert worker.last_callback_answer == "Offered the young person help again."
    offer = ben.messages[-1]
    assert (offer.text or "").startswith(texts.REVIEW_FOLLOW_UP)
    assert offer.button_labels == [texts.CONTACT_YES_BUTTON, texts.CONTACT_NO_BUTTON]
    assert post_of(safeguarding, URGENT).button_labels == []
    assert len(rows(bot, "SELECT id FROM safeguarding_alerts")) == 1  # one alert, however many taps
