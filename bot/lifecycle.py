"""The jobs that keep consultations running, as decisions over the database: which closed
consultations still need their final results posted, who is due one reminder, and what the
retention periods say must go. Nothing here lives only in memory; the Telegram side sends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from sqlite3 import Connection
from zoneinfo import ZoneInfo

from bot.about_you.profiles import forget_unused
from bot.config import Settings
from bot.core.models import Consultation, PhotoQuestion, SuggestionQuestion, TextQuestion
from bot.core.privacy import first_of_month, pseudonym
from bot.photo_answers import PhotoAnswers
from bot.storage import feedback_repo, ideas_repo, lifecycle_repo, repos
from bot.storage.db import Database
from bot.summaries import consultation_lines
from bot.surveys import Catalogue
from bot.votes import count_votes, team_result_sections

log = logging.getLogger(__name__)

REMIND_AFTER = timedelta(hours=48)
QUIET_FROM, QUIET_UNTIL = time(21, 0), time(8, 0)  # never remind at night, local time


@dataclass(frozen=True)
class Reminder:
    user_id: int
    consultation: Consultation
    respondent: str


@dataclass(frozen=True)
class Retention:
    """How long each kind of record is kept, as council policy sets it (see Settings)."""

    typed_answers: timedelta  # after their consultation closes
    feedback: timedelta  # after it arrived
    quiet_participant: timedelta  # after they last used the bot
    alert_identity: timedelta  # after the team acknowledged the alert

    @classmethod
    def of(cls, settings: Settings) -> Retention:
        return cls(
            timedelta(days=settings.retention_days),
            timedelta(days=settings.feedback_retention_days),
            timedelta(days=settings.quiet_participant_days),
            timedelta(days=settings.alert_identity_days),
        )


@dataclass(frozen=True)
class Purged:
    """What one night's retention deleted, in counts only."""

    answers: dict[str, int]  # typed answers, by consultation
    feedback: int
    participants: int
    alert_identities: int
    answer_addresses: int  # sealed chat numbers of those who waited for an answer
    about_you: int  # "about you" answers not used for as long as a quiet young person's consent


def is_quiet(moment: datetime, tz: ZoneInfo) -> bool:
    local = moment.astimezone(tz).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


class Lifecycle:
    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        pseudonym_key: bytes,
        retention: Retention,
        tz: ZoneInfo,
        clock: Callable[[], datetime],
        photos: PhotoAnswers,
    ) -> None:
        self.db = db
        self.photos = photos
        self.catalogue = catalogue
        self._key = pseudonym_key
        self._retention = retention
        self._tz = tz
        self._clock = clock

    def _closed(self, now: datetime) -> list[Consultation]:
        return [c for c in self.catalogue.consultations.values() if c.closes_at and c.closes_at <= now]

    async def closings_due(self) -> list[tuple[Consultation, list[str]]]:
        """Closed consultations whose final results the team has not had, with those results."""
        now = self._clock()
        closed = self._closed(now)  # from the catalogue on the loop that changes it, not in the thread

        def gather(db: Connection) -> list[tuple[Consultation, list[str]]]:
            due = []
            started = repos.database_started(db)
            for consultation in closed:
                assert consultation.closes_at is not None
                if lifecycle_repo.closing_posted(db, consultation.id):
                    continue
                if started is not None and consultation.closes_at < started:
                    continue  # it closed before youthvoice ran here: it has no results to post
                lines = consultation_lines(db, consultation, None, now, questions_shown=None)
                sections = ["🏁 <b>Final results</b>\n" + "\n".join(lines)]
                for result in count_votes(db, consultation):
                    sections += team_result_sections(result, now)
                due.append((consultation, sections))
            return due

        return await self.db.read_aside(gather)

    async def closing_posted(self, consultation_id: str) -> None:
        now = self._clock()
        await self.db.transaction(lambda db: lifecycle_repo.record_closing(db, consultation_id, now))

    async def reminders_due(self) -> list[Reminder]:
        """One reminder per unfinished response left for 48 hours, to people who asked for updates;
        none during quiet hours."""
        now = self._clock()
        if is_quiet(now, self._tz):
            return []
        open_now = self.catalogue.open_now(now)
        cutoff = (now - REMIND_AFTER).astimezone(UTC)

        def gather(db: Connection) -> list[Reminder]:
            due = []
            for user_id in lifecycle_repo.reminder_candidates(db):
                for consultation in open_now:
                    respondent = pseudonym(self._key, consultation.id, user_id)
                    if lifecycle_repo.unfinished_since(db, consultation.id, respondent, cutoff):
                        due.append(Reminder(user_id, consultation, respondent))
            return due

        return await self.db.read(gather)

    async def reminded(self, reminder: Reminder) -> None:
        day = self._clock().date()
        await self.db.transaction(
            lambda db: lifecycle_repo.record_reminder(db, reminder.consultation.id, reminder.respondent, day)
        )

    async def apply_retention(self) -> Purged:
        """Delete what its retention period has passed for, in one transaction: typed answers (text,
        ideas as typed, reasons for ideas), ideas never approved and photos of consultations closed
        more than RETENTION_DAYS ago (choices, ballots, counts and approved ideas stay);
        feedback older than FEEDBACK_RETENTION_DAYS; the consent and settings of young people
        not seen for QUIET_PARTICIPANT_DAYS, and "about you" unused as long; who sent an alert
        acknowledged ALERT_IDENTITY_DAYS ago. Logs counts only."""
        now = self._clock()
        policy = self._retention
        expired = [c for c in self._closed(now) if c.closes_at and c.closes_at + policy.typed_answers <= now]
        # Someone seen in a month counts as seen at its end, so nobody goes a day early.
        quiet_before = first_of_month((now - policy.quiet_participant).date())

        photo_files: list[str] = []

        def purge(db: Connection) -> Purged:
            typed = (TextQuestion, SuggestionQuestion, PhotoQuestion)
            answers = {}
            for c in expired:
                photo_files.extend(lifecycle_repo.delete_photos(db, c.id))
                answers[c.id] = lifecycle_repo.delete_answers(
                    db, c.id, [q.id for q in c.questions if isinstance(q, typed)]
                )
                ideas_repo.forget_wording(db, c.id)
            return Purged(
                {cid: n for cid, n in answers.items() if n},
                lifecycle_repo.delete_feedback(db, (now - policy.feedback).date()),
                lifecycle_repo.forget_quiet_participants(db, quiet_before),
                lifecycle_repo.forget_alert_identities(db, now - policy.alert_identity),
                feedback_repo.expire_answer_requests(db, now.date()),
                forget_unused(db, quiet_before.isoformat()),
            )

        purged = await self.db.transaction(purge)
        self.photos.forget(photo_files)
        for consultation_id, count in purged.answers.items():
            log.info("Retention: deleted %d typed answer(s) of %s", count, consultation_id)
        log.info(
            "Retention: deleted %d feedback item(s) and the consent of %d young person(s) not seen "
            "for long (and %d young people's sealed 'about you'); cleared who sent %d alert(s) and %d "
            "sealed chat number(s) kept for an answer",
            purged.feedback,
            purged.participants,
            purged.about_you,
            purged.alert_identities,
            purged.answer_addresses,
        )
        return purged
