"""The durable intake as a whole: the inbox, how updates arrive (polling or a webhook), the lanes
that handle them, and the heartbeat `bot health` reads. Started and stopped with the bot."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram.ext import Application

from bot.intake.inbox import Inbox, StorageAlarm, Stored
from bot.intake.lanes import Apology, Lanes
from bot.intake.polling import Poller
from bot.intake.webhook import WebhookServer
from bot.storage.db import is_storage_trouble

log = logging.getLogger(__name__)

BEAT_SECONDS = 15.0
SILENCE_SECONDS = 30.0  # beyond a long poll's own time: no answer from Telegram this long, not alive
STOP_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class Webhook:
    url: str
    secret: str
    host: str
    port: int


class Intake:
    def __init__(
        self,
        application: Application,
        inbox: Inbox,
        apologise: Apology,
        tell_team: Callable[[str], Awaitable[None]],
        api_root: str,
        token: str,
        allowed_updates: list[str],
        webhook: Webhook | None = None,
    ) -> None:
        self.application = application
        self.inbox = inbox
        self._apologise = apologise
        self._alarm = StorageAlarm(tell_team)
        self._api_root, self._token = api_root, token
        self._allowed = allowed_updates
        self._webhook = webhook
        self._tasks: list[asyncio.Task[None]] = []
        self._server: WebhookServer | None = None
        self._poller: Poller | None = None
        self._poll_timeout = 0
        self._lanes: Lanes | None = None
        self.failed: asyncio.Future[None] | None = None
        # Told each update_id once it is handled or set aside (the tests wait on this).
        self.finished: list[Callable[[int], None]] = []

    @property
    def mode(self) -> str:
        return "webhook" if self._webhook else "polling"

    async def start(self, poll_timeout: int) -> None:
        """Handle what an earlier run left in the inbox, then take new updates."""
        loop = asyncio.get_running_loop()
        self.failed = loop.create_future()
        lanes = self._lanes = Lanes(
            self.application, self.inbox, self._apologise, self._fail, self._tell_finished
        )
        await lanes.recover()
        bot = self.application.bot
        if self._webhook is None:
            await bot.delete_webhook()  # a webhook left set would refuse getUpdates
            self._poll_timeout = poll_timeout
            poller = self._poller = Poller(
                self._api_root,
                self._token,
                self.inbox,
                self._received,
                self._alarm,
                self._allowed,
                poll_timeout,
            )
            self._watch(poller.run(), "polling")
        else:
            hook = self._webhook
            self._server = WebhookServer(
                self.inbox,
                self._received,
                self._alarm,
                self._fail,
                hook.secret,
                hook.host,
                hook.port,
                urlsplit(hook.url).path,
            )
            await self._server.start()
            # One at a time: Telegram then delivers each person's updates in order.
            await bot.set_webhook(
                hook.url, secret_token=hook.secret, allowed_updates=self._allowed, max_connections=1
            )
        self._watch(self._beat(), "heartbeat")

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Stop taking updates; let those being handled finish (for `grace` seconds at most).
        The rest wait in the inbox. Stopping twice is harmless."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._server is not None:
            await self._server.stop()
        if self._lanes is not None:
            await self._lanes.stop(grace)

    def _received(self, stored: Stored) -> None:
        """New updates are in the inbox: to their lanes. Those it already had need nothing more."""
        assert self._lanes is not None
        for pending in stored.new:
            self._lanes.route(pending)
        for update_id in stored.known:
            self._tell_finished(update_id)

    def _tell_finished(self, update_id: int) -> None:
        for listener in self.finished:
            listener(update_id)

    def _fail(self, error: BaseException) -> None:
        """The database is unusable: the bot must stop (run_until_stopped raises this)."""
        log.critical("Cannot go on taking updates: %s", error)
        if self.failed is not None and not self.failed.done():
            self.failed.set_exception(error)

    def _watch(self, work: Awaitable[None], name: str) -> None:
        async def watched() -> None:
            try:
                await work
            except asyncio.CancelledError:
                raise
            except BaseException as error:
                self._fail(error)

        self._tasks.append(asyncio.create_task(watched(), name=f"intake {name}"))

    def _alive(self) -> bool:
        """Taking updates: Telegram answered a getUpdates lately, or the webhook is serving."""
        if self._poller is not None:
            return time.monotonic() - self._poller.last_answer < self._poll_timeout + SILENCE_SECONDS
        return self._server is not None

    async def _beat(self) -> None:
        while True:
            started = time.monotonic()
            try:
                if self._alive():
                    await self.inbox.beat(self.mode, self._lanes.last_finished if self._lanes else None)
            except sqlite3.Error as error:
                if not is_storage_trouble(error):
                    raise
            await asyncio.sleep(max(0.0, BEAT_SECONDS - (time.monotonic() - started)))
