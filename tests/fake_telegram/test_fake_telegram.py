"""Tests of the fake Telegram server and drivers, through a real PTB Bot / Application."""

import asyncio
import datetime as dtm
import json
import socket
import time
from collections import deque
from collections.abc import Mapping
from typing import Any, NamedTuple

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    ReplyKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fake_telegram import FakeTelegram, configure_builder, polling
from tests.fake_telegram.entities import parse_html
from tests.fake_telegram.server import SECRET_HEADER


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake):
    async with Bot(
        fake.token, base_url=f"{fake.base_url}/bot", base_file_url=f"{fake.base_url}/file/bot"
    ) as tg_bot:
        yield tg_bot


PNG = bytes.fromhex("89504e470d0a1a0a") + b"rest-of-png"
JPEG = b"\xff\xd8\xff" + b"rest-of-jpeg"


def keyboard(*labels_and_data: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in labels_and_data])


# ---------------------------------------------------------------------- basics


async def test_get_me(bot):
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "youthvoice_test_bot")


async def test_wrong_token_and_unknown_method(fake, bot):
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=f"{fake.base_url}/bot"):
            pass  # initialize() calls getMe, which is refused
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendFancyThing", api_kwargs={"chat_id": 1})


async def test_method_names_are_case_insensitive_and_calls_recorded(fake, bot):
    fake.user(1001, started=True)
    await bot.do_api_request("SENDMESSAGE", api_kwargs={"chat_id": 1001, "text": "hi"})
    assert fake.calls[-1].method == "sendMessage"
    assert fake.calls_to("sendmessage") == [{"chat_id": "1001", "text": "hi"}]


async def test_json_body_and_query_string(fake):
    fake.user(1001, started=True)
    url = f"{fake.base_url}/bot{fake.token}/sendMessage"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"chat_id": 1001, "text": "json"}) as response:
            assert (await response.json())["result"]["text"] == "json"
        async with session.get(url, params={"chat_id": "1001", "text": "query"}) as response:
            assert (await response.json())["result"]["text"] == "query"
        async with session.get(url, params={"chat_id": "1001", "text": ""}) as response:
            assert response.status == 400
            assert await response.json() == {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message text is empty",
            }


# ---------------------------------------------------------------------- text limits and HTML


async def test_text_length_counts_utf16(fake, bot):
    fake.user(1001, started=True)
    await bot.send_message(1001, "x" * 4096)
    await bot.send_message(1001, "😀" * 2048)  # 4096 UTF-16 code units
    for text in ("x" * 4097, "😀" * 2049):
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(1001, text)
    # Tags do not count: the limit applies to the text after entity parsing.
    await bot.send_message(1001, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")


async def test_empty_text(fake, bot):
    fake.user(1001, started=True)
    for text, mode in (("   ", None), ("<b></b>", "HTML")):
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(1001, text, parse_mode=mode)


async def test_html_is_parsed_into_entities(fake, bot):
    sam = fake.user(1001, started=True)
    sent = await bot.send_message(
        1001, "<b>Hi</b> &lt;3 <a href='https://x.org'>link</a> 😀<i>é</i>", parse_mode="HTML"
    )
    assert sent.text == "Hi <3 link 😀é"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 2),
        ("text_link", 6, 4),
        ("italic", 13, 1),  # the emoji before it counts two UTF-16 units
    ]
    assert sam.last_message.text == "Hi <3 link 😀é"
    assert sam.last_message.parse_mode == "HTML"


