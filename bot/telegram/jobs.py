"""Scheduled work, wired to PTB's JobQueue: the outbox, summaries, closing results, reminders,
retention and backups. All their state is in the database, so the schedule is simply rebuilt at
every start, and `RUN_AT_START` jobs run once as soon as the bot is up
(`START_IN_BACKGROUND` ones too, without start-up waiting for them).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from datetime import time
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ContextTypes, JobQueue

from bot import backups
from bot.config import Settings
from bot.conversation import Conversation
from bot.core import i18n
from bot.core.screens import reminder_screen
from bot.lifecycle import Lifecycle
from bot.published import freeze_closed
from bot.storage import feedback_repo, repos
from bot.telegram.announce import Announcer
from bot.telegram.answers import FeedbackAnswersChat
from bot.telegram.concerns import ConcernsChat
from bot.telegram.handlers import send_screen
from bot.telegram.moderation import Moderation
from bot.telegram.team import TeamChat

log = logging.getLogger(__name__)

LIFECYCLE_CHECK_SECONDS = 60
SUMMARY_CHECK_SECONDS = 60
ANNOUNCEMENTS_CHECK_SECONDS = 30
RETENTION_TIME = time(3, 30)  # each night, local time, after the backup
# A run delayed by a busy loop still matters: never skip it.
RUN_EVEN_IF_LATE = {"misfire_grace_time": None}
# Run once as soon as the bot is up, then on their timers: whatever fell due while it was down.
# (Not `first=0`: APScheduler drops a first run whose time passed before the scheduler started.)
RUN_AT_START = ("outbox", "summary", "lifecycle")
# Started with them but not waited for: carrying on an announcement a kill interrupted takes minutes.
START_IN_BACKGROUND = ("announcements",)


def schedule(
    application: Application,
    settings: Settings,
    conversation: Conversation,
    team: TeamChat,
    concerns: ConcernsChat,
    moderation: Moderation,
    announcer: Announcer,
    lifecycle: Lifecycle,
    answers: FeedbackAnswersChat,
) -> Callable[[], None]:
    """Put every job on the queue; returns a function that runs the outbox at once."""
    job_queue: JobQueue | None = application.job_queue
    assert job_queue is not None, "python-telegram-bot[job-queue] is needed"
    tz = ZoneInfo(settings.timezone)

    async def outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
        await team.deliver(context.bot)  # safeguarding alerts first
        await concerns.deliver(context.bot)
        await moderation.post_new(context.bot)
        await answers.deliver(context.bot)

    async def announcements(context: ContextTypes.DEFAULT_TYPE) -> None:
        await announcer.deliver(context.application)

    async def summary(context: ContextTypes.DEFAULT_TYPE) -> None:
        await team.deliver_summary(context.bot)

    one_at_a_time = asyncio.Lock()  # the start-up run must not overlap the timer's

    async def keep_running(context: ContextTypes.DEFAULT_TYPE) -> None:
        async with one_at_a_time:
            await team.post_closings(context.bot, lifecycle)
            await remind(context.bot, conversation, lifecycle)
            await freeze_closed(conversation.votes)

    async def retention(context: ContextTypes.DEFAULT_TYPE) -> None:
        await lifecycle.apply_retention()
        await conversation.review.tidy()
        await conversation.db.forget_old_pages()

    async def back_up(context: ContextTypes.DEFAULT_TYPE) -> None:
        """The nightly backup, on its own connection in a thread so the bot keeps answering."""
        try:
            made = await asyncio.to_thread(
                backups.backup_database,
                conversation.db.path,
                settings.backup_dir,
                settings.backup_keep,
                conversation.clock(),
            )
        except (backups.BackupError, OSError, sqlite3.Error) as error:
            log.error("The nightly backup failed: %s", error)
            return
        log.info("Nightly backup written: %s", made)

    for name, callback, interval in (
        ("outbox", outbox, settings.outbox_interval_seconds),
        ("summary", summary, SUMMARY_CHECK_SECONDS),
        ("lifecycle", keep_running, LIFECYCLE_CHECK_SECONDS),
        # Carries on an announcement that stopped because Telegram could not be reached.
        ("announcements", announcements, ANNOUNCEMENTS_CHECK_SECONDS),
    ):
        job_queue.run_repeating(callback, interval=interval, name=name, job_kwargs=RUN_EVEN_IF_LATE)
    for name, callback, at in (
        ("backup", back_up, settings.backup_time),
        ("retention", retention, RETENTION_TIME),
    ):
        job_queue.run_daily(callback, time=at.replace(tzinfo=tz), name=name, job_kwargs=RUN_EVEN_IF_LATE)
    return lambda: i18n.for_nobody(job_queue.run_once, outbox, 0)


async def run_start_jobs(application: Application) -> None:
    assert application.job_queue is not None
    for job in application.job_queue.jobs():
        if job.name in RUN_AT_START:
            await job.run(application)
        elif job.name in START_IN_BACKGROUND:
            application.create_task(job.run(application), name=job.name)


async def remind(bot: Bot, conversation: Conversation, lifecycle: Lifecycle) -> None:
    """One reminder per unfinished response, recorded once Telegram took it."""
    for reminder in await lifecycle.reminders_due():
        reading = await conversation.db.read(lambda db, u=reminder.user_id: repos.reading(db, u))
        try:
            with i18n.speaking(reading):
                screen = reminder_screen(reminder.consultation.worded_for(reading.language, reading.easy))
            await send_screen(bot, reminder.user_id, screen)
        except Forbidden:
            await conversation.db.transaction(
                lambda db, u=reminder.user_id: feedback_repo.mark_inactive(db, u)
            )
            continue
        except TelegramError as error:
            log.warning("A reminder was not delivered, will try again: %s", error)
            return
        await lifecycle.reminded(reminder)
