"""Transparency and control: a short consent screen with the full notice a tap away, the notice
true and saying who decides (from the settings), and /mydata showing a young person everything
held about them, with a contact request they can withdraw."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing

import pytest

from bot.config import Settings
from bot.core import i18n, texts
from tests.conftest import RunningBot
from tests.e2e.test_feedback_and_safeguarding import eventually, write
from tests.e2e.test_grouped_alerts import WITHDRAWN, alerts, team_edits
from tests.e2e.test_languages import arabic
from tests.e2e.test_young_person import CONSENT_BUTTONS, reach_the_text_question, rows
from tests.fake_telegram import FakeTelegram, Group, User

# The consent screen before it was split in two: welcome, the whole notice and the question.
OLD_CONSENT_SCREEN_LENGTH = 1036
DISCLOSURE = "my mum's boyfriend hits me"


@pytest.fixture
async def council_bot(fake: FakeTelegram, settings: Settings) -> AsyncIterator[RunningBot]:
    """The bot as a council set it up: its own controller, contact, DPO and lawful basis."""
    running = RunningBot(
        fake,
        settings.model_copy(
            update={
                "privacy_controller": "Northbrook Council's Youth Voice team",
                "privacy_contact": "youthvoice@northbrook.example or 01632 960 123",
                "privacy_dpo": "dpo@northbrook.example",
                "privacy_lawful_basis": "public task (UK GDPR Article 6(1)(e)), Children Act 1989",
                "retention_days": 90,
                "alert_identity_days": 21,
            }
        ),
    )
    await running.start()
    yield running
    await running.stop()


async def test_the_consent_screen_is_short_and_read_more_turns_it_into_the_full_notice(
    fake: FakeTelegram, council_bot: RunningBot
) -> None:
    jo = fake.user(3101, "Jo", "jo_p")
    [short] = await jo.send("/start pets")
    assert len(short.text) < OLD_CONSENT_SCREEN_LENGTH / 2
    assert "It's anonymous" in short.text and "You can stop any time" in short.text
    assert "If you tell us someone is hurting you, we'll make sure you get help." in short.text
    assert "Data Protection Officer" not in short.text  # the detail waits behind "Read more"
    assert short.button_labels == CONSENT_BUTTONS

    [full] = await jo.press(texts.READ_MORE_BUTTON)
    assert full.message_id == short.message_id  # the same message, buttons still under the thumb
    assert full.text.startswith("🔒 Your privacy: the full version")
    assert full.text.endswith(texts.CONSENT_QUESTION)
    assert full.button_labels == [
        texts.CONSENT_BUTTON,
        texts.DECLINE_BUTTON,
        texts.LANGUAGE_BUTTON,
        texts.EASY_READ_BUTTON,
    ]
    assert rows(council_bot, "SELECT * FROM participants") == []

    agreed, question = await jo.press(texts.CONSENT_BUTTON)
    # What they read stays, saying they agreed; the deep link's consultation opens.
    assert agreed.text.startswith("🔒 Your privacy: the full version")
    assert agreed.text.endswith(texts.CONSENT_GIVEN) and agreed.button_labels == []
    assert "Should pets be allowed?" in question.text
    assert rows(council_bot, "SELECT user_id, privacy_version FROM participants") == [
        (3101, texts.PRIVACY_VERSION)
    ]


async def test_no_thanks_under_the_full_notice_saves_nothing(fake: FakeTelegram, bot: RunningBot) -> None:
    kai = fake.user(3102, "Kai", "kai_m")
    await kai.send("/start")
    await kai.press(texts.READ_MORE_BUTTON)
    [declined] = await kai.press(texts.DECLINE_BUTTON)
    assert declined.text == texts.DECLINED
    assert rows(bot, "SELECT * FROM participants") == []


async def test_before_consent_anything_sent_gets_a_one_line_nudge_with_the_buttons(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    ria = fake.user(3103, "Ria", "ria_t")
    await ria.send("/start")
    for reply in (
        await ria.send("is this the youth club bot"),
        await ria.send("/feedback"),
        await ria.send("/updates"),
        await ria.send_sticker(),
    ):
        [nudge] = reply
        assert nudge.text == texts.NEED_CONSENT and "\n" not in nudge.text
        assert nudge.button_labels == CONSENT_BUTTONS
    [agreed, listing] = await ria.press(texts.CONSENT_BUTTON, message=nudge)
    assert agreed.text.endswith(texts.CONSENT_GIVEN) and listing.text == texts.CHOOSE_CONSULTATION


async def test_privacy_says_who_decides_how_to_reach_them_the_lawful_basis_and_the_ico(
    fake: FakeTelegram, council_bot: RunningBot
) -> None:
    lee = fake.user(3104, "Lee", "lee_w")
    [notice] = await lee.send("/privacy")
    for said in (
        "youthvoice is run by Northbrook Council's Youth Voice team",
        "Contact: youthvoice@northbrook.example or 01632 960 123.",
        "Data Protection Officer: dpo@northbrook.example.",
        "Our lawful basis is public task (UK GDPR Article 6(1)(e)), Children Act 1989.",
        "ico.org.uk/make-a-complaint or call 0303 123 1113",
        # True about what is kept, and for how long (RETENTION_DAYS, ALERT_IDENTITY_DAYS).
        "When a consultation closes, we wait 90 days. Then we delete what you typed",
        "we keep your name, username and Telegram number with it until 21 days after",
        'Anyone else sees only totals, as ranges like "5 to 9", so no one can be picked out.',
        "Feedback is anonymous",
        "/mydata",
    ):
        assert said in notice.text
    assert len(notice.text) < 4096  # one message
    # Before they agree it carries the consent buttons (never a dead end); after, it is just read.
    assert texts.CONSENT_BUTTON in notice.button_labels
    before = notice.text
    await lee.press(texts.CONSENT_BUTTON, message=notice)
    [again] = await lee.send("/privacy")
    assert again.text == before.removesuffix(f"\n\n{texts.CONSENT_QUESTION}")
    assert again.button_labels == []


async def test_easy_read_before_consent_gives_the_easy_notice(fake: FakeTelegram, bot: RunningBot) -> None:
    max_ = fake.user(3105, "Max", "max_e")
    [short] = await max_.send("/start")
    standard_length = len(short.text)
    [said, easy] = await max_.press(texts.EASY_READ_BUTTON)
    with i18n.speaking(i18n.Reading(easy=True)):
        assert said.text == texts.EASY_READ_ON  # the tapped message says so; the screen comes again
        assert easy.text == f"{texts.WELCOME}\n\n{texts.CONSENT_SUMMARY}\n\n{texts.CONSENT_QUESTION}"
        assert len(easy.text) < standard_length
        assert texts.STANDARD_WORDING_BUTTON in easy.button_labels
        [full] = await max_.press(texts.READ_MORE_BUTTON, message=easy)
        assert full.text.startswith("🔒 Your privacy: easy read")
        assert "ico.org.uk/make-a-complaint or 0303 123 1113" in full.text
    await max_.press(texts.CONSENT_BUTTON, message=full)
    assert rows(bot, "SELECT easy_read FROM participants") == [(1,)]


async def test_an_arabic_speaker_gets_the_short_screen_and_the_full_notice_in_arabic(
    fake: FakeTelegram, council_bot: RunningBot
) -> None:
    amal = fake.user(3106, "Amal", "amal_a", language_code="ar")
    [short] = await amal.send("/start")
    assert short.text == f"{arabic('WELCOME')}\n\n{arabic('CONSENT_SUMMARY')}\n\n{arabic('CONSENT_QUESTION')}"
    assert "يؤذيك" in short.text and len(short.text) < OLD_CONSENT_SCREEN_LENGTH / 2
    assert short.button_labels[:3] == [
        arabic("CONSENT_BUTTON"),
        arabic("READ_MORE_BUTTON"),
        arabic("DECLINE_BUTTON"),
    ]
    [full] = await amal.press(arabic("READ_MORE_BUTTON"))
    assert full.text.startswith("🔒 خصوصيتك: النسخة الكاملة")
    # The council's settings as written, isolated so they read the right way inside Arabic.
    isolated = (
        f"{i18n.FIRST_STRONG_ISOLATE}Northbrook Council's Youth Voice team{i18n.POP_DIRECTIONAL_ISOLATE}"
    )
    assert isolated in full.text
    assert "dpo@northbrook.example" in full.text and "0303 123 1113" in full.text
    [nudge] = await amal.send("مرحبا")
    assert nudge.text == arabic("NEED_CONSENT")
    await amal.press(arabic("CONSENT_BUTTON"), message=full)
    assert rows(council_bot, "SELECT language FROM participants") == [("ar",)]


async def test_someone_who_agreed_to_an_older_notice_is_told_once_that_it_changed(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    ben = fake.user(3107, "Ben", "ben_o")
    await ben.send("/start")
    await ben.press(texts.CONSENT_BUTTON)
    with closing(sqlite3.connect(bot.settings.database_path)) as db, db:
        db.execute("UPDATE participants SET privacy_version = 2")
    told, listing = await ben.send("/start")
    assert told.text == texts.PRIVACY_UPDATED and listing.text == texts.CHOOSE_CONSULTATION
    assert rows(bot, "SELECT privacy_version FROM participants") == [(texts.PRIVACY_VERSION,)]
    [listing] = await ben.send("/start")  # once
    assert listing.text == texts.CHOOSE_CONSULTATION


async def ask_to_be_contacted(person: User) -> None:
    """A disclosure while answering, then "Yes, please contact me"."""
    signpost, *_ = await person.send(DISCLOSURE)
    assert signpost.text == texts.SIGNPOST
    await person.press(texts.CONTACT_YES_BUTTON, message=signpost)


async def test_mydata_shows_everything_held_and_a_contact_request_can_be_withdrawn(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    sam = fake.user(3108, "Sam", "sam_q")
    await reach_the_text_question(sam)  # pets, anonymous: Yes, Cat, a 3 on the scale
    await ask_to_be_contacted(sam)
    await sam.send("/start named")  # the open day: with their Telegram number

    [held] = await sam.send("/mydata")
    text = held.text
    assert text.startswith(texts.MYDATA_TITLE)
    stored = rows(bot, "SELECT consented_at FROM participants")[0][0][:10]
    today, month = i18n.day_in_words(stored), i18n.day_in_words(stored[:7])  # "7 December 2026"
    assert f"You agreed to take part on {today}. Language: English. Easy read: off." in text
    assert f"You last used youthvoice in {month} (" in text  # the month only
    assert "“Pets at the hub”: not sent yet. Your answers so far:" in text
    assert "Should pets be allowed?\n   ➡️ 👍 Yes" in text and "🐱 Cat" in text
    assert "“Come to our open day”: not sent yet." in text
    assert f"On {today} you asked the team to contact you." in text and "(Sam)" in text
    assert texts.MYDATA_CONTACT_WAITING in text
    assert texts.MYDATA_FEEDBACK in text  # feedback cannot be found, and it says so
    [withdraw] = held.button_labels
    assert withdraw == texts.WITHDRAW_CONTACT_BUTTON.format(day=today)

    [done] = await sam.press(withdraw, message=held)
    assert done.text == texts.CONTACT_WITHDRAWN
    # Who they are has gone from the alert; what they wrote stays, for the team.
    assert rows(
        bot, "SELECT words, user_id, contact_name, contact_username, wants_contact FROM safeguarding_alerts"
    ) == [(DISCLOSURE, None, None, None, 0)]
    await sam.press(withdraw, message=held)  # the old button again: nothing to withdraw
    assert sam.last_callback_answer == texts.NOT_WITHDRAWN
    [held] = await sam.send("/mydata")
    assert "asked the team to contact you" not in held.text and held.button_labels == []


async def test_mydata_shows_sent_answers_votes_and_says_when_nothing_is_held(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    ash = fake.user(3109, "Ash", "ash_v")
    [nothing] = await ash.send("/mydata")
    assert texts.MYDATA_NOTHING in nothing.text and texts.MYDATA_FEEDBACK in nothing.text
    await reach_the_text_question(ash)
    await ash.send("Captain Whiskers")
    await ash.press(texts.SUBMIT_BUTTON)
    [held] = await ash.send("/mydata")
    assert "✅ “Pets at the hub”: sent. Your answers:" in held.text
    assert "➡️ Captain Whiskers" in held.text


async def test_deleteme_takes_who_they_are_off_a_contact_request_nobody_picked_up(
    fake: FakeTelegram, bot: RunningBot
) -> None:
    eli = fake.user(3110, "Eli", "eli_d")
    await reach_the_text_question(eli)
    await ask_to_be_contacted(eli)
    await eli.send("/deleteme")
    [done] = await eli.press(texts.ERASE_YES_BUTTON)
    assert done.text.endswith(texts.ERASE_CONTACT_CLEARED)
    assert rows(bot, "SELECT words, user_id, contact_name FROM safeguarding_alerts") == [
        (DISCLOSURE, None, None)
    ]


async def withdraw_the_request(person: User, how: str) -> None:
    """Their one contact request withdrawn: with /mydata's button, or by /deleteme."""
    if how == "mydata":
        [held] = await person.send("/mydata")
        [withdraw] = held.button_labels
        [done] = await person.press(withdraw, message=held)
        assert done.text == texts.CONTACT_WITHDRAWN
    else:
        await person.send("/deleteme")
        [done] = await person.press(texts.ERASE_YES_BUTTON)
        assert done.text.endswith(texts.ERASE_CONTACT_CLEARED)


