"""Glue between a real PTB ``Application`` and the fake server.

``tracked_application_class(fake)`` gives an Application subclass that reports each
finished update to the fake (so drivers can wait for the bot) and records the exceptions
that reached PTB's error handling in ``fake.bot_errors``.  ``configure_builder`` points an
``ApplicationBuilder`` at the fake, and ``polling`` runs an application for a test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, ClassVar

from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from .server import FakeTelegram

REPORTS_FINISHED = "reports finished updates"  # bot_data key set by an app that tells the fake itself


class TrackedApplication(Application):
    """Application that tells `fake` when it has finished processing each update."""

    fake: ClassVar[FakeTelegram]

    async def process_update(self, update: object) -> None:
        try:
            await super().process_update(update)
        finally:
            # finally: an update whose handler crashed still counts as processed, so the
            # test fails on its assertions instead of waiting for a timeout. An application
            # with youthvoice's durable intake reports instead when the intake is done with an
            # update (handled, tried again, or set aside): see tests/conftest.py.
            if isinstance(update, Update) and not self.bot_data.get(REPORTS_FINISHED):
                self.fake.mark_processed(update.update_id)

    async def process_error(
        self, update: object | None, error: Exception, job: Any = None, coroutine: Any = None
    ) -> bool:
        self.fake.bot_errors.append(error)
        return await super().process_error(update, error, job=job, coroutine=coroutine)


def tracked_application_class(fake: FakeTelegram) -> type[TrackedApplication]:
    """A TrackedApplication subclass bound to `fake`, for ApplicationBuilder.application_class."""
    return type("TrackedApplication", (TrackedApplication,), {"fake": fake})


def configure_builder(builder: ApplicationBuilder, fake: FakeTelegram) -> ApplicationBuilder:
    """Point `builder` at the fake: token, API and file URLs, and the tracked class."""
    return (
        builder.token(fake.token)
        .base_url(f"{fake.base_url}/bot")
        .base_file_url(f"{fake.base_url}/file/bot")
        .application_class(tracked_application_class(fake))
    )


@asynccontextmanager
async def polling(application: Application, *, poll_timeout: int = 1) -> AsyncIterator[Application]:
    """Initialize, start polling and start `application`; stop it all on exit.

    A short long-poll timeout keeps shutdown fast: Updater.stop() abandons the open poll
    and PTB then sends one last getUpdates to confirm what it fetched.
    """
    async with application:
        await application.updater.start_polling(poll_interval=0, timeout=poll_timeout)
        await application.start()
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