def test_html_parser_details():
    assert parse_html('<pre><code class="language-py">x = 1</code></pre>') == (
        "x = 1",
        [{"type": "pre", "offset": 0, "length": 5, "language": "py"}],
    )
    assert parse_html("<blockquote expandable>q</blockquote> a&nbsp;b &#128512;") == (
        "q a&nbsp;b 😀",
        [{"type": "expandable_blockquote", "offset": 0, "length": 1}],
    )


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("hello <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 6'),
        ("5 < 6", 'Unsupported start tag "" at byte offset 2'),
        ("line<br/>break", 'Unsupported start tag "br/" at byte offset 4'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_html_errors(fake, bot, html, error):
    fake.user(1001, started=True)
    with pytest.raises(BadRequest, match="Can't parse entities") as caught:
        await bot.send_message(1001, html, parse_mode="HTML")
    assert error.lower() in str(caught.value).lower()  # PTB lower-cases the description


async def test_markdown_is_refused_loudly(fake, bot):
    fake.user(1001, started=True)
    with pytest.raises(BadRequest, match=r"(?i)does not implement parse_mode markdownv2"):
        await bot.send_message(1001, "*hi*", parse_mode="MarkdownV2")


# ---------------------------------------------------------------------- keyboards


async def test_callback_data_limit_is_64_bytes(fake, bot):
    fake.user(1001, started=True)
    await bot.send_message(1001, "ok", reply_markup=keyboard(("A", "a" * 64)))
    for data in ("a" * 65, "é" * 33, ""):  # 66 bytes in UTF-8; empty
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(1001, "no", reply_markup=keyboard(("A", data)))


async def test_invalid_keyboards(fake, bot):
    fake.user(1001, started=True)
    too_many = InlineKeyboardMarkup(
        [[InlineKeyboardButton(str(i), callback_data=str(i))] for i in range(101)]
    )
    cases = [
        (too_many, "too many buttons"),
        (json.dumps({"inline_keyboard": [[{"text": "x"}]]}), "Text buttons are unallowed"),
        (json.dumps({"inline_keyboard": [[{"text": "", "callback_data": "x"}]]}), "BUTTON_TEXT"),
        ("{not json", "reply_markup: expected JSON-serialized InlineKeyboardMarkup"),  # spec.py
    ]
    for markup, error in cases:
        with pytest.raises(BadRequest) as caught:
            await bot.send_message(1001, "x", reply_markup=markup)
        assert error.lower() in str(caught.value).lower()
    assert len(fake.spec_violations) == 1
    fake.spec_violations.clear()


async def test_edits(fake, bot):
    fake.user(1001, started=True)
    sent = await bot.send_message(1001, "Pick", reply_markup=keyboard(("A", "a")))
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("Pick", 1001, sent.message_id, reply_markup=keyboard(("A", "a")))
    # Editing the text without reply_markup removes the keyboard, as on Telegram.
    await bot.edit_message_text("Picked", 1001, sent.message_id)
    [message] = fake.messages(1001)
    assert (message.text, message.reply_markup, message.edits, message.edited) == (
        "Picked",
        None,
        1,
        True,
    )
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_reply_markup(1001, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", 1001, 999)
    await bot.delete_message(1001, sent.message_id)
    assert fake.messages(1001)[0].deleted
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", 1001, sent.message_id)


async def test_edits_keep_a_reply_keyboard(fake, bot):
    fake.user(1001, started=True)
    sent = await bot.send_message(1001, "Menu", reply_markup=ReplyKeyboardMarkup([["Help"]]))
    assert fake.messages(1001)[0].buttons == [["Help"]]
    await bot.edit_message_text("Menu!", 1001, sent.message_id)
    assert fake.messages(1001)[0].buttons == [["Help"]]  # only inline keyboards are removed


# ---------------------------------------------------------------------- chats and errors


async def test_chat_refusals(fake, bot):
    sam = fake.user(1001)
    with pytest.raises(Forbidden, match="bot can't initiate conversation"):
        await bot.send_message(1001, "hi")  # Sam never wrote to the bot
    sam.started = True
    sam.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(1001, "hi")
    sam.unblock()
    await bot.send_message(1001, "hi")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(4242, "hi")
    team = fake.group(-100123, "Participation team")
    sent = await bot.send_message(-100123, "report")
    assert (sent.chat.type, sent.chat.title) == ("supergroup", "Participation team")
    assert team.last_text == "report"


async def test_flood_control_and_server_errors(fake, bot, monkeypatch):
    # PTB 22 warns (an error here) on reading RetryAfter.retry_after as int unless opted in.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake.flood_next("sendMessage", retry_after=1)
    fake.fail_next("getMe")
    fake.user(1001, started=True)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(1001, "hi")
    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    await bot.send_message(1001, "hi")  # only the next call failed
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.get_me()
    assert [c.method for c in fake.calls[-3:]] == ["sendMessage", "sendMessage", "getMe"]


async def test_callback_answers(fake, bot):
    sam = fake.user(1001, started=True)
    await bot.send_message(1001, "Pick", reply_markup=keyboard(("A", "a")))
    update = sam.make_callback_update("A")
    query_id = update["callback_query"]["id"]
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)  # not delivered yet
    fake.push_raw_update(update)
    with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
        await bot.answer_callback_query(query_id, text="x" * 201)
    await bot.answer_callback_query(query_id, text="Saved", show_alert=True)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)  # already answered
    assert [(a.text, a.show_alert) for a in fake.callback_answers] == [("Saved", True)]


# ---------------------------------------------------------------------- files


async def test_photos_and_documents(fake, bot):
    fake.user(1001, started=True)
    png = bytes.fromhex("89504e470d0a1a0a") + b"rest-of-png"
    sent = await bot.send_photo(1001, png, caption="<b>chart</b>", parse_mode="HTML")
    assert (sent.caption, sent.caption_entities[0].type) == ("chart", "bold")
    assert fake.messages(1001)[0].photo == png
    again = await bot.send_photo(1001, sent.photo[-1].file_id)  # re-send by file_id
    assert again.photo[-1].file_id == sent.photo[-1].file_id
    with pytest.raises(BadRequest, match="Wrong file identifier/http url specified"):
        await bot.send_photo(1001, "no-such-file-id")
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(1001, b"not an image")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(1001, png, caption="x" * 1025)
    doc = await bot.send_document(1001, b"a,b\n1,2\n", filename="votes.csv")
    assert doc.document.file_name == "votes.csv"
    assert fake.messages(1001)[-1].document == b"a,b\n1,2\n"


async def test_a_file_over_50_mb_is_refused_as_telegram_does(fake, bot):
    fake.user(1001, started=True)
    fifty_mb = 50 * 1024 * 1024
    sent = await bot.send_document(1001, bytes(fifty_mb), filename="just.csv")
    assert sent.document.file_size == fifty_mb
    # PTB has no class for a 413: it is a NetworkError, with Telegram's words.
    for size in (fifty_mb + 1, 61 * 1024 * 1024):  # the second is past what the fake reads at all
        with pytest.raises(NetworkError, match=r"^Request Entity Too Large$"):
            await bot.send_document(1001, bytes(size), filename="too.csv")
    assert [m.document_name for m in fake.messages(1001)] == ["just.csv"]


async def test_user_photo_can_be_downloaded(fake, bot):
    sam = fake.user(1001)
    update = sam.make_message_update(photo=[s.to_json() for s in fake.store_photo(b"\xff\xd8\xffjpeg")])
    file = await bot.get_file(update["message"]["photo"][-1]["file_id"])
    assert bytes(await file.download_as_bytearray()) == b"\xff\xd8\xffjpeg"
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")


# ---------------------------------------------------------------------- albums (sendMediaGroup)


async def test_media_group_mixes_uploads_and_file_ids(fake, bot):
    sam = fake.user(1001, started=True)
    earlier = await bot.send_photo(1001, PNG)
    album = await bot.send_media_group(
        1001,
        [
            InputMediaPhoto(JPEG, caption="<b>Votes</b> by age", parse_mode="HTML"),
            InputMediaPhoto(earlier.photo[-1].file_id),  # re-sent by file_id
            InputMediaPhoto(PNG, caption="x"),
        ],
        reply_parameters=ReplyParameters(earlier.message_id),  # accepted and ignored
        protect_content=True,
        disable_notification=True,
    )
    assert len(album) == 3
    [group_id] = {message.media_group_id for message in album}
    assert isinstance(group_id, str) and group_id.isdigit()
    assert [m.message_id for m in album] == [2, 3, 4]
    assert (album[0].caption, album[0].caption_entities[0].type) == ("Votes by age", "bold")
    assert (album[1].caption, album[2].caption) == (None, "x")
    assert album[1].photo[-1].file_id == earlier.photo[-1].file_id
    assert album[1].photo == earlier.photo  # every size of the re-sent photo

    # What a test of the bot reads: the recorded messages, grouped per album.
    assert [m.photo for m in sam.messages if m.media_group_id] == [JPEG, PNG, PNG]
    [recorded] = sam.albums
    assert [m.message_id for m in recorded] == [2, 3, 4]
    assert recorded[0].caption == "Votes by age"
    assert recorded[0].entities == [{"type": "bold", "offset": 0, "length": 5}]
    assert recorded[0].photo_file_id == album[0].photo[-1].file_id
    assert fake.changed_since(1001, 0)[1:] == recorded
    assert fake.messages(1001)[0].media_group_id is None  # the plain sendPhoto

    # Uploaded photos are stored: downloadable, and reusable alone or in another album.
    file = await bot.get_file(album[0].photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == JPEG
    again = await bot.send_photo(1001, album[0].photo[-1].file_id)
    assert again.photo[-1].file_id == album[0].photo[-1].file_id
    second = await bot.send_media_group(
        1001, [InputMediaPhoto(album[2].photo[0].file_id), InputMediaPhoto(album[0].photo[-1].file_id)]
    )
    assert second[0].media_group_id != group_id
    assert [m.photo for m in sam.albums[-1]] == [PNG, JPEG]


async def test_media_group_of_documents_and_json_body(fake, bot):
    sam = fake.user(1001, started=True)
    docs = await bot.send_media_group(
        1001,
        [InputMediaDocument(b"a,b\n", filename="votes.csv"), InputMediaDocument(b"%PDF", filename="r.pdf")],
        caption="Results",  # PTB puts a group caption on the first item
    )
    assert [(d.document.file_name, d.caption) for d in docs] == [("votes.csv", "Results"), ("r.pdf", None)]
    assert [m.document for m in sam.albums[0]] == [b"a,b\n", b"%PDF"]

    url = f"{fake.base_url}/bot{fake.token}/sendMediaGroup"
    photo_id = fake.store_photo(PNG)[0].file_id
    media = [{"type": "photo", "media": photo_id}, {"type": "photo", "media": photo_id, "caption": "two"}]
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"chat_id": 1001, "media": media}) as response:
            body = await response.json()
            assert [m["caption"] for m in body["result"][1:]] == ["two"]
            assert body["result"][0]["photo"][-1]["width"] == 800  # the largest size
        async with session.post(url, json={"chat_id": 1001, "media": []}) as response:
            assert (await response.json())["description"] == "Bad Request: there are no messages to send"
        for item, error in [
            ({"type": "photo", "media": "attach://nothing"}, "media not found"),
            ({"type": "animation", "media": photo_id}, 'type "animation" can\'t be used in sendMediaGroup'),
        ]:
            async with session.post(url, json={"chat_id": 1001, "media": [media[0], item]}) as response:
                assert (await response.json())[
                    "description"
                ] == f"Bad Request: can't parse InputMedia: {error}"


