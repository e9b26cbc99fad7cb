"""`/quickpoll` in a worker's private chat: their next messages make the poll (question, answers,
closing date) instead of going to the young people's conversation, until it is made or /cancel.
In a group (the team chat too) it is refused with one kind line."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.quickpolls import QuickPolls
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
            await message.reply_text(await self.polls.answer(user.id, message.text))
        raise ApplicationHandlerStop
