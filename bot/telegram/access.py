"""Roles in chat: admins `/grant` and `/revoke` the worker and officer roles (by numeric id, or by
replying to a message forwarded from the person), and each person's command menu and `/help` show
what their role can do. Every privileged command checks the role again when it is used, and works
only where the team's words may go (`TeamChat.is_team_place`)."""

from __future__ import annotations

import logging
import re

from telegram import Bot, BotCommand, BotCommandScopeChat, Message, MessageOriginUser, Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.roles import GRANTABLE, Role, Roles
from bot.telegram.team import NOT_ALLOWED, TeamChat

log = logging.getLogger(__name__)

TELEGRAM_ID = re.compile(r"[0-9]{1,15}")  # ASCII digits only: "١٢٣" must not become user 123

OFFICER_COMMANDS = [
    BotCommand("consultations", "Every consultation, its state and responses"),
    BotCommand("results", "Totals of a consultation, once closed"),
    BotCommand("breakdown", "Totals by age, area and other groups, once closed"),
    BotCommand("export", "Totals as CSV and XLSX, once closed"),
    BotCommand("report", "Totals as a PDF for committee papers, once closed"),
]
WORKER_COMMANDS = [
    BotCommand("consultations", "Every consultation, its state and responses"),
    BotCommand("summary", "The summary as it stands"),
    BotCommand("concerns", "Possible concerns nobody has read yet"),
    BotCommand("moderate", "Ideas waiting for a decision"),
    BotCommand("shortlist", "Choose a vote's ballot"),
    BotCommand("close", "Close a consultation now"),
    BotCommand("results", "A consultation's results"),
    BotCommand("breakdown", "Results by age, area and other groups"),
    BotCommand("export", "Every response as CSV and XLSX"),
    BotCommand("report", "The results as a PDF for committee papers"),
    BotCommand("poster", "A printable QR poster"),
    BotCommand("announce", "Invite young people to a consultation"),
    BotCommand("quickpoll", "Make a one-question poll"),
    BotCommand("preview", "Try a consultation as a young person"),
    BotCommand("launch", "Open a draft to young people"),
    BotCommand("archive", "Put away a closed consultation"),
    BotCommand("reply", "Reply publicly to feedback"),
    BotCommand("yousaid", "Send a 'you said, we did' update"),
]
ADMIN_COMMANDS = [
    *WORKER_COMMANDS,
    BotCommand("grant", "Give someone the worker or officer role"),
    BotCommand("revoke", "Take someone's role away"),
]
COMMANDS_BY_ROLE: dict[Role, list[BotCommand]] = {
    "admin": ADMIN_COMMANDS,
    "worker": WORKER_COMMANDS,
    "officer": OFFICER_COMMANDS,
}
ROLE_NAMES = {"admin": "an admin", "worker": "a participation worker", "officer": "an officer"}
FROM_SETTINGS = "That person's role comes from ADMIN_IDS, WORKER_IDS or OFFICER_IDS: change it there."
GRANT_USAGE = (
    "Use: /grant <numeric Telegram id> worker|officer, or reply /grant worker|officer to a message "
    "forwarded from the person. /revoke <id> (or as a reply) takes a role away."
)


# What each team command needs after it, and an example, for /help (the menus have no room).
USAGE = {
    "results": ("<consultation id>", "/results hub-design"),
    "breakdown": ("<consultation id> [age_band, area...]", "/breakdown hub-design care_experience"),
    "export": ("<consultation id>", "/export hub-design"),
    "report": ("<consultation id>", "/report hub-design"),
    "shortlist": ("<vote id>", "/shortlist service-name-vote"),
    "close": ("<consultation id>", "/close hub-design"),
    "poster": ("<consultation id>", "/poster hub-design"),
    "announce": ("<consultation id>", "/announce hub-design"),
    "preview": ("<consultation id>", "/preview hub-design"),
    "launch": ("<consultation id>", "/launch hub-design"),
    "archive": ("<consultation id>", "/archive hub-design"),
    "reply": ("<feedback number> <words>", "/reply 12 Thanks, we've passed this on."),
    "yousaid": ("<what changed>", "/yousaid You asked for later opening: the hub now opens until 9pm."),
    "grant": ("<Telegram id> worker|officer", "/grant 123456789 worker"),
    "revoke": ("<Telegram id>", "/revoke 123456789"),
}


def _help_line(command: BotCommand) -> str:
    needs, example = USAGE.get(command.command, ("", ""))
    line = f"/{command.command}{' ' + needs if needs else ''} – {command.description}"
    return f"{line} (e.g. {example})" if example else line