async def test_media_group_needs_2_to_10_items(fake, bot):
    fake.user(1001, started=True)
    with pytest.raises(BadRequest, match="Media must include 2-10 items"):
        await bot.send_media_group(1001, [InputMediaPhoto(PNG)])
    with pytest.raises(BadRequest, match="Too many messages to send as an album"):
        await bot.send_media_group(1001, [InputMediaPhoto(PNG) for _ in range(11)])
    await bot.send_media_group(1001, [InputMediaPhoto(PNG) for _ in range(10)])
    assert len(fake.messages(1001)) == 10


@pytest.mark.parametrize(
    ("second_item", "error"),
    [
        (
            InputMediaPhoto(b"not an image"),
            'Failed to send message #2 with the error message "image_process_failed"',
        ),
        (InputMediaPhoto(PNG, caption="x" * 1025), "Message caption is too long"),
        (
            InputMediaPhoto(PNG, caption="<foo>", parse_mode="HTML"),
            "Can't parse inputmedia: can't parse entities",
        ),
        (InputMediaPhoto("no-such-file-id"), "Wrong file identifier/http url specified"),
        (
            InputMediaPhoto("https://example.org/chart.png"),  # the fake cannot fetch URLs
            'Failed to send message #2 with the error message "failed to get http url content"',
        ),
        (
            InputMediaDocument(b"a,b\n", filename="votes.csv"),
            "Document can't be mixed with other media types",
        ),
        (InputMediaVideo(b"\x00\x00\x00\x18ftypmp42"), 'does not implement inputmedia of type "video"'),
    ],
)
async def test_media_group_refusals_store_nothing(fake, bot, second_item, error):
    fake.user(1001, started=True)
    with pytest.raises(BadRequest) as caught:
        await bot.send_media_group(1001, [InputMediaPhoto(PNG, caption="x" * 1024), second_item])
    assert error.lower() in str(caught.value).lower()  # PTB lower-cases the description
    assert fake.messages(1001) == []
    assert list(fake._files) == []  # no upload was kept either