async def rowan_asked_and_posted(fake: FakeTelegram, bot: RunningBot, team: Group, user_id: int) -> User:
    """Rowan discloses in an answer, asks to be contacted, and the team's message names them."""
    rowan = fake.user(user_id, "Rowan", "rowan_t")
    await reach_the_text_question(rowan)
    await ask_to_be_contacted(rowan)
    await eventually(
        lambda: rows(bot, "SELECT state FROM safeguarding_alerts") == [("sent",)], "the request posted"
    )
    [posted] = alerts(team)
    assert "Rowan (@rowan_t): they asked to be contacted" in posted.text
    return rowan


@pytest.mark.parametrize("how", ["mydata", "deleteme"])
async def test_a_withdrawn_request_leaves_the_teams_message(
    fake: FakeTelegram, bot: RunningBot, team: Group, how: str
) -> None:
    rowan = await rowan_asked_and_posted(fake, bot, team, 3111)

    await withdraw_the_request(rowan, how)
    await bot.run_outbox()
    [message] = alerts(team)  # the same message, edited: no new post
    assert message.edited
    assert "Rowan" not in message.text and "rowan_t" not in message.text and WITHDRAWN in message.text
    assert not any("3111" in str(entity.get("url")) for entity in message.entities)
    # Still a concern for someone to read and take on.
    assert DISCLOSURE in message.text and message.button_labels == ["🙋 I'm handling this"]
    assert rows(bot, "SELECT contact_withdrawn, refresh_at, state FROM safeguarding_alerts") == [
        (1, None, "sent")
    ]

    # The edit due again (as if the bot stopped before recording it): "not modified" ends it.
    edits = len(team_edits(fake))
    write(bot, "UPDATE safeguarding_alerts SET refresh_at = '2000-01-01T00:00:00+00:00'")
    write(bot, "INSERT INTO alert_posts SELECT id, team_chat_id, team_message_id FROM safeguarding_alerts")
    await bot.run_outbox()
    await bot.run_outbox()
    assert len(team_edits(fake)) == edits + 1 and len(alerts(team)) == 1
    assert rows(bot, "SELECT refresh_at FROM safeguarding_alerts") == [(None,)]


