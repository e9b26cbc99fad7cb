"""An in-process fake of the Telegram Bot API, strict enough that a bot which would fail on
real Telegram fails its tests.

It speaks HTTP like api.telegram.org (``/bot<TOKEN>/<method>``, ``{"ok": ...}`` envelopes,
Telegram's status codes and error descriptions) so the bot under test runs unmodified, with
only ``base_url``/``base_file_url`` pointed here.  Only the methods the bot needs exist; any
other method answers 404 like an unknown method would, which is the hint to extend this file.

Updates reach the bot by getUpdates or, once it has called setWebhook, by POSTs to its
webhook, which a background task of the fake sends as Telegram would (see _deliver_to_webhook).

Every request is first checked against the Bot API 10.0 specification (spec.py): a call that
breaks it is answered 400 and recorded in `spec_violations`, which fails the test when the fake
stops.  Error descriptions copy the real Bot API where known.  Where the fake had to choose a
wording, the comment at the raise says so.
"""

# The waiting methods take a `timeout` argument on purpose (ASYNC109): on expiry they raise an
# AssertionError that explains what the bot did not do, which asyncio.timeout() cannot.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import json
import math
import os
import re
import secrets
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, NamedTuple
from urllib.parse import SplitResult, parse_qsl, urlsplit

import aiohttp
from aiohttp import web

from .driver import Group, User
from .entities import EntityParseError, parse_html, strip_text, utf16_len
from .spec import bot_api

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS_PER_ROW = 8
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_MEDIA_GROUP_ITEMS = 10
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # the most a bot may send in one file

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup of"
    " the specified message are exactly the same as a message content and reply markup of the"
    " current content of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
WRONG_FILE_ID = "Bad Request: wrong file identifier/HTTP URL specified"
# An album whose item Telegram's servers refuse after TDLib accepted it (an image they cannot
# process, a URL they cannot fetch) fails with the item's position (from 1) and the error.
ALBUM_ITEM_FAILED = 'Bad Request: failed to send message #{position} with the error message "{error}"'
GET_UPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
TERMINATED_BY_SET_WEBHOOK = "Conflict: terminated by setWebhook request"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the"
    " webhook first"
)
INVALID_WEBHOOK_URL = "Bad Request: invalid webhook URL specified"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram sends a failed update again at once, then after 2, 4, 8... seconds up to a minute or
# two; the fake retries after this pause every time so tests of a refusing bot stay quick.
WEBHOOK_RETRY_DELAY = 0.2
WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})
DEFAULT_MAX_CONNECTIONS = 40
# A webhook's secret token: at most 256 of these characters ("" means none).
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]*")

# The fields that give an inline button its action; Telegram wants exactly one.
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Update types Telegram sends when a bot never asked for specific ones.
_DEFAULT_UPDATE_EXCLUSIONS = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# Every update type of Bot API 10.0, in the order of Update's fields (getWebhookInfo lists a bot's
# allowed_updates in a fixed order, and leaves out names Telegram does not know).
_UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "guest_message",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
    "managed_bot",
)
# Methods Telegram will not run when a bot names them in its answer to a webhook request.
_NOT_IN_WEBHOOK_REPLY = frozenset({"setwebhook", "deletewebhook", "close", "logout"})
# What Telegram's flood control counts: the messages a bot sends or edits (FloodControl).
_FLOOD_COUNTED = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendvoice",
        "sendmediagroup",  # counted once per album (fake's simplification)
        "editmessagetext",
        "editmessagereplymarkup",
    }
)
# Magic numbers of the image formats Telegram accepts for sendPhoto.
_IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")


def _is_image(data: bytes) -> bool:
    return data.startswith(_IMAGE_SIGNATURES) or data[8:12] == b"WEBP"


class ApiError(Exception):
    """Raised by a method implementation; becomes Telegram's error envelope."""

    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def response(self) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return web.json_response(body, status=self.status)


def too_large() -> ApiError:
    """What Telegram answers a file over MAX_UPLOAD_BYTES, before the method looks at anything."""
    return ApiError(413, "Request Entity Too Large")


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class _Described(NamedTuple):
    """A result whose envelope also carries a description, as setWebhook's and deleteWebhook's do."""

    result: Any
    description: str


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _webhook_address(url: str) -> SplitResult:
    """The URL Telegram posts to: one without a scheme is https (td's parse_url)."""
    target = url if "://" in url else f"https://{url}"
    try:
        parts = urlsplit(target)
        port = parts.port
    except ValueError:
        raise ApiError(400, INVALID_WEBHOOK_URL) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or port == 0:
        raise ApiError(400, INVALID_WEBHOOK_URL)
    return parts


def _webhook_refusal(address: SplitResult) -> str | None:
    """Why Telegram would not take this webhook once it checks the address, or None.

    Real Telegram wants https on port 443, 80, 88 or 8443 and a public IPv4 address (so it
    refuses 127.0.0.1 as reserved).  The fake accepts http or https on any port of a loopback
    address (127.0.0.0/8, ::1, localhost), so tests can run a bot's webhook on loopback.
    """
    host = address.hostname or ""
    if _is_loopback(host):
        return None
    if address.scheme.lower() != "https":
        return "An HTTPS URL must be provided for webhook"
    if (address.port or 443) not in WEBHOOK_PORTS:
        return "Webhook can be set up only on ports 80, 88, 443 or 8443"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None  # a host name: Telegram would resolve it; the fake accepts it, but never posts there
    if ip.version == 6:
        return "IPv6-only addresses are not allowed"
    if not ip.is_global:
        return f"IP address {ip} is reserved"
    return None


@dataclass
class FloodControl:
    """Telegram's flood limits, which the fake applies only when a test opts in
    (`fake.flood_control = FloodControl()`): at most `overall` messages (sent or edited) a bot
    makes in any second, `private` to one private chat in any `private_seconds` (about one a
    second, a short burst let through), and `group` to one group in any minute.  One more is
    refused with Telegram's 429 and `parameters.retry_after`, the whole seconds until the window
    has room, and is not counted.  `clock` is there for tests that move time on by hand."""

    overall: int = 30
    private: int = 3
    private_seconds: float = 3.0
    group: int = 20
    clock: Callable[[], float] = time.monotonic
    refused: int = 0  # 429s answered
    _sent: deque[float] = field(default_factory=deque, repr=False)
    _to_chat: dict[int, deque[float]] = field(default_factory=dict, repr=False)

    def admit(self, chat_id: int) -> None:
        """Count a message to `chat_id`, or raise the 429 if it is one too many."""
        now = self.clock()
        chat = self._to_chat.setdefault(chat_id, deque())
        limit, seconds = (self.private, self.private_seconds) if chat_id > 0 else (self.group, 60.0)
        wait = max(self._wait(self._sent, self.overall, 1.0, now), self._wait(chat, limit, seconds, now))
        if wait > 0:
            self.refused += 1
            retry_after = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
        self._sent.append(now)
        chat.append(now)

    @staticmethod
    def _wait(times: deque[float], limit: int, seconds: float, now: float) -> float:
        """Seconds until a sliding window of `seconds` holding `times` has room for one more."""
        while times and times[0] <= now - seconds:
            times.popleft()
        return times[0] + seconds - now if len(times) >= limit else 0.0