async def test_media_group_chat_refusals(fake, bot):
    sam = fake.user(1001, started=True)
    sam.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_media_group(1001, [InputMediaPhoto(PNG), InputMediaPhoto(PNG)])
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_media_group(4242, [InputMediaPhoto(PNG), InputMediaPhoto(PNG)])
    assert fake.messages(1001) == []


async def test_media_group_flood_control(fake, bot, monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake.user(1001, started=True)
    fake.flood_next("sendMediaGroup", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_media_group(1001, [InputMediaPhoto(PNG), InputMediaPhoto(JPEG)])
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert fake.messages(1001) == []
    await bot.send_media_group(1001, [InputMediaPhoto(PNG), InputMediaPhoto(JPEG)])  # only once
    assert [c.method for c in fake.calls[-2:]] == ["sendMediaGroup", "sendMediaGroup"]
    assert len(fake.messages(1001)) == 2


# ---------------------------------------------------------------------- updates


async def test_get_updates_long_poll_and_offset(fake, bot):
    sam = fake.user(1001)
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()  # empty after the timeout
    assert time.monotonic() - started >= 0.9

    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.1)
    pushed = fake.push_raw_update(sam.make_message_update("hello"))
    started = time.monotonic()
    [update] = await poll
    assert time.monotonic() - started < 1  # returned as soon as the update was queued
    assert update.message.text == "hello"
    assert update.update_id == pushed["update_id"]

    assert len(await bot.get_updates()) == 1  # not confirmed yet: delivered again
    assert await bot.get_updates(offset=update.update_id + 1) == ()  # confirmed


async def test_duplicate_delivery_with_the_same_update_id(fake, bot):
    sam = fake.user(1001)
    update = sam.make_message_update("hello")
    fake.push_raw_update(update)
    [first] = await bot.get_updates()
    await bot.get_updates(offset=first.update_id + 1)
    fake.push_raw_update(update)  # redelivered although already confirmed
    [second] = await bot.get_updates(offset=first.update_id + 1)
    assert second.update_id == first.update_id
    assert [u["update_id"] for u in fake.updates] == [first.update_id] * 2


async def test_get_updates_returns_promptly_when_the_server_stops():
    fake = FakeTelegram()
    await fake.start()
    async with Bot(fake.token, base_url=f"{fake.base_url}/bot") as tg_bot:
        poll = asyncio.create_task(tg_bot.get_updates(timeout=30, read_timeout=40))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await fake.stop()
        assert await poll == ()
        assert time.monotonic() - started < 2


async def test_a_second_poller_ends_the_first_with_conflict(fake, bot):
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    # A second bot instance: one Bot never overlaps its own getUpdates calls.
    async with Bot(fake.token, base_url=f"{fake.base_url}/bot") as other_instance:
        assert await other_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


async def test_allowed_updates_discard_other_types(fake, bot):
    sam = fake.user(1001, started=True)
    await bot.send_message(1001, "Pick", reply_markup=keyboard(("A", "a")))
    update = fake.push_raw_update(sam.make_callback_update("A"))
    assert await bot.get_updates(allowed_updates=["message"]) == ()
    with pytest.raises(AssertionError, match="allowed_updates exclude 'callback_query'"):
        await fake.wait_processed(update["update_id"], timeout=0.1)


async def test_wait_processed_explains_timeouts(fake):
    update = fake.push_update({"message": {"message_id": 1}})
    with pytest.raises(AssertionError, match="never fetched it with getUpdates"):
        await fake.wait_processed(update["update_id"], timeout=0.1)


# ---------------------------------------------------------------------- a real Application


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    payload = " ".join(context.args)
    await update.message.reply_text(
        f"Welcome! <b>{payload or 'no topic'}</b>",
        parse_mode="HTML",
        reply_markup=keyboard(("Yes please", "yes"), ("No", "no"), ("Silent", "silent")),
    )


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query.data == "silent":
        return  # forgets query.answer()
    await query.answer("Saved")
    await query.edit_message_text(f"You chose {query.data}")


async def echo_count(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    seen = context.bot_data.setdefault("seen", [])
    seen.append(update.update_id)
    await update.message.reply_text(f"seen {len(seen)}")


async def charts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_media_group(
        [InputMediaPhoto(PNG), InputMediaPhoto(JPEG)], caption="<b>Charts</b>", parse_mode="HTML"
    )


async def boom(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    raise RuntimeError("boom")


async def test_application_end_to_end(fake):
    app = configure_builder(ApplicationBuilder(), fake).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("boom", boom))
    app.add_handler(CommandHandler("charts", charts))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo_count))
    sam = fake.user(1001, "Sam", "sam_k")

    async with polling(app):
        [welcome] = await sam.send("/start hub-design")
        assert welcome.text == "Welcome! hub-design"
        assert welcome.entities == [{"type": "bold", "offset": 9, "length": 10}]
        assert welcome.buttons == [["Yes please"], ["No"], ["Silent"]]
        assert welcome.callback_data("Yes") == "yes"

        [edited] = await sam.press("Yes")
        assert edited is welcome
        assert (edited.text, edited.reply_markup, edited.edits) == ("You chose yes", None, 1)
        assert sam.last_callback_answer == "Saved"

        assert await sam.send_document(file_name="idea.pdf") == []  # no handler for it
        [again] = await sam.send("/start@youthvoice_test_bot")
        chart, table = await sam.send("/charts")  # an album: one message per photo
        assert chart.media_group_id == table.media_group_id is not None
        assert (chart.caption, chart.photo, table.photo) == ("Charts", PNG, JPEG)
        assert sam.albums == [[chart, table]]
        assert again.text == "Welcome! no topic"
        with pytest.raises(AssertionError, match="did not answer the callback query"):
            await sam.press("Silent")
        with pytest.raises(AssertionError, match="No inline button matching 'Maybe'"):
            await sam.press("Maybe")
        # Tapping a button of an old message: its keyboard is gone after the edit.
        with pytest.raises(AssertionError, match="No inline button"):
            await sam.press("No", message=welcome)

        # The same update delivered twice reaches the handlers twice.
        update = sam.make_message_update("hello")
        [first] = await sam.send_raw_update(update)
        [second] = await sam.send_raw_update(update)
        assert (first.text, second.text) == ("seen 1", "seen 2")
        assert app.bot_data["seen"] == [update["update_id"]] * 2
        assert fake.bot_errors == []
        # A crashing handler still counts as processed; the harness records the error.
        assert await sam.send("/boom") == []
        assert [str(e) for e in fake.bot_errors] == ["boom"]
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 2
    assert fake.calls_to("getUpdates")[-1]["timeout"] == "0"  # PTB's final confirming poll


