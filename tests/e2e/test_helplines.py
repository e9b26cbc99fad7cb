"""The young person's side of safeguarding: the helplines stay on screen after they answer "Would
you like someone from the team to contact you?", the answer says honestly when the team will see
it (TEAM_HOURS), and /help starts with the helplines."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core import i18n, texts
from tests.conftest import Clock, RunningBot
from tests.fake_telegram import FakeTelegram, User

DISCLOSURE = "my step dad hits me when he's drunk"
LONDON = ZoneInfo("Europe/London")
NUMBERS = ("0800 1111", "116 123", "85258", "999")
# The default TEAM_HOURS ("Mon-Fri 09:00-17:00"), in the week of Monday 7 December 2026.
TUESDAY_10AM = datetime(2026, 12, 8, 10, 0, tzinfo=LONDON)
SATURDAY_NOON = datetime(2026, 12, 12, 12, 0, tzinfo=LONDON)


def set_clock(bot: RunningBot, monkeypatch: pytest.MonkeyPatch, now: datetime) -> Clock:
    """What time the safeguarding side of the bot thinks it is."""
    assert bot.conversation is not None
    clock = Clock(now)
    monkeypatch.setattr(bot.conversation.safeguarding, "_clock", clock)
    return clock


async def agree(user: User, consent: str = texts.CONSENT_BUTTON) -> None:
    await user.send("/start")
    await user.press(consent)


async def test_the_helplines_stay_on_screen_and_the_answer_says_the_team_will_see_it_soon(
    fake: FakeTelegram, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_clock(bot, monkeypatch, TUESDAY_10AM)
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    [signpost] = await sam.send(DISCLOSURE)
    assert signpost.text == texts.SIGNPOST
    assert all(number in signpost.text for number in NUMBERS)
    assert signpost.text.splitlines()[-3] == "• If you or someone else is in danger right now, call 999."

    [thanks] = await sam.press(texts.CONTACT_YES_BUTTON, message=signpost)
    assert thanks.message_id != signpost.message_id  # a new message below, not an edit
    assert thanks.text == (
        "Thank you. Someone from the team will get in touch. They work Mon–Fri 9:00–17:00, so "
        "they'll see this soon.\n"
        "\n"
        "If you're in danger now, call 999."
    )
    [kept] = [m for m in sam.messages if m.message_id == signpost.message_id]
    assert kept.text == texts.SIGNPOST and not kept.edited  # the numbers are still there
    assert kept.button_labels == [texts.CONTACT_YES_BUTTON, texts.CONTACT_NO_BUTTON]

    # The same tap again: a toast, no second message.
    assert await sam.press(texts.CONTACT_YES_BUTTON, message=signpost) == []
    assert sam.last_callback_answer == "You've already told us: Yes, please contact me"

    # Changing their mind works and says so, each time as a new message.
    [no] = await sam.press(texts.CONTACT_NO_BUTTON, message=signpost)
    assert no.text == (
        "✅ Your answer is now: No thanks\n"
        "\n"
        "That's OK. The team will still see what you wrote, without your name. They work "
        "Mon–Fri 9:00–17:00, so they'll see it soon.\n"
        "\n"
        "The helplines above are free, any time."
    )
    [yes] = await sam.press(texts.CONTACT_YES_BUTTON, message=signpost)
    assert yes.text.startswith("✅ Your answer is now: Yes, please contact me\n\nThank you.")
    assert [m.message_id for m in sam.messages[-4:]] == [
        signpost.message_id,
        thanks.message_id,
        no.message_id,
        yes.message_id,
    ]
    assert sam.messages[-4].text == texts.SIGNPOST and not sam.messages[-4].edited


@pytest.mark.parametrize(
    ("now", "when"),
    [
        (SATURDAY_NOON, "on Monday after 9:00"),
        (datetime(2026, 12, 11, 17, 0, tzinfo=LONDON), "on Monday after 9:00"),  # Friday, closing time
        (datetime(2026, 12, 8, 7, 30, tzinfo=LONDON), "today after 9:00"),
        (datetime(2026, 12, 8, 22, 0, tzinfo=LONDON), "tomorrow after 9:00"),
    ],
)
async def test_out_of_hours_the_answer_says_when_the_team_is_next_in(
    fake: FakeTelegram, bot: RunningBot, monkeypatch: pytest.MonkeyPatch, now: datetime, when: str
) -> None:
    set_clock(bot, monkeypatch, now)
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    [signpost] = await sam.send(DISCLOSURE)
    [thanks] = await sam.press(texts.CONTACT_YES_BUTTON, message=signpost)
    assert thanks.text == (
        "Thank you. Someone from the team will get in touch. They work Mon–Fri 9:00–17:00, so "
        f"they'll see this {when}.\n"
        "\n"
        "If you're in danger now, call 999."
    )
    assert not next(m for m in sam.messages if m.message_id == signpost.message_id).edited


async def test_no_thanks_out_of_hours_still_says_when_and_keeps_the_helplines(
    fake: FakeTelegram, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_clock(bot, monkeypatch, SATURDAY_NOON)
    sam = fake.user(1001, "Sam", "sam_k")
    await agree(sam)
    [signpost] = await sam.send("I want to kill myself")
    [answered] = await sam.press(texts.CONTACT_NO_BUTTON, message=signpost)
    assert answered.text == (
        "That's OK. The team will still see what you wrote, without your name. They work "
        "Mon–Fri 9:00–17:00, so they'll see it on Monday after 9:00.\n"
        "\n"
        "The helplines above are free, any time."
    )
    assert sam.messages[-2].text == texts.SIGNPOST and not sam.messages[-2].edited
    assert await sam.press(texts.CONTACT_NO_BUTTON, message=signpost) == []
    assert sam.last_callback_answer == "You've already told us: No thanks"


async def test_an_arabic_reader_is_told_when_in_arabic(
    fake: FakeTelegram, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_clock(bot, monkeypatch, SATURDAY_NOON)
    amal = fake.user(8208, "Amal", "amal_s", language_code="ar")
    with i18n.speaking("ar"):
        consent, signpost_text, yes_button = texts.CONSENT_BUTTON, texts.SIGNPOST, texts.CONTACT_YES_BUTTON
        monday_9am = datetime(2026, 12, 14, 9, 0, tzinfo=LONDON)
        expected = texts.contact_reply(
            True, hours="الاثنين–الجمعة 9:00–17:00", when=texts.team_sees(SATURDAY_NOON, monday_9am)
        )
    await agree(amal, consent)
    [signpost] = await amal.send("سأقتل نفسي")
    assert signpost.text == signpost_text and "0800 1111" in signpost.text
    [thanks] = await amal.press(yes_button, message=signpost)
    assert thanks.text == expected
    assert thanks.text.startswith("شكرًا لك.") and "الاثنين" in thanks.text and "{" not in thanks.text


async def test_help_starts_with_the_helplines(fake: FakeTelegram, bot: RunningBot, worker: User) -> None:
    sam = fake.user(1001, "Sam", "sam_k")
    [help_message] = await sam.send("/help")  # before agreeing to anything
    assert help_message.text is not None
    lines = help_message.text.splitlines()
    assert lines[0] == (
        "• Childline: call 0800 1111 (free, any time, day or night) or chat at childline.org.uk"
    )
    assert lines[3] == "• If you or someone else is in danger right now, call 999."
    assert help_message.text == texts.HELP
    assert help_message.text.startswith(texts.HELPLINES + "\n\nHere's what I can do:")
    # The numbers are written once, in the helplines the signposting shows too.
    assert texts.ENGLISH["HELP"].count("0800 1111") == texts.ENGLISH["SIGNPOST"].count("0800 1111") == 0
    assert texts.HELPLINES in texts.SIGNPOST

    [staff_help] = await worker.send("/help")  # staff see the helplines first too
    assert staff_help.text is not None and staff_help.text.startswith(texts.HELPLINES)

    amal = fake.user(8208, "Amal", "amal_s", language_code="ar")
    [arabic_help] = await amal.send("/help")
    with i18n.speaking("ar"):
        assert arabic_help.text == texts.HELP
        assert arabic_help.text is not None and arabic_help.text.startswith(texts.HELPLINES)
    assert "0800 1111" in arabic_help.text.splitlines()[0] and "{" not in arabic_help.text
