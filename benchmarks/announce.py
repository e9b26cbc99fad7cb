"""Announcements at scale: `/announce pets` to every opted-in young person, through Telegram's
flood control, across a SIGKILL of the bot.

    python -m benchmarks.announce [--people 10000] [--quick] [--kill-at 0.5 | --no-kill] [--keep DIR]

A fresh database is made through the bot's own storage code: `--people` young people who agreed
to the privacy notice and asked for updates, and the pets consultation (benchmarks/pets.yaml).
The real program (`python -m bot run`, benchmarks/bot_process.py) runs against the fake Telegram
server with its flood control on (about 30 messages a second overall, one a second to a private
chat, 20 a minute to a group).  A worker sends `/announce pets`; once the bot has asked Telegram
for `--kill-at` of the invitations it is SIGKILLed and started again 0.1 s later, as systemd
would.  When the worker's progress message says the invitation went to everyone, the bot is
stopped with SIGTERM.

It prints: people; messages a second, from the first invitation to the last as the fake saw
them, and again without the restart's gap; the 429s Telegram answered; invitations the fake had
delivered that the killed bot had not recorded (on the wire at the kill, so sent again); lost
(people with no invitation) and doubled (people with more than one); and the bot's peak RSS.
It exits with status 1 if the run is broken (the bot never finished, a handler or job raised, a
bot died by itself or did not stop cleanly); missing the targets (27 messages a second, none lost
or doubled) is reported, not an error.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.bot_process import BotProcess, keep_files, scratch_folder, wait_until
from benchmarks.throughput import CONSULTATION, FIRST_USER_ID
from bot.core import texts
from bot.core.i18n import Reading
from bot.core.privacy import recorded_time
from bot.storage import feedback_repo, repos
from bot.storage.db import Database
from bot.storage.migrate import migrate
from tests.fake_telegram import FakeTelegram, FloodControl

PEOPLE = 10_000
QUICK_PEOPLE = 300
WORKER_ID = 42
RATE_TARGET = 27.0  # 90% of Telegram's ~30 messages a second
FINISHED = "✅ Invitation sent"  # the progress message's head once nobody is left
HANDLER_ERROR = "Error while handling an update"  # bot/telegram/app.py's log line for any raise
LOOK_EVERY = 0.05
RESTART_SECONDS = 0.1  # systemd's default RestartSec
RSS_EVERY = 0.25


@dataclass
class Report:
    people: int
    kill_at: float | None
    seconds: float = 0.0
    invitations: int = 0
    span: float = 0.0  # seconds from the first invitation to the last
    gap: float = 0.0  # the killed bot's last invitation to the next bot's first
    refused: int = 0  # 429s
    unrecorded_at_kill: int = 0
    lost: int = 0
    doubled: int = 0
    peak_rss_mb: float = 0.0
    finished: bool = False
    handler_errors: int = 0
    unexpected_exits: list[int] = field(default_factory=list)
    final_exit: int | None = None
    kept: Path | None = None

    @property
    def broken(self) -> bool:
        return not self.finished or bool(self.handler_errors or self.unexpected_exits) or self.final_exit != 0

    def rate(self, seconds: float) -> float:
        return (self.invitations - 1) / seconds if seconds > 0 else 0.0

    def lines(self) -> list[str]:
        rows = [
            ("people", f"{self.people}"),
            ("invitations delivered", f"{self.invitations}"),
            (
                "messages/s",
                f"{self.rate(self.span):.1f} (first to last, {self.span:.0f} s; target ≥ {RATE_TARGET:.0f})",
            ),
        ]
        if self.kill_at is not None:
            rows += [
                (
                    "  without the restart",
                    f"{self.rate(self.span - self.gap):.1f} (the restart's gap: {self.gap:.1f} s)",
                ),
                (
                    "on the wire at the kill",
                    f"{self.unrecorded_at_kill} (delivered, not yet recorded: sent again)",
                ),
            ]
        rows += [
            ("429s received", f"{self.refused}"),
            ("lost", f"{self.lost} (people with no invitation)"),
            ("doubled", f"{self.doubled} (people with more than one)"),
            ("bot peak RSS", f"{self.peak_rss_mb:.1f} MB"),
            ("handler errors", f"{self.handler_errors}"),
            (
                "bot exits not caused",
                f"{len(self.unexpected_exits)}; last bot's exit on SIGTERM: {self.final_exit}",
            ),
        ]
        kill = "no kill" if self.kill_at is None else f"SIGKILL at {self.kill_at:.0%}"
        head = f"Announcement: {self.people} people, {kill} ({self.seconds:.0f} s)"
        verdict = "BROKEN" if self.broken else "ok"
        tail = [f"  the run's files (database, bot.log): {self.kept}"] if self.kept else []
        return [head, *(f"  {name:<26}{value}" for name, value in rows), f"  run: {verdict}", *tail]


async def _prepare(database: Path, people: int) -> None:
    """A fresh database where `people` young people agreed and asked for updates."""
    db = await Database.open(database)
    try:
        await migrate(db)
        day = recorded_time(datetime.now(UTC), anonymous=True)

        def opt_in(connection: sqlite3.Connection) -> None:
            for user_id in range(FIRST_USER_ID, FIRST_USER_ID + people):
                repos.record_consent(connection, user_id, day, texts.PRIVACY_VERSION, Reading())
                feedback_repo.set_wants_updates(connection, user_id, True)

        await db.transaction(opt_in)
    finally:
        await db.close()


async def _watch_rss(bot: BotProcess, report: Report) -> None:
    while True:
        report.peak_rss_mb = max(report.peak_rss_mb, bot.peak_rss_kb() / 1024)
        await asyncio.sleep(RSS_EVERY)


class _Asked:
    """How many invitations the bot has asked Telegram to send (refused ones too), counted
    incrementally from the fake's record of calls."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.seen = 0
        self.count = 0

    def __call__(self) -> int:
        calls = self.fake.calls
        self.count += sum(
            1
            for call in calls[self.seen :]
            if call.method == "sendMessage" and int(call.params["chat_id"]) != WORKER_ID
        )
        self.seen = len(calls)
        return self.count