@dataclass
class _Queued:
    update: dict
    handed_out: bool = False  # returned by getUpdates (or posted to the webhook) at least once


@dataclass
class _Webhook:
    """The webhook setWebhook set, and the last error delivering to it (getWebhookInfo)."""

    url: str  # as the bot gave it, as getWebhookInfo reports it
    address: SplitResult  # where the updates go
    secret: str  # "" for none
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None

    @property
    def loopback(self) -> bool:
        return _is_loopback(self.address.hostname or "")

    @property
    def ip_address(self) -> str:
        host = self.address.hostname or ""
        if host.lower() == "localhost":
            return "127.0.0.1"
        try:
            return str(ipaddress.ip_address(host))
        except ValueError:
            return "<unknown>"  # Telegram's word before it has resolved a host name

    def failed(self, message: str) -> None:
        self.last_error_date = int(time.time())
        self.last_error_message = message


class Call(NamedTuple):
    """One API request the bot made (recorded even when it was answered with an error)."""

    method: str  # canonical spelling, e.g. "sendMessage", whatever case the bot used
    params: dict[str, Any]  # form/JSON/query values as sent; uploaded files as bytes


@dataclass
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class StoredFile:
    """A file Telegram knows: uploaded by the bot or sent by a (driver) user."""

    kind: str  # "photo", "document", "sticker" or "voice"
    data: bytes
    file_id: str
    file_unique_id: str
    file_path: str
    extra: dict[str, Any] = field(default_factory=dict)  # width/height, file_name, mime_type...

    def to_json(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            **self.extra,
        }


