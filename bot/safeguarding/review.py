"""The "possible concerns" queue: what the classifier heard, or could not read, waiting for a person.

An item is written in the same transaction as the message it comes from. The team sees new items in a
quiet digest, at most hourly and only in TEAM_HOURS, or at once when the classifier is very sure
(`urgent`); `/concerns` lists what nobody has decided on. A worker decides:

* "Act on this": it becomes a safeguarding alert, and the young person is offered help (the
  signposting, with "would you like someone to contact you?") as if the phrase list had heard it;
* "Not a concern": recorded with who and when; a name idea it held goes on to moderation.

An item names its sender by a keyed mark (`Purpose.CONCERN_SENDER`, scoped to the item), never their
Telegram id, once they have consented: an anonymous answer holds the same words, and the mark cannot
be turned back into an id without the key. Acting on an item finds the sender by making the mark for
each participant. A message sent before consent keeps the id: nothing else about its sender is stored.
The sender leaves the item when a worker decides, either way; undecided, after KEEP_SENDER. The words
of an item judged not a concern go KEEP_DISMISSED_WORDS after the decision.

An answer keeps its words while they wait (the classifier is often wrong, and the results need them)
and after "Not a concern"; acting on it moves them into the alert, the sender's answer saying where
they went, and a name idea it held is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from sqlite3 import Connection

from bot.core.engine import WITH_THE_TEAM
from bot.core.ideas import normalise
from bot.core.privacy import Purpose, pseudonym, purpose_key
from bot.safeguarding.alerts import REDELIVERY_WINDOW, Safeguarding
from bot.safeguarding.phrases import Concern
from bot.safeguarding.team_hours import TeamHours
from bot.safeguarding.triage import Verdict
from bot.storage import alerts_repo, concerns_repo, ideas_repo, repos
from bot.storage.concerns_repo import PossibleConcern
from bot.storage.db import Database

DIGEST_EVERY = timedelta(hours=1)
# An item nobody has decided on keeps its sender this long, for "Act on this" to offer them help.
KEEP_SENDER = timedelta(days=14)
# Words a worker judged not a concern are kept this long after the decision (to look back on), then go.
KEEP_DISMISSED_WORDS = timedelta(days=30)
SHOWN_AT_ONCE = 10  # items in one digest or one /concerns; the rest wait for the next


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
        pseudonym_key: bytes,
    ) -> None:
        self.db = db
        self._key = pseudonym_key  # to find the sender's own answers when acting on an item
        self._sender_key = purpose_key(pseudonym_key, Purpose.CONCERN_SENDER)
        self._safeguarding = safeguarding
        self._hours = team_hours
        self._clock = clock

    def add_in(
        self, db: Connection, user_id: int, words: str, verdict: Verdict, source: str, update_id: int
    ) -> int:
        """Queue `words` inside the caller's transaction; once per update, however often handled."""
        now = self._clock()
        existing = concerns_repo.queued_for_update(db, update_id, now - REDELIVERY_WINDOW)
        if existing is not None:
            return existing
        consented = repos.get_participant(db, user_id) is not None
        item_id = concerns_repo.add(
            db,
            words,
            verdict.category,
            verdict.score,
            source,
            None if consented else user_id,
            update_id,
            verdict.urgent_review,
            now,
        )
        if consented:
            concerns_repo.set_sender_mark(db, item_id, self._mark(item_id, user_id))
        return item_id

    async def add(self, user_id: int, words: str, verdict: Verdict, source: str, update_id: int) -> int:
        return await self.db.transaction(
            lambda db: self.add_in(db, user_id, words, verdict, source, update_id)
        )

    def _mark(self, item_id: int, user_id: int) -> str:
        return pseudonym(self._sender_key, str(item_id), user_id)

    def _sender(self, db: Connection, item: PossibleConcern) -> int | None:
        """Who sent the item, if it still holds them: its mark made again for each participant."""
        if item.sender_mark is None:
            return item.user_id
        people = repos.participant_ids(db)
        return next((person for person in people if self._mark(item.id, person) == item.sender_mark), None)

    def _held_by(self, db: Connection, user_id: int) -> list[int]:
        """The items still holding this person, by their id or by their mark."""
        theirs = [item for item, mark in concerns_repo.marked(db) if mark == self._mark(item, user_id)]
        return concerns_repo.sent_by(db, user_id) + theirs

    def holding_in(self, db: Connection, user_id: int) -> int:
        """For /mydata: how many items still hold who they are (until a worker decides)."""
        return len(self._held_by(db, user_id))

    def forget_sender_in(self, db: Connection, user_id: int) -> None:
        """/deleteme: what they wrote that may be a concern stays for the team (as alerts do), but
        not who wrote it."""
        concerns_repo.forget_senders(db, self._held_by(db, user_id))

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

    async def tidy(self) -> tuple[int, int]:
        """Nightly: undecided items older than KEEP_SENDER let go of who sent them (acting on one
        then still raises an alert, without anyone to offer help to); items judged not a concern
        lose their words KEEP_DISMISSED_WORDS after the decision. Returns how many of each."""
        now = self._clock()

        def forget(db: Connection) -> tuple[int, int]:
            return (
                concerns_repo.forget_senders_before(db, now - KEEP_SENDER),
                concerns_repo.forget_dismissed_words_before(db, now - KEEP_DISMISSED_WORDS),
            )

        return await self.db.transaction(forget)

    async def undecided(self) -> tuple[list[PossibleConcern], int]:
        """(the oldest undecided items, up to SHOWN_AT_ONCE; how many are undecided in all)."""
        return await self.db.read(lambda db: concerns_repo.undecided(db, SHOWN_AT_ONCE))

    @staticmethod
    def _again(db: Connection, item: PossibleConcern, act: bool, worker_id: int) -> Decision:
        """A tap on an item already decided. The worker who acted on it, tapping "Act on this" again
        while the young person has not yet chosen, offers them help again (the first offer may not
        have reached them)."""
        if act and item.state == "acted" and item.decided_by == worker_id and item.alert_id is not None:
            alert = alerts_repo.get(db, item.alert_id)
            if alert is not None and alert.state == "awaiting_choice" and alert.user_id is not None:
                return Decision(False, item, alert.id, alert.user_id)
        return Decision(False, item)

    async def decide(self, item_id: int, act: bool, worker_id: int, worker_name: str) -> Decision:
        now = self._clock()

        def record(db: Connection) -> Decision:
            item = concerns_repo.get(db, item_id)
            state = "acted" if act else "not_a_concern"
            if item is None:
                return Decision(False, None)
            if not concerns_repo.decide(db, item_id, state, worker_id, worker_name, now):
                return self._again(db, item, act, worker_id)
            if not act:
                return Decision(True, concerns_repo.get(db, item_id))
            sender = self._sender(db, item)
            alert_id = self._safeguarding.raise_in(
                db,
                sender,
                item.words,
                Concern(item.category, ""),
                item.source,
                None,
                datetime.fromisoformat(item.raised_at),
            )
            concerns_repo.link_alert(db, item_id, alert_id)
            if item.source == "answer":  # its words are kept once now, in the alert
                # Only the sender's own answers (others may have typed the same words); once the
                # sender is forgotten (KEEP_SENDER), nothing says whose they were: none is rewritten.
                theirs = repos.respondents_of(db, self._key, sender) if sender is not None else {}
                repos.replace_typed_words(db, theirs, item.words, WITH_THE_TEAM)
                ideas_repo.drop_disclosed(db, item_id, list(theirs.values()), normalise(item.words))
            return Decision(True, concerns_repo.get(db, item_id), alert_id, sender)

        return await self.db.transaction(record)