async def test_a_team_message_that_cannot_be_edited_is_answered_with_one_without_them(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    rowan = await rowan_asked_and_posted(fake, bot, team, 3112)

    fake.fail_next("editMessageText", 400, "Bad Request: message can't be edited")  # too old
    await withdraw_the_request(rowan, "mydata")
    await bot.run_outbox()
    old, new = alerts(team)
    assert WITHDRAWN in new.text and DISCLOSURE in new.text and "Rowan" not in new.text
    reply = json.loads(fake.calls_to("sendMessage")[-1]["reply_parameters"])
    assert reply["message_id"] == old.message_id
    await eventually(
        lambda: (
            rows(bot, "SELECT state, team_message_id, refresh_at FROM safeguarding_alerts")
            == [("sent", new.message_id, None)]
        ),
        "the new message recorded, nothing left to edit",
    )


async def test_a_withdrawn_request_leaves_every_message_a_reminder_posted(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    rowan = await rowan_asked_and_posted(fake, bot, team, 3113)
    write(bot, "UPDATE safeguarding_alerts SET next_post_at = '2000-01-01T00:00:00+00:00'")  # unacknowledged
    await bot.run_outbox()
    first, reminder = alerts(team)
    assert reminder.text.startswith("⏰") and "Rowan (@rowan_t)" in reminder.text

    await withdraw_the_request(rowan, "mydata")
    await bot.run_outbox()
    # Both edited, nothing new posted.
    assert [m.message_id for m in alerts(team)] == [first.message_id, reminder.message_id]
    for message in alerts(team):
        assert message.edited and WITHDRAWN in message.text and DISCLOSURE in message.text
        assert "Rowan" not in message.text and "rowan_t" not in message.text
        assert not any("3113" in str(entity.get("url")) for entity in message.entities)
    assert len(team_edits(fake)) == 2
    assert rows(bot, "SELECT refresh_at FROM safeguarding_alerts") == [(None,)]
    assert rows(bot, "SELECT count(*) FROM alert_posts") == [(0,)]


async def test_a_message_gone_from_the_team_chat_counts_as_edited(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    rowan = await rowan_asked_and_posted(fake, bot, team, 3114)

    fake.fail_next("editMessageText", 400, "Bad Request: message to edit not found")  # deleted by hand
    await withdraw_the_request(rowan, "mydata")
    await bot.run_outbox()
    await bot.run_outbox()
    assert len(alerts(team)) == 1 and len(team_edits(fake)) == 1  # nothing posted again
    assert rows(bot, "SELECT refresh_at FROM safeguarding_alerts") == [(None,)]


async def test_a_withdrawn_request_refused_by_flood_control_is_edited_after_the_wait(
    fake: FakeTelegram, bot: RunningBot, team: Group
) -> None:
    rowan = await rowan_asked_and_posted(fake, bot, team, 3115)
    write(bot, "UPDATE safeguarding_alerts SET next_post_at = '2000-01-01T00:00:00+00:00'")
    await bot.run_outbox()
    assert len(alerts(team)) == 2

    # Every attempt refused (the rate limiter retries 3 times): both messages are edited later.
    fake.flood_next("editMessageText", retry_after=1, times=4)
    await withdraw_the_request(rowan, "mydata")
    await eventually(
        lambda: all("rowan_t" not in m.text and WITHDRAWN in m.text for m in alerts(team)),
        "both messages without them",
        seconds=15,
    )
    assert len(alerts(team)) == 2 and len(fake.calls_to("editMessageText")) >= 6
    await eventually(lambda: rows(bot, "SELECT count(*) FROM alert_posts") == [(0,)], "nothing left to edit")
    assert rows(bot, "SELECT refresh_at FROM safeguarding_alerts") == [(None,)]
