"""Photos young people send as answers: cleaned (no metadata, upright, at most 2048 px) and stored
by a random name under the photo folder, tied to their response by a row written in the answer's
transaction, and deleted with the answer (replaced, hidden by a changed answer, /deleteme,
retention). The original file is never written anywhere."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from sqlite3 import Connection

from bot.core.engine import Progress
from bot.core.models import Consultation, PhotoQuestion
from bot.core.privacy import recorded_time
from bot.photos import clean_photo, store_photo
from bot.storage import repos

log = logging.getLogger(__name__)


class PhotoAnswers:
    def __init__(self, directory: Path, clock: Callable[[], datetime]) -> None:
        self.directory = directory
        self.clock = clock

    async def keep(self, data: bytes) -> str:
        """Clean and store a photo; its name. Raises PhotoRejected for anything that is not one.
        Decoding and re-encoding a phone photo takes a few hundred ms: off the event loop."""
        cleaned = await asyncio.to_thread(clean_photo, data)
        return store_photo(self.directory, cleaned)

    def path(self, name: str) -> Path:
        return self.directory / name

    def file(
        self, db: Connection, consultation: Consultation, response_id: int, before: Progress, after: Progress
    ) -> list[str]:
        """Record photos a step added and drop those it replaced or discarded (in the step's
        transaction); returns the names whose files to delete once it has committed."""
        day = recorded_time(self.clock(), anonymous=True).date().isoformat()
        gone = []
        for question in consultation.questions:
            if not isinstance(question, PhotoQuestion):
                continue
            old, new = _photo(before, question.id), _photo(after, question.id)
            if old == new:
                continue
            if new is not None:
                repos.add_photo(db, new, response_id, question.id, day)
            if old is not None:
                repos.drop_photo(db, old)
                gone.append(old)
        return gone

    def forget(self, names: Iterable[str]) -> None:
        """Delete photo files whose rows have gone (a missing file is already what we want)."""
        for name in names:
            self.path(name).unlink(missing_ok=True)

    def sweep(self, db: Connection) -> int:
        """Delete files no row refers to: left by a crash between storing a photo and saving its
        answer. Runs without awaiting, so no photo can be between the two while it looks."""
        if not self.directory.is_dir():
            return 0
        known = repos.all_photo_names(db)
        strays = [p for p in self.directory.iterdir() if p.is_file() and p.name not in known]
        for path in strays:
            path.unlink(missing_ok=True)
        if strays:
            log.info("Deleted %d photo file(s) no answer refers to", len(strays))
        return len(strays)


def _photo(progress: Progress, question_id: str) -> str | None:
    answer = progress.answers.get(question_id)
    if answer is None or answer.skipped or answer.declined or not isinstance(answer.value, str):
        return None
    return answer.value