@dataclass
class SentMessage:
    """A message the bot sent, in its current state (edits applied, deletion flagged)."""

    message_id: int
    chat_id: int
    date: int
    text: str | None = None
    caption: str | None = None
    entities: list[dict] = field(default_factory=list)  # of text, or of caption for media
    parse_mode: str | None = None
    reply_markup: dict | None = None
    photo: bytes | None = None
    photo_file_id: str | None = None  # the largest size
    document: bytes | None = None
    document_file_id: str | None = None
    document_name: str | None = None
    media_group_id: str | None = None  # shared by the messages of one album (sendMediaGroup)
    edits: int = 0
    edit_date: int | None = None
    sent_at: float = field(default_factory=time.monotonic, repr=False)  # when the fake took it
    deleted: bool = False
    # The message's media as Telegram returns it, e.g. ("photo", [PhotoSize, ...]).
    media: tuple[str, Any] | None = field(default=None, repr=False)
    # FakeTelegram.revision when the message was last created/edited/deleted.
    revision: int = field(default=0, repr=False)
    # Its last change only took its buttons away (a menu tidied once a newer one came).
    tidied: bool = field(default=False, repr=False)

    @property
    def edited(self) -> bool:
        return self.edits > 0

    @property
    def inline_keyboard(self) -> list[list[dict]]:
        return (self.reply_markup or {}).get("inline_keyboard", [])

    @property
    def buttons(self) -> list[list[str]]:
        """Labels of the inline keyboard (or of a reply keyboard), row by row."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [[b if isinstance(b, str) else b["text"] for b in row] for row in rows]

    @property
    def button_labels(self) -> list[str]:
        return [label for row in self.buttons for label in row]

    def find_button(self, label: str, *, exact: bool = False) -> dict:
        """The inline button whose text is `label`, or (unless exact) contains it."""
        buttons = [button for row in self.inline_keyboard for button in row]
        matches = [b for b in buttons if b["text"] == label]
        if not matches and not exact:
            matches = [b for b in buttons if label in b["text"]]
        if len(matches) == 1:
            return matches[0]
        problem = "No inline button" if not matches else "Several inline buttons"
        raise AssertionError(
            f"{problem} matching {label!r} in bot message {self.message_id}"
            f" ({(self.text or self.caption or '')[:80]!r}); its buttons: {self.buttons}"
        )

    def callback_data(self, label: str, *, exact: bool = False) -> str:
        button = self.find_button(label, exact=exact)
        if "callback_data" not in button:
            raise AssertionError(f"Button {button['text']!r} has no callback_data: {button}")
        return button["callback_data"]


@dataclass
class _AlbumItem:
    """One InputMedia of a sendMediaGroup request, checked but not stored yet."""

    position: int  # from 1, as Telegram numbers the album's messages in errors
    kind: str  # "photo" or "document"
    media: str  # "attach://<part>", a file_id or a URL
    caption: tuple[str, list[dict], str | None]  # (text, entities, parse_mode) after parsing
    upload: tuple[str, str, bytes] | None = None  # (filename, content type, bytes) of an attach://
    stored: StoredFile | None = None  # the file a file_id names

    @property
    def is_url(self) -> bool:
        return self.upload is None and self.media.startswith(("http://", "https://"))


class _Params:
    """Request parameters: strings from a form/query, or JSON values from a JSON body."""

    def __init__(self, values: dict[str, Any], files: dict[str, tuple[str, str, bytes]]) -> None:
        self.values = values
        self.files = files  # part name -> (filename, content type, bytes)

    def get(self, name: str) -> Any:
        value = self.values.get(name)
        return None if value == "" else value

    def text(self, name: str) -> str | None:
        value = self.get(name)
        return None if value is None else str(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.get(name)
        if value is None:
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"wrong parameter {name} in request") from None  # fake's wording

    def number(self, name: str, default: float) -> float:
        value = self.get(name)
        try:
            return default if value is None else float(value)
        except (TypeError, ValueError):
            raise bad_request(f"wrong parameter {name} in request") from None  # fake's wording

    def flag(self, name: str) -> bool:
        value = self.get(name)
        return value is True or str(value).lower() in ("true", "1")

    def json(self, name: str, error: str) -> Any:
        value = self.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error) from None


class FakeTelegram:
    """The fake Bot API server: start() it, point the bot at base_url, drive it with user()."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "youthvoice_test_bot",
        bot_first_name: str = "YouthVoice Test",
    ) -> None:
        self.token = token
        self.bot_user = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.base_url = ""  # set by start()

        # Records for assertions.
        self.calls: list[Call] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.updates: list[dict] = []  # every update ever queued, duplicates included
        self.bot_errors: list[BaseException] = []  # filled by harness.TrackedApplication
        # Calls that break the Bot API spec (spec.py), answered 400.  Kept apart from bot_errors,
        # which tests clear after errors they caused on purpose; leaving the fake fails on them.
        self.spec_violations: list[str] = []

        self._chats: dict[int, User | Group] = {}
        self._bot_messages: dict[int, dict[int, SentMessage]] = {}  # chat -> id -> message
        self._incoming: dict[int, set[int]] = {}  # chat -> ids of messages users sent
        self._message_ids: dict[int, itertools.count] = {}  # one id sequence per chat
        self._files: dict[str, StoredFile] = {}  # file_id -> file
        self._files_by_path: dict[str, StoredFile] = {}
        self._photo_sizes: dict[str, list[StoredFile]] = {}  # file_id of any size -> all sizes
        self._file_numbers = itertools.count(1)
        self._commands: dict[tuple[str, str], list[dict]] = {}  # (scope, language) -> commands
        self._revision = 0

        # Update queue.  Entries leave it when getUpdates confirms them (offset > update_id),
        # but only once they have been handed out, so a re-delivered update with an old id
        # (push_raw_update) is still delivered once; or when the webhook answers 2xx.
        self._queue: list[_Queued] = []
        self._next_update_id = 1
        self._queued_count: Counter[int] = Counter()
        self._fetched_count: Counter[int] = Counter()
        self._processed_count: Counter[int] = Counter()
        self._discarded: dict[int, str] = {}  # update_id -> type, dropped by allowed_updates
        self._allowed_updates: frozenset[str] | None = None  # None: Telegram's default set
        self._poll_generation = 0
        self._waiting_poll: int | None = None  # generation of the getUpdates waiting, if any
        self._ended_polls: dict[int, str] = {}  # generation -> why it was ended (a 409)

        # Webhook (setWebhook): updates are posted to it by a background task instead.
        self._webhook: _Webhook | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._next_set_webhook_time = 0.0  # Telegram takes one setWebhook with a URL a second
        self.webhook_timeout = 60.0  # seconds Telegram waits for the webhook's answer (read at setWebhook)
        self._open_queries: set[str] = set()
        self._answered_queries: dict[str, CallbackAnswer] = {}
        self._query_ids = itertools.count(int(time.time()) * 1000)
        self._media_group_ids = itertools.count(int(time.time()) * 1_000_000)
        self._failures: dict[str, deque[ApiError]] = {}
        self.flood_control: FloodControl | None = None  # Telegram's flood limits, if a test asks

        # Waiters (long polls, wait_processed) sleep on this event; _wake() replaces it.
        self._changed = asyncio.Event()
        self._stopping = False
        self._runner: web.AppRunner | None = None

        self._methods: dict[str, tuple[str, Callable[[_Params], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "getMyCommands": self._get_my_commands,
                "getUpdates": self._get_updates,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendChatAction": self._send_chat_action,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "sendVoice": self._send_voice,
                "sendMediaGroup": self._send_media_group,
                "getFile": self._get_file,
            }.items()
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        # Bots may upload 50 MB a file (MAX_UPLOAD_BYTES): room for that and the form around it.
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        # handler_cancellation: when the bot abandons a long poll (Updater.stop), the server
        # side stops waiting too instead of lingering until the poll's timeout.
        self._runner = web.AppRunner(
            app,
            handle_signals=False,
            handler_cancellation=True,
            access_log=None,
            shutdown_timeout=1,
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"

    async def stop(self) -> None:
        self._stopping = True
        self._wake()  # open long polls return [] at once
        try:
            await self._close_webhook()
        finally:
            if self._runner is not None:
                await self._runner.cleanup()
                self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        await self.stop()
        if self.spec_violations and exc_type is None:  # an error on its way out says more
            raise AssertionError(
                f"The bot made calls that break {bot_api().version}:\n" + "\n".join(self.spec_violations)
            )

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True

    # ------------------------------------------------------------------ chats (driver side)

    def user(
        self,
        user_id: int | None = None,
        first_name: str = "Sam",
        username: str | None = None,
        *,
        last_name: str | None = None,
        language_code: str | None = "en",
        started: bool = False,
    ) -> User:
        """Register a person with a private chat with the bot and return their driver.

        Until the user has sent the bot something (or `started` is given), the bot cannot
        message them: Telegram answers 403 "bot can't initiate conversation with a user".
        """
        if user_id is None:
            user_id = 1000 + len(self._chats) + 1
        user = User(self, user_id, first_name, username, last_name, language_code)
        user.started = started
        self._register_chat(user_id, user)
        return user

    def group(self, chat_id: int, title: str = "Test group", chat_type: str | None = None) -> Group:
        """Register a group the bot is a member of ("-100..." ids default to supergroups)."""
        if chat_type is None:
            chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
        group = Group(self, chat_id, title, chat_type)
        self._register_chat(chat_id, group)
        return group

    def chat(self, chat_id: int) -> User | Group | None:
        """The user or group the fake knows by this id."""
        return self._chats.get(chat_id)

    def _register_chat(self, chat_id: int, chat: User | Group) -> None:
        if chat_id in self._chats:
            raise ValueError(f"chat {chat_id} is already registered")
        if (chat_id > 0) != isinstance(chat, User):
            raise ValueError("private chats (users) have positive ids, groups negative ones")
        self._chats[chat_id] = chat

    def next_message_id(self, chat_id: int, *, incoming: bool = False) -> int:
        """Next id of the chat's single message sequence (shared by bot and user messages)."""
        message_id = next(self._message_ids.setdefault(chat_id, itertools.count(1)))
        if incoming:
            self._incoming.setdefault(chat_id, set()).add(message_id)
        return message_id

    def new_callback_query_id(self) -> str:
        return str(next(self._query_ids))

    def store_file(self, kind: str, data: bytes, **extra: Any) -> StoredFile:
        """Make `data` a file Telegram knows, with a fresh file_id (served by getFile)."""
        number = next(self._file_numbers)
        folder, suffix = {
            "photo": ("photos", ".jpg"),
            "sticker": ("stickers", ".webp"),
            "voice": ("voice", ".oga"),
        }.get(kind, ("documents", ""))
        if kind == "document":
            suffix = PurePosixPath(extra.get("file_name") or "").suffix
        stored = StoredFile(
            kind=kind,
            data=data,
            file_id=f"{kind[:2].upper()}AC{number:04d}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AQAD{number:04d}{secrets.token_urlsafe(6)}",
            file_path=f"{folder}/file_{number}{suffix}",
            extra=extra,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def store_photo(self, data: bytes) -> list[StoredFile]:
        """A photo as Telegram keeps it: several sizes (here all the same bytes)."""
        sizes = [self.store_file("photo", data, width=side, height=side) for side in (90, 800)]
        for size in sizes:
            self._photo_sizes[size.file_id] = sizes
        return sizes

    # ------------------------------------------------------------------ records

    @property
    def revision(self) -> int:
        """Increases whenever a bot message is created, edited or deleted."""
        return self._revision

    def messages(self, chat_id: int, *, include_deleted: bool = True) -> list[SentMessage]:
        """The bot's messages in a chat, oldest first, in their current state."""
        by_id = self._bot_messages.get(chat_id, {})
        return [m for _, m in sorted(by_id.items()) if include_deleted or not m.deleted]

    def changed_since(self, chat_id: int, revision: int) -> list[SentMessage]:
        """Visible bot messages in the chat sent or edited after `revision`, in that order; not
        one whose change only took its buttons away (an older menu tidied: not a reply)."""
        changed = [
            m for m in self.messages(chat_id, include_deleted=False) if m.revision > revision and not m.tidied
        ]
        return sorted(changed, key=lambda m: m.revision)

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call of `method` (any spelling), in order."""
        return [c.params for c in self.calls if c.method.lower() == method.lower()]

    def callback_answer(self, callback_query_id: str) -> CallbackAnswer | None:
        return self._answered_queries.get(callback_query_id)

    def my_commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        return self._commands.get((self._scope_key(scope), language_code), [])

    def message_json(self, message: SentMessage) -> dict[str, Any]:
        """The message as the Bot API returns it (and puts into callback queries)."""
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot_user,
            "chat": self._chats[message.chat_id].chat_json(),
            "date": message.date,
        }
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.media_group_id is not None:
            data["media_group_id"] = message.media_group_id
        if message.media is not None:
            data[message.media[0]] = message.media[1]
        if message.text is not None:
            data["text"] = message.text
        if message.caption is not None:
            data["caption"] = message.caption
        if message.entities:
            data["entities" if message.text is not None else "caption_entities"] = message.entities
        if message.inline_keyboard:  # Telegram only echoes inline keyboards
            data["reply_markup"] = message.reply_markup
        return data

    # ------------------------------------------------------------------ failure injection

    def fail_next(
        self,
        method: str,
        status: int = 500,
        description: str = "Internal Server Error",
        *,
        parameters: dict | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with this error instead of running it."""
        queue = self._failures.setdefault(method.lower(), deque())
        queue.extend(ApiError(status, description, parameters) for _ in range(times))

    def flood_next(self, method: str, retry_after: int = 1, *, times: int = 1) -> None:
        """Answer the next calls of `method` with Telegram's 429 flood-control error."""
        self.fail_next(
            method,
            429,
            f"Too Many Requests: retry after {retry_after}",
            parameters={"retry_after": retry_after},
            times=times,
        )

    # ------------------------------------------------------------------ updates

    def next_update_id(self) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        return update_id

    def push_update(self, update: dict) -> dict:
        """Queue an update (without update_id); returns it with its new update_id."""
        if "update_id" in update:
            raise ValueError("push_update assigns the update_id; use push_raw_update")
        return self.push_raw_update({"update_id": self.next_update_id(), **update})

    def push_raw_update(self, update: dict) -> dict:
        """Queue a complete update as-is, e.g. a second delivery of the same update_id."""
        update_id = update["update_id"]
        self._next_update_id = max(self._next_update_id, update_id + 1)
        if "callback_query" in update:
            query_id = update["callback_query"]["id"]
            if query_id not in self._answered_queries:
                self._open_queries.add(query_id)
        self._queue.append(_Queued(update))
        self.updates.append(update)
        self._queued_count[update_id] += 1
        self._wake()
        return update

    async def deliver(self, update: dict, *, timeout: float = 10.0) -> dict:
        """Queue a complete update as-is and wait until the bot has processed this delivery."""
        self.push_raw_update(update)
        await self.wait_processed(update["update_id"], timeout=timeout)
        return update

    def mark_processed(self, update_id: int) -> None:
        """Called by the harness when the bot has finished handling an update."""
        self._processed_count[update_id] += 1
        self._wake()

    async def wait_processed(
        self, update_id: int, timeout: float = 10.0, *, times: int | None = None
    ) -> None:
        """Wait until the bot processed the update `times` times (default: every delivery)."""
        wanted = self._queued_count[update_id] if times is None else times
        if await self._wait_until(lambda: self._processed_count[update_id] >= wanted, timeout):
            return
        hook = self._webhook
        webhook_error = ""
        if hook is not None and hook.last_error_message is not None:
            webhook_error = f"; the webhook's last error: {hook.last_error_message}"
        if update_id in self._discarded:
            why = f"Telegram discarded it: the bot's allowed_updates exclude {self._discarded[update_id]!r}"
        elif self._fetched_count[update_id] < wanted and hook is not None:
            why = f"it never reached the bot's webhook {hook.url}{webhook_error}"
        elif self._fetched_count[update_id] < wanted:
            why = "the bot never fetched it with getUpdates (is it polling?)"
        else:
            why = f"the bot fetched it but did not finish processing it (stuck or crashed?){webhook_error}"
        raise AssertionError(
            f"Update {update_id} was not processed {wanted} time(s) within {timeout}s"
            f" (processed {self._processed_count[update_id]}): {why}"
        )

    # ------------------------------------------------------------------ webhook

    @property
    def webhook_url(self) -> str | None:
        """The URL the bot gave setWebhook, or None while it has no webhook (polls)."""
        return self._webhook.url if self._webhook is not None else None

    async def wait_delivered(self, timeout: float = 10.0) -> None:
        """Wait until the webhook has taken every queued update (answered each with 2xx)."""
        done = await self._wait_until(lambda: self._webhook is None or not self._deliverable(), timeout)
        hook = self._webhook
        if hook is None:
            raise AssertionError("No webhook is set: the bot has not called setWebhook (or deleted it)")
        if done:
            return
        raise AssertionError(
            f"The webhook {hook.url} did not take {len(self._deliverable())} update(s) within {timeout}s;"
            f" its last error: {hook.last_error_message}"
        )

    async def post_to_webhook(self, update: dict, secret: str | None) -> int:
        """POST `update` to the webhook now, outside Telegram's queue, with `secret` in the
        secret-token header (no header for None), and return the HTTP status.

        What anyone who learnt the URL could send: for checking that the bot refuses a request
        without the right secret.  The fake's counts (fetched, processed) do not change.
        """
        hook = self._webhook
        if hook is None:
            raise AssertionError("No webhook is set: the bot has not called setWebhook")
        if not hook.loopback:
            raise AssertionError(f"The fake posts only to loopback addresses, not to {hook.url}")
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        async with (
            aiohttp.ClientSession() as session,
            session.post(hook.address.geturl(), data=self._webhook_body(update), headers=headers) as response,
        ):
            await response.read()
            return response.status

    @staticmethod
    def _webhook_body(update: dict) -> bytes:
        return json.dumps(update, ensure_ascii=False, separators=(",", ":")).encode()

    async def _close_webhook(self) -> None:
        """Forget the webhook and stop posting to it (an update being posted stays queued)."""
        task, self._webhook, self._webhook_task = self._webhook_task, None, None
        if task is None:
            return
        task.cancel()
        await asyncio.wait([task])
        if not task.cancelled() and (error := task.exception()) is not None:
            raise error  # a bug in the fake's delivery: loud, not a silent stall

    async def _deliver_to_webhook(self, hook: _Webhook) -> None:
        """Post the queued updates to `hook` until the webhook is closed: one at a time, the
        lowest update_id first, each again after WEBHOOK_RETRY_DELAY until the bot answers 2xx.

        Telegram keeps up to max_connections requests going at once (each chat's updates in
        order), so a bot must not rely on one at a time; the fake keeps it simple.
        """
        timeout = aiohttp.ClientTimeout(total=self.webhook_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                while not self._deliverable():
                    await self._changed.wait()
                queued = min(self._deliverable(), key=lambda q: q.update["update_id"])
                error = await self._post_update(session, hook, queued)
                self._wake()  # wait_delivered, wait_processed
                if error is not None:
                    hook.failed(error)
                    await asyncio.sleep(WEBHOOK_RETRY_DELAY)

    async def _post_update(
        self, session: aiohttp.ClientSession, hook: _Webhook, queued: _Queued
    ) -> str | None:
        """One attempt at posting an update; the error getWebhookInfo would report, or None."""
        if not hook.loopback:
            # Fake's wording: Telegram would resolve the host name and post there.
            host = hook.address.hostname
            return f"the fake Telegram server posts only to loopback addresses, not to {host}"
        headers = {"Content-Type": "application/json"}
        if hook.secret:
            headers[SECRET_HEADER] = hook.secret
        try:
            async with session.post(
                hook.address.geturl(), data=self._webhook_body(queued.update), headers=headers
            ) as response:
                reply = await response.read()
        except aiohttp.ClientSSLError as error:
            return f"SSL error: {error}"  # fake's wording
        except aiohttp.ClientConnectorError as error:  # the bot never saw the update
            errno = error.os_error.errno
            return os.strerror(errno) if errno else str(error)  # e.g. "Connection refused"
        except TimeoutError:
            self._hand_out(queued)
            return "Read timeout expired"
        except aiohttp.ClientError:
            self._hand_out(queued)
            return "Webhook connection closed"  # fake's wording
        self._hand_out(queued)
        if not 200 <= response.status <= 299:
            return f"Wrong response from the webhook: {response.status} {response.reason}"
        self._queue = [q for q in self._queue if q is not queued]
        await self._run_webhook_reply(response.content_type, reply)
        return None

    async def _run_webhook_reply(self, content_type: str, body: bytes) -> None:
        """Run the method a bot may name in its 2xx answer to a webhook request, as Telegram does:
        the bot never sees the result, and getX, setWebhook, deleteWebhook, close and logOut are
        not run (nor methods the fake does not implement)."""
        values: Any = None
        if content_type == "application/json":
            try:
                values = json.loads(body)
            except ValueError:
                return
        elif content_type == "application/x-www-form-urlencoded":
            values = dict(parse_qsl(body.decode(errors="replace")))
        if not isinstance(values, dict):
            return
        method = str(values.pop("method", "")).lower()
        if not method or method in _NOT_IN_WEBHOOK_REPLY or method.startswith("get"):
            return
        entry = self._methods.get(method)
        if entry is not None:
            await self._call(entry, _Params(values, {}))

    # ------------------------------------------------------------------ HTTP

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return ApiError(401, "Unauthorized").response()
        entry = self._methods.get(request.match_info["method"].lower())
        if entry is None:
            return ApiError(404, "Not Found").response()
        try:
            params = await self._read_params(request)
        except ApiError as error:
            return error.response()
        return await self._call(entry, params)

    async def _call(self, entry: tuple[str, Callable[[_Params], Any]], params: _Params) -> web.Response:
        """Run a method (recorded, failed if fail_next said so) and answer with its envelope."""
        name, handler = entry
        self.calls.append(Call(name, {**params.values, **{k: v[2] for k, v in params.files.items()}}))
        problem = bot_api().problem(name, params.values, params.files)
        if problem is not None:
            self.spec_violations.append(problem)
            return bad_request(f"{problem} (fake's check against {bot_api().version})").response()
        failures = self._failures.get(name.lower())
        try:
            if failures:
                raise failures.popleft()
            if self.flood_control is not None and name.lower() in _FLOOD_COUNTED:
                chat_id = str(params.get("chat_id"))
                if re.fullmatch(r"-?\d+", chat_id):  # else the method refuses it as Telegram would
                    self.flood_control.admit(int(chat_id))
            result = await handler(params)
        except ApiError as error:
            return error.response()
        if isinstance(result, _Described):
            return web.json_response({"ok": True, "result": result.result, "description": result.description})
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _read_params(request: web.Request) -> _Params:
        values: dict[str, Any] = dict(request.query)
        files: dict[str, tuple[str, str, bytes]] = {}
        if request.content_type == "application/json":
            values.update(await request.json())
        elif request.body_exists:
            try:
                form = await request.post()
            except web.HTTPRequestEntityTooLarge:
                raise too_large() from None
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    if len(data) > MAX_UPLOAD_BYTES:
                        raise too_large()
                    files[name] = (value.filename, value.content_type, data)
                else:
                    values[name] = value
        return _Params(values, files)

    async def _handle_download(self, request: web.Request) -> web.Response:
        stored = self._files_by_path.get(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=stored.data, content_type="application/octet-stream")

    # ------------------------------------------------------------------ validation helpers

    def _chat(self, params: _Params) -> User | Group:
        """The chat a message goes to, refusing like Telegram would."""
        if params.get("chat_id") is None:
            raise bad_request("chat_id is empty")
        try:
            chat = self._chats.get(int(params.get("chat_id")))
        except ValueError:  # "@channelname" style ids: the fake knows no public chats
            chat = None
        if chat is None:
            raise bad_request("chat not found")
        if isinstance(chat, User):
            if chat.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not chat.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _bot_message(self, params: _Params, action: str) -> SentMessage:
        """The bot message addressed by chat_id + message_id, to "edit" or "delete"."""
        if params.get("inline_message_id") is not None:
            raise bad_request("the fake does not support inline messages")  # fake's wording
        chat_id = params.integer("chat_id")
        message_id = params.integer("message_id")
        if chat_id is None:
            raise bad_request("chat_id is empty")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        if chat_id not in self._chats:
            raise bad_request("chat not found")
        chat = self._chats[chat_id]
        if isinstance(chat, User) and chat.blocked:  # edits are refused like sends
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        message = self._bot_messages.get(chat_id, {}).get(message_id)
        if message is None or message.deleted:
            if action == "edit" and message_id in self._incoming.get(chat_id, set()):
                raise bad_request("message can't be edited")
            raise bad_request(f"message to {action} not found")
        return message

    @staticmethod
    def _formatted(
        params: _Params, text_field: str, entities_field: str
    ) -> tuple[str, list[dict], str | None]:
        """(text, entities, parse_mode) of a text or caption, as Telegram would store it."""
        raw = params.text(text_field) or ""
        parse_mode = params.text("parse_mode")
        entities = params.json(entities_field, f"can't parse {entities_field} JSON object")
        if entities is not None:  # explicit entities win over parse_mode
            text, entities = raw, list(entities)
        elif parse_mode is None:
            text, entities = raw, []
        elif parse_mode.lower() == "html":
            try:
                text, entities = parse_html(raw)
            except EntityParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
        elif parse_mode.lower() in ("markdown", "markdownv2"):
            # Deliberately unsupported so no test passes on unchecked Markdown.
            raise bad_request(
                f"the fake Telegram server does not implement parse_mode {parse_mode};"
                " use HTML or extend tests/fake_telegram"
            )
        else:
            raise bad_request("unsupported parse_mode")
        text, entities = strip_text(text, entities)
        return text, entities, parse_mode

    def _reply_markup(self, params: _Params, *, inline_only: bool = False) -> dict | None:
        """Validate reply_markup (its shape spec.py checked); an inline keyboard without buttons
        counts as none."""
        cant_parse = "can't parse reply keyboard markup JSON object"
        markup = params.json("reply_markup", cant_parse)
        if markup is None:
            return None
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            buttons = [button for row in rows for button in row]
            if len(buttons) > MAX_INLINE_BUTTONS:
                raise bad_request("too many buttons")  # fake's wording
            # Telegram shows at most 8 buttons in one row and refuses wider keyboards.
            if any(len(row) > MAX_INLINE_BUTTONS_PER_ROW for row in rows):
                raise bad_request("too many buttons in a row")  # fake's wording
            for button in buttons:
                self._check_inline_button(button)
            return markup if buttons else None
        if inline_only:
            raise bad_request("inline keyboard expected")  # fake's wording
        if "keyboard" in markup:
            if any(not button["text"] for row in markup["keyboard"] for button in row):
                raise bad_request("keyboard button text is empty")  # fake's wording
            return markup
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return markup
        raise bad_request(cant_parse)

    @staticmethod
    def _check_inline_button(button: dict[str, Any]) -> None:
        prefix = "can't parse inline keyboard button: "
        if not button["text"]:
            raise bad_request("BUTTON_TEXT_INVALID")  # Telegram's MTProto error name
        actions = [name for name in _BUTTON_ACTIONS if name in button]
        if not actions:
            raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
        if len(actions) > 1:  # real Telegram silently uses one of them; the fake insists
            raise bad_request(prefix + f"more than one of {actions} given (fake's check)")
        data = button.get("callback_data")
        if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button and not button["url"].startswith(("http://", "https://", "tg://")):
            raise bad_request("BUTTON_URL_INVALID")  # Telegram's MTProto error name

    def _input_file(self, params: _Params, kind: str) -> StoredFile:
        """The file in a send* call: an upload, a known file_id, or an error."""
        value = params.text(kind)
        upload = params.files.get(kind)
        if value is not None and value.startswith("attach://"):
            upload = params.files.get(value.removeprefix("attach://"))
        if upload is not None:
            filename, content_type, data = upload
            if not data:
                raise bad_request("file must be non-empty")
            if kind == "photo":
                if not _is_image(data):
                    raise bad_request("IMAGE_PROCESS_FAILED")
                return self.store_photo(data)[-1]
            if kind == "voice":  # Telegram works out the duration; the fake says one second
                return self.store_file("voice", data, duration=1, mime_type="audio/ogg")
            return self.store_file(kind, data, file_name=filename, mime_type=content_type)
        if value is None:
            raise bad_request(f"there is no {kind} in the request")
        if value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")  # the fake has no network
        stored = self._files.get(value)
        if stored is None:
            raise ApiError(400, WRONG_FILE_ID)
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    def _touch(self, message: SentMessage) -> None:
        self._revision += 1
        message.revision = self._revision
        message.tidied = False

    def _new_bot_message(self, chat_id: int, **fields: Any) -> SentMessage:
        message = SentMessage(
            message_id=self.next_message_id(chat_id),
            chat_id=chat_id,
            date=int(time.time()),
            **fields,
        )
        self._bot_messages.setdefault(chat_id, {})[message.message_id] = message
        self._touch(message)
        return message

    @staticmethod
    def _scope_key(scope: dict | None) -> str:
        return json.dumps(scope or {"type": "default"}, sort_keys=True)

    # ------------------------------------------------------------------ API methods

    async def _get_me(self, params: _Params) -> dict:
        return self.bot_user

    async def _set_webhook(self, params: _Params) -> _Described:
        # The Bot API server reads a missing url as an empty one: it removes the webhook.
        return await self._change_webhook(params, params.text("url") or "")

    async def _delete_webhook(self, params: _Params) -> _Described:
        return await self._change_webhook(params, "")

    async def _change_webhook(self, params: _Params, url: str) -> _Described:
        """setWebhook ("" removes it) and deleteWebhook, step by step as the Bot API server does.

        Like Telegram, a changed webhook first ends any waiting getUpdates and removes the old
        webhook (and drops pending updates if asked), and only then checks the new URL and
        secret: a refused setWebhook leaves no webhook behind.
        """
        for unsupported in ("certificate", "ip_address"):
            if params.get(unsupported) is not None or unsupported in params.files:
                raise bad_request(
                    f"the fake Telegram server does not implement setWebhook's {unsupported};"
                    " extend tests/fake_telegram"
                )
        allowed = self._allowed_updates_param(params)
        now = time.monotonic()
        if url:
            if now < self._next_set_webhook_time:
                raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            self._next_set_webhook_time = now + 1
        secret = (params.text("secret_token") or "") if url else ""
        max_connections = self._max_connections(params) if url else 0
        drop = params.flag("drop_pending_updates")
        hook = self._webhook
        current = (hook.url, hook.secret, hook.max_connections) if hook is not None else ("", "", 0)
        if current == (url, secret, max_connections) and not drop:
            self._remember_allowed_updates(allowed)
            return _Described(True, "Webhook is already set" if url else "Webhook is already deleted")

        if url:
            self._end_long_poll(TERMINATED_BY_SET_WEBHOOK)
        was_set = hook is not None
        await self._close_webhook()
        if drop:
            self._queue.clear()
        self._wake()
        if not url:
            return _Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")
        address = _webhook_address(url)
        if len(secret.encode()) > 256:
            raise bad_request("secret token is too long")
        if not _SECRET_TOKEN.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        self._remember_allowed_updates(allowed)
        refusal = _webhook_refusal(address)
        if refusal is not None:
            raise bad_request(f"bad webhook: {refusal}")
        self._webhook = _Webhook(url, address, secret, max_connections)
        self._webhook_task = asyncio.create_task(self._deliver_to_webhook(self._webhook))
        return _Described(True, "Webhook was set")

    @staticmethod
    def _max_connections(params: _Params) -> int:
        """max_connections as Telegram reads it: default 40, else kept within 1-100."""
        value = params.integer("max_connections")
        return DEFAULT_MAX_CONNECTIONS if value is None else min(max(value, 1), 100)

    async def _get_webhook_info(self, params: _Params) -> dict:
        hook = self._webhook
        info: dict[str, Any] = {
            "url": hook.url if hook is not None else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._deliverable()),
        }
        if hook is not None:
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
            info["max_connections"] = hook.max_connections
            info["ip_address"] = hook.ip_address
        if self._allowed_updates is not None:
            info["allowed_updates"] = [kind for kind in _UPDATE_TYPES if kind in self._allowed_updates]
        return info

    async def _set_my_commands(self, params: _Params) -> bool:
        commands = params.json("commands", "can't parse commands JSON object")  # BotCommands (spec.py)
        if len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            name = command["command"]
            valid_name = 1 <= len(name) <= 32 and all(c.islower() or c.isdigit() or c == "_" for c in name)
            if not valid_name or not name.isascii():
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise bad_request("command description is empty")  # fake's wording
        scope = params.json("scope", "can't parse BotCommandScope JSON object")
        key = (self._scope_key(scope), params.text("language_code") or "")
        self._commands[key] = commands
        return True

    async def _delete_my_commands(self, params: _Params) -> bool:
        scope = params.json("scope", "can't parse BotCommandScope JSON object")
        self._commands.pop((self._scope_key(scope), params.text("language_code") or ""), None)
        return True

    async def _get_my_commands(self, params: _Params) -> list[dict]:
        scope = params.json("scope", "can't parse BotCommandScope JSON object")
        return self.my_commands(scope, params.text("language_code") or "")

    async def _get_updates(self, params: _Params) -> list[dict]:
        if self._webhook is not None:
            # Telegram answers repeated conflicts at most once every 3 s (the others wait); the
            # fake answers at once.
            raise ApiError(409, WEBHOOK_ACTIVE)
        offset = params.integer("offset", 0)
        limit = min(max(params.integer("limit", 100), 1), 100)
        timeout = params.number("timeout", 0)
        self._remember_allowed_updates(self._allowed_updates_param(params))
        if offset > 0:  # confirm every handed-out update before the offset
            self._queue = [q for q in self._queue if not (q.handed_out and q.update["update_id"] < offset)]
        # A newer getUpdates ends an older one still waiting, as on Telegram.
        self._end_long_poll(GET_UPDATES_CONFLICT)
        generation = self._waiting_poll = self._poll_generation
        try:
            await self._wait_until(
                lambda: bool(self._deliverable()) or self._stopping or self._poll_generation != generation,
                timeout,
            )
        finally:
            if self._waiting_poll == generation:
                self._waiting_poll = None
        ended = self._ended_polls.pop(generation, None)
        if ended is not None:
            raise ApiError(409, ended)
        if self._stopping:
            return []
        batch = self._deliverable()[:limit]
        for queued in batch:
            self._hand_out(queued)
        return [queued.update for queued in batch]

    def _end_long_poll(self, reason: str) -> None:
        """Make the getUpdates still waiting, if any, fail with 409 `reason` (abort_long_poll)."""
        if self._waiting_poll is not None:
            self._ended_polls[self._waiting_poll] = reason
            self._waiting_poll = None
        self._poll_generation += 1
        self._wake()

    @staticmethod
    def _allowed_updates_param(params: _Params) -> list[str] | None:
        return params.json("allowed_updates", "can't parse allowed_updates JSON object")

    def _remember_allowed_updates(self, allowed: list[str] | None) -> None:
        if allowed is not None:  # remembered across calls, like Telegram; [] means default
            self._allowed_updates = frozenset(allowed) or None

    def _hand_out(self, queued: _Queued) -> None:
        """Count a delivery of the update to the bot (getUpdates or the webhook)."""
        queued.handed_out = True
        self._fetched_count[queued.update["update_id"]] += 1

    def _deliverable(self) -> list[_Queued]:
        """Queued updates of allowed types; the others are discarded as Telegram would."""

        def allowed(queued: _Queued) -> bool:
            kind = next(k for k in queued.update if k != "update_id")
            if self._allowed_updates is None:
                ok = kind not in _DEFAULT_UPDATE_EXCLUSIONS
            else:
                ok = kind in self._allowed_updates
            if not ok:
                self._discarded[queued.update["update_id"]] = kind
            return ok

        self._queue = [queued for queued in self._queue if allowed(queued)]
        return self._queue

    async def _send_message(self, params: _Params) -> dict:
        chat = self._chat(params)
        text, entities, parse_mode = self._formatted(params, "text", "entities")
        if not text:
            raise bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        markup = self._reply_markup(params)
        message = self._new_bot_message(
            chat.id, text=text, entities=entities, parse_mode=parse_mode, reply_markup=markup
        )
        return self.message_json(message)

    def _caption(self, params: _Params) -> dict[str, Any]:
        return self._caption_fields(*self._formatted(params, "caption", "caption_entities"))

    @staticmethod
    def _caption_fields(caption: str, entities: list[dict], parse_mode: str | None) -> dict[str, Any]:
        """SentMessage fields of a parsed caption, refusing one that is too long."""
        if utf16_len(caption) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        return {"caption": caption or None, "entities": entities, "parse_mode": parse_mode}

    async def _send_photo(self, params: _Params) -> dict:
        chat = self._chat(params)
        caption = self._caption(params)
        markup = self._reply_markup(params)
        # A re-sent file_id may name any size; the message gets the photo's full size list.
        sizes = self._photo_sizes[self._input_file(params, "photo").file_id]
        message = self._new_bot_message(
            chat.id,
            reply_markup=markup,
            photo=sizes[-1].data,
            photo_file_id=sizes[-1].file_id,
            media=("photo", [size.to_json() for size in sizes]),
            **caption,
        )
        return self.message_json(message)

    async def _send_document(self, params: _Params) -> dict:
        chat = self._chat(params)
        caption = self._caption(params)
        markup = self._reply_markup(params)
        stored = self._input_file(params, "document")
        message = self._new_bot_message(
            chat.id,
            reply_markup=markup,
            document=stored.data,
            document_file_id=stored.file_id,
            document_name=stored.extra.get("file_name"),
            media=("document", stored.to_json()),
            **caption,
        )
        return self.message_json(message)

    async def _send_voice(self, params: _Params) -> dict:
        """A voice note, uploaded or by file_id."""
        chat = self._chat(params)
        caption = self._caption(params)
        markup = self._reply_markup(params)
        stored = self._input_file(params, "voice")
        message = self._new_bot_message(
            chat.id, reply_markup=markup, media=("voice", stored.to_json()), **caption
        )
        return self.message_json(message)

    async def _send_media_group(self, params: _Params) -> list[dict]:
        """An album, checked in the order the Bot API server and TDLib check one.

        The server parses every item first ("can't parse InputMedia: ..."), then checks the
        chat; TDLib checks the item count, each item's caption and file as sendPhoto would,
        and which media may be mixed; Telegram's servers then process the files, and an item
        they refuse fails the album with its position.  A refused album stores nothing.
        reply_parameters, disable_notification, protect_content, message_thread_id and the
        like are accepted and ignored; Telegram ignores reply_markup here.
        """
        media = params.json("media", "can't parse media JSON object")  # an Array (spec.py checked)
        items = [self._album_item(params, position, item) for position, item in enumerate(media, 1)]
        chat = self._chat(params)

        if len(items) > MAX_MEDIA_GROUP_ITEMS:
            raise bad_request("too many messages to send as an album")
        if not items:
            raise bad_request("there are no messages to send")
        if len(items) == 1:
            # Telegram documents 2-10 items, but sends a single item as a lone message outside
            # any album; the fake holds bots to the documented contract.
            raise bad_request("media must include 2-10 items (fake's check; use sendPhoto for one photo)")
        for item in items:
            self._caption_fields(*item.caption)
            self._check_album_file(item)
        kinds = {item.kind for item in items}
        if "document" in kinds and len(kinds) > 1:
            raise bad_request("document can't be mixed with other media types")
        for item in items:  # what Telegram's servers refuse after TDLib accepted the album
            error = None
            if item.is_url:
                error = "Failed to get HTTP URL content"  # the fake has no network
            elif item.upload is not None and item.kind == "photo" and not _is_image(item.upload[2]):
                error = "IMAGE_PROCESS_FAILED"
            if error is not None:
                raise ApiError(400, ALBUM_ITEM_FAILED.format(position=item.position, error=error))

        media_group_id = str(next(self._media_group_ids))
        messages = [
            self._new_bot_message(
                chat.id,
                media_group_id=media_group_id,
                **self._store_album_file(item),
                **self._caption_fields(*item.caption),
            )
            for item in items
        ]
        return [self.message_json(message) for message in messages]

    def _album_item(self, params: _Params, position: int, item: dict[str, Any]) -> _AlbumItem:
        """Parse one InputMedia as the Bot API server does, before anything else is checked."""
        prefix = "can't parse InputMedia: "
        try:
            caption = self._formatted(_Params(item, {}), "caption", "caption_entities")
        except ApiError as error:
            reason = error.description.removeprefix("Bad Request: ")
            raise bad_request(prefix + reason[:1].upper() + reason[1:]) from None
        media = item["media"]
        upload = None
        if media.startswith("attach://"):
            upload = params.files.get(media.removeprefix("attach://"))
        if not media.strip() or (media.startswith("attach://") and upload is None):
            raise bad_request(prefix + "media not found")
        kind = item["type"]
        if kind in ("video", "audio", "live_photo"):  # valid album items on Telegram
            raise bad_request(
                f'the fake Telegram server does not implement InputMedia of type "{kind}";'
                " extend tests/fake_telegram"
            )
        if kind == "animation":
            raise bad_request(prefix + 'type "animation" can\'t be used in sendMediaGroup')
        if kind not in ("photo", "document"):
            raise bad_request(prefix + f'type "{kind}" is unsupported')
        return _AlbumItem(position, kind, media, caption, upload)

    def _check_album_file(self, item: _AlbumItem) -> None:
        """Refuse an item's file as sendPhoto/sendDocument would (the URL and image checks
        come later, when Telegram's servers process the files)."""
        if item.upload is not None:
            if not item.upload[2]:
                raise bad_request("file must be non-empty")
        elif not item.is_url:
            stored = self._files.get(item.media)
            if stored is None:
                raise ApiError(400, WRONG_FILE_ID)
            if stored.kind != item.kind:
                raise bad_request(f"can't use file of type {stored.kind.title()} as {item.kind.title()}")
            item.stored = stored

    def _store_album_file(self, item: _AlbumItem) -> dict[str, Any]:
        """The SentMessage media fields of a checked item, storing an upload as a new file."""
        if item.kind == "photo":
            if item.upload is not None:
                sizes = self.store_photo(item.upload[2])
            else:
                assert item.stored is not None
                sizes = self._photo_sizes.get(item.stored.file_id, [item.stored])
            return {
                "photo": sizes[-1].data,
                "photo_file_id": sizes[-1].file_id,
                "media": ("photo", [size.to_json() for size in sizes]),
            }
        stored = item.stored
        if item.upload is not None:
            filename, content_type, data = item.upload
            stored = self.store_file("document", data, file_name=filename, mime_type=content_type)
        assert stored is not None
        return {
            "document": stored.data,
            "document_file_id": stored.file_id,
            "document_name": stored.extra.get("file_name"),
            "media": ("document", stored.to_json()),
        }

    async def _edit_message_text(self, params: _Params) -> dict:
        message = self._bot_message(params, "edit")
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        text, entities, parse_mode = self._formatted(params, "text", "entities")
        if not text:
            raise bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        # No reply_markup in an edit removes the inline keyboard, as on Telegram.
        markup = self._reply_markup(params, inline_only=True)
        current = (message.text, message.entities, self._inline_markup(message))
        if (text, entities, markup) == current:
            raise ApiError(400, NOT_MODIFIED)
        message.text, message.entities, message.parse_mode = text, entities, parse_mode
        return self._edited(message, markup)

    async def _edit_message_reply_markup(self, params: _Params) -> dict:
        message = self._bot_message(params, "edit")
        markup = self._reply_markup(params, inline_only=True)
        if markup == self._inline_markup(message):
            raise ApiError(400, NOT_MODIFIED)
        edited = self._edited(message, markup)
        message.tidied = markup is None
        return edited

    @staticmethod
    def _inline_markup(message: SentMessage) -> dict | None:
        """The markup an edit replaces: only an inline keyboard is part of the message."""
        return message.reply_markup if message.inline_keyboard else None

    def _edited(self, message: SentMessage, markup: dict | None) -> dict:
        if markup is not None or message.inline_keyboard:
            message.reply_markup = markup
        message.edits += 1
        message.edit_date = int(time.time())
        self._touch(message)
        return self.message_json(message)

    async def _delete_message(self, params: _Params) -> bool:
        chat_id = params.integer("chat_id")
        message_id = params.integer("message_id")
        incoming = self._incoming.get(chat_id, set())
        if message_id in incoming:  # bots may delete what users sent them in private chats
            incoming.discard(message_id)
            return True
        message = self._bot_message(params, "delete")
        message.deleted = True
        self._touch(message)
        return True

    async def _answer_callback_query(self, params: _Params) -> bool:
        query_id = params.text("callback_query_id")
        if query_id not in self._open_queries:
            raise ApiError(400, QUERY_INVALID)
        text = params.text("text")
        if text is not None and utf16_len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        answer = CallbackAnswer(query_id, text, params.flag("show_alert"), params.text("url"))
        self._open_queries.discard(query_id)
        self._answered_queries[query_id] = answer
        self.callback_answers.append(answer)
        return True

    async def _send_chat_action(self, params: _Params) -> bool:
        self._chat(params)
        if params.text("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def _get_file(self, params: _Params) -> dict:
        stored = self._files.get(params.text("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return {**stored.to_json(), "file_path": stored.file_path}
