"""Sending a consultation's pictures as an album: each uploaded once, then sent by the file_id
Telegram gave it (kept in the database), so a hub's pictures cost one upload, not one per person."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from sqlite3 import Connection

from telegram import Bot, InputMediaPhoto, Message
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.core.screens import Picture
from bot.storage import media_repo
from bot.storage.db import Database

log = logging.getLogger(__name__)


class Pictures:
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
