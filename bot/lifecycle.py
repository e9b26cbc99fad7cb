"""The jobs that keep consultations running, as decisions over the database: which closed
consultations still need their final results posted, who is due one reminder, and what the
retention period says must go. Nothing here lives only in memory; the Telegram side sends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from sqlite3 import Connection
from zoneinfo import ZoneInfo

from bot.core.models import Consultation, PhotoQuestion, SuggestionQuestion, TextQuestion
from bot.core.privacy import pseudonym
from bot.photo_answers import PhotoAnswers
from bot.storage import ideas_repo, lifecycle_repo, repos
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


def is_quiet(moment: datetime, tz: ZoneInfo) -> bool:
    local = moment.astimezone(tz).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


class Lifecycle:
    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        pseudonym_key: bytes,
        retention_days: int,
        tz: ZoneInfo,
        clock: Callable[[], datetime],
        photos: PhotoAnswers,
    ) -> None:
        self.db = db
        self.photos = photos
        self.catalogue = catalogue
        self._key = pseudonym_key
        self._retention = timedelta(days=retention_days)
        self._tz = tz
        self._clock = clock

    def _closed(self, now: datetime) -> list[Consultation]:
        return [c for c in self.catalogue.consultations.values() if c.closes_at and c.closes_at <= now]

    async def closings_due(self) -> list[tuple[Consultation, list[str]]]:
        """Closed consultations whose final results the team has not had, with those results."""
        now = self._clock()

        def gather(db: Connection) -> list[tuple[Consultation, list[str]]]:
            due = []
            started = repos.database_started(db)
            for consultation in self._closed(now):
                assert consultation.closes_at is not None
                if lifecycle_repo.closing_posted(db, consultation.id):
                    continue
                if started is not None and consultation.closes_at < started:
                    continue  # it closed before youthvoice ran here: it has no results to post
                lines = consultation_lines(db, consultation, None, now, questions_shown=None)
                sections = ["🏁 <b>Final results</b>\n" + "\n".join(lines)]
                for result in count_votes(db, consultation):
                    sections += team_result_sections(result)
                due.append((consultation, sections))
            return due

        return await self.db.read(gather)

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

    async def apply_retention(self) -> dict[str, int]:
        """Delete typed answers (text, ideas as typed, reasons for ideas) and photos of consultations closed
        more than RETENTION_DAYS ago; choices, ballots, counts and the moderated ideas themselves
        stay. Returns {consultation id: answers deleted} and logs counts only."""
        now = self._clock()
        expired = [c for c in self._closed(now) if c.closes_at and c.closes_at + self._retention <= now]

        photo_files: list[str] = []

        def purge(db: Connection) -> dict[str, int]:
            typed = (TextQuestion, SuggestionQuestion, PhotoQuestion)
            deleted = {}
            for c in expired:
                photo_files.extend(lifecycle_repo.delete_photos(db, c.id))
                deleted[c.id] = lifecycle_repo.delete_answers(
                    db, c.id, [q.id for q in c.questions if isinstance(q, typed)]
                )
                ideas_repo.forget_wording(db, c.id)
            return deleted

        deleted = {cid: n for cid, n in (await self.db.transaction(purge)).items() if n}
        self.photos.forget(photo_files)
        for consultation_id, count in deleted.items():
            log.info("Retention: deleted %d typed answer(s) of %s", count, consultation_id)
        return deleted
