"""The two bots benchmarks.throughput compares, each run alone in its own process so that its
CPU and memory are its own (the fake Telegram server and the driver live in the parent).

    python -m benchmarks.bots {bot,echo} API_URL TOKEN WORKDIR [--profile FILE]

Talks to the parent one line at a time.  On stdout: ``ready`` once polling, then the update_id
of every handled update (``error <update_id> <exception>`` first if a handler raised).  When the
parent writes a line to stdin (or closes it): ``cpu <seconds used since ready>``, then, once
stopped, ``peak_rss_kb <kB>``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

# A made-up pseudonym key, random enough for the settings to accept it.
BENCHMARK_KEY = "70e9e65b32a3b24eccf828a5e13353190cbcb1821b685828fd6a95df1b3d2482"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]  # as the bot asks for
ECHO_BUTTON = "Tap"
ECHO_KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton(ECHO_BUTTON, callback_data="tap")]])

# The report channel: the original stdout.  Set up by main(), which points fd 1 at stderr so a
# stray print() cannot corrupt the protocol.
_report_fd = 1


def report(line: str) -> None:
    os.write(_report_fd, f"{line}\n".encode())


def rate_limiter() -> AIORateLimiter:
    """The same limiter for both bots, with throttling off.

    Rates of 0 disable AIORateLimiter's overall (30 messages/s) and per-group pacing, which
    would otherwise be the thing both benchmarks measure; retrying a 429 is kept as in production.
    """
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)


class ReportingApplication(Application):
    """Tells the parent when each update has been handled (as tests' TrackedApplication does)."""

    async def process_update(self, update: object) -> None:
        try:
            await super().process_update(update)
        finally:
            if isinstance(update, Update):
                report(str(update.update_id))

    async def process_error(
        self, update: object | None, error: Exception, job: Any = None, coroutine: Any = None
    ) -> bool:
        update_id = update.update_id if isinstance(update, Update) else "-"
        report(f"error {update_id} {error!r}".replace("\n", " "))
        return await super().process_error(update, error, job=job, coroutine=coroutine)


async def _serve(profile: Path | None) -> None:
    """Handle updates until the parent says stop; report the CPU used meanwhile."""
    profiler = cProfile.Profile() if profile else None
    report("ready")
    started = time.process_time()  # every thread of the bot's process, not just the event loop
    if profiler:
        profiler.enable()
    await asyncio.to_thread(sys.stdin.readline)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    report(f"cpu {time.process_time() - started:.3f}")


async def run_bot(api_url: str, token: str, workdir: Path, profile: Path | None) -> None:
    """The real bot, as `python -m bot run` builds it, on a fresh database in `workdir`."""
    from bot.config import load_settings
    from bot.conversation import open_conversation
    from bot.telegram.app import build_application, running

    settings = load_settings(
        telegram_bot_token=token,
        telegram_api_url=api_url,
        database_path=workdir / "youthvoice.sqlite3",
        surveys_dir=workdir / "surveys",
        pseudonym_key=BENCHMARK_KEY,
    )
    async with open_conversation(settings, settings.database_path) as conversation:
        application = build_application(
            settings, conversation, application_class=ReportingApplication, rate_limiter=rate_limiter()
        )
        async with running(application, poll_timeout=1):
            await _serve(profile)


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text, reply_markup=ECHO_KEYBOARD)


async def _tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None and update.effective_chat is not None
    await update.callback_query.answer()
    # The button again, so the driver has a real button (with the data the bot sent) to tap next.
    await context.bot.send_message(update.effective_chat.id, "Tapped", reply_markup=ECHO_KEYBOARD)


async def run_echo(api_url: str, token: str, workdir: Path, profile: Path | None) -> None:
    """A bare python-telegram-bot echo bot, configured like the real one."""
    del workdir  # it stores nothing
    application = (
        ApplicationBuilder()
        .application_class(ReportingApplication)
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .rate_limiter(rate_limiter())
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, _echo))
    application.add_handler(CallbackQueryHandler(_tapped))
    async with application:
        assert application.updater is not None
        # Polled as bot.telegram.app.running() does, without the command menu.
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, timeout=1)
        await application.start()
        try:
            await _serve(profile)
        finally:
            await application.updater.stop()
            await application.stop()


def peak_rss_kb() -> int:
    """This process's peak resident set size.

    VmHWM belongs to the current program image.  ru_maxrss is only the fallback: Linux carries
    it across exec, so a child spawned from a big parent can report the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


BOTS: dict[str, Callable[[str, str, Path, Path | None], Awaitable[None]]] = {
    "bot": run_bot,
    "echo": run_echo,
}


def main() -> None:
    global _report_fd
    _report_fd = os.dup(1)
    os.dup2(2, 1)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=BOTS)
    parser.add_argument("api_url")
    parser.add_argument("token")
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the event loop here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(BOTS[args.kind](args.api_url, args.token, args.workdir, args.profile))
    report(f"peak_rss_kb {peak_rss_kb()}")


if __name__ == "__main__":
    main()
