"""Roles: admins grant and revoke worker and officer roles in chat; every privileged command checks
the role when it is used; each person's /help and command menu show what their role can do."""

from __future__ import annotations

import time

import pytest

from bot.config import Settings
from bot.core import texts
from bot.telegram.access import NOT_TOLD
from bot.telegram.team import NOT_ALLOWED
from tests.conftest import RunningBot
from tests.e2e.test_feedback_and_safeguarding import agree, rows
from tests.fake_telegram import FakeTelegram, User

ADMIN = 4001
PERSON = 4501

# Every privileged command, with arguments that make sense.
COMMANDS = [
    "/consultations",
    "/summary",
    "/moderate",
    "/shortlist pets",
    "/close pets",
    "/results pets",
    "/export pets",
    "/report pets",
    "/poster pets",
    "/announce closed",
    "/preview pets",
    "/launch pets",
    "/archive pets",
    "/quickpoll",
    "/reply 1 Thanks",
    "/yousaid We listened",
    f"/grant {PERSON} worker",
    f"/revoke {PERSON}",
]
ALLOWED = {
    "young person": set(),
    "officer": {"/consultations", "/results pets", "/export pets", "/report pets"},
    "worker": set(COMMANDS) - {f"/grant {PERSON} worker", f"/revoke {PERSON}"},
    "admin": set(COMMANDS),
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"admin_ids": frozenset({ADMIN})})


@pytest.fixture
def admin(fake: FakeTelegram) -> User:
    return fake.user(ADMIN, "Ada", "ada_admin", started=True)


async def person_with(role: str, fake: FakeTelegram, admin: User, worker: User) -> User:
    if role == "admin":
        return admin
    if role == "worker":
        return worker
    person = fake.user(PERSON, "Pat", "pat_p")
    await agree(person)
    if role == "officer":
        await admin.send(f"/grant {PERSON} officer")
    return person


@pytest.mark.parametrize("role", list(ALLOWED))
async def test_each_privileged_command_checks_the_role_at_use(
    fake: FakeTelegram, bot: RunningBot, admin: User, worker: User, role: str
) -> None:
    person = await person_with(role, fake, admin, worker)
    for command in COMMANDS:
        replies = await person.send(command)
        refused = NOT_ALLOWED in [m.text for m in replies]  # (a broadcast's progress may arrive too)
        assert refused == (command not in ALLOWED[role]), (role, command, [m.text for m in replies])


async def test_an_admin_grants_and_revokes_with_a_record_and_menus(
    fake: FakeTelegram, bot: RunningBot, admin: User
) -> None:
    pat = fake.user(PERSON, "Pat", "pat_p")
    await agree(pat)
    assert (await pat.send("/moderate"))[0].text == NOT_ALLOWED
    [done] = await admin.send(f"/grant {PERSON} worker")
    assert done.text == f"{PERSON} is now a participation worker."
    assert (
        pat.last_text
        == "You are now a participation worker on youthvoice. Send /help to see your team commands."
    )
    assert (await pat.send("/moderate"))[0].text == "No ideas are waiting for a decision. 🎉"
    menu = [c["command"] for c in fake.my_commands({"type": "chat", "chat_id": PERSON})]
    assert "start" in menu and "moderate" in menu and "grant" not in menu
    [help_text] = await pat.send("/help")
    assert "You are a participation worker" in (help_text.text or "") and "/moderate" in (
        help_text.text or ""
    )
    # Each command with what it needs, and an example.
    assert "/close <consultation id> – Close a consultation now (e.g. /close hub-design)" in (
        help_text.text or ""
    )
    [done] = await admin.send(f"/revoke {PERSON}")
    assert done.text == f"{PERSON} has no team role now."
    assert pat.last_text.startswith("Your team role on youthvoice has been taken away.")
    assert (await pat.send("/moderate"))[0].text == NOT_ALLOWED
    assert fake.my_commands({"type": "chat", "chat_id": PERSON}) == []
    [plain_help] = await pat.send("/help")
    assert plain_help.text == texts.HELP
    changes = rows(bot, "SELECT user_id, role, changed_by FROM role_changes ORDER BY id")
    assert changes == [(PERSON, "worker", ADMIN), (PERSON, None, ADMIN)]
    # The grant survives a restart (it is in the database, not only in memory).
    await admin.send(f"/grant {PERSON} officer")
    await bot.restart()
    assert (await pat.send("/moderate"))[0].text == NOT_ALLOWED
    assert (await pat.send("/results pets"))[0].text != NOT_ALLOWED


async def test_a_grant_by_replying_to_a_forwarded_message_and_bad_grants(
    fake: FakeTelegram, bot: RunningBot, admin: User, worker: User
) -> None:
    forwarded = admin.make_message_update("Hi, it's Pat")["message"]
    forwarded["forward_origin"] = {
        "type": "user",
        "date": int(time.time()),
        "sender_user": {"id": PERSON, "is_bot": False, "first_name": "Pat"},
    }
    update = admin.make_message_update("/grant officer")
    update["message"]["reply_to_message"] = forwarded
    await admin.send_raw_update(update)
    # Pat has never opened a chat with the bot, so cannot be told: the admin hears so.
    assert admin.last_text == f"{PERSON} is now an officer. {NOT_TOLD}"
    assert (await admin.send("/grant 123 boss"))[0].text.startswith("Use: /grant")
    assert (await admin.send("/grant ١٢٣ worker"))[0].text.startswith("Use: /grant")  # ASCII ids only
    assert (await admin.send("/grant 99999999999999999999 worker"))[0].text.startswith("Use: /grant")
    assert (await admin.send(f"/revoke {worker.id}"))[0].text.startswith("That person's role comes from")
    assert (await worker.send(f"/grant {PERSON} worker"))[0].text == NOT_ALLOWED


async def test_staff_starting_the_bot_get_their_commands_not_the_consent_wall(
    fake: FakeTelegram, bot: RunningBot, worker: User, admin: User
) -> None:
    [menu] = await worker.send("/start")
    assert (menu.text or "").startswith("👋 Hello. This is youthvoice's team side.")
    assert "You are a participation worker" in (menu.text or "") and "/preview <consultation id>" in (
        menu.text or ""
    )
    assert texts.CONSENT_BUTTON not in str(menu.inline_keyboard)
    officer = fake.user(PERSON, "Pat", "pat_p", started=True)
    await admin.send(f"/grant {PERSON} officer")
    [officer_menu] = await officer.send("/start")
    assert "You are an officer" in (officer_menu.text or "") and "/moderate" not in (officer_menu.text or "")
    # A poster's deep link still opens the consultation as young people see it (consent first).
    await worker.send("/start pets")
    assert any(texts.CONSENT_BUTTON in str(m.inline_keyboard) for m in worker.messages[-2:])
