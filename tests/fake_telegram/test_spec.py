"""The fake checks every request against the Bot API 10.0 specification (spec.py)."""

import json

import pytest
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest

from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.make_bot_api_spec import OUTPUT, SOURCE, render
from tests.fake_telegram.spec import bot_api

BUTTON = {"text": "Yes", "callback_data": "y"}
UPLOAD = ("photo.png", "image/png", b"\x89PNG\r\n\x1a\n")


def form(**values: object) -> dict[str, str]:
    """Parameters as PTB sends them: strings as they are, anything else as JSON."""
    return {name: v if isinstance(v, str) else json.dumps(v) for name, v in values.items()}


@pytest.mark.parametrize(
    ("method", "values", "files"),
    [
        ("getMe", {}, {}),
        ("sendMessage", form(chat_id=1001, text="<b>Hi</b>", parse_mode="HTML"), {}),
        ("sendMessage", form(chat_id="@channel", text="Hi", disable_notification=True), {}),
        ("sendMessage", form(chat_id=1001, text="Hi", reply_markup={"inline_keyboard": [[BUTTON]]}), {}),
        ("sendMessage", form(chat_id=1001, text="Hi", reply_markup={"remove_keyboard": True}), {}),
        ("sendMessage", {"chat_id": 1001, "text": "Hi", "reply_markup": {"inline_keyboard": []}}, {}),
        ("editMessageText", form(chat_id=-100500, message_id=7, text="Hi"), {}),
        ("getUpdates", form(offset=3, timeout=1, allowed_updates=["message"]), {}),
        ("answerCallbackQuery", form(callback_query_id="42", text="Done", show_alert=False), {}),
        (
            "setMyCommands",
            form(commands=[{"command": "start", "description": "Go"}], scope={"type": "default"}),
            {},
        ),
        ("sendPhoto", form(chat_id=1001, caption="A"), {"photo": UPLOAD}),
        ("sendPhoto", form(chat_id=1001, photo="attach://pic"), {"pic": UPLOAD}),
        ("sendPhoto", form(chat_id=1001, photo="AgACAgIAAx0"), {}),  # a file_id
        (
            "sendMediaGroup",
            form(chat_id=1001, media=[{"type": "photo", "media": f"attach://p{i}"} for i in (1, 2)]),
            {"p1": UPLOAD, "p2": UPLOAD},
        ),
    ],
)
def test_valid_calls_pass(method: str, values: dict, files: dict) -> None:
    assert bot_api().problem(method, values, files) is None


@pytest.mark.parametrize(
    ("method", "values", "files", "problem"),
    [
        ("sendMesage", {}, {}, "sendMesage is not a method of Bot API 10.0"),
        ("sendMessage", form(chat_id=1001), {}, "sendMessage: text: required parameter is missing"),
        (
            "sendMessage",
            form(chat_id=1001, text="Hi", colour="red"),
            {},
            "sendMessage: colour: not a parameter of this method",
        ),
        (
            "editMessageText",
            form(chat_id=1001, message_id="seven", text="Hi"),
            {},
            'editMessageText: message_id: expected Integer, got "seven"',
        ),
        (
            "sendMessage",
            {"chat_id": 1.5, "text": "Hi"},
            {},
            "sendMessage: chat_id: expected Integer or String, got 1.5",
        ),
        (  # what /shortlist once sent: InlineKeyboardMarkup([]) is serialised as {}
            "sendMessage",
            form(chat_id=1001, text="Hi", reply_markup={}),
            {},
            "sendMessage: reply_markup: expected InlineKeyboardMarkup or ReplyKeyboardMarkup"
            " or ReplyKeyboardRemove or ForceReply, got {}",
        ),
        (  # a row holding a row: a button one level too deep
            "editMessageReplyMarkup",
            form(chat_id=1001, message_id=7, reply_markup={"inline_keyboard": [[[BUTTON]]]}),
            {},
            "editMessageReplyMarkup: reply_markup.inline_keyboard[0][0]: expected InlineKeyboardButton,"
            ' got [{"text": "Yes", "callback_data": "y"}]',
        ),
        (
            "sendMessage",
            form(
                chat_id=1001,
                text="Hi",
                reply_markup={"inline_keyboard": [[{"text": "Yes", "callback_data": 1}]]},
            ),
            {},
            "sendMessage: reply_markup.inline_keyboard[0][0].callback_data: expected String, got 1",
        ),
        (
            "sendMessage",
            form(chat_id=1001, text="Hi", reply_markup={"inline_keyboard": [[{"callback_data": "y"}]]}),
            {},
            "sendMessage: reply_markup.inline_keyboard[0][0]: InlineKeyboardButton requires field 'text',"
            ' got {"callback_data": "y"}',
        ),
        (
            "sendMessage",
            form(chat_id=1001, text="Hi", reply_markup="{not json"),
            {},
            "sendMessage: reply_markup: expected JSON-serialized InlineKeyboardMarkup or ReplyKeyboardMarkup"
            ' or ReplyKeyboardRemove or ForceReply, got "{not json"',
        ),
        (
            "sendMessage",
            form(chat_id=1001),
            {"text": UPLOAD},
            "sendMessage: text: a file was uploaded, but the spec wants String",
        ),
        (
            "sendMediaGroup",
            form(chat_id=1001, media=[{"type": "photo", "media": "attach://p1"}] * 2),
            {"p1": UPLOAD, "p2": UPLOAD},
            "sendMediaGroup: p2: a file was uploaded that no parameter attaches",
        ),
    ],
)
def test_invalid_calls_are_named(method: str, values: dict, files: dict, problem: str) -> None:
    assert bot_api().problem(method, values, files) == problem


async def test_a_bad_call_through_ptb_is_refused_and_fails_the_test() -> None:
    fake = FakeTelegram()
    with pytest.raises(AssertionError) as failed:
        async with fake:
            fake.user(1001, started=True)
            async with Bot(fake.token, base_url=f"{fake.base_url}/bot") as bot:
                with pytest.raises(BadRequest) as refused:
                    await bot.send_message(1001, "Hi", reply_markup=InlineKeyboardMarkup([]))
    problem = (
        "sendMessage: reply_markup: expected InlineKeyboardMarkup or ReplyKeyboardMarkup"
        " or ReplyKeyboardRemove or ForceReply, got {}"
    )
    assert refused.value.message.lower() == f"{problem} (fake's check against Bot API 10.0)".lower()
    assert str(failed.value) == f"The bot made calls that break Bot API 10.0:\n{problem}"
    assert fake.messages(1001) == []  # refused before it did anything


@pytest.mark.skipif(not SOURCE.exists(), reason=f"no {SOURCE} to compare bot_api_10.json with")
def test_the_compact_spec_is_made_from_api_json() -> None:
    expected = render(json.loads(SOURCE.read_text(encoding="utf-8")))
    assert OUTPUT.read_text(encoding="utf-8") == expected, (
        "run python -m tests.fake_telegram.make_bot_api_spec"
    )
