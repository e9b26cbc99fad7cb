"""`/quickpoll` in a worker's private chat: their next messages make the poll (question, a short
title if needed, answers, closing date) instead of going to the young people's conversation, until
the closing date put back in words is confirmed ("Make it") or /cancel. In a group (the team chat
too) it is refused with one kind line."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.core.actions import Kind
from bot.quickpolls import CHANGE_DATE, GONE, QuickPolls
from bot.telegram.render import keyboard
from bot.telegram.team import NOT_ALLOWED, TeamChat

PRIVATE = filters.ChatType.PRIVATE
ONLY_PRIVATELY = "Please use /quickpoll in a private chat with me."
# Ahead of the young people's handlers (group 0): a message that is part of a poll stops there.
BEFORE_EVERYONE = -1


class QuickPollChat:
    def __init__(self, team: TeamChat, polls: QuickPolls) -> None:
        self.team = team
        self.polls = polls

    def register(self, application: Application) -> None:
        application.add_handler(
            CommandHandler("quickpoll", self.begin, filters=PRIVATE), group=BEFORE_EVERYONE
        )
        application.add_handler(
            CommandHandler("quickpoll", self.elsewhere, filters=~PRIVATE), group=BEFORE_EVERYONE
        )
        application.add_handler(CommandHandler("cancel", self.cancel, filters=PRIVATE), group=BEFORE_EVERYONE)
        application.add_handler(
            MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, self.answer), group=BEFORE_EVERYONE
        )
        application.add_handler(
            CallbackQueryHandler(self.confirm, pattern=f"^{Kind.QUICK_POLL.value}\\|"), group=BEFORE_EVERYONE
        )

    async def begin(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, worker = update.effective_message, update.effective_user
        assert message is not None and worker is not None
        if not self.team.is_staff(update):
            await message.reply_text(NOT_ALLOWED)
        else:
            await message.reply_text(self.polls.begin(worker.id))
        raise ApplicationHandlerStop

    async def elsewhere(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/quickpoll in a group: its next messages would be everyone's, so only privately."""
        message = update.effective_message
        assert message is not None
        await message.reply_text(ONLY_PRIVATELY if self.team.is_staff(update) else NOT_ALLOWED)
        raise ApplicationHandlerStop

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cancel while making a poll stops the poll; otherwise it is the young people's /cancel."""
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        if self.polls.is_making(user.id):
            await message.reply_text(self.polls.cancel(user.id))
            raise ApplicationHandlerStop

    async def answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None and message.text is not None
        if not self.polls.is_making(user.id):
            return  # an ordinary message: the young people's handlers take it
        if not self.team.is_staff(update):  # the role was revoked mid-way
            self.polls.cancel(user.id)
            await message.reply_text(NOT_ALLOWED)
        else:
            screen = self.polls.answer(user.id, message.text)
            await message.reply_text(screen.text, reply_markup=keyboard(screen))
        raise ApplicationHandlerStop

    async def confirm(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A tap on "Make it" or "Change the date" under the closing date: the question becomes what
        comes next (the made poll, or the date asked again)."""
        query, worker = update.callback_query, update.effective_user
        assert query is not None and worker is not None
        action = await self.team.staff_tap(update, lambda a: a.value == CHANGE_DATE or a.value.isdigit())
        if action is not None:
            if action.value == CHANGE_DATE:
                said = self.polls.change_date(worker.id)
            else:
                said = await self.polls.make(worker.id, int(action.value))
            await query.answer(GONE if said is None else None, show_alert=said is None)
            if said is not None and isinstance(query.message, Message):
                await query.message.edit_text(said)  # plain text: the worker's words are not HTML
        raise ApplicationHandlerStop
