"""Sending a question's pictures (as an album) and voice note: each file uploaded once, then sent
by the file_id Telegram gave it (kept in the database), so a hub's pictures cost one upload, not
one per person. A voice note a worker recorded in chat is Telegram's already."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from sqlite3 import Connection

from telegram import Bot, InputMediaPhoto, Message
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.core.models import PREVIEW_MARK
from bot.core.screens import Picture, Voice
from bot.storage import media_repo, recordings_repo
from bot.storage.db import Database

log = logging.getLogger(__name__)


class QuestionMedia:
    def __init__(self, db: Database, folder: Path) -> None:
        self.db = db
        self.folder = folder  # picture paths in consultation files are relative to it

    async def send_album(self, bot: Bot, chat_id: int, pictures: Sequence[Picture]) -> None:
        """Send the pictures; if Telegram refuses the copies it gave us (a new bot token makes
        them unknown), upload afresh once. A picture that cannot go is logged: the question
        still goes after it."""
        try:
            await self._send(bot, chat_id, pictures, reuse=True)
        except BadRequest as error:
            log.warning("Sending pictures by file_id failed (%s); uploading them again", error)
            try:
                await self._send(bot, chat_id, pictures, reuse=False)
            except BadRequest as again:
                log.error("Could not send a question's pictures: %s", again)
        except (OSError, TimedOut, NetworkError) as error:
            log.error("Could not send a question's pictures: %s", error)

    async def _send(self, bot: Bot, chat_id: int, pictures: Sequence[Picture], *, reuse: bool) -> None:
        contents = [(self.folder / picture.path).read_bytes() for picture in pictures]
        digests = [hashlib.sha256(data).hexdigest() for data in contents]
        known: list[str | None] = [None] * len(pictures)
        if reuse:
            known = await self.db.read(
                lambda db: [media_repo.file_id(db, p.path, d) for p, d in zip(pictures, digests, strict=True)]
            )
        album = [
            InputMediaPhoto(file_id or data, caption=picture.caption)
            for picture, data, file_id in zip(pictures, contents, known, strict=True)
        ]
        sent: Sequence[Message] = await bot.send_media_group(chat_id, album)
        uploaded = [
            (picture.path, digest, message.photo[-1].file_id)
            for picture, digest, file_id, message in zip(pictures, digests, known, sent, strict=True)
            if file_id is None and message.photo
        ]

        def remember(db: Connection) -> None:
            for path, digest, file_id in uploaded:
                media_repo.remember(db, path, digest, file_id)

        if uploaded:
            await self.db.transaction(remember)

    async def recorded(self, voice: Voice) -> str | None:
        """The file_id of a worker's recording for this question in this language, if any."""
        consultation = voice.consultation.removesuffix(PREVIEW_MARK)  # a preview plays the real one's
        words = recordings_repo.wording_sha256(voice.words)
        return await self.db.read(
            lambda db: recordings_repo.file_id(db, consultation, voice.question, voice.language, words)
        )

    async def has_voice(self, voice: Voice) -> bool:
        return bool(voice.path) or await self.recorded(voice) is not None

    async def send_voice(self, bot: Bot, chat_id: int, voice: Voice) -> None:
        """The question's voice note: a worker's recording, else the file's. If it cannot go, the
        question still goes after it."""
        try:
            recorded = await self.recorded(voice)
            if recorded is not None:
                await bot.send_voice(chat_id, recorded)
            elif voice.path:
                await self._send_file(bot, chat_id, voice.path)
        except (BadRequest, OSError, TimedOut, NetworkError) as error:
            log.error("Could not send a question's voice note: %s", error)

    async def _send_file(self, bot: Bot, chat_id: int, path: str) -> None:
        data = (self.folder / path).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        known = await self.db.read(lambda db: media_repo.file_id(db, path, digest))
        if known is not None:
            try:
                await bot.send_voice(chat_id, known)
                return
            except BadRequest as error:  # a new bot token makes our file_ids unknown
                log.warning("Sending a voice note by file_id failed (%s); uploading it again", error)
        sent = await bot.send_voice(chat_id, data, filename=Path(path).name)
        if sent.voice is not None:
            file_id = sent.voice.file_id
            await self.db.transaction(lambda db: media_repo.remember(db, path, digest, file_id))
