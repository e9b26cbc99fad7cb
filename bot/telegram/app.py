"""Build the python-telegram-bot Application (API address from settings, handlers, command menu)
and run it until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, BaseRateLimiter, ContextTypes

from bot.config import Settings
from bot.conversation import Conversation
from bot.core import i18n, texts
from bot.intake import lanes
from bot.intake.inbox import Inbox
from bot.intake.intake import Intake, Webhook
from bot.lifecycle import Lifecycle, Retention
from bot.quickpolls import QuickPolls
from bot.summaries import Summaries
from bot.telegram import jobs
from bot.telegram.access import Access
from bot.telegram.announce import Announcer
from bot.telegram.answers import FeedbackAnswersChat
from bot.telegram.concerns import ConcernsChat
from bot.telegram.drafts import DraftsChat
from bot.telegram.handlers import YoungPeople
from bot.telegram.media import QuestionMedia
from bot.telegram.moderation import Moderation
from bot.telegram.quickpoll import QuickPollChat
from bot.telegram.reports import Reports
from bot.telegram.team import TeamChat

log = logging.getLogger(__name__)

YOUNG_COMMANDS = (
    "start",
    "feedback",
    "updates",
    "cancel",
    "language",
    "easyread",
    "listen",
    "privacy",
    "mydata",
    "aboutyou",
    "deleteme",
    "help",
)


def young_commands() -> list[BotCommand]:
    """Young people's command menu, in the language being spoken."""
    return [BotCommand(name, getattr(texts, f"MENU_{name.upper()}")) for name in YOUNG_COMMANDS]


ACCESS = "access"  # bot_data key: the role commands, whose menus are set at start-up
INTAKE = "intake"  # bot_data key: the durable intake, started and stopped with the bot
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


MESSAGES_PER_SECOND = 29  # just under Telegram's ~30 a second overall


def default_rate_limiter() -> AIORateLimiter:
    # Telegram allows about 30 messages a second overall. The limiter's default (30 per second)
    # lets 30 go at once and then 30 a second, so a busy second such as an announcement's first
    # carries nearly 60 and some are refused (429). One per 1/29 s spaces them evenly: never more
    # than 30 in any second. Retry a 429 a few times after its wait.
    return AIORateLimiter(overall_max_rate=1, overall_time_period=1 / MESSAGES_PER_SECOND, max_retries=3)


def build_application(
    settings: Settings,
    conversation: Conversation,
    *,
    application_class: type[Application] = Application,
    rate_limiter: BaseRateLimiter | None = None,
) -> Application:
    """The real Application; tests pass their own class to learn when an update is handled."""
    assert settings.telegram_bot_token is not None
    application = (
        ApplicationBuilder()
        .application_class(application_class)
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(f"{settings.api_root}/bot")
        .base_file_url(f"{settings.api_root}/file/bot")
        .rate_limiter(rate_limiter or default_rate_limiter())
        .updater(None)  # updates come through the durable intake (bot/intake/), not PTB's Updater
        .build()
    )
    summaries = Summaries(
        conversation.db,
        conversation.catalogue,
        settings.feedback_topics,
        settings.summary_slots,
        ZoneInfo(settings.timezone),
        conversation.clock,
        conversation.votes.about_you,
        settings.min_cell_size,
    )
    team = TeamChat(
        settings,
        conversation.safeguarding,
        conversation.feedback,
        summaries,
        conversation.roles,
        conversation.clock,
    )
    team.register(application)
    team.warn_if_nowhere_to_post()
    concerns = ConcernsChat(team, conversation.review)
    concerns.register(application)
    lifecycle = Lifecycle(
        conversation.db,
        conversation.catalogue,
        conversation.key,
        Retention.of(settings),
        ZoneInfo(settings.timezone),
        conversation.clock,
        conversation.photos,
    )
    moderation = Moderation(
        team, conversation.ideas, conversation.votes, conversation.photos, conversation.catalogue
    )
    access = Access(team, conversation.roles, young_commands())  # staff menus are in English
    access.register(application)
    application.bot_data[ACCESS] = access
    moderation.register(application)
    Reports(
        team, conversation.votes, conversation.photos, conversation.catalogue, conversation.ideas.screener
    ).register(application)
    quick_polls = QuickPolls(conversation.definitions, ZoneInfo(settings.timezone), conversation.clock)
    QuickPollChat(team, quick_polls).register(application)
    announcer = Announcer(team, conversation.db, conversation.catalogue, conversation.clock)
    announcer.register(application)
    answers = FeedbackAnswersChat(team, conversation.feedback.answers)
    answers.register(application)
    wake_outbox = jobs.schedule(
        application, settings, conversation, team, concerns, moderation, announcer, lifecycle, answers
    )
    media = QuestionMedia(conversation.db, settings.surveys_dir)
    young_people = YoungPeople(conversation, media, wake_outbox)
    DraftsChat(team, conversation.definitions, conversation, young_people).register(application)
    young_people.register(application)
    application.add_error_handler(_on_error)
    application.bot_data[INTAKE] = _intake(settings, application, conversation)
    return application


