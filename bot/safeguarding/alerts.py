"""Safeguarding: a message that may disclose harm gets help straight back and reaches a person.

The alert is written in the same transaction as the message it comes from, then posted to the
team until a worker acknowledges it (see bot/telegram/team.py). The young person chooses whether
to be contacted; their identity stays with the alert only if they say yes.

Several alerts from one young person within FLOOD_WINDOW go to the team as one message: the first
(the lead) and its followers, each still its own row. To find the lead, it carries a keyed
pseudonym of the young person (`sender_mark`) for the window only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from sqlite3 import Connection
from typing import Literal

from bot.core import texts
from bot.core.actions import Action, Kind
from bot.core.privacy import Purpose, pseudonym, purpose_key
from bot.core.screens import Button, Reply, Screen
from bot.safeguarding.phrases import Concern
from bot.safeguarding.team_hours import TeamHours
from bot.safeguarding.triage import Triage, Verdict
from bot.storage import alerts_repo
from bot.storage.alerts_repo import Alert
from bot.storage.db import Database

# Alerts from the same young person raised this soon after a lead join its team message.
FLOOD_WINDOW = timedelta(minutes=10)
# Telegram redelivers an update within this; the same update handled again finds what it raised.
REDELIVERY_WINDOW = timedelta(days=2)
# Askers stored before keys per purpose were made with the master key; migration 0018 marked them.
LEGACY_ASKER = "v1:"


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


def follow_up_screen(alert_id: int) -> Screen:
    """The signposting, when a worker who read their message in the review queue acted on it."""
    signpost = signpost_screen(alert_id)
    return replace(signpost, text=f"{texts.REVIEW_FOLLOW_UP}\n\n{signpost.text}")


def is_pending(alert: Alert) -> bool:
    """A request to be contacted that nobody in the team has picked up yet."""
    return alert.wants_contact == 1 and alert.state != "acknowledged"


@dataclass(frozen=True)
class AlertGroup:
    """A lead and its followers as the outbox finds them when some are due."""

    lead_id: int
    # What its message shows, oldest first: every alert but those whose young person is still
    # choosing whether to be contacted (their words wait for the choice, as a lone alert's do).
    shown: tuple[Alert, ...]
    # Shown alerts not in its current message: new ones, or news (a "yes") since they were posted.
    new: tuple[Alert, ...]
    # The group's current message (chat, message id), while it waits for someone to acknowledge it.
    message: tuple[int, int] | None
    # That message has waited `repost_after` unacknowledged: it goes again as a new one.
    reminder: bool
    # Alerts whose request to be contacted was withdrawn while team messages still show who asked.
    refresh: tuple[int, ...]
    # Those messages (chat, message id), oldest first: every one the group was posted in since.
    stale: tuple[tuple[int, int], ...] = ()

    @property
    def joins_message(self) -> bool:
        """Whether the new alerts can be added to the current message (an edit): not when it is due
        again anyway, nor for news such as a "yes", which should reach the team as a new post."""
        return (
            self.message is not None
            and not self.reminder
            and all(a.posts == 0 and not a.wants_contact for a in self.new)
        )

    @property
    def due_ids(self) -> list[int]:
        """The alerts due to be posted now: every open one for a reminder, else the new ones."""
        return self.open_ids if self.reminder else [a.id for a in self.new]

    @property
    def open_ids(self) -> list[int]:
        """The shown alerts nobody has acknowledged: those a new message posts."""
        return [a.id for a in self.shown if a.state != "acknowledged"]

    @property
    def posts(self) -> int:
        """How many times it has been posted (the most any of its alerts has)."""
        return max((a.posts for a in self.shown if a.state == "sent"), default=0)


def _group(lead_id: int, members: list[Alert], now: datetime) -> AlertGroup:
    shown = tuple(a for a in members if a.state != "awaiting_choice")
    sent = [a for a in shown if a.state == "sent"]
    return AlertGroup(
        lead_id=lead_id,
        shown=shown,
        new=tuple(a for a in shown if a.state == "to_send"),
        message=next(
            (
                (a.team_chat_id, a.team_message_id)
                for a in reversed(sent)
                if a.team_chat_id is not None and a.team_message_id is not None
            ),
            None,
        ),
        reminder=any(
            a.next_post_at is not None and datetime.fromisoformat(a.next_post_at) <= now for a in sent
        ),
        refresh=tuple(
            a.id for a in shown if a.refresh_at is not None and datetime.fromisoformat(a.refresh_at) <= now
        ),
    )


class Safeguarding:
    def __init__(
        self,
        db: Database,
        triage: Triage,
        pseudonym_key: bytes,
        choice_time: timedelta,
        repost_after: timedelta,
        clock: Callable[[], datetime],
        team_hours: TeamHours,
    ) -> None:
        self.db = db
        # When the team reads alerts (TEAM_HOURS), for telling young people when they'll be seen.
        self.team_hours = team_hours
        self._asker_key = purpose_key(pseudonym_key, Purpose.ALERT_ASKER)
        self._flood_key = purpose_key(pseudonym_key, Purpose.ALERT_FLOOD)
        self._legacy_asker_key = pseudonym_key  # only to check a LEGACY_ASKER
        self.triage = triage
        self.repost_after = repost_after
        self._choice_time = choice_time
        self._clock = clock

    def check(self, text: str) -> Verdict:
        """Which tier `text` belongs in (see triage.py)."""
        return self.triage.check(text)

    def raise_in(
        self,
        db: Connection,
        user_id: int | None,
        words: str,
        concern: Concern,
        source: str,
        update_id: int | None,
        raised_at: datetime | None = None,
    ) -> int:
        """Write the alert inside the caller's transaction, beside the message it comes from; the
        same update handled again (after a failure or a restart) finds the alert it raised.
        `raised_at`: when they wrote it, if not now (a possible concern acted on later). Without
        `user_id` (a possible concern whose sender is forgotten) nobody can be asked whether to be
        contacted: it goes to the team at once, on its own."""
        now = self._clock()
        existing = alerts_repo.raised_for_update(db, update_id, now - REDELIVERY_WINDOW)
        if existing is not None:
            return existing
        sender_mark = pseudonym(self._flood_key, "", user_id) if user_id is not None else None
        lead_id = alerts_repo.recent_lead(db, sender_mark, now - FLOOD_WINDOW) if sender_mark else None
        choice_due = now + self._choice_time if user_id is not None else now
        alert_id = alerts_repo.raise_alert(
            db, words, concern.category, source, user_id, raised_at or now, choice_due, update_id
        )
        if user_id is not None:
            alerts_repo.set_asker(db, alert_id, self._asker(alert_id, user_id))
        if lead_id is not None:
            alerts_repo.join_group(db, alert_id, lead_id)
        elif sender_mark is not None:  # the first in a while: later ones within the window join it
            alerts_repo.set_sender_mark(db, alert_id, sender_mark)
        return alert_id

    def _asker(self, alert_id: int, user_id: int) -> str:
        return pseudonym(self._asker_key, str(alert_id), user_id)

    def _is_asker(self, alert: Alert, user_id: int) -> bool:
        """Whether the alert came from this person (by its keyed pseudonym, made with the key of
        its day)."""
        if alert.asker is not None and alert.asker.startswith(LEGACY_ASKER):
            made = pseudonym(self._legacy_asker_key, f"safeguarding-alert-{alert.id}", user_id)
            return alert.asker == LEGACY_ASKER + made
        return alert.asker == self._asker(alert.id, user_id)

    async def raise_alert(
        self, user_id: int, words: str, concern: Concern, source: str, update_id: int
    ) -> Screen:
        """Write an alert on its own (the message itself is not stored) and return the signposting."""
        alert_id = await self.db.transaction(
            lambda db: self.raise_in(db, user_id, words, concern, source, update_id)
        )
        return signpost_screen(alert_id)

    async def choose(self, person: Person, value: str) -> Reply:
        """Their answer to "Would you like someone from the team to contact you?": a new message
        saying when the team will see it, so the helplines stay on screen above; the same answer
        again gets only a toast."""
        alert_id, _, answer = value.partition(":")
        if not alert_id.isdigit() or answer not in ("0", "1"):
            return Reply(notice=texts.MOVED_ON)
        wants_contact = answer == "1"
        now = self._clock()

        def record(db: Connection) -> Literal["first", "changed", "same"] | None:
            """Their first answer, a changed one, the same again; None if it cannot be theirs."""
            alert = alerts_repo.get(db, int(alert_id))
            # Only the person the alert came from may answer for it. Once it went anonymously
            # their id is gone, but the keyed pseudonym still recognises a later "yes".
            if alert is None or not self._is_asker(alert, person.user_id):
                return None
            if alert.wants_contact == int(wants_contact):
                return "same"
            alerts_repo.record_choice(
                db, alert.id, person.user_id, wants_contact, person.name, person.username, now
            )
            return "first" if alert.wants_contact is None else "changed"

        recorded = await self.db.transaction(record)
        if recorded is None:
            return Reply(notice=texts.MOVED_ON)
        chosen = texts.CONTACT_YES_BUTTON if wants_contact else texts.CONTACT_NO_BUTTON
        if recorded == "same":  # the same tap again: the reply to it is on screen already
            return Reply(notice=texts.contact_already(chosen))
        hours = self.team_hours
        words = texts.contact_reply(
            wants_contact,
            hours=texts.TEAM_ANY_TIME if hours.always else hours.describe(texts.short_days()),
            when=texts.team_sees(now, hours.next_open(now)),
        )
        if recorded == "changed":
            words = f"{texts.contact_changed(chosen)}\n\n{words}"
        return Reply([Screen(words)], outbox=True)

    async def withdraw(self, user_id: int, alert_id: int) -> bool:
        """/mydata's "Withdraw my request": their name and id leave a contact request nobody in
        the team has picked up yet (as a later "No thanks" would), and every team message that showed
        them once the outbox edits it; False if it is not such a one."""
        now = self._clock()

        def forget(db: Connection) -> bool:
            pending = [a.id for a in alerts_repo.holding(db, user_id) if is_pending(a)]
            if alert_id not in pending:
                return False
            alerts_repo.record_choice(db, alert_id, user_id, False, None, None, now)
            return True

        return await self.db.transaction(forget)

    def forget_pending_in(self, db: Connection, user_id: int) -> int:
        """/deleteme, inside its transaction: who they are leaves every alert not yet picked up
        (a choice still being made goes to the team now, anonymously). Those a worker took on keep
        it, to keep them safe, until retention clears it. Returns how many requests it cleared."""
        pending = [a for a in alerts_repo.holding(db, user_id) if a.state != "acknowledged"]
        for alert in pending:
            alerts_repo.record_choice(db, alert.id, user_id, False, None, None, self._clock())
        return sum(a.wants_contact == 1 for a in pending)

    async def due(self) -> list[AlertGroup]:
        """Groups with alerts to post now; those whose young person did not choose in time go
        anonymously. Flood marks older than the window are forgotten here (every run)."""
        now = self._clock()

        def collect(db: Connection) -> list[AlertGroup]:
            alerts_repo.anonymise_unanswered(db, now)
            alerts_repo.forget_sender_marks(db, now - FLOOD_WINDOW)
            alerts_repo.settle_refreshes(db)
            groups = [
                _group(lead, alerts_repo.group(db, lead), now) for lead in alerts_repo.due_groups(db, now)
            ]
            return [replace(g, stale=tuple(alerts_repo.posts_of(db, g.refresh))) for g in groups]

        return await self.db.transaction(collect)

    async def posted(self, alert_ids: list[int], chat_id: int, message_id: int) -> None:
        """These alerts are in that team message now, as they are now (until the next reminder): a
        new one, or the group's current one edited to add them."""
        next_post = self._clock() + self.repost_after
        await self.db.transaction(
            lambda db: alerts_repo.mark_posted(db, alert_ids, chat_id, message_id, next_post)
        )

    async def refreshed(self, alert_ids: Sequence[int], chat_id: int, message_id: int) -> None:
        """That team message no longer shows who withdrew these alerts' requests (edited, or gone);
        once none does, nothing is left to edit."""
        await self.db.transaction(lambda db: alerts_repo.refreshed(db, alert_ids, chat_id, message_id))

    async def retry_later(self, group: AlertGroup, alert_ids: list[int], wait: timedelta) -> None:
        """Post these alerts, and edit the group's messages if due, after `wait`."""
        when = self._clock() + wait

        def record(db: Connection) -> None:
            alerts_repo.retry_later(db, alert_ids, when)
            alerts_repo.refresh_later(db, group.refresh, when)

        await self.db.transaction(record)

    async def acknowledge(self, alert_id: int, worker_id: int) -> tuple[bool, list[Alert]]:
        """A worker takes on an alert's group: every alert of it the team has been shown.
        (Whether this worker's acknowledgement was recorded, the group's acknowledged alerts.)"""
        now = self._clock()

        def record(db: Connection) -> tuple[bool, list[Alert]]:
            lead_id = alerts_repo.group_of(db, alert_id)
            if lead_id is None:
                return False, []
            recorded = alerts_repo.acknowledge_group(db, lead_id, worker_id, now) > 0
            taken = [a for a in alerts_repo.group(db, lead_id) if a.state == "acknowledged"]
            return recorded, taken

        return await self.db.transaction(record)
