"""Handling what the inbox holds: each person's updates in order, different people's side by side.

Each sender has a lane (a queue and a task that empties it). An update is handled through the
real python-telegram-bot `Application.process_update`, so every handler, filter and the error
handler run as they always did; the error handler tells the lane, through `note_failure`, that the
update failed. Then:
- trouble outside the update (the database locked or its disk full, Telegram unreachable, slow or
  asking us to wait): the update waits and is tried again, uncounted, for as long as it takes;
- any other failure: tried again after a pause, and after `MAX_ATTEMPTS` set aside (quarantined),
  with a kind word to the young person, so one bad update never holds up the rest;
- success: marked done in the inbox.
An update the library cannot read at all is set aside at once, and so is one that `MAX_RESTARTS`
runs of the bot took up and never finished (it is likely what kills it). Updates with no sender (nobody to
answer, nobody whose order to keep) are marked done quietly. A database found damaged stops the bot.

Updates reach the lanes as they are stored (`route`), and at start-up from what an earlier run left
in the inbox (`recover`), so the order Telegram numbered them in never matters.
"""

from __future__ import annotations

import asyncio
import bisect
import contextvars
import errno
import json
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application

from bot.intake.inbox import Inbox
from bot.storage.db import is_damage, is_storage_trouble
from bot.storage.inbox_repo import Pending

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a handler failing this many times on one update sets the update aside
# An update taken up this many times by successive runs without finishing is set aside too: one
# that kills the process (memory, a crash in a library) would otherwise restart the bot for ever.
MAX_RESTARTS = 10
MAX_HANDLING = 4  # updates handled at once (different people's), to bound memory and Telegram calls
BATCH = 200  # updates read from the inbox at a time
# A person may send this many updates at once; past that their own lane slows to FLOOD_RATE a
# second, so one person's flood cannot use up Telegram's overall limit for everyone else.
FLOOD_BURST, FLOOD_RATE = 20, 4.0
_FIRST_PAUSE, _LONGEST_PAUSE = 0.2, 5.0  # while the database or Telegram is in trouble
_RETRY_PAUSE = 0.1  # before trying a failed update again: 0.2 s, then 0.4 s, then it is set aside

Apology = Callable[[Update], Awaitable[None]]


@dataclass
class _Outcome:
    error: BaseException | None = None
    over: bool = False  # the update is finished; a task it started may still report errors


_handling: contextvars.ContextVar[_Outcome | None] = contextvars.ContextVar("handling", default=None)


def note_failure(error: BaseException) -> bool:
    """The error handler's word that the update being handled failed; False if no lane is
    handling one (a job, or a task an update started, failed), so nothing will try it again."""
    outcome = _handling.get()
    if outcome is None or outcome.over:
        return False
    if outcome.error is None:  # the first failure is what went wrong; later ones follow from it
        outcome.error = error
    return True


def is_outside_trouble(error: BaseException) -> bool:
    """Not the update's fault, and likely to pass: the database busy or full, the disk full (a
    photo being saved), Telegram unreachable, failing (5xx), slow or asking us to wait. (PTB's
    BadRequest is a NetworkError too: not this.)"""
    if is_storage_trouble(error) or isinstance(error, RetryAfter):
        return True
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def _could_be_own(error: BaseException) -> bool:
    """Telegram failing a call in a way that may be down to the call itself (PTB turns any status
    it has no class for, e.g. 413, into a NetworkError). Not storage trouble, not flood control."""
    return isinstance(error, NetworkError) and not isinstance(error, RetryAfter)


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
class _Bucket:
    """The flood limit of one person: a token per update, refilled at FLOOD_RATE a second."""

    tokens: float = FLOOD_BURST
    filled_at: float = field(default_factory=time.monotonic)

    def refill(self, now: float) -> None:
        self.tokens = min(FLOOD_BURST, self.tokens + (now - self.filled_at) * FLOOD_RATE)
        self.filled_at = now

    async def wait_for_turn(self) -> None:
        self.refill(time.monotonic())
        if self.tokens < 1:
            await asyncio.sleep((1 - self.tokens) / FLOOD_RATE)
            self.refill(time.monotonic())
        self.tokens -= 1


@dataclass(frozen=True)
class _Arrival:
    """A stored update and its JSON, read once (None if it is not JSON at all)."""

    pending: Pending
    raw: Any