# ---------------------------------------------------------------------- webhook


class Received(NamedTuple):
    headers: Mapping[str, str]
    update: dict


class WebhookEndpoint:
    """A tiny aiohttp server on loopback playing the bot's webhook.

    It records every request and answers the next of `statuses` (200 once they run out), after
    the next of `delays`; with `secret` set, a request without it gets 401.  An update it takes
    (2xx) counts as processed, as the harness would report, so fake.deliver() works.
    """

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.statuses: deque[int] = deque()
        self.delays: deque[float] = deque()
        self.secret: str | None = None
        self.reply: dict[str, Any] | None = None  # a JSON answer naming a method, for Telegram to run
        self.requests: list[Received] = []
        self.url = ""
        self._arrived = asyncio.Event()  # set (and replaced) at each request
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> "WebhookEndpoint":
        app = web.Application()
        app.router.add_post("/hook", self._receive)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/hook"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    @property
    def update_ids(self) -> list[int]:
        return [received.update["update_id"] for received in self.requests]

    async def wait_requests(self, count: int) -> None:
        async with asyncio.timeout(5):
            while len(self.requests) < count:
                await self._arrived.wait()

    async def _receive(self, request: web.Request) -> web.Response:
        assert request.content_type == "application/json"
        update = await request.json()
        self.requests.append(Received(request.headers.copy(), update))
        self._arrived.set()
        self._arrived = asyncio.Event()
        if self.delays:
            await asyncio.sleep(self.delays.popleft())
        if self.secret is not None and request.headers.get(SECRET_HEADER) != self.secret:
            return web.Response(status=401, text="Unauthorized")
        status = self.statuses.popleft() if self.statuses else 200
        if not 200 <= status <= 299:
            return web.Response(status=status, text="not now")
        self.fake.mark_processed(update["update_id"])
        if self.reply is not None:
            return web.json_response(self.reply, status=status)
        return web.Response(status=status)


