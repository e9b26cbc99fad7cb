"""Handling what the inbox holds: each person's updates in order, different people's side by side.

Each sender has a lane (a queue and a task that empties it). An update is handled through the
real python-telegram-bot `Application.process_update`, so every handler, filter and the error
handler run as they always did; the error handler tells the lane, through `note_failure`, that the
update failed. Then:
- storage trouble (a lock, a full disk): the update waits and is tried again, uncounted: it is not
  the update's fault and nothing of it was saved;
- any other failure: tried again after a pause, and after `MAX_ATTEMPTS` set aside (quarantined),
  with a kind word to the young person, so one bad update never holds up the rest;
- success: marked done in the inbox.
An update the library cannot read at all is set aside at once. Updates with no sender (nobody to
answer, nobody whose order to keep) are marked done quietly.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.intake.inbox import Inbox
from bot.storage.db import is_storage_trouble
from bot.storage.inbox_repo import Pending

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a handler failing this many times on one update sets the update aside
MAX_HANDLING = 32  # updates handled at once (different people's), to bound memory and Telegram calls
BATCH = 200  # updates read from the inbox at a time
# A person may send this many updates at once; past that their own lane slows to FLOOD_RATE a
# second, so one person's flood cannot use up Telegram's overall limit for everyone else.
FLOOD_BURST, FLOOD_RATE = 20, 4.0
_FIRST_PAUSE, _LONGEST_PAUSE = 0.2, 2.0  # while storage is in trouble
_RETRY_PAUSE = 0.1  # before trying a failed update again: 0.2 s, then 0.4 s, then it is set aside

Apology = Callable[[Update], Awaitable[None]]


@dataclass
class _Outcome:
    error: BaseException | None = None


_handling: contextvars.ContextVar[_Outcome | None] = contextvars.ContextVar("handling", default=None)


def note_failure(error: BaseException) -> bool:
    """The error handler's word that the update being handled failed; False if no lane is
    handling one (a job failed), so the caller deals with it itself."""
    outcome = _handling.get()
    if outcome is None:
        return False
    outcome.error = error
    return True


def sender_of(update: dict[str, Any]) -> int | None:
    """Whose update this is: the `from` of its message, tap or edit."""
    for kind, body in update.items():
        if kind != "update_id" and isinstance(body, dict):
            sender = body.get("from")
            if isinstance(sender, dict) and type(sender.get("id")) is int:
                return sender["id"]
            return None
    return None


@dataclass
class _Lane:
    waiting: deque[Pending] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None
    tokens: float = FLOOD_BURST
    filled_at: float = field(default_factory=time.monotonic)

    async def wait_for_turn(self) -> None:
        """The flood limit: a token per update, refilled at FLOOD_RATE a second."""
        now = time.monotonic()
        self.tokens = min(FLOOD_BURST, self.tokens + (now - self.filled_at) * FLOOD_RATE)
        self.filled_at = now
        if self.tokens < 1:
            await asyncio.sleep((1 - self.tokens) / FLOOD_RATE)
            self.tokens, self.filled_at = 1, time.monotonic()
        self.tokens -= 1


class Lanes:
    def __init__(
        self,
        application: Application,
        inbox: Inbox,
        apologise: Apology,
        fail: Callable[[BaseException], None],
        finished: Callable[[int], None] = lambda update_id: None,
    ) -> None:
        self.application = application
        self.inbox = inbox
        self._apologise = apologise
        self._fail = fail  # told when the database turns out unusable
        self._finished = finished  # told each update_id once it is done or set aside
        self._lanes: dict[int | None, _Lane] = {}
        self._read_up_to = 0  # the newest update handed to a lane
        self._more = asyncio.Event()
        self._handling = asyncio.Semaphore(MAX_HANDLING)

    def wake(self) -> None:
        """New updates are in the inbox."""
        self._more.set()

    async def run(self) -> None:
        """Hand what the inbox holds to the lanes, oldest first, for as long as the bot runs."""
        while True:
            self._more.clear()
            batch = await self._persist(lambda: self.inbox.pending_after(self._read_up_to, BATCH))
            for pending in batch:
                self._read_up_to = pending.update_id
                self._route(pending)
            if len(batch) < BATCH:
                await self._more.wait()

    @property
    def busy(self) -> bool:
        return bool(self._lanes)

    async def stop(self, grace: float) -> None:
        """Let updates being handled finish (for `grace` seconds at most); the rest stay in the inbox."""
        for lane in self._lanes.values():
            lane.waiting.clear()
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        if tasks:
            _done, unfinished = await asyncio.wait(tasks, timeout=grace)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)

    def _route(self, pending: Pending) -> None:
        try:
            sender = sender_of(json.loads(pending.payload))
        except ValueError:
            sender = None
        lane = self._lanes.setdefault(sender, _Lane())
        lane.waiting.append(pending)
        if lane.task is None:
            lane.task = asyncio.create_task(self._empty(sender, lane), name=f"lane {sender}")

    async def _empty(self, sender: int | None, lane: _Lane) -> None:
        try:
            while lane.waiting:
                await lane.wait_for_turn()
                pending = lane.waiting[0]
                await self._handle(pending)
                self._finished(pending.update_id)
                if lane.waiting:
                    lane.waiting.popleft()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the database is unusable: the bot must stop
            self._fail(error)
        finally:
            self._lanes.pop(sender, None)

    async def _handle(self, pending: Pending) -> None:
        try:
            update = Update.de_json(json.loads(pending.payload), self.application.bot)
        except Exception as error:
            log.warning("Update %s set aside: it cannot be read (%s)", pending.update_id, error)
            await self._set_aside(pending, f"cannot be read: {error}")
            return
        if update.effective_user is None:
            log.debug("Update %s has no sender: nothing to answer", pending.update_id)
            await self._persist(lambda: self.inbox.done(pending.update_id))
            return
        attempts, pause = pending.attempts, _FIRST_PAUSE
        while True:
            error = await self._process(update)
            if error is None:
                break
            if is_storage_trouble(error):
                await asyncio.sleep(pause)  # nothing of it was saved: try again when storage allows
                pause = min(pause * 2, _LONGEST_PAUSE)
                continue
            attempts += 1
            if attempts >= MAX_ATTEMPTS:
                log.error("Update %s set aside after %d failures", pending.update_id, attempts)
                await self._set_aside(pending, f"{type(error).__name__}: {error}")
                await self._apologise(update)
                return
            await self._persist(lambda: self.inbox.failed(pending.update_id))
            await asyncio.sleep(_RETRY_PAUSE * 2**attempts)
        await self._persist(lambda: self.inbox.done(pending.update_id))

    async def _process(self, update: Update) -> BaseException | None:
        outcome = _Outcome()
        async with self._handling:
            token = _handling.set(outcome)
            try:
                await self.application.process_update(update)
            finally:
                _handling.reset(token)
        return outcome.error

    async def _set_aside(self, pending: Pending, reason: str) -> None:
        await self._persist(lambda: self.inbox.set_aside(pending.update_id, pending.payload, reason))

    @staticmethod
    async def _persist(write: Callable[[], Awaitable[Any]]) -> Any:
        """Do an inbox write or read, waiting out storage trouble; anything else is fatal."""
        pause = _FIRST_PAUSE
        while True:
            try:
                return await write()
            except sqlite3.Error as error:
                if not is_storage_trouble(error):
                    raise
                log.debug("Inbox waiting for storage: %s", error)
            await asyncio.sleep(pause)
            pause = min(pause * 2, _LONGEST_PAUSE)
