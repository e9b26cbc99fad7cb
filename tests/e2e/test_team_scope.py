"""Where the team's commands work: a private chat with the bot, the team chat or the safeguarding
chat. In any other group (where anyone may read along) a staff member gets one kind line and
nothing about young people; whoever has no role still gets NOT_ALLOWED first. Officers see no live
counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Settings
from bot.telegram.concerns import WHERE_TO_ASK
from bot.telegram.drafts import ONLY_PRIVATELY
from bot.telegram.moderation import decision_keyboard, idea_text
from bot.telegram.team import NOT_ALLOWED
from tests.conftest import E2E_SURVEYS, RunningBot
from tests.e2e.test_feedback_and_safeguarding import agree, eventually, rows
from tests.e2e.test_hub_design import say_in
from tests.e2e.test_naming import IDEAS, SHIPPED, idea_post, suggest
from tests.e2e.test_reports import take_pets
from tests.fake_telegram import FakeTelegram, Group, User
from tests.fake_telegram.server import SentMessage

ADMIN = 4001
OFFICER = 3001
PERSON = 4501
STRAY = -100777  # a group the bot was added to that is neither the team's nor safeguarding's
SAFEGUARDING_CHAT = -100600
WORDS = "Biscuit"  # a young person's typed answer
IDEA, REASON = "Base Camp", "It's where you start from"

# Every staff command, with arguments that make sense.
COMMANDS = [
    "/summary",
    "/moderate",
    "/shortlist service-name-vote",
    "/consultations",
    "/results pets",
    "/export pets",
    "/poster pets",
    "/concerns",
    "/close pets",
    "/launch pets",
    "/archive old-one",
    "/announce pets",
    "/reply 1 Thanks",
    "/yousaid We listened",
    f"/grant {PERSON} worker",
    f"/revoke {PERSON}",
    "/quickpoll",
    "/preview pets",
]
ADMINS_ONLY = {f"/grant {PERSON} worker", f"/revoke {PERSON}"}
OFFICERS_TOO = {"/consultations", "/results pets", "/export pets"}
ONLY_IN_PRIVATE = {"/quickpoll", "/preview pets"}


def where_to_use(command: str) -> str:
    name = command.split()[0]
    if name == "/concerns":
        return WHERE_TO_ASK
    if name == "/preview":
        return ONLY_PRIVATELY
    if name == "/quickpoll":
        return "Please use /quickpoll in a private chat with me."
    return f"Please use {name} in the team chat or in a private chat with me."


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """Pets, a closed consultation and the (undated) naming files; an admin, an officer and a
    safeguarding chat of its own."""
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    for name in ("pets.yaml", "closed.yaml"):
        (surveys / name).write_text((E2E_SURVEYS / name).read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("service-name-ideas.yaml", "service-name-vote.yaml"):
        text = (SHIPPED / name).read_text(encoding="utf-8")
        (surveys / name).write_text(re.sub(r"(?m)^(opens|closes)_at:.*\n", "", text), encoding="utf-8")
    return settings.model_copy(
        update={
            "surveys_dir": surveys,
            "admin_ids": frozenset({ADMIN}),
            "officer_ids": frozenset({OFFICER}),
            "safeguarding_chat_id": SAFEGUARDING_CHAT,
        }
    )


@pytest.fixture(autouse=True)
def safeguarding(fake: FakeTelegram, team: Group) -> Group:
    return fake.group(SAFEGUARDING_CHAT, "Safeguarding")


@pytest.fixture
def stray(fake: FakeTelegram) -> Group:
    return fake.group(STRAY, "Partners")


@pytest.fixture
def admin(fake: FakeTelegram) -> User:
    return fake.user(ADMIN, "Ada", "ada_admin", started=True)


@pytest.fixture
def officer(fake: FakeTelegram) -> User:
    return fake.user(OFFICER, "Olu", "olu_officer", started=True)


@pytest.fixture
async def voices(fake: FakeTelegram, bot: RunningBot, team: Group) -> None:
    """Something to give away: a young person's answers (with their words) and an idea with a
    reason, posted to the team chat."""
    fake.user(PERSON, "Pat", "pat_p", started=True)
    await take_pets(fake.user(8101, "A", "a_a"), "👍 Yes", ["🐱 Cat"], "4", WORDS)
    await suggest(fake.user(8102, "B", "b_b"), IDEA, why=REASON)
    await eventually(lambda: any(IDEA in (m.text or "") for m in team.messages), "the idea posted")


def texts_of(messages: list[SentMessage]) -> str:
    return "\n".join(m.text or m.caption or "" for m in messages)


@pytest.mark.parametrize("command", COMMANDS)
async def test_a_staff_command_in_a_stray_group_gets_one_kind_line_and_nothing_else(
    fake: FakeTelegram,
    bot: RunningBot,
    voices: None,
    stray: Group,
    worker: User,
    admin: User,
    command: str,
) -> None:
    staff = admin if command in ADMINS_ONLY else worker
    replies = await say_in(fake, stray, staff, command)
    assert [m.text for m in replies] == [where_to_use(command)]
    assert stray.messages == replies  # no document, chart or album either
    # Nothing was done either: nothing closed, archived, announced, granted or sent.
    assert rows(bot, "SELECT count(*) FROM announcements") == [(0,)]
    assert rows(bot, "SELECT count(*) FROM role_changes") == [(0,)]
    assert rows(bot, "SELECT count(*) FROM published_updates") == [(0,)]
    assert rows(bot, "SELECT count(*) FROM closures") == [(0,)]
    assert "archived" not in texts_of(await worker.send("/consultations"))


@pytest.mark.parametrize("command", COMMANDS)
async def test_whoever_has_no_role_is_refused_first_in_a_stray_group(
    fake: FakeTelegram, bot: RunningBot, stray: Group, officer: User, command: str
) -> None:
    young = fake.user(8001, "Young", "young_one")
    await agree(young)
    [refused] = await say_in(fake, stray, young, command)
    assert refused.text == NOT_ALLOWED
    if command not in OFFICERS_TOO:  # an officer is not staff: NOT_ALLOWED before any word of where
        [refused] = await say_in(fake, stray, officer, command)
        assert refused.text == NOT_ALLOWED


@pytest.mark.parametrize("command", sorted(OFFICERS_TOO))
async def test_an_officer_in_a_stray_group_gets_the_kind_line(
    fake: FakeTelegram, bot: RunningBot, voices: None, stray: Group, officer: User, command: str
) -> None:
    replies = await say_in(fake, stray, officer, command)
    assert [m.text for m in replies] == [where_to_use(command)]


@pytest.mark.parametrize("place", ["private", "team", "safeguarding"])
async def test_staff_commands_work_privately_in_the_team_chat_and_the_safeguarding_chat(
    fake: FakeTelegram,
    bot: RunningBot,
    voices: None,
    team: Group,
    safeguarding: Group,
    worker: User,
    admin: User,
    place: str,
) -> None:
    for command in COMMANDS:
        if place != "private" and command in ONLY_IN_PRIVATE:
            continue
        if place == "team" and command == "/concerns":  # a safeguarding chat of its own is set
            continue
        staff = admin if command in ADMINS_ONLY else worker
        if place == "private":
            replies = await staff.send(command)
        else:
            replies = await say_in(fake, team if place == "team" else safeguarding, staff, command)
        said = [m.text for m in replies]
        assert replies, (place, command)
        assert NOT_ALLOWED not in said and where_to_use(command) not in said, (place, command, said)
        shown = texts_of(replies)
        if command == "/moderate":
            assert IDEA in shown and REASON in shown
        if command == "/consultations":
            assert "1 response, 1 finished" in shown
        if command == "/results pets":
            assert "• 👍 Yes: 1 (100%)" in shown
        if command == "/export pets":
            assert [m.document_name for m in replies] == ["pets-responses.csv", "pets-responses.xlsx"]


async def test_officers_see_no_live_counts_and_closed_ones_suppressed(
    fake: FakeTelegram, bot: RunningBot, worker: User, officer: User
) -> None:
    await take_pets(fake.user(8101, "A", "a_a"), "👍 Yes", ["🐱 Cat"], "4", WORDS)
    [listing] = await officer.send("/consultations")
    text = listing.text or ""
    pets = text.split("(pets):")[1].split("\n\n")[0]
    assert pets.startswith(" open") and "response" in pets  # says when counts come
    assert not re.search(r"\d+ (response|finished)", pets), pets
    assert "1 response" not in text and "1 finished" not in text
    old = text.split("(old-one):")[1].split("\n\n")[0]
    assert old.startswith(" closed") and "finished responses: 0" in old  # a 0 points at nobody
    # The worker's view is as it was: live counts.
    [listing] = await worker.send("/consultations")
    assert "Pets at the hub (pets): open\n• 1 response, 1 finished" in (listing.text or "")
    # Once closed, the officer's count goes through the small-number protection.
    await worker.press("Yes, close it now", message=(await worker.send("/close pets"))[0])
    [listing] = await officer.send("/consultations")
    pets = (listing.text or "").split("(pets):")[1].split("\n\n")[0]
    assert pets.startswith(" closed") and "finished responses: fewer than 5" in pets
    assert "1 response" not in pets and "1 finished" not in pets


async def test_team_buttons_left_in_a_stray_group_are_refused(
    fake: FakeTelegram, bot: RunningBot, voices: None, team: Group, stray: Group, worker: User
) -> None:
    # An idea's message with its buttons, left in another group (as /moderate there once did).
    [idea] = await bot.conversation.ideas.awaiting_moderation()  # type: ignore[union-attr]
    assert bot.application is not None
    await bot.application.bot.send_message(
        STRAY, idea_text(idea, IDEAS), parse_mode="HTML", reply_markup=decision_keyboard(idea)
    )
    left = stray.last_message
    for label in ("Merge into", "Approve"):
        replies = await worker.press(label, message=left)
        assert (
            worker.last_callback_answer
            == "Please use these buttons in the team chat or in a private chat with me."
        )
        assert replies == [] and not left.edited
    assert rows(bot, "SELECT status FROM ideas") == [("pending",)]
    young = fake.user(8001, "Young", "young_one")
    await young.press("Approve", message=left)
    assert young.last_callback_answer == NOT_ALLOWED
    # The same buttons in the team chat work.
    await worker.press("Approve", message=idea_post(team, IDEA))
    assert worker.last_callback_answer == "Approved."
    assert rows(bot, "SELECT status FROM ideas") == [("approved",)]