@pytest.fixture
async def endpoint(fake):
    async with WebhookEndpoint(fake) as server:
        yield server


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def message_update(fake: FakeTelegram, text: str) -> dict:
    """A complete (minimal) message update with a fresh update_id, for fake.deliver()."""
    return {"update_id": fake.next_update_id(), "message": {"message_id": 1, "text": text}}


async def raw_call(fake: FakeTelegram, method: str, **params: Any) -> dict:
    """Call the fake without PTB, to see Telegram's envelope (descriptions included)."""
    url = f"{fake.base_url}/bot{fake.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, json=params) as response:
        return await response.json()


async def test_webhook_gets_queued_and_new_updates_in_update_id_order(fake, bot, endpoint):
    sam = fake.user(1001)
    first, second = sam.make_message_update("one"), sam.make_message_update("two")
    fake.push_raw_update(second)
    fake.push_raw_update(first)
    assert (await bot.get_webhook_info()).pending_update_count == 2

    assert await bot.set_webhook(endpoint.url, secret_token="s3cret_-Token") is True
    assert fake.webhook_url == endpoint.url
    await fake.wait_delivered()
    assert endpoint.update_ids == [first["update_id"], second["update_id"]]
    assert [r.update for r in endpoint.requests] == [first, second]
    for received in endpoint.requests:
        assert received.headers["Content-Type"] == "application/json"
        assert received.headers[SECRET_HEADER] == "s3cret_-Token"

    # Updates pushed later are posted at once; drivers wait for the bot as with polling.
    third = await fake.deliver(sam.make_message_update("three"))
    assert endpoint.update_ids[-1] == third["update_id"]
    info = await bot.get_webhook_info()
    assert (info.pending_update_count, info.last_error_message) == (0, None)


async def test_webhook_retries_an_update_until_the_bot_answers_2xx(fake, bot, endpoint):
    endpoint.statuses.extend([500, 503, 204])  # any 2xx will do, as on Telegram
    update = fake.push_update({"message": {"message_id": 1, "text": "hi"}})
    await bot.set_webhook(endpoint.url)
    started = time.monotonic()
    await fake.wait_delivered()
    assert time.monotonic() - started >= 2 * 0.2  # a pause after each refusal
    assert endpoint.update_ids == [update["update_id"]] * 3
    assert SECRET_HEADER not in endpoint.requests[0].headers  # no secret_token given
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 503 Service Unavailable"
    assert abs(info.last_error_date.timestamp() - time.time()) < 5


async def test_webhook_connection_refused_keeps_the_update(fake, bot):
    url = f"http://127.0.0.1:{free_port()}/hook"
    await bot.set_webhook(url)
    update = fake.push_raw_update(fake.user(1001).make_message_update("hi"))
    with pytest.raises(AssertionError, match="its last error: Connection refused"):
        await fake.wait_delivered(timeout=0.5)
    with pytest.raises(AssertionError, match=r"never reached the bot's webhook .*Connection refused"):
        await fake.wait_processed(update["update_id"], timeout=0.1)
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.last_error_message) == (url, 1, "Connection refused")

    assert await bot.delete_webhook() is True
    assert fake.webhook_url is None
    [polled] = await bot.get_updates()  # still queued for getUpdates
    assert polled.update_id == update["update_id"]


