"""`/announce <id>`: a consultation's invitation to every young person who asked for updates,
through a durable outbox (a row per young person). A young person who blocked the bot is marked
inactive, and one who turned updates off (or was erased) since it began is not sent to. The
worker watches one message that counts sent / could not be reached / left, edited after each batch.

Pace: the rate limiter (bot/telegram/app.py) spaces every message evenly, below Telegram's ~30 a
second, and waits out a 429 itself; `IN_FLIGHT` invitations are sent at once only so that
Telegram's round trip does not slow that pace. A 429 the limiter gives up on is waited out here
(its retry_after, then the same message again), so a big send never stalls for the timer.

Across a kill: each delivery is marked sent in a transaction of its own as soon as Telegram's
answer arrives, in the same turn of the event loop (nothing else runs between the answer and the
commit; a commit costs well under a millisecond, and grouping them would only widen the window
below), and nothing is marked before Telegram took it. A restart carries on with what is pending (the
`announcements` job runs at start-up, in the background). So only the invitations on the wire
when the process died are ambiguous (the pace times Telegram's round trip: about 3 at 29 a second
and 100 ms, at most `IN_FLIGHT`): Telegram has no idempotency key and a bot cannot read a chat
back, so nobody can know whether they arrived. They are sent again: a young person may, rarely,
get the invitation twice, but nobody who asked misses it. The same holds when Telegram's answer
is lost (a timeout): the delivery stays pending and is tried again later. On SIGTERM nothing new
is sent, what is on the wire is awaited and marked, and the rest waits for the next start."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from telegram import Bot, Message, Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core import i18n, texts
from bot.core.actions import Action, Kind
from bot.core.models import Consultation
from bot.core.screens import Button, Screen
from bot.storage import announce_repo, feedback_repo
from bot.storage.db import Database
from bot.surveys import Catalogue
from bot.telegram.handlers import send_screen
from bot.telegram.team import (
    NO,
    YES,
    TeamChat,
    cancelled,
    confirm_keyboard,
    retry_wait,
    staff_consultation,
    young_people,
)

log = logging.getLogger(__name__)

BATCH = 100  # deliveries read at a time; the progress message is edited after each (~3.5 s)
IN_FLIGHT = 8  # invitations sent at once, to cover Telegram's round trip (~100 ms at ~28 a second)


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

    def register(self, application: Application) -> None:
        application.add_handlers(
            [
                CommandHandler("announce", self.announce),
                CallbackQueryHandler(self.send, pattern=f"^{Kind.ANNOUNCE.value}\\|"),
            ]
        )

    async def announce(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/announce <id>: asks first how many young people it will invite, once per consultation."""
        message = update.effective_message
        assert message is not None
        consultation = await staff_consultation(
            self.team, self.catalogue, update, context.args, "/announce <id>"
        )
        if consultation is None or not await self._can_announce(message, consultation):
            return
        invited = await self.db.read(announce_repo.audience)
        await message.reply_text(
            f"Send the invitation to “{consultation.title}” to {young_people(invited)}"
            " who asked for updates?",
            reply_markup=confirm_keyboard(Kind.ANNOUNCE, consultation.id, "📣 Send"),
        )

    async def send(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send or Cancel under the /announce question: an announcement begins (only the first tap)."""
        query, worker = update.callback_query, update.effective_user
        assert query is not None and worker is not None
        action = await self.team.staff_tap(update, lambda a: bool(a.consultation) and a.value in (YES, NO))
        shown = query.message
        if action is None or not isinstance(shown, Message):
            return
        if action.value == NO:
            if await self.db.read(lambda db: announce_repo.announced(db, action.consultation)):
                await query.answer("Too late to cancel: it is being sent.")  # another tap sent it
            else:
                await cancelled(update)
            return
        consultation, now = self.catalogue.find(action.consultation), self.clock()
        if consultation is None or not consultation.is_open(now):
            await query.answer("It is not open now, so there is nothing to invite to.", show_alert=True)
            return
        announcement = await self.db.transaction(
            lambda db: announce_repo.create(db, consultation.id, worker.id, now)
        )
        if announcement is None:  # a second tap, or another worker's: the first one is sending
            await query.answer("It has been announced already.")
            return
        await query.answer()
        await self.db.transaction(
            lambda db: announce_repo.set_progress_message(db, announcement, shown.chat_id, shown.message_id)
        )
        await self._show_progress(context.bot, announcement)  # the question becomes the progress
        # In the background: nobody's message (least of all a cry for help) waits behind it.
        context.application.create_task(self.deliver(context.application), name="announce")

    async def _can_announce(self, message: Message, consultation: Consultation) -> bool:
        """Open, and not announced before; if not, the worker is told why."""
        if not consultation.is_open(self.clock()):
            await message.reply_text(f"“{consultation.title}” is not open, so there is nothing to invite to.")
            return False
        if await self.db.read(lambda db: announce_repo.announced(db, consultation.id)):
            await message.reply_text(f"“{consultation.title}” has been announced already.")
            return False
        return True

    async def deliver(self, application: Application) -> None:
        """Send what is pending, a batch at a time, until none is left, the bot stops, or
        Telegram cannot be reached (the timer carries on later)."""
        if self._sending.locked():
            return  # already sending
        async with self._sending:
            bot = application.bot
            paused = asyncio.Event()  # set once Telegram could not be reached: send no more for now

            async def deliver_one(delivery: announce_repo.Delivery, in_flight: asyncio.Semaphore) -> None:
                async with in_flight:
                    if paused.is_set() or not application.running:
                        return  # stays pending for the next run
                    state = await self._send(application, delivery)
                    if state is None:
                        paused.set()
                        return
                    # Right after Telegram's answer, before anything else runs (see the docstring).
                    await self.db.transaction(
                        lambda db: announce_repo.mark(db, delivery.announcement_id, delivery.user_id, state)
                    )

            while not paused.is_set() and application.running:
                batch = await self.db.transaction(lambda db: announce_repo.pending(db, BATCH))
                if not batch:
                    return
                in_flight = asyncio.Semaphore(IN_FLIGHT)
                await asyncio.gather(*(deliver_one(delivery, in_flight) for delivery in batch))
                for announcement in dict.fromkeys(delivery.announcement_id for delivery in batch):
                    await self._show_progress(bot, announcement)

    async def _send(self, application: Application, delivery: announce_repo.Delivery) -> str | None:
        """'sent' or 'failed' for this young person; None to stop for now and try again later."""
        consultation = self.catalogue.find(delivery.consultation_id)
        if consultation is None or not consultation.is_open(self.clock()):
            return "failed"  # it closed (or went) before they were reached: no invitation to it
        reading, user_id = delivery.reading, delivery.user_id
        with i18n.speaking(reading):
            worded = consultation.worded_for(reading.language, reading.easy)
            screen = invitation(worded.title, worded.intro, worded.id)
        while True:
            try:
                await send_screen(application.bot, user_id, screen)
            except Forbidden:
                await self.db.transaction(lambda db: feedback_repo.mark_inactive(db, user_id))
                return "failed"
            except RetryAfter as error:  # the rate limiter's retries ran out: wait as Telegram asks
                log.warning("Telegram asked to slow down the announcement (%s); waiting", error)
                await asyncio.sleep(retry_wait(error.retry_after).total_seconds())
                if not application.running:
                    return None
                continue
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
