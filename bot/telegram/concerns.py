"""The review queue in the safeguarding chat: digests of possible concerns, /concerns, and the
"Act on this" / "Not a concern" buttons. Every button and the command check the tapper's id, then
the chat (`TeamChat.is_team_place`): /concerns only privately or in the safeguarding chat."""

from __future__ import annotations

import asyncio
import logging
from html import escape
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core import i18n
from bot.core.actions import Action, Kind
from bot.safeguarding.alerts import follow_up_screen
from bot.safeguarding.categories import label
from bot.safeguarding.review import Decision, ReviewQueue
from bot.safeguarding.triage import UNREAD_LANGUAGE
from bot.storage import repos
from bot.storage.concerns_repo import PossibleConcern
from bot.telegram.handlers import send_screen
from bot.telegram.team import NOT_ALLOWED, SOURCES, TeamChat, edit_quietly, local_time, words_shown

log = logging.getLogger(__name__)

ACT, NOT_A_CONCERN = "a", "n"
WHERE_TO_ASK = "Please use /concerns in the safeguarding chat, or in a private chat with me."


def concern_text(item: PossibleConcern, tz: ZoneInfo) -> str:
    """A possible concern as the team sees it (HTML): never who sent it."""
    if item.category == UNREAD_LANGUAGE:
        kind = "in a language the checks cannot read"
    else:
        kind = f"{label(item.category)}? score {item.score:.2f}"
    lines = [
        f"🔎 <b>Possible concern #{item.id}</b> ({escape(kind)})",
        f"In: {SOURCES.get(item.source, item.source)}, {local_time(item.raised_at, tz)}",
        "",
        f"<i>Their words:</i>\n{words_shown(item.words)}",
    ]
    if item.state != "new" and item.decided_at is not None:
        who = escape(item.decided_by_name or "a worker")
        when = local_time(item.decided_at, tz)
        if item.state == "acted":
            lines += ["", f"🚨 Acted on by {who}, {when}: safeguarding alert #{item.alert_id}."]
        else:
            lines += ["", f"👍 Not a concern: {who}, {when}."]
    return "\n".join(lines)


def decision_buttons(item_id: int) -> InlineKeyboardMarkup:
    choices = (("🚨 Act on this", ACT), ("👍 Not a concern", NOT_A_CONCERN))
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label, callback_data=Action(Kind.REVIEW, value=f"{item_id}:{choice}").encode()
                )
                for label, choice in choices
            ]
        ]
    )


def _well_formed(action: Action) -> bool:
    item_id, _, choice = action.value.partition(":")
    return item_id.isdigit() and choice in (ACT, NOT_A_CONCERN)


class ConcernsChat:
    def __init__(self, team: TeamChat, review: ReviewQueue) -> None:
        self.team = team
        self.review = review
        self._tz = ZoneInfo(team.settings.timezone)
        self._delivering = asyncio.Lock()  # the outbox's timer and a wake-up must not post twice

    def register(self, application: Application) -> None:
        application.add_handlers(
            [
                CallbackQueryHandler(self.decide, pattern=f"^{Kind.REVIEW.value}\\|"),
                CommandHandler("concerns", self.list_undecided),
            ]
        )

    async def deliver(self, bot: Bot) -> None:
        """Post what the team should see now: urgent items at once, the rest in the hourly digest."""
        chat_id = self.team.settings.safeguarding_chat
        if chat_id is None:
            return
        async with self._delivering:
            await self._deliver(bot, chat_id)

    async def _deliver(self, bot: Bot, chat_id: int) -> None:
        showing = await self.review.to_show()
        if showing is None:
            return
        try:
            if showing.digest:
                count = len(showing.items) + showing.more
                await bot.send_message(
                    chat_id,
                    f"🔎 <b>{_possible_concerns(count)} to read</b>. The checks were not sure about "
                    "these: please read each one and decide.",
                    parse_mode=ParseMode.HTML,
                    disable_notification=True,
                )
            for item in showing.items:
                await self._post(bot, chat_id, item, quiet=showing.digest and not item.urgent)
                await self.review.shown(item)
            if showing.digest and showing.more:
                await bot.send_message(
                    chat_id,
                    f"…and {showing.more} more waiting: /concerns lists them, oldest first.",
                    disable_notification=True,
                )
        except TelegramError as error:
            log.error("Could not post possible concerns, will retry: %s", error)
            return
        if showing.digest:
            await self.review.digest_sent()

    async def _post(self, bot: Bot, chat_id: int, item: PossibleConcern, quiet: bool) -> None:
        await bot.send_message(
            chat_id,
            concern_text(item, self._tz),
            parse_mode=ParseMode.HTML,
            reply_markup=decision_buttons(item.id) if item.state == "new" else None,
            disable_notification=quiet,
        )

    async def list_undecided(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/concerns: the possible concerns nobody has decided on, oldest first."""
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None
        if not self.team.is_staff(update):
            await message.reply_text(NOT_ALLOWED)
            return
        if not self.team.is_team_place(chat, safeguarding_only=True):
            await message.reply_text(WHERE_TO_ASK)
            return
        items, total = await self.review.undecided()
        if not items:
            await message.reply_text("No possible concerns are waiting. 👍")
            return
        shown = f"the oldest {len(items)} of them" if total > len(items) else "each one"
        await message.reply_text(f"🔎 {_possible_concerns(total)} waiting; here is {shown}.")
        for item in items:
            await self._post(context.bot, chat.id, item, quiet=True)

    async def decide(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, worker = update.callback_query, update.effective_user
        assert query is not None and worker is not None
        action = await self.team.staff_tap(update, _well_formed)
        if action is None:
            return
        item_id, _, choice = action.value.partition(":")
        decision = await self.review.decide(int(item_id), choice == ACT, worker.id, worker.full_name)
        reached = await self._offer_help(context.bot, decision)
        if decision.recorded:
            said = "Thank you. It is now a safeguarding alert." if choice == ACT else "Thank you."
        elif decision.alert_id is not None:
            said = "Offered the young person help again."
        else:
            said = "Someone has already decided on this one." if decision.item else "Not found."
        if not reached:
            said += " They could not be reached just now: tap Act on this again to try again."
        await query.answer(said, show_alert=not reached)
        if decision.item is not None and isinstance(query.message, Message):
            # The button stays while the offer of help has not reached them, to try again.
            retry = None if reached else decision_buttons(decision.item.id)
            await edit_quietly(query.message, concern_text(decision.item, self._tz), retry)

    async def _offer_help(self, bot: Bot, decision: Decision) -> bool:
        """The young person gets the helplines and the choice to be contacted, as for any alert.
        False if Telegram could not take it now (the worker can try again); if they never choose,
        the alert still goes to the team when its choice time is up."""
        if decision.user_id is None or decision.alert_id is None:
            return True
        user_id, alert_id = decision.user_id, decision.alert_id
        reading = await self.review.db.read(lambda connection: repos.reading(connection, user_id))
        try:
            with i18n.speaking(reading):
                screen = follow_up_screen(alert_id)
            await send_screen(bot, user_id, screen)
        except Forbidden:
            log.info("An acted-on possible concern: the young person has blocked the bot")
        except TelegramError as error:
            log.warning("Could not offer help after a possible concern was acted on: %s", error)
            return False
        return True


def _possible_concerns(count: int) -> str:
    return "1 possible concern" if count == 1 else f"{count} possible concerns"
