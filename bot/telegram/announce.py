"""`/announce <id>`: a consultation's invitation to every young person who asked for updates,
through a durable outbox. Paced by the rate limiter (below Telegram's ~30 messages a second,
waiting out any 429), each delivery marked once Telegram has taken it, so a restart carries on
where it stopped; a young person who blocked the bot is marked inactive, and one who turned
updates off (or was erased) since it began is not sent to. Sending is at-least-once for the one
message in flight if the bot is killed or Telegram's reply is lost. The worker watches one message
that counts sent / could not be reached / left."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.core import i18n, texts
from bot.core.actions import Action, Kind
from bot.core.screens import Button, Screen
from bot.storage import announce_repo, feedback_repo, repos
from bot.storage.db import Database
from bot.surveys import Catalogue
from bot.telegram.handlers import send_screen
from bot.telegram.team import TeamChat, staff_consultation

log = logging.getLogger(__name__)

BATCH = 50  # deliveries read from the database at a time
PROGRESS_EVERY = timedelta(seconds=3)  # the worker's progress message is edited at most this often


def invitation(title: str, intro: str, consultation_id: str) -> Screen:
    return Screen(
        texts.INVITATION.format(title=title, intro=intro),
        ((Button(texts.TAKE_PART_BUTTON, Action(Kind.OPEN, consultation_id)),),),
    )


def progress_text(title: str, progress: announce_repo.Progress) -> str:
    counts = f"{progress.sent} sent · {progress.failed} could not be reached · {progress.left} left"
    head = "✅ Invitation sent" if progress.left == 0 else "📣 Sending the invitation"
    return f"{head} to “{title}”: {counts}"


class Announcer:
    def __init__(
        self, team: TeamChat, db: Database, catalogue: Catalogue, clock: Callable[[], datetime]
    ) -> None:
        self.team = team
        self.db = db
        self.catalogue = catalogue
        self.clock = clock
        self._sending = asyncio.Lock()  # the timer and a new /announce must not send twice
        self._not_before = datetime.min.replace(tzinfo=UTC)  # after a 429: not before then

    def register(self, application: Application) -> None:
        application.add_handler(CommandHandler("announce", self.announce))

    async def announce(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/announce <id>: invite everyone who asked for updates, once per consultation."""
        message, worker = update.effective_message, update.effective_user
        assert message is not None and worker is not None
        consultation = await staff_consultation(
            self.team, self.catalogue, update, context.args, "/announce <id>"
        )
        if consultation is None:
            return
        if not consultation.is_open(self.clock()):
            await message.reply_text(f"“{consultation.title}” is not open, so there is nothing to invite to.")
            return
        now = self.clock()
        announcement = await self.db.transaction(
            lambda db: announce_repo.create(db, consultation.id, worker.id, now)
        )
        if announcement is None:
            await message.reply_text(f"“{consultation.title}” has been announced already.")
            return
        counts = await self.db.read(lambda db: announce_repo.progress(db, announcement))
        shown = await message.reply_text(progress_text(consultation.title, counts))
        await self.db.transaction(
            lambda db: announce_repo.set_progress_message(db, announcement, shown.chat_id, shown.message_id)
        )
        # In the background: nobody's message (least of all a cry for help) waits behind it.
        context.application.create_task(self.deliver(context.bot), name="announce")

    async def deliver(self, bot: Bot) -> None:
        """Send what is pending, in order; stops at a 429 the rate limiter gave up on (the timer
        carries on later) and at any other fault that is not about one young person."""
        if self._sending.locked() or self.clock() < self._not_before:
            return  # already sending, or Telegram asked us to wait
        async with self._sending:
            shown_at = self.clock()
            while batch := await self.db.transaction(lambda db: announce_repo.pending(db, BATCH)):
                for done, (announcement, consultation_id, user_id) in enumerate(batch, start=1):
                    state = await self._send(bot, consultation_id, user_id)
                    if state is None:
                        await self._show_progress(bot, announcement)
                        return
                    await self.db.transaction(
                        lambda db, a=announcement, u=user_id, s=state: announce_repo.mark(db, a, u, s)
                    )
                    last_of_its_announcement = done == len(batch) or batch[done][0] != announcement
                    # A group allows ~20 messages a minute: the count is edited every few seconds.
                    if last_of_its_announcement or self.clock() - shown_at >= PROGRESS_EVERY:
                        await self._show_progress(bot, announcement)
                        shown_at = self.clock()

    async def _send(self, bot: Bot, consultation_id: str, user_id: int) -> str | None:
        """'sent' or 'failed' for this young person; None to stop for now and try again later."""
        consultation = self.catalogue.find(consultation_id)
        if consultation is None or not consultation.is_open(self.clock()):
            return "failed"  # it closed (or went) before they were reached: no invitation to it
        reading = await self.db.read(lambda db: repos.reading(db, user_id))
        with i18n.speaking(reading):
            worded = consultation.worded_for(reading.language, reading.easy)
            screen = invitation(worded.title, worded.intro, worded.id)
        try:
            await send_screen(bot, user_id, screen)
        except Forbidden:
            await self.db.transaction(lambda db: feedback_repo.mark_inactive(db, user_id))
            return "failed"
        except RetryAfter as error:
            wait = (
                error.retry_after
                if isinstance(error.retry_after, timedelta)
                else timedelta(seconds=error.retry_after)
            )
            self._not_before = self.clock() + wait
            log.warning("Telegram asked to slow down the announcement (%s); carrying on later", error)
            return None
        except BadRequest as error:
            log.warning("An invitation could not be delivered: %s", error)
            return "failed"
        except TelegramError as error:
            log.warning("Announcement paused by a network fault, will carry on: %s", error)
            return None
        return "sent"

    async def _show_progress(self, bot: Bot, announcement: int) -> None:
        counts = await self.db.read(lambda db: announce_repo.progress(db, announcement))
        consultation = self.catalogue.find(counts.consultation_id)
        if counts.chat_id is None or counts.message_id is None or consultation is None:
            return
        try:
            await bot.edit_message_text(
                progress_text(consultation.title, counts), counts.chat_id, counts.message_id
            )
        except TelegramError as error:  # "not modified", or the message was deleted: the sending goes on
            log.debug("Could not update an announcement's progress: %s", error)