def staff_help(role: Role) -> str:
    """What /help adds for someone with a role: each command with what it needs and an example."""
    lines = [f"\n\nYou are {ROLE_NAMES[role]}. Your team commands:"]
    lines += [_help_line(command) for command in COMMANDS_BY_ROLE[role]]
    if role != "officer":
        lines.append("To add a consultation, send me its YAML file: it is checked and saved as a draft.")
    return "\n".join(lines)


def staff_start(role: Role) -> str:
    """What /start says to someone with a role: their commands, not the young people's consent."""
    return (
        "👋 Hello. This is youthvoice's team side."
        + staff_help(role)
        + "\n\nTo go through a consultation as a young person would: /preview <consultation id>."
    )


class Access:
    def __init__(self, team: TeamChat, roles: Roles, young_commands: list[BotCommand]) -> None:
        self.team = team
        self.roles = roles
        self.young_commands = young_commands

    def register(self, application: Application) -> None:
        application.add_handlers([CommandHandler("grant", self.grant), CommandHandler("revoke", self.revoke)])

    async def set_menus(self, bot: Bot) -> None:
        """Each person with a role sees their commands as well as young people's."""
        for user_id, role in self.roles.staff_and_officers().items():
            await self._set_menu(bot, user_id, role)

    async def _set_menu(self, bot: Bot, user_id: int, role: Role | None) -> None:
        scope = BotCommandScopeChat(user_id)
        try:
            if role is None:
                await bot.delete_my_commands(scope=scope)
            else:
                await bot.set_my_commands([*self.young_commands, *COMMANDS_BY_ROLE[role]], scope=scope)
        except TelegramError as error:  # e.g. they have never started a chat with the bot
            log.info("Could not set the command menu of user %s: %s", user_id, error)

    async def grant(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/grant <id> worker|officer (or as a reply to a forwarded message): admins only."""
        await self._change(update, context, granting=True)

    async def revoke(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/revoke <id> (or as a reply to a forwarded message): admins only."""
        await self._change(update, context, granting=False)

    async def _change(self, update: Update, context: ContextTypes.DEFAULT_TYPE, *, granting: bool) -> None:
        message, admin = update.effective_message, update.effective_user
        assert message is not None and admin is not None
        if self.roles.of(admin.id) != "admin":
            log.warning("Refused a role change from user %s", admin.id)
            await message.reply_text(NOT_ALLOWED)
            return
        if await self.team.refused_here(update):
            return
        args = list(context.args or [])
        user_id = _forwarded_from(message)
        if user_id is None and args and TELEGRAM_ID.fullmatch(args[0]):
            user_id = int(args.pop(0))
        role = args[0].lower() if args else None
        if user_id is None or (granting and role not in GRANTABLE) or (not granting and args):
            await message.reply_text(GRANT_USAGE)
            return
        if self.roles.from_settings(user_id):
            await message.reply_text(FROM_SETTINGS)
            return
        await self.roles.set(user_id, role if granting else None, admin.id)
        log.info(
            "User %s %s user %s",
            admin.id,
            f"granted {role} to" if granting else "revoked the role of",
            user_id,
        )
        await self._set_menu(context.bot, user_id, self.roles.of(user_id))
        done = (
            f"{user_id} is now {ROLE_NAMES[role]}."
            if granting and role
            else f"{user_id} has no team role now."
        )
        told = await _tell(context.bot, user_id, _told(role if granting else None))
        await message.reply_text(done if told else f"{done} {NOT_TOLD}")


NOT_TOLD = (
    "I couldn't tell them: they haven't started a chat with me yet (or blocked me). "
    "Ask them to open the bot and send /start; their commands are there once they do."
)


def _told(role: Role | None) -> str:
    """What the person is told when their role changes."""
    if role is None:
        return "Your team role on youthvoice has been taken away. You can still use it as anyone can."
    return f"You are now {ROLE_NAMES[role]} on youthvoice. Send /help to see your team commands."


async def _tell(bot: Bot, user_id: int, text: str) -> bool:
    """Whether the message reached them (a bot cannot write first to someone who never started it)."""
    try:
        await bot.send_message(user_id, text)
    except TelegramError as error:
        log.info("Could not tell user %s about their role: %s", user_id, error)
        return False
    return True


def _forwarded_from(message: Message) -> int | None:
    """The Telegram id of the person whose forwarded message this command replies to."""
    replied = message.reply_to_message
    origin = replied.forward_origin if replied is not None else None
    return origin.sender_user.id if isinstance(origin, MessageOriginUser) else None
