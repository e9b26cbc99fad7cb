"""The team's answers to feedback whose sender asked for one: `/reply` (the words shown, then Send
or Cancel), delivering each answer to the young person in their language, telling them once if
their time ran out first, and keeping the team's post of the feedback up to date.

Staff are checked by id on every use (through TeamChat), then where they are.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable

from telegram import Bot, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core import i18n
from bot.core.actions import Kind
from bot.core.screens import Screen
from bot.feedback_answers import AnswerRequests
from bot.storage import feedback_repo, repos
from bot.storage.feedback_repo import FeedbackItem
from bot.telegram.handlers import send_screen
from bot.telegram.team import (
    REPLY_MAX,
    TeamChat,
    answer_line,
    confirm_keyboard,
    edit_quietly,
    feedback_keyboard,
    feedback_text,
    too_long,
)

log = logging.getLogger(__name__)

USAGE = "Use: /reply <feedback number> <your reply>, e.g. /reply 12 Thanks!"
ANSWER_GONE = "This was sent or cancelled already (or the bot restarted): send /reply again."
# Telegram's refusals that mean the chat will never take a message; any other is tried again later.
GONE_FOR_GOOD = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")
REPLY_ARGS = re.compile(r"#?(\d+)\s+(.+)", re.DOTALL)


class FeedbackAnswersChat:
    def __init__(self, team: TeamChat, answers: AnswerRequests) -> None:
        self.team = team
        self.answers = answers
        self.db = answers.db
        # Answers waiting for Send, by (chat id, message id) of the question; in memory, as /yousaid's.
        self._waiting: dict[tuple[int, int], tuple[FeedbackItem, str]] = {}
        self._delivering = asyncio.Lock()  # one delivery run at a time, or an answer could go twice

    def register(self, application: Application) -> None:
        application.add_handlers(
            [
                CommandHandler("reply", self.reply),
                CallbackQueryHandler(self.send, pattern=f"^{Kind.FEEDBACK_ANSWER.value}\\|"),
            ]
        )

    async def reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/reply <feedback id> <words>: the team's answer, delivered (after Send) if its sender
        asked for one and can still be reached; otherwise kept with the feedback as a note."""
        message = await self.team.staff_command(update)
        if message is None:
            return
        # The words as typed, line breaks and all: they go to a young person.
        found = REPLY_ARGS.fullmatch((message.text or "").partition(" ")[2].strip())
        if found is None:
            await message.reply_text(USAGE)
            return
        feedback_id, words = int(found[1]), found[2].strip()
        if len(words) > REPLY_MAX:
            await message.reply_text(too_long(len(words), REPLY_MAX))
            return
        item = await self.db.read(lambda db: feedback_repo.get(db, feedback_id))
        if item is None:
            await message.reply_text(f"There is no feedback #{feedback_id}.")
            return
        request = item.answer_request
        if request is not None and request.answer is not None:
            await message.reply_text(
                f"#{feedback_id} has been answered already: “{request.answer}”. They can answer back "
                "once: that comes here as new feedback."
            )
            return
        if request is not None and request.reachable:
            asked = await message.reply_text(
                f"Send this to the young person who wrote #{feedback_id}? They'll see it as the team's "
                f"answer (not who wrote it), and can answer back once.\n\n{words}",
                reply_markup=confirm_keyboard(Kind.FEEDBACK_ANSWER, "", "💬 Send"),
            )
            self._waiting[(asked.chat_id, asked.message_id)] = (item, words)
            return
        await self.db.transaction(lambda db: feedback_repo.set_public_reply(db, feedback_id, words))
        why = "didn't ask for an answer" if request is None else "can no longer be reached"
        await message.reply_text(
            f"Saved as a note with feedback #{feedback_id}. Its sender {why}, so it won't reach them."
        )

    async def send(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send or Cancel under a /reply question: the answer is saved, then delivered, once."""
        query, worker = update.callback_query, update.effective_user
        assert query is not None and worker is not None
        waiting = await self.team.confirmed(update, self._waiting, ANSWER_GONE)
        if waiting is None or not isinstance(query.message, Message):
            return
        item, words = waiting
        assert item.answer_request is not None
        recorded = await self.answers.answer(item.answer_request.id, words, worker.id)
        await query.answer("Sending." if recorded else "Not sent.")
        if recorded:
            await self.deliver(context.bot)
        after = await self.db.read(lambda db: feedback_repo.get(db, item.id))
        state = answer_line(after) if after is not None else "The feedback has been deleted."
        if not recorded:
            state = f"Not sent: someone answered first, or they can no longer be reached.\n{state}"
        await edit_quietly(query.message, f"#{item.id}: {state}")

    async def deliver(self, bot: Bot) -> None:
        """The team's answers to the young people who asked, each in their language, and a word
        to those whose time ran out first. Marked delivered once Telegram takes it (a kill just
        before that delivers it again at start-up: twice is better than never); a chat Telegram
        says is gone is never tried again; any other trouble is tried again on the next run."""
        async with self._delivering:
            for delivery in await self.answers.due():
                sent = await self._send(bot, delivery.chat_id, delivery.screen)
                if sent is None:
                    continue
                if sent:
                    await self.answers.delivered(delivery)
                else:
                    await self.answers.undeliverable(delivery.request_id)
                await self._refresh_posts(bot, delivery.request_id)
            for lapsed in await self.answers.lapsed():
                if (
                    lapsed.chat_id is not None
                    and await self._send(bot, lapsed.chat_id, lapsed.screen) is None
                ):
                    continue
                await self.answers.forget(lapsed.request_id)
                await self._refresh_posts(bot, lapsed.request_id)

    async def _send(self, bot: Bot, chat_id: int, screen: Callable[[], Screen]) -> bool | None:
        """True if Telegram took it, False if that chat is gone for good, None to try again."""
        reading = await self.db.read(lambda db: repos.reading(db, chat_id))
        with i18n.speaking(reading):
            shown = screen()
        try:
            await send_screen(bot, chat_id, shown)
        except Forbidden:
            return False
        except BadRequest as error:
            if any(reason in error.message.lower() for reason in GONE_FOR_GOOD):
                return False
            log.error("Telegram refused an answer to feedback, will retry: %s", error)
            return None
        except TelegramError as error:
            log.error("Could not deliver an answer to feedback, will retry: %s", error)
            return None
        return True

    async def _refresh_posts(self, bot: Bot, request_id: int) -> None:
        """The team's post of each item that asked shows where its answer stands now."""
        chat_id = self.team.settings.team_chat_id
        if chat_id is None:
            return
        for item, message_id in await self.db.read(lambda db: feedback_repo.posts_of_request(db, request_id)):
            try:
                await bot.edit_message_text(
                    feedback_text(item, self.team.topics),
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=feedback_keyboard(item),
                )
            except TelegramError as error:  # "not modified", deleted: nothing to fix
                log.debug("Could not refresh a feedback post: %s", error)