async def test_webhook_read_timeout(fake, bot, endpoint):
    fake.webhook_timeout = 0.2
    endpoint.delays.append(1.0)  # the first answer comes too late
    update = fake.push_update({"message": {"message_id": 1, "text": "hi"}})
    await bot.set_webhook(endpoint.url)
    await fake.wait_delivered()
    assert endpoint.update_ids == [update["update_id"]] * 2
    assert (await bot.get_webhook_info()).last_error_message == "Read timeout expired"


async def test_post_to_webhook_checks_the_secret(fake, bot, endpoint):
    sam = fake.user(1001)
    with pytest.raises(AssertionError, match="No webhook is set"):
        await fake.post_to_webhook(sam.make_message_update("x"), "right")
    endpoint.secret = "right"
    await bot.set_webhook(endpoint.url, secret_token="right")
    forged = sam.make_message_update("forged")
    assert await fake.post_to_webhook(forged, "wrong") == 401
    assert await fake.post_to_webhook(forged, None) == 401
    assert await fake.post_to_webhook(forged, "right") == 200
    assert [SECRET_HEADER in r.headers for r in endpoint.requests] == [True, False, True]
    assert fake.updates == []  # not queued: Telegram never had it
    await fake.deliver(sam.make_message_update("real"))  # Telegram's own requests carry it


async def test_get_updates_while_a_webhook_is_set(fake, bot, endpoint):
    await bot.set_webhook(endpoint.url)
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    assert await raw_call(fake, "getUpdates") == {
        "ok": False,
        "error_code": 409,
        "description": "Conflict: can't use getUpdates method while webhook is active; use"
        " deleteWebhook to delete the webhook first",
    }
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_set_webhook_ends_a_waiting_long_poll(fake, bot, endpoint):
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    await bot.set_webhook(endpoint.url)
    with pytest.raises(Conflict, match="terminated by setWebhook request"):
        await poll


async def test_set_and_delete_webhook_descriptions(fake, endpoint):
    said = [
        (await raw_call(fake, method, **params))["description"]
        for method, params in [
            ("deleteWebhook", {}),
            ("setWebhook", {"url": endpoint.url}),
            ("setWebhook", {"url": endpoint.url}),  # within a second: refused
        ]
    ]
    assert said == ["Webhook is already deleted", "Webhook was set", "Too Many Requests: retry after 1"]
    fake._next_set_webhook_time = 0  # skip Telegram's one-setWebhook-a-second limit
    assert (await raw_call(fake, "setWebhook", url=endpoint.url))["description"] == "Webhook is already set"
    assert await raw_call(fake, "deleteWebhook") == {
        "ok": True,
        "result": True,
        "description": "Webhook was deleted",
    }
    assert (await raw_call(fake, "setWebhook", url=""))["description"] == "Webhook is already deleted"


async def test_set_webhook_is_limited_to_one_a_second(fake, bot, endpoint):
    await bot.set_webhook(endpoint.url)
    with pytest.raises(RetryAfter):
        await bot.set_webhook(endpoint.url, secret_token="other")
    await asyncio.sleep(1.0)
    assert await bot.set_webhook(endpoint.url, secret_token="other")
    await bot.delete_webhook()  # removing one is not limited


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"secret_token": "not secret!"}, "Bad Request: secret token contains unallowed characters"),
        ({"secret_token": "é"}, "Bad Request: secret token contains unallowed characters"),
        ({"secret_token": "a" * 257}, "Bad Request: secret token is too long"),
        ({"url": "ftp://127.0.0.1/hook"}, "Bad Request: invalid webhook URL specified"),
        ({"url": "http://127.0.0.1:99999/hook"}, "Bad Request: invalid webhook URL specified"),
        (
            {"url": "http://bot.example.org/hook"},
            "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
        ),
        (
            {"url": "https://bot.example.org:8080/hook"},
            "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
        ),
        ({"url": "https://10.1.2.3/hook"}, "Bad Request: bad webhook: IP address 10.1.2.3 is reserved"),
        ({"url": "https://[2a00:1450::1]/"}, "Bad Request: bad webhook: IPv6-only addresses are not allowed"),
        ({"ip_address": "8.8.8.8"}, "does not implement setWebhook's ip_address"),
    ],
)
async def test_set_webhook_refusals(fake, endpoint, params, error):
    assert (await raw_call(fake, "setWebhook", url=endpoint.url))["ok"]
    fake._next_set_webhook_time = 0  # skip Telegram's one-setWebhook-a-second limit
    answer = await raw_call(fake, "setWebhook", **{"url": endpoint.url, **params})
    assert (answer["ok"], answer["error_code"]) == (False, 400)
    assert error in answer["description"]
    if "does not implement" not in error:
        # Telegram removes the old webhook before it checks the new one.
        assert fake.webhook_url is None