def _sent_rows(database: Path) -> int:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)) as db:
        return db.execute("SELECT count(*) FROM announcement_sends WHERE state = 'sent'").fetchone()[0]


def _invitation_times(fake: FakeTelegram, people: int) -> list[list[float]]:
    """When the fake took each person's invitations."""
    return [
        [m.sent_at for m in fake.messages(user_id) if texts.TAKE_PART_BUTTON in m.button_labels]
        for user_id in range(FIRST_USER_ID, FIRST_USER_ID + people)
    ]


def _progress_finished(fake: FakeTelegram) -> bool:
    return any((m.text or "").startswith(FINISHED) for m in fake.messages(WORKER_ID))


async def run(people: int, kill_at: float | None, keep: Path | None = None) -> Report:
    """Run the benchmark; the working directory is kept (in `keep`, or a fresh temporary one) if
    the run is broken."""
    report = Report(people=people, kill_at=kill_at)
    started = time.monotonic()
    with scratch_folder("announce", CONSULTATION) as scratch:
        database = scratch / "youthvoice.sqlite3"
        await _prepare(database, people)
        async with FakeTelegram() as fake:
            fake.flood_control = flood = FloodControl()
            for n in range(people):
                fake.user(FIRST_USER_ID + n, f"Person {n}", started=True)
            worker = fake.user(WORKER_ID, "Wendy", started=True)
            bot = BotProcess(fake, scratch, {"WORKER_IDS": str(WORKER_ID)})
            rss = asyncio.create_task(_watch_rss(bot, report))
            restarted_at = None
            try:
                await bot.start()
                fake.push_raw_update(worker.make_message_update("/announce pets"))
                # It asks first ("Send the invitation … to N young people?"): the worker taps Send.
                await wait_until(lambda: any(m.inline_keyboard for m in worker.messages), 60, LOOK_EVERY)
                fake.push_raw_update(worker.make_callback_update("📣 Send"))
                deadline = time.monotonic() + 120 + people / 20
                if kill_at is not None:
                    asked = _Asked(fake)
                    await wait_until(
                        lambda: asked() >= kill_at * people, deadline - time.monotonic(), LOOK_EVERY
                    )
                    await bot.kill()
                    # systemd's RestartSec: meanwhile the fake takes what the dead bot had written.
                    await asyncio.sleep(RESTART_SECONDS)
                    delivered = sum(1 for times in _invitation_times(fake, people) if times)
                    report.unrecorded_at_kill = delivered - _sent_rows(database)
                    await bot.start()
                    restarted_at = bot.spawned_at
                report.finished = await wait_until(
                    lambda: _progress_finished(fake), deadline - time.monotonic(), LOOK_EVERY
                )
                report.final_exit = await bot.terminate()
            finally:
                rss.cancel()
                await bot.close()
            report.unexpected_exits = bot.unexpected_exits
            report.refused = flood.refused
            each = _invitation_times(fake, people)
        report.lost = sum(1 for times in each if not times)
        report.doubled = sum(1 for times in each if len(times) > 1)
        moments = sorted(moment for times in each for moment in times)
        report.invitations = len(moments)
        if moments:
            report.span = moments[-1] - moments[0]
        if restarted_at is not None:
            before = [moment for moment in moments if moment < restarted_at]
            after = [moment for moment in moments if moment >= restarted_at]
            if before and after:
                report.gap = after[0] - before[-1]
        report.handler_errors = (scratch / "bot.log").read_text(errors="replace").count(HANDLER_ERROR)
        report.seconds = time.monotonic() - started
        if keep is not None or report.broken:
            report.kept = keep_files(scratch, keep, "announce")
        return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, help=f"opted-in young people (default {PEOPLE})")
    parser.add_argument("--quick", action="store_true", help=f"a smoke test: {QUICK_PEOPLE} people")
    parser.add_argument("--kill-at", type=float, default=0.5, help="SIGKILL the bot this far through (0.5)")
    parser.add_argument("--no-kill", action="store_true", help="do not kill the bot")
    parser.add_argument("--keep", type=Path, help="copy the run's files (database, bot.log) here")
    args = parser.parse_args(argv)
    people = args.people or (QUICK_PEOPLE if args.quick else PEOPLE)
    if people < 2 or not 0 < args.kill_at < 1:
        parser.error("--people must be at least 2 and --kill-at between 0 and 1")
    kill_at = None if args.no_kill else args.kill_at
    print(f"Announcement: {people} people ...", flush=True)
    report = asyncio.run(run(people, kill_at, args.keep))
    print("\n".join(report.lines()))
    return 1 if report.broken else 0


if __name__ == "__main__":
    sys.exit(main())
