"""The token never reaches the log; the terminal simulator runs the same journey as Telegram."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from bot import logs
from bot.conversation import open_conversation
from bot.core import i18n, texts
from bot.simulator import Simulator
from tests.conftest import E2E_SURVEYS, TEST_KEY

TOKEN = "123456:SECRET-TOKEN-VALUE"


def test_the_token_is_redacted_from_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RedactSecrets([TOKEN]))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("GET https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise ConnectionError(f"cannot reach /bot{TOKEN}/getUpdates")
        except ConnectionError:
            logger.exception("polling failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output
    assert "bot<token>/getMe" in output and "bot<token>/getUpdates" in output
    assert "ConnectionError" in output  # the traceback is kept, only the secret goes


def test_configure_quietens_httpx_which_logs_urls() -> None:
    logs.configure([TOKEN])
    try:
        assert logging.getLogger("httpx").level == logging.WARNING
        assert logging.getLogger("httpcore").level == logging.WARNING
    finally:
        logging.basicConfig(force=True, handlers=[logging.NullHandler()])


async def simulate(tmp_path: Path, lines: list[str], consultation: str = "") -> tuple[list[str], list]:
    """What the simulator said to someone typing `lines`, and the answers it stored."""
    from bot.config import load_settings

    settings = load_settings(surveys_dir=E2E_SURVEYS, pseudonym_key=TEST_KEY)
    typed = iter(lines)
    said: list[str] = []

    async def ask(prompt: str) -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    async with open_conversation(settings, tmp_path / "sim.sqlite3") as conversation:
        await Simulator(conversation, ask=ask, say=said.append).run(consultation)
        rows = await conversation.db.fetch_all("SELECT question_id, value FROM answers ORDER BY question_id")
    return said, rows


async def test_the_simulator_takes_a_consultation_with_numbers(tmp_path: Path) -> None:
    said, rows = await simulate(tmp_path, ["1", "1", "2", "/help", "4", "5", "Biscuit", "1"], "pets")
    transcript = "\n".join(said)
    assert "[1] ✅ Yes, I agree" in transcript
    assert "Question 2 of 4" in transcript and "[3] ▫️ 🐟 Fish" in transcript
    assert texts.HELP in transcript
    assert texts.THANK_YOU in transcript
    assert {r["question_id"]: r["value"] for r in rows} == {
        "allowed": '"yes"',
        "kinds": '["dog"]',
        "happy": "5",
        "names": '"Biscuit"',
    }


@pytest.mark.parametrize("line", ["/quit", "/exit"])
async def test_the_simulator_stops_on_quit(tmp_path: Path, line: str) -> None:
    from bot.config import load_settings

    settings = load_settings(surveys_dir=E2E_SURVEYS, pseudonym_key=TEST_KEY)
    async with open_conversation(settings, tmp_path / "sim.sqlite3") as conversation:
        assert await Simulator(conversation, say=lambda _: None).handle(line) is False


async def test_the_simulator_speaks_the_language_chosen(tmp_path: Path) -> None:
    said, _ = await simulate(tmp_path, ["1", "/language", "2", "/help"])  # agree, then العربية
    with i18n.speaking("ar"):
        arabic_help = texts.HELP
    assert said[-1].strip() == arabic_help
