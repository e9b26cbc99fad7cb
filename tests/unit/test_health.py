"""`python -m bot health`: read from a real migrated database, the heartbeat and inbox written the way
the intake writes them; and the command itself, run as a supervisor would."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.intake.health import STALE_BEAT, STALE_UPDATE, check
from bot.storage import inbox_repo
from bot.storage.db import Database

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


async def beat(db: Database, mode: str, moment: datetime, progress: datetime | None = None) -> None:
    await db.transaction(lambda c: inbox_repo.beat(c, mode, moment, progress))


async def receive(db: Database, update_ids: list[int], moment: datetime) -> None:
    updates = [(update_id, f'{{"update_id": {update_id}}}') for update_id in update_ids]
    await db.transaction(lambda c: inbox_repo.store(c, updates, moment))


def test_no_database_is_unhealthy(tmp_path: Path) -> None:
    healthy, line = check(tmp_path / "missing.sqlite3", now=NOW)
    assert not healthy
    assert line == f"{tmp_path / 'missing.sqlite3'}: no database (has the bot ever run?)"


def test_a_file_that_is_not_the_bots_database_is_unhealthy(tmp_path: Path) -> None:
    not_a_database = tmp_path / "youthvoice.sqlite3"
    not_a_database.write_text("not SQLite at all\n" * 100)
    healthy, line = check(not_a_database, now=NOW)
    assert not healthy
    assert line.startswith(f"{not_a_database}: cannot read it (")


async def test_never_started_is_unhealthy(db: Database) -> None:
    healthy, line = check(db.path, now=NOW)
    assert not healthy
    assert line == "the bot has not started taking updates"


async def test_fresh_beat_and_empty_inbox_is_healthy(db: Database) -> None:
    await beat(db, "polling", NOW - 15 * SECOND)
    assert check(db.path, now=NOW) == (True, "ok: polling, 0 update(s) waiting")


async def test_a_beat_just_inside_the_limit_is_still_healthy(db: Database) -> None:
    await beat(db, "webhook", NOW - STALE_BEAT)
    assert check(db.path, now=NOW) == (True, "ok: webhook, 0 update(s) waiting")


async def test_stale_beat_is_unhealthy_and_names_the_mode(db: Database) -> None:
    await beat(db, "polling", NOW - STALE_BEAT - SECOND)
    healthy, line = check(db.path, now=NOW)
    assert not healthy
    assert line == f"not polling: last sign of life {int(STALE_BEAT.total_seconds()) + 1} s ago"

    await beat(db, "webhook", NOW - 10 * STALE_BEAT)
    healthy, line = check(db.path, now=NOW)
    assert not healthy
    assert line == f"not webhook: last sign of life {int(10 * STALE_BEAT.total_seconds())} s ago"


async def test_updates_waiting_a_short_while_are_healthy(db: Database) -> None:
    await beat(db, "polling", NOW)
    await receive(db, [101, 102], NOW - STALE_UPDATE)
    assert check(db.path, now=NOW) == (True, "ok: polling, 2 update(s) waiting")


async def test_updates_waiting_long_with_none_handled_is_stuck(db: Database) -> None:
    await beat(db, "polling", NOW, progress=NOW - STALE_UPDATE - 5 * SECOND)
    await receive(db, [101], NOW - STALE_UPDATE - SECOND)
    await receive(db, [102], NOW - SECOND)
    healthy, line = check(db.path, now=NOW)
    assert not healthy
    waited = int(STALE_UPDATE.total_seconds()) + 1
    assert (
        line == f"stuck: 2 update(s) waiting, the oldest for {waited} s, and none handled for {waited + 4} s"
    )


async def test_one_persons_flood_draining_at_its_own_pace_is_healthy(db: Database) -> None:
    # The oldest has waited long, but updates are being handled all the while.
    await receive(db, list(range(1, 600)), NOW - 10 * STALE_UPDATE)
    await beat(db, "polling", NOW, progress=NOW - SECOND)
    assert check(db.path, now=NOW) == (True, "ok: polling, 599 update(s) waiting")


async def test_progress_is_remembered_between_beats_that_have_none_to_report(db: Database) -> None:
    await beat(db, "polling", NOW - 30 * SECOND, progress=NOW - 20 * SECOND)
    await beat(db, "polling", NOW)  # nothing finished since the last beat
    await receive(db, [1], NOW - STALE_UPDATE - SECOND)
    assert check(db.path, now=NOW) == (True, "ok: polling, 1 update(s) waiting")


async def test_handled_and_set_aside_updates_do_not_count(db: Database) -> None:
    await beat(db, "polling", NOW)
    await receive(db, [101, 102], NOW - 10 * STALE_UPDATE)
    await db.transaction(lambda c: inbox_repo.mark_done(c, 101))
    await db.transaction(lambda c: inbox_repo.quarantine(c, 102, "{}", "handler failed", NOW))
    assert check(db.path, now=NOW) == (True, "ok: polling, 0 update(s) waiting")


def run_health(database: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m bot health` as systemd or Docker would run it: settings from the environment
    only (no .env in its folder), and no Telegram token."""
    env = {**os.environ, "DATABASE_PATH": str(database), "TELEGRAM_BOT_TOKEN": ""}
    return subprocess.run(
        [sys.executable, "-m", "bot", "health"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_the_command_prints_one_line_and_exits_0_or_1(db: Database, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    missing = run_health(tmp_path / "missing.sqlite3", elsewhere)
    assert missing.returncode == 1, missing.stderr
    assert missing.stdout == f"{tmp_path / 'missing.sqlite3'}: no database (has the bot ever run?)\n"

    never_started = run_health(db.path, elsewhere)
    assert never_started.returncode == 1, never_started.stderr
    assert never_started.stdout == "the bot has not started taking updates\n"

    # The bot's own clock: the command reads the real time.
    await beat(db, "polling", datetime.now(UTC))
    await receive(db, [7], datetime.now(UTC))
    healthy = run_health(db.path, elsewhere)
    assert healthy.returncode == 0, healthy.stderr
    assert healthy.stdout == "ok: polling, 1 update(s) waiting\n"

    await beat(db, "webhook", datetime.now(UTC) - 2 * STALE_BEAT)
    stale = run_health(db.path, elsewhere)
    assert stale.returncode == 1, stale.stderr
    assert stale.stdout.startswith("not webhook: last sign of life ")
    assert stale.stdout.count("\n") == 1
