"""Receiving updates at a webhook, for councils that run the bot behind HTTPS.

Telegram sends each update as a POST carrying the secret it was given at setWebhook, and sends it
again until it gets a 200. So a 200 goes back only once the update is in the inbox: a kill after
that loses nothing, and while the inbox cannot be written the answer is 503 and Telegram retries.
"""

from __future__ import annotations

import hmac
import json
import logging
import sqlite3
from collections.abc import Callable

from aiohttp import web

from bot.intake.inbox import Inbox, StorageAlarm, Stored, update_id_of
from bot.storage.db import is_storage_trouble

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # an update is a few kilobytes; files come by file_id, not in the body


class CannotListen(Exception):
    """The webhook's address cannot be listened on; the message says which and why."""


class WebhookServer:
    def __init__(
        self,
        inbox: Inbox,
        stored: Callable[[Stored], None],
        alarm: StorageAlarm,
        fail: Callable[[BaseException], None],
        secret: str,
        host: str,
        port: int,
        path: str,
    ) -> None:
        self.inbox = inbox
        self._alarm = alarm
        self._fail = fail  # told when the database turns out unusable
        self._stored = stored
        self._secret = secret.encode()
        self._host, self._port, self._path = host, port, path or "/"
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self._path, self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self._host, self._port).start()
        except OSError as error:  # the port is taken, or the address is not this machine's
            raise CannotListen(f"cannot listen on {self._host}:{self._port}: {error.strerror}") from None
        log.info("Receiving updates at %s:%d%s", self._host, self._port, self._path)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("Refused a webhook request without the right secret token")
            return web.Response(status=401, text="Unauthorized")
        try:
            update = json.loads(await request.read())
        except ValueError:
            update = None
        if update_id_of(update) is None:
            # Not an update at all: sending it again would not help, so take it and say so.
            log.warning("Ignored a webhook request that is not a Telegram update")
            return web.Response(text="ok")
        try:
            stored = await self.inbox.store([update])
        except sqlite3.Error as error:
            if not is_storage_trouble(error):
                self._fail(error)
                return web.Response(status=500, text="Internal Server Error")
            await self._alarm.cannot_save(error)
            return web.Response(status=503, text="Try again later")  # Telegram sends it again
        await self._alarm.saving_again()
        self._stored(stored)
        return web.Response(text="ok")