async def test_set_webhook_accepts_what_telegram_accepts(fake, bot):
    for url, ip_address in [
        (f"http://localhost:{free_port()}/hook", "127.0.0.1"),  # loopback: the fake's exception
        ("bot.example.org:8443/hook", "<unknown>"),  # no scheme: https
        ("https://bot.example.org/hook", "<unknown>"),
        ("https://8.8.8.8:88/hook", "8.8.8.8"),
    ]:
        fake._next_set_webhook_time = 0  # skip Telegram's one-setWebhook-a-second limit
        assert await bot.set_webhook(url, secret_token="a" * 256)
        info = await bot.get_webhook_info()
        assert (info.url, info.ip_address) == (url, ip_address)
    # The fake posts nowhere but loopback, and says so.
    fake.push_update({"message": {"message_id": 1, "text": "hi"}})
    with pytest.raises(AssertionError, match=r"posts only to loopback addresses, not to 8\.8\.8\.8"):
        await fake.wait_delivered(timeout=0.3)


async def test_get_webhook_info(fake, bot, endpoint):
    info = await bot.get_webhook_info()
    assert (info.url, info.has_custom_certificate, info.pending_update_count) == ("", False, 0)
    assert (info.max_connections, info.ip_address, info.allowed_updates) == (None, None, ())
    fake.push_update({"message": {"message_id": 1, "text": "hi"}})
    endpoint.statuses.append(500)
    await bot.set_webhook(endpoint.url, max_connections=5, allowed_updates=["callback_query", "message"])
    await fake.wait_delivered()
    info = await bot.get_webhook_info()
    assert info.to_dict() == {
        "url": endpoint.url,
        "has_custom_certificate": False,
        "pending_update_count": 0,
        "last_error_date": info.to_dict()["last_error_date"],
        "last_error_message": "Wrong response from the webhook: 500 Internal Server Error",
        "max_connections": 5,
        "ip_address": "127.0.0.1",
        "allowed_updates": ["message", "callback_query"],  # in Telegram's order
    }
    await bot.delete_webhook()  # forgets the webhook's error, not allowed_updates
    assert (await raw_call(fake, "getWebhookInfo"))["result"] == {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": 0,
        "allowed_updates": ["message", "callback_query"],
    }


async def test_webhook_respects_allowed_updates(fake, bot, endpoint):
    sam = fake.user(1001, started=True)
    await bot.send_message(1001, "Pick", reply_markup=keyboard(("A", "a")))
    await bot.set_webhook(endpoint.url, allowed_updates=["message"])
    tap = fake.push_raw_update(sam.make_callback_update("A"))
    text = await fake.deliver(sam.make_message_update("hello"))
    assert endpoint.update_ids == [text["update_id"]]
    with pytest.raises(AssertionError, match="allowed_updates exclude 'callback_query'"):
        await fake.wait_processed(tap["update_id"], timeout=0.1)


async def test_delete_webhook_stops_delivery_and_can_drop_updates(fake, bot, endpoint):
    sam = fake.user(1001)
    await bot.set_webhook(endpoint.url)
    await fake.deliver(sam.make_message_update("one"))
    await bot.delete_webhook()
    fake.push_raw_update(sam.make_message_update("two"))
    await asyncio.sleep(0.3)
    assert len(endpoint.requests) == 1
    [polled] = await bot.get_updates()
    assert polled.message.text == "two"
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_webhook_answer_can_call_a_method(fake, bot, endpoint):
    fake.user(1001, started=True)
    await bot.set_webhook(endpoint.url)
    calls_before = len(fake.calls)
    endpoint.reply = {"method": "sendMessage", "chat_id": 1001, "text": "answered in the webhook reply"}
    await fake.deliver(message_update(fake, "hi"))
    assert [m.text for m in fake.messages(1001)] == ["answered in the webhook reply"]
    # Telegram runs no getX, setWebhook or deleteWebhook named in a webhook answer.
    for method in ("getMe", "deleteWebhook"):
        endpoint.reply = {"method": method}
        await fake.deliver(message_update(fake, "hi"))
    assert [c.method for c in fake.calls[calls_before:]] == ["sendMessage"]
    assert fake.webhook_url == endpoint.url


async def test_stop_with_a_webhook_busy_is_prompt():
    fake = FakeTelegram()
    await fake.start()
    async with WebhookEndpoint(fake) as endpoint:
        endpoint.delays.append(10.0)
        async with Bot(fake.token, base_url=f"{fake.base_url}/bot") as tg_bot:
            await tg_bot.set_webhook(endpoint.url)
        fake.push_update({"message": {"message_id": 1, "text": "hi"}})
        await endpoint.wait_requests(1)
        started = time.monotonic()
        await fake.stop()
        assert time.monotonic() - started < 1
