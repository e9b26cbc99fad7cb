"""Drivers that play the people talking to the bot through the fake Telegram server.

A ``User`` is one person in a private chat with the bot: it sends messages and taps inline
buttons by pushing the updates a Telegram client would cause, waits until the bot has
handled them (the harness reports that), and returns what the bot sent or edited meanwhile.
"""

# The waiting methods take a `timeout` argument on purpose (ASYNC109): on expiry they raise an
# AssertionError that explains what the bot did not do, which asyncio.timeout() cannot.
# ruff: noqa: ASYNC109

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .entities import utf16_len

if TYPE_CHECKING:
    from .server import FakeTelegram, SentMessage

# 1x1 transparent PNG: the default photo a user sends (Telegram rejects non-images).
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)


class _Chat:
    """What private chats and groups share: the bot's messages in them."""

    def __init__(self, fake: FakeTelegram, chat_id: int) -> None:
        self.fake = fake
        self.id = chat_id

    @property
    def messages(self) -> list[SentMessage]:
        """The bot's messages in this chat that still exist, oldest first."""
        return self.fake.messages(self.id, include_deleted=False)

    @property
    def albums(self) -> list[list[SentMessage]]:
        """The bot's albums (sendMediaGroup) in this chat, oldest first: each is its messages
        that still exist, in order, sharing one media_group_id."""
        albums: dict[str, list[SentMessage]] = {}
        for message in self.messages:
            if message.media_group_id is not None:
                albums.setdefault(message.media_group_id, []).append(message)
        return list(albums.values())

    @property
    def last_message(self) -> SentMessage:
        messages = self.messages
        if not messages:
            raise AssertionError(f"The bot has sent no (undeleted) message to chat {self.id}")
        return messages[-1]

    @property
    def last_text(self) -> str | None:
        """Text (or caption) of the bot's latest message."""
        message = self.last_message
        return message.text if message.text is not None else message.caption


class Group(_Chat):
    """A group chat the bot is a member of; the bot may post to it."""

    def __init__(self, fake: FakeTelegram, chat_id: int, title: str, chat_type: str) -> None:
        super().__init__(fake, chat_id)
        self.title = title
        self.type = chat_type

    def chat_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "title": self.title}


