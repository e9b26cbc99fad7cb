"""Fetching updates with getUpdates, confirming to Telegram only what the inbox holds.

python-telegram-bot's own Updater confirms a batch (by asking for the next one) before its
handlers have run, and cannot skip one update it fails to parse; so the bot polls by itself:
each batch is written to the inbox in one transaction, and only then does the next getUpdates
(with the offset past it) tell Telegram it may forget them. While the inbox cannot be written (a
full disk) the bot stops asking: the updates stay safe at Telegram until it can.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from telegram.error import InvalidToken

from bot.intake.inbox import Inbox, StorageAlarm, Stored, update_id_of
from bot.storage.db import is_storage_trouble

log = logging.getLogger(__name__)

_FIRST_PAUSE, _LONGEST_PAUSE = 0.2, 2.0  # between tries to store a batch
_LONGEST_NETWORK_PAUSE = 30.0
_CONFLICT_PAUSE = 5.0
_TOO_QUICK = 0.5  # an empty answer sooner than this was no long poll


class Poller:
    def __init__(
        self,
        api_root: str,
        token: str,
        inbox: Inbox,
        stored: Callable[[Stored], None],
        alarm: StorageAlarm,
        allowed_updates: Sequence[str],
        timeout: int,
    ) -> None:
        self._url = f"{api_root}/bot{token}/getUpdates"
        self.inbox = inbox
        self._stored = stored
        self._alarm = alarm
        self._allowed = list(allowed_updates)
        self._timeout = timeout
        self.last_answer = time.monotonic()  # when Telegram last answered a getUpdates (health)

    async def run(self) -> None:
        """Fetch, store, confirm, for as long as the bot runs."""
        limits = httpx.Timeout(self._timeout + 10, connect=10)
        async with httpx.AsyncClient(timeout=limits) as client:
            offset: int | None = None
            network_pause = 1.0
            while True:
                asked = time.monotonic()
                try:
                    updates = await self._fetch(client, offset)
                    network_pause = 1.0
                except _TryLater as later:
                    await asyncio.sleep(later.seconds or network_pause)
                    network_pause = min(network_pause * 2, _LONGEST_NETWORK_PAUSE)
                    continue
                if updates:
                    stored = await self._keep(updates)
                    offset = updates[-1]["update_id"] + 1
                    self._stored(stored)
                elif time.monotonic() - asked < _TOO_QUICK:
                    await asyncio.sleep(_TOO_QUICK)  # no long poll (a proxy in the way?): do not spin

    async def _fetch(self, client: httpx.AsyncClient, offset: int | None) -> list[dict[str, Any]]:
        request: dict[str, Any] = {"timeout": self._timeout, "allowed_updates": self._allowed}
        if offset is not None:
            request["offset"] = offset
        try:
            response = await client.post(self._url, json=request)
            body = response.json()
        except (httpx.HTTPError, ValueError) as error:
            # Never the URL: it holds the token.
            log.warning("Could not fetch updates (%s); trying again", type(error).__name__)
            raise _TryLater(0) from None
        if not isinstance(body, dict):
            raise _TryLater(0)
        if body.get("ok") is True and isinstance(body.get("result"), list):
            self.last_answer = time.monotonic()
            # Telegram sends them in order; anything without an update_id is not an update.
            updates = [u for u in body["result"] if update_id_of(u) is not None]
            return sorted(updates, key=lambda u: u["update_id"])
        code, description = body.get("error_code"), body.get("description", "")
        if code in (401, 404):
            raise InvalidToken(description)
        if code == 409:
            log.warning("Telegram says: %s", description)
            raise _TryLater(_CONFLICT_PAUSE)
        retry_after = (body.get("parameters") or {}).get("retry_after")
        log.warning("getUpdates failed (%s %s); trying again", code, description)
        raise _TryLater(float(retry_after) if isinstance(retry_after, int | float) else 0)

    async def _keep(self, updates: list[dict[str, Any]]) -> Stored:
        """Store the batch, however long the storage takes to allow it."""
        pause = _FIRST_PAUSE
        while True:
            try:
                stored = await self.inbox.store(updates)
            except sqlite3.Error as error:
                if not is_storage_trouble(error):
                    raise  # the database is unusable: stop, so a supervisor restarts the bot
                await self._alarm.cannot_save(error)
                await asyncio.sleep(pause)
                pause = min(pause * 2, _LONGEST_PAUSE)
                continue
            await self._alarm.saving_again()
            return stored


class _TryLater(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds
