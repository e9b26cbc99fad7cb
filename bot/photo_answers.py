"""Photos young people send as answers: cleaned (no metadata, upright, at most 2048 px) and stored
by a random name under the photo folder, tied to their response by a row written in the answer's
transaction, and deleted with the answer (replaced, hidden by a changed answer, /deleteme,
retention). The original file is never written anywhere."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from sqlite3 import Connection

from bot.core.engine import Progress
from bot.core.models import Consultation, PhotoQuestion
from bot.core.privacy import recorded_time
from bot.photos import CleanPhoto, clean_photo, store_photo
from bot.storage import repos

log = logging.getLogger(__name__)

# A stored photo (bot.photos.store_photo) or one being written.
OURS = re.compile(r"^(?:[0-9a-f]{32}\.(?:jpg|png)|\.incoming-.*\.part)$")


CLEANING_AT_ONCE = 2


class PhotoAnswers:
    def __init__(self, directory: Path, clock: Callable[[], datetime]) -> None:
        self.directory = directory
        self.clock = clock
        # Different people's updates are handled side by side: a large photo can take 150 MB to
        # decode, so only this many at once.
        self._cleaning = asyncio.Semaphore(CLEANING_AT_ONCE)

    async def keep(self, data: bytes) -> str:
        """Clean and store a photo; its name. Raises PhotoRejected for anything that is not one
        (PIXELS_MAX refuses a decompression bomb before it is decoded). Decoding and re-encoding a
        phone photo takes a few hundred ms, and storing it waits for the disk: both off the event
        loop, so everyone else's updates go on meanwhile."""
        # The file's own time would say when it was sent, to the second: keep only the day.
        day = recorded_time(self.clock(), anonymous=True).timestamp()
        async with self._cleaning:
            cleaned = await asyncio.to_thread(clean_photo, data)
        return await asyncio.to_thread(self._store, cleaned, day)

    def _store(self, cleaned: CleanPhoto, day: float) -> str:
        name = store_photo(self.directory, cleaned)
        os.utime(self.path(name), (day, day))
        return name

    def path(self, name: str) -> Path:
        return self.directory / name

    def file(
        self, db: Connection, consultation: Consultation, response_id: int, before: Progress, after: Progress
    ) -> list[str]:
        """Record photos a step added and drop those it replaced or discarded (in the step's
        transaction); returns the names whose files to delete once it has committed."""
        day = recorded_time(self.clock(), anonymous=True).date().isoformat()
        for question in consultation.questions:
            new = _photo(after, question.id) if isinstance(question, PhotoQuestion) else None
            if new is not None and new != _photo(before, question.id):
                repos.add_photo(db, new, response_id, question.id, day)
        # Whatever the questions are now (a file edited since may have dropped a photo question),
        # a photo none of the answers names any more goes.
        kept = {a.value for a in after.answers.values() if isinstance(a.value, str)}
        if all(a.value in kept for a in before.answers.values() if isinstance(a.value, str)):
            return []  # no answer that could name a photo has gone or changed: nothing to look up
        gone = [name for name in repos.photos_of_responses(db, [response_id]) if name not in kept]
        for name in gone:
            repos.drop_photo(db, name)
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
        # Only names we make: whatever else an operator keeps in the folder is not ours to delete.
        strays = [
            p for p in self.directory.iterdir() if p.is_file() and OURS.match(p.name) and p.name not in known
        ]
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