def _intake(settings: Settings, application: Application, conversation: Conversation) -> Intake:
    webhook = None
    if settings.webhook_url is not None and settings.webhook_secret is not None:
        host, _, port = settings.webhook_listen.rpartition(":")
        webhook = Webhook(
            str(settings.webhook_url), settings.webhook_secret.get_secret_value(), host, int(port)
        )
    assert settings.telegram_bot_token is not None

    async def apologise(update: Update) -> None:
        """Their update was set aside: say so kindly, in their language, only in their own chat."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type != ChatType.PRIVATE:
            return  # never a young person's "sorry" in the team chat
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        reading = i18n.Reading()
        with contextlib.suppress(sqlite3.Error):  # the database may be what went wrong
            reading = await conversation.reading_of(user.id, user.language_code)
        with i18n.speaking(reading):
            sorry = texts.SOMETHING_WENT_WRONG
        with contextlib.suppress(Forbidden, TelegramError):
            await application.bot.send_message(chat.id, sorry)

    async def tell_team(text: str) -> None:
        """A word to the team about the bot itself (it cannot save updates); never raises."""
        if settings.team_chat_id is not None:
            with contextlib.suppress(TelegramError):
                await application.bot.send_message(settings.team_chat_id, text)

    return Intake(
        application,
        Inbox(conversation.db, conversation.clock),
        apologise,
        tell_team,
        settings.api_root,
        settings.telegram_bot_token.get_secret_value(),
        ALLOWED_UPDATES,
        webhook,
    )


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure. The update stays in the inbox, to be tried again and, should it keep
    failing, set aside with a kind word to its sender (bot/intake/lanes.py)."""
    if lanes.note_failure(context.error) and lanes.is_outside_trouble(context.error):
        log.warning("Handling an update met %r; it will be tried again", context.error)
        return
    log.error("Error while handling an update", exc_info=context.error)


@asynccontextmanager
async def running(application: Application, poll_timeout: int = 10) -> AsyncIterator[Application]:
    """Set the command menu, poll for updates and handle them; stop cleanly on exit."""
    try:
        await application.initialize()
    except Exception:
        # PTB leaves its HTTP client open when start-up fails (say, Telegram refuses the token).
        await application.bot.request.shutdown()
        raise
    async with application:  # already initialised: on exit this shuts it down
        await application.bot.set_my_commands(young_commands())
        for language in i18n.LANGUAGES:  # Telegram shows each app the menu in its own language
            with i18n.speaking(language):
                await application.bot.set_my_commands(young_commands(), language_code=language)
        await application.bot_data[ACCESS].set_menus(application.bot)
        await application.start()
        intake: Intake = application.bot_data[INTAKE]
        try:
            await intake.start(poll_timeout)
            await jobs.run_start_jobs(application)
            yield application
        finally:
            try:
                await intake.stop()
            finally:
                await application.stop()


async def run_until_stopped(application: Application) -> None:
    """Run until SIGINT or SIGTERM; raise if the intake failed (the database is unusable)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        async with running(application):
            log.info("youthvoice is running as @%s. Press Ctrl+C to stop.", application.bot.username)
            failed = application.bot_data[INTAKE].failed
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait([stopping, failed], return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if failed.done():
                failed.result()  # raises what stopped the intake
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
