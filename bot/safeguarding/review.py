"""The "possible concerns" queue: what the classifier heard, or could not read, waiting for a person.

An item is written in the same transaction as the message it comes from. The team sees new items in a
quiet digest, at most hourly and only in TEAM_HOURS, or at once when the classifier is very sure
(`urgent`); `/concerns` lists what nobody has decided on. A worker decides:

* "Act on this": it becomes a safeguarding alert, and the young person is offered help (the
  signposting, with "would you like someone to contact you?") as if the phrase list had heard it;
* "Not a concern": recorded with who and when, nothing else happens.

Either way the young person's id leaves the item; undecided, it leaves after KEEP_SENDER.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from sqlite3 import Connection

from bot.safeguarding.alerts import Safeguarding
from bot.safeguarding.phrases import Concern
from bot.safeguarding.team_hours import TeamHours
from bot.safeguarding.triage import UNREAD_LANGUAGE, Verdict
from bot.storage import concerns_repo
from bot.storage.concerns_repo import PossibleConcern
from bot.storage.db import Database

DIGEST_EVERY = timedelta(hours=1)
# An item nobody has decided on keeps its sender this long, for "Act on this" to offer them help.
KEEP_SENDER = timedelta(days=14)
SHOWN_AT_ONCE = 10  # items in one digest or one /concerns; the rest wait for the next
_REDELIVERY_WINDOW = timedelta(days=2)


@dataclass(frozen=True)
class Decision:
    recorded: bool  # False: someone had already decided
    item: PossibleConcern | None
    alert_id: int | None = None  # the alert it became, if acted on
    user_id: int | None = None  # whom to offer help, if acted on and still known


@dataclass(frozen=True)
class Showing:
    items: list[PossibleConcern]
    more: int  # undecided items not in `items`
    digest: bool  # a scheduled digest (False: only urgent items, posted at once)


class ReviewQueue:
    def __init__(
        self,
        db: Database,
        safeguarding: Safeguarding,
        team_hours: TeamHours,
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self._safeguarding = safeguarding
        self._hours = team_hours
        self._clock = clock

    def add_in(
        self, db: Connection, user_id: int, words: str, verdict: Verdict, source: str, update_id: int
    ) -> int:
        """Queue `words` inside the caller's transaction; once per update, however often handled."""
        now = self._clock()
        return concerns_repo.add(
            db,
            words,
            verdict.category,
            verdict.score,
            source,
            user_id,
            update_id,
            verdict.urgent_review,
            now,
            now - _REDELIVERY_WINDOW,
        )

    async def add(self, user_id: int, words: str, verdict: Verdict, source: str, update_id: int) -> int:
        return await self.db.transaction(
            lambda db: self.add_in(db, user_id, words, verdict, source, update_id)
        )

    async def to_show(self) -> Showing | None:
        """What the team should see now: urgent items at once; the rest in a digest, at most
        every DIGEST_EVERY and only in team hours. None if nothing is due."""
        now = self._clock()

        def collect(db: Connection) -> Showing | None:
            last = concerns_repo.last_digest(db)
            digest_due = self._hours.is_open(now) and (
                last is None or datetime.fromisoformat(last) + DIGEST_EVERY <= now
            )
            items, total = concerns_repo.not_yet_shown(db, not digest_due, SHOWN_AT_ONCE)
            if not items:
                return None
            return Showing(items, total - len(items), digest_due)

        return await self.db.read(collect)

    async def shown(self, item: PossibleConcern) -> None:
        now = self._clock()
        await self.db.transaction(lambda db: concerns_repo.mark_shown(db, [item.id], now))

    async def digest_sent(self) -> None:
        now = self._clock()
        await self.db.transaction(lambda db: concerns_repo.record_digest(db, now))

    async def forget_old_senders(self) -> int:
        """Nightly: undecided items older than KEEP_SENDER let go of who sent them (acting on one
        then still raises an alert, without anyone to offer help to)."""
        before = self._clock() - KEEP_SENDER
        return await self.db.transaction(lambda db: concerns_repo.forget_senders_before(db, before))

    async def undecided(self) -> tuple[list[PossibleConcern], int]:
        """(the oldest undecided items, up to SHOWN_AT_ONCE; how many are undecided in all)."""
        return await self.db.read(lambda db: concerns_repo.undecided(db, SHOWN_AT_ONCE))

    async def decide(self, item_id: int, act: bool, worker_id: int, worker_name: str) -> Decision:
        now = self._clock()

        def record(db: Connection) -> Decision:
            item = concerns_repo.get(db, item_id)
            state = "acted" if act else "not_a_concern"
            if item is None or not concerns_repo.decide(db, item_id, state, worker_id, worker_name, now):
                return Decision(False, item)
            if not act:
                return Decision(True, concerns_repo.get(db, item_id))
            category = item.category if item.category != UNREAD_LANGUAGE else "unread_language"
            alert_id = self._safeguarding.raise_in(
                db, item.user_id or 0, item.words, Concern(category, ""), item.source, None
            )
            concerns_repo.link_alert(db, item_id, alert_id)
            return Decision(True, concerns_repo.get(db, item_id), alert_id, item.user_id)

        return await self.db.transaction(record)
