"""Safeguarding: a message that may disclose harm gets help straight back and reaches a person.

The alert is written in the same transaction as the message it comes from, then posted to the
team until a worker acknowledges it (see bot/telegram/team.py). The young person chooses whether
to be contacted; their identity stays with the alert only if they say yes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from sqlite3 import Connection

from bot.core import texts
from bot.core.actions import Action, Kind
from bot.core.privacy import pseudonym
from bot.core.safeguarding import Concern, Phrasebook
from bot.core.screens import Button, Reply, Screen
from bot.storage import alerts_repo
from bot.storage.alerts_repo import Alert
from bot.storage.db import Database


@dataclass(frozen=True)
class Person:
    """Who tapped "Yes, please contact me", as Telegram describes them."""

    user_id: int
    name: str
    username: str | None


def signpost_screen(alert_id: int) -> Screen:
    return Screen(
        texts.SIGNPOST,
        (
            (Button(texts.CONTACT_YES_BUTTON, Action(Kind.CONTACT, value=f"{alert_id}:1")),),
            (Button(texts.CONTACT_NO_BUTTON, Action(Kind.CONTACT, value=f"{alert_id}:0")),),
        ),
    )


class Safeguarding:
    def __init__(
        self,
        db: Database,
        phrasebook: Phrasebook,
        pseudonym_key: bytes,
        choice_time: timedelta,
        repost_after: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self._key = pseudonym_key
        self.phrasebook = phrasebook
        self.repost_after = repost_after
        self._choice_time = choice_time
        self._clock = clock

    def concern_in(self, text: str) -> Concern | None:
        return self.phrasebook.check(text)

    def raise_in(
        self, db: Connection, user_id: int, words: str, concern: Concern, source: str, update_id: int
    ) -> int:
        """Write the alert inside the caller's transaction, beside the message it comes from; the
        same update handled again (after a failure or a restart) finds the alert it raised."""
        now = self._clock()
        existing = alerts_repo.raised_for_update(db, update_id, now - timedelta(days=2))
        if existing is not None:
            return existing
        alert_id = alerts_repo.raise_alert(
            db, words, concern.category, source, user_id, now, now + self._choice_time, update_id
        )
        alerts_repo.set_asker(db, alert_id, self._asker(alert_id, user_id))
        return alert_id

    def _asker(self, alert_id: int, user_id: int) -> str:
        return pseudonym(self._key, f"safeguarding-alert-{alert_id}", user_id)

    async def raise_alert(
        self, user_id: int, words: str, concern: Concern, source: str, update_id: int
    ) -> Screen:
        """Write an alert on its own (the message itself is not stored) and return the signposting."""
        alert_id = await self.db.transaction(
            lambda db: self.raise_in(db, user_id, words, concern, source, update_id)
        )
        return signpost_screen(alert_id)

    async def choose(self, person: Person, value: str) -> Reply:
        """Their answer to "Would you like someone from the team to contact you?"."""
        alert_id, _, answer = value.partition(":")
        if not alert_id.isdigit() or answer not in ("0", "1"):
            return Reply(notice=texts.MOVED_ON)
        wants_contact = answer == "1"

        def record(db: Connection) -> bool | None:
            """True if recorded; False if it repeats their choice; None if it cannot be theirs."""
            alert = alerts_repo.get(db, int(alert_id))
            # Only the person the alert came from may answer for it. Once it went anonymously
            # their id is gone, but the keyed pseudonym still recognises a later "yes".
            if alert is None or alert.asker != self._asker(alert.id, person.user_id):
                return None
            if alert.wants_contact == int(wants_contact):
                return False
            alerts_repo.record_choice(
                db, alert.id, person.user_id, wants_contact, person.name, person.username, self._clock()
            )
            return True

        recorded = await self.db.transaction(record)
        if recorded is None:
            return Reply(notice=texts.MOVED_ON)
        return Reply(
            replace=Screen(texts.CONTACT_YES if wants_contact else texts.CONTACT_NO), outbox=recorded
        )

    async def due(self) -> list[Alert]:
        """Alerts to post now; those whose young person did not choose in time go anonymously."""
        now = self._clock()

        def collect(db: Connection) -> list[Alert]:
            alerts_repo.anonymise_unanswered(db, now)
            return alerts_repo.due(db, now)

        return await self.db.transaction(collect)

    async def posted(self, alert_id: int, chat_id: int, message_id: int) -> None:
        next_post = self._clock() + self.repost_after
        await self.db.transaction(
            lambda db: alerts_repo.mark_posted(db, alert_id, chat_id, message_id, next_post)
        )

    async def retry_later(self, alert_id: int, wait: timedelta) -> None:
        when = self._clock() + wait
        await self.db.transaction(lambda db: alerts_repo.retry_later(db, alert_id, when))

    async def acknowledge(self, alert_id: int, worker_id: int) -> tuple[bool, Alert | None]:
        """(whether this worker's acknowledgement was recorded, the alert as it now is)."""
        now = self._clock()

        def record(db: Connection) -> tuple[bool, Alert | None]:
            recorded = alerts_repo.acknowledge(db, alert_id, worker_id, now)
            return recorded, alerts_repo.get(db, alert_id)

        return await self.db.transaction(record)