@dataclass
class _Lane:
    """One person's updates waiting, and the task handling them in order."""

    waiting: deque[_Arrival] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None


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
        # Kept while a person's lane empties and fills again, so a steady stream is limited too;
        # forgotten once full again (a full bucket is the same as none).
        self._buckets: dict[int | None, _Bucket] = {}
        self._handling = asyncio.Semaphore(MAX_HANDLING)
        self.last_finished: datetime | None = None  # when an update was last done or set aside
        self._handled = 0  # updates done in this run (has anyone got through lately?)
        self._recovered: set[int] = set()  # left by an earlier run, not yet taken up again

    async def recover(self) -> None:
        """Hand the lanes what an earlier run left unhandled, oldest first (before new arrivals)."""
        read_up_to = -(2**63)
        while True:
            batch = await self._persist(lambda after=read_up_to: self.inbox.pending_after(after, BATCH))
            for pending in batch:
                self._recovered.add(pending.update_id)
                self.route(pending)
            if len(batch) < BATCH:
                return
            read_up_to = batch[-1].update_id

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

    def route(self, pending: Pending) -> None:
        """Queue a stored update behind the same person's earlier ones."""
        try:
            raw = json.loads(pending.payload)
        except ValueError:
            raw = None
        sender = sender_of(raw) if isinstance(raw, dict) else None
        lane = self._lanes.setdefault(sender, _Lane())
        # In update_id order, which is Telegram's: a webhook may deliver them out of order.
        bisect.insort(lane.waiting, _Arrival(pending, raw), key=lambda waiting: waiting.pending.update_id)
        if lane.task is None:
            lane.task = asyncio.create_task(self._empty(sender, lane), name=f"lane {sender}")

    async def _empty(self, sender: int | None, lane: _Lane) -> None:
        bucket = self._buckets.setdefault(sender, _Bucket())
        try:
            while lane.waiting:
                await bucket.wait_for_turn()
                if not lane.waiting:  # stopping meanwhile
                    break
                arrival = lane.waiting.popleft()
                await self._handle(arrival.pending, arrival.raw)
                self.last_finished = datetime.now(UTC)
                self._finished(arrival.pending.update_id)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the database is unusable: the bot must stop
            self._fail(error)
        finally:
            self._lanes.pop(sender, None)
            self._forget_full_buckets()

    def _forget_full_buckets(self) -> None:
        now = time.monotonic()
        for sender, bucket in list(self._buckets.items()):
            bucket.refill(now)
            if bucket.tokens >= FLOOD_BURST and sender not in self._lanes:
                del self._buckets[sender]

    async def _handle(self, pending: Pending, raw: Any) -> None:
        try:
            update = Update.de_json(raw, self.application.bot)
            if update is None:
                raise ValueError("not JSON, or empty")
        except Exception as error:
            await self._give_up(pending, None, f"cannot be read: {error}")
            return
        if pending.update_id in self._recovered:
            # Left by a run that stopped; counted only now it is taken up again, so a run killed
            # before reaching it does not count against it.
            self._recovered.discard(pending.update_id)
            async with self._handling:  # counted when its handling really begins
                await self._persist(lambda: self.inbox.restarted(pending.update_id))
            if pending.restarts + 1 >= MAX_RESTARTS:
                # Taken up this often and never finished: most likely it is what kills the bot.
                await self._give_up(pending, update, f"never finished in {MAX_RESTARTS} runs of the bot")
                return
        if update.effective_user is None:
            log.debug("Update %s has no sender: nothing to answer", pending.update_id)
            await self._persist(lambda: self.inbox.done(pending.update_id))
            return
        attempts, pause = pending.attempts, _FIRST_PAUSE
        handled_when_trouble_began: int | None = None
        while True:
            error = await self._process(update)
            if error is None:
                break
            if is_damage(error) or isinstance(error, InvalidToken):
                raise error  # the bot must stop; the update stays in the inbox
            if is_outside_trouble(error):
                # Telegram unreachable or failing for everyone waits as long as it takes; but if
                # other updates get through meanwhile, the trouble is this update's own (a file
                # Telegram will not take, say), and it counts.
                if handled_when_trouble_began is None:
                    handled_when_trouble_began = self._handled
                if not _could_be_own(error) or self._handled == handled_when_trouble_began:
                    wait = error.retry_after if isinstance(error, RetryAfter) else pause
                    await asyncio.sleep(wait.total_seconds() if isinstance(wait, timedelta) else wait)
                    pause = min(pause * 2, _LONGEST_PAUSE)
                    continue
            attempts += 1
            if attempts >= MAX_ATTEMPTS:
                await self._give_up(pending, update, f"{type(error).__name__}: {error}")
                return
            await self._persist(lambda: self.inbox.failed(pending.update_id))
            await asyncio.sleep(_RETRY_PAUSE * 2**attempts)
        await self._persist(lambda: self.inbox.done(pending.update_id))
        self._handled += 1

    async def _process(self, update: Update) -> BaseException | None:
        outcome = _Outcome()
        async with self._handling:
            token = _handling.set(outcome)
            try:
                await self.application.process_update(update)
            finally:
                outcome.over = True  # tasks it started (a broadcast) carry this context on
                _handling.reset(token)
        return outcome.error

    async def _give_up(self, pending: Pending, update: Update | None, reason: str) -> None:
        """Set the update aside, with one log line and, if it could be read, a kind word to its sender."""
        log.error("Update %s set aside: %s", pending.update_id, reason)
        await self._persist(lambda: self.inbox.set_aside(pending.update_id, pending.payload, reason))
        if update is not None:
            await self._apologise(update)

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