class User(_Chat):
    """A person in a private chat with the bot (chat id == user id).

    The bot can only message a user after the user has written to it (``started``), and not
    while the user has blocked it (``blocked``) -- as on Telegram.
    """

    def __init__(
        self,
        fake: FakeTelegram,
        user_id: int,
        first_name: str,
        username: str | None,
        last_name: str | None,
        language_code: str | None,
    ) -> None:
        super().__init__(fake, user_id)
        self.first_name = first_name
        self.username = username
        self.last_name = last_name
        self.language_code = language_code
        self.blocked = False
        self.started = False
        self.last_callback_answer: str | None = None  # text of the answer to the last press

    def to_json(self) -> dict[str, Any]:
        """The Telegram User object (``from`` of this person's messages)."""
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        optional = {
            "last_name": self.last_name,
            "username": self.username,
            "language_code": self.language_code,
        }
        return data | {k: v for k, v in optional.items() if v is not None}

    def chat_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        optional = {"last_name": self.last_name, "username": self.username}
        return data | {k: v for k, v in optional.items() if v is not None}

    def block(self) -> None:
        """The user blocks the bot: sends to them now fail with 403."""
        self.blocked = True

    def unblock(self) -> None:
        self.blocked = False

    # ------------------------------------------------------------------ building updates

    def make_message_update(self, text: str | None = None, **content: Any) -> dict:
        """A complete message update (with a fresh update_id) from this user.

        ``content`` holds the other Message fields, e.g. ``photo=[...]`` or ``caption=...``.
        A text starting with "/" gets the bot_command entity Telegram adds.
        """
        message: dict[str, Any] = {
            "message_id": self.fake.next_message_id(self.id, incoming=True),
            "from": self.to_json(),
            "chat": self.chat_json(),
            "date": int(time.time()),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split(maxsplit=1)[0]  # may be "/start@bot_username"
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        message.update(content)
        return {"update_id": self.fake.next_update_id(), "message": message}

    def make_callback_update(
        self, label: str, *, message: SentMessage | None = None, exact: bool = False
    ) -> dict:
        """A complete callback_query update for tapping the button `label`.

        The button is looked up in `message`, or else in the bot's latest message in this
        chat that has an inline keyboard.
        """
        if message is None:
            with_keyboard = [m for m in self.messages if m.inline_keyboard]
            if not with_keyboard:
                raise AssertionError(
                    f"No bot message with an inline keyboard in chat {self.id}; bot messages:"
                    f" {[m.text or m.caption for m in self.messages]}"
                )
            message = with_keyboard[-1]
        # A user taps buttons in their own chat, or in a group they are in (any the fake knows).
        if message.chat_id != self.id and not isinstance(self.fake.chat(message.chat_id), Group):
            raise AssertionError(f"Message {message.message_id} is not in chat {self.id} or a group")
        if message.deleted:
            raise AssertionError(f"Message {message.message_id} was deleted; nothing to tap")
        data = message.callback_data(label, exact=exact)
        return {
            "update_id": self.fake.next_update_id(),
            "callback_query": {
                "id": self.fake.new_callback_query_id(),
                "from": self.to_json(),
                "message": self.fake.message_json(message),
                "chat_instance": f"{self.id}00{self.fake.bot_user['id']}",
                "data": data,
            },
        }

    # ------------------------------------------------------------------ acting

    async def send_raw_update(self, update: dict, *, timeout: float = 10.0) -> list[SentMessage]:
        """Deliver `update` exactly as given (e.g. a second time), wait for the bot, and
        return the bot messages in this chat that were sent or edited meanwhile."""
        revision = self.fake.revision
        self.started = True  # anything the user does opens the chat for the bot
        await self.fake.deliver(update, timeout=timeout)
        return self.fake.changed_since(self.id, revision)

    async def _act(self, update: dict, timeout: float) -> list[SentMessage]:
        if self.blocked:
            raise AssertionError(f"User {self.id} has blocked the bot; call unblock() first")
        return await self.send_raw_update(update, timeout=timeout)

    async def send(self, text: str, *, timeout: float = 10.0) -> list[SentMessage]:
        """Send a text message (commands included) and return the bot's reaction."""
        return await self._act(self.make_message_update(text), timeout)

    async def send_photo(
        self, data: bytes | None = None, caption: str | None = None, *, timeout: float = 10.0
    ) -> list[SentMessage]:
        sizes = self.fake.store_photo(TINY_PNG if data is None else data)
        content: dict[str, Any] = {"photo": [size.to_json() for size in sizes]}
        if caption is not None:
            content["caption"] = caption
        return await self._act(self.make_message_update(**content), timeout)

    async def send_document(
        self,
        data: bytes = b"%PDF-1.4\n%fake\n",
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        *,
        timeout: float = 10.0,
    ) -> list[SentMessage]:
        stored = self.fake.store_file("document", data, file_name=file_name, mime_type=mime_type)
        content: dict[str, Any] = {"document": stored.to_json()}
        if caption is not None:
            content["caption"] = caption
        return await self._act(self.make_message_update(**content), timeout)

    async def send_sticker(self, emoji: str = "👍", *, timeout: float = 10.0) -> list[SentMessage]:
        stored = self.fake.store_file(
            "sticker",
            b"RIFF\x00\x00\x00\x00WEBPVP8 ",
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
            emoji=emoji,
        )
        return await self._act(self.make_message_update(sticker=stored.to_json()), timeout)

    async def send_voice(self, duration: int = 3, *, timeout: float = 10.0) -> list[SentMessage]:
        stored = self.fake.store_file(
            "voice", b"OggS\x00fake-voice", duration=duration, mime_type="audio/ogg"
        )
        return await self._act(self.make_message_update(voice=stored.to_json()), timeout)

    async def press(
        self,
        label: str,
        *,
        message: SentMessage | None = None,
        exact: bool = False,
        timeout: float = 10.0,
    ) -> list[SentMessage]:
        """Tap an inline button (see make_callback_update) and return the bot's reaction.

        Fails if the bot does not answer the callback query: Telegram apps would show a
        loading spinner on the button until it times out.
        """
        update = self.make_callback_update(label, message=message, exact=exact)
        replies = await self._act(update, timeout)
        answer = self.fake.callback_answer(update["callback_query"]["id"])
        if answer is None:
            raise AssertionError(
                f"The bot did not answer the callback query of button {label!r}"
                " (call `await query.answer()`); Telegram would keep showing a spinner"
            )
        self.last_callback_answer = answer.text
        return replies
