"""python -m bot [run | simulate | migrate | backup | restore | health | check-surveys | update-catalogs |
triage | train-safeguarding]: parse arguments, build, run."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import sqlite3
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

from bot import backups, logs, surveys
from bot.about_you import council
from bot.about_you.council import AboutYouFileProblem
from bot.config import ConfigError, Settings, load_settings
from bot.conversation import WordListProblem, load_phrasebook, open_conversation
from bot.core.i18n import counted
from bot.safeguarding.classifier import ModelError
from bot.storage.db import Database
from bot.storage.migrate import MigrationError, migrate

log = logging.getLogger("bot")

EXIT_PROBLEM = 1
EXIT_CONFIG = 2

NO_TOKEN = """\
TELEGRAM_BOT_TOKEN is not set, so youthvoice cannot connect to Telegram.

To get a token: open Telegram, message @BotFather, send /newbot and follow the steps.
Then put the token in a file called .env next to README.md:
    TELEGRAM_BOT_TOKEN=123456789:ABC...
(see .env.example for every setting).

Meanwhile, you can try a consultation in this terminal with the simulator
(it starts now when you run this from a terminal, or any time with `python -m bot simulate`).
"""


async def run_bot(settings: Settings) -> int:
    """Run the Telegram bot; a token Telegram refuses, or no way to reach it, is one clear line."""
    from telegram.error import BadRequest, InvalidToken, NetworkError

    from bot.intake.webhook import CannotListen
    from bot.telegram.app import build_application, run_until_stopped

    async with open_conversation(settings, settings.database_path) as conversation:
        try:
            await run_until_stopped(build_application(settings, conversation))
        except InvalidToken:
            print(
                "Configuration problem: TELEGRAM_BOT_TOKEN: Telegram does not accept this token; "
                "check it with @BotFather (/mybots, API Token).",
                file=sys.stderr,
            )
            return EXIT_CONFIG
        except BadRequest as error:  # e.g. a WEBHOOK_URL Telegram will not post to
            print(f"Telegram refused the bot's set-up: {error}", file=sys.stderr)
            return EXIT_PROBLEM
        except NetworkError as error:
            print(f"Cannot reach Telegram at {settings.api_root}: {error}", file=sys.stderr)
            return EXIT_PROBLEM
        except CannotListen as error:
            print(f"Configuration problem: WEBHOOK_LISTEN: {error}", file=sys.stderr)
            return EXIT_PROBLEM
        except sqlite3.DatabaseError as error:
            # Not a busy or full disk (those are waited out): the database itself cannot be used.
            # Exit non-zero so a supervisor restarts the bot; what was saved stays saved.
            print(f"Stopped: the database {settings.database_path} cannot be used: {error}", file=sys.stderr)
            return EXIT_PROBLEM
    return 0


async def _simulate(settings: Settings, consultation_id: str, database: Path | None) -> int:
    from bot.simulator import Simulator

    if database is not None:
        async with open_conversation(settings, database) as conversation:
            await Simulator(conversation).run(consultation_id)
        return 0
    # A throwaway database gets a throwaway key: nothing to keep, nothing to warn about.
    scratch_settings = settings.model_copy(update={"pseudonym_key": SecretStr(secrets.token_hex(32))})
    with tempfile.TemporaryDirectory(prefix="youthvoice-sim-") as scratch:
        async with open_conversation(scratch_settings, Path(scratch) / "simulator.sqlite3") as conversation:
            await Simulator(conversation).run(consultation_id)
    return 0


async def _migrate(settings: Settings) -> int:
    db = await Database.open(settings.database_path)
    try:
        applied = await migrate(db)
    finally:
        await db.close()
    names = ", ".join(f"{m.version:04d}_{m.name}" for m in applied)
    print(f"{settings.database_path}: " + (f"applied {names}" if applied else "already up to date"))
    return 0


def _check_surveys(settings: Settings, paths: list[Path]) -> int:
    """Every consultation file, and the "about you" file they may need, checked: one line a problem."""
    catalogue, problems = surveys.load(paths or [settings.surveys_dir])
    for problem in problems:
        print(problem)
    try:
        about_you = council.read(settings.about_you_file)
    except AboutYouFileProblem as error:
        print(error)
        return EXIT_PROBLEM
    unaskable = council.unaskable(catalogue.consultations.values(), about_you, settings.about_you_file)
    for warning in unaskable:
        print(warning)
    files = surveys.survey_files(paths or [settings.surveys_dir])
    if not files:
        print(f"{', '.join(map(str, paths or [settings.surveys_dir]))}: no consultation files found")
        return EXIT_PROBLEM
    errors = [p for p in problems if not p.warning]
    warnings = len(problems) - len(errors) + len(unaskable)
    print(
        f"{counted(len(files), 'file')} checked: {len(catalogue.consultations)} valid, "
        f"{counted(len(errors), 'problem')}, {counted(warnings, 'warning')}."
    )
    return EXIT_PROBLEM if errors else 0


def _health(settings: Settings) -> int:
    """One line on whether the bot is taking updates and keeping up, from the database alone."""
    from bot.intake import health

    healthy, line = health.check(settings.database_path)
    print(line)
    return 0 if healthy else EXIT_PROBLEM


def _triage(settings: Settings, path: Path | None) -> int:
    from bot.safeguarding import classifier, commands
    from bot.safeguarding.triage import Triage

    triage = Triage(load_phrasebook(settings.safeguarding_phrases_file), classifier.shipped())
    if path is None:
        return commands.triage_file(triage, sys.stdin)
    try:
        with path.open(encoding="utf-8") as file:
            return commands.triage_file(triage, file)
    except (OSError, UnicodeDecodeError) as error:
        print(f"Cannot read {path}: {error}", file=sys.stderr)
        return EXIT_PROBLEM


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the Telegram bot (the default)")
    simulate = commands.add_parser("simulate", help="take a consultation in this terminal")
    simulate.add_argument("consultation", nargs="?", default="", help="a consultation id")
    simulate.add_argument("--db", type=Path, help="database to use (default: a throwaway one)")
    commands.add_parser("migrate", help="bring the database up to date")
    commands.add_parser("backup", help="copy the database into BACKUP_DIR now (safe while the bot runs)")
    restore = commands.add_parser("restore", help="put a backup back (stop the bot first)")
    restore.add_argument("backup_file", type=Path, help="a file from BACKUP_DIR")
    commands.add_parser(
        "health",
        help="say in one line whether the bot is taking updates and keeping up; exit 0 if so, 1 if not",
    )
    check = commands.add_parser("check-surveys", help="validate consultation files")
    check.add_argument("paths", nargs="*", type=Path, help="files or folders (default: SURVEYS_DIR)")
    triage = commands.add_parser(
        "triage",
        help="read messages, one per line, and print for each: tier (alert, review, none), category, score",
    )
    triage.add_argument("file", nargs="?", type=Path, help="a text file (default: what you type or pipe in)")
    commands.add_parser(
        "train-safeguarding",
        help="rebuild the safeguarding classifier's weights from bot/safeguarding/corpus (needs '.[dev]')",
    )
    commands.add_parser(
        "update-catalogs", help="bring bot/locale/*.po in line with the English sentences (for translators)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    # Whatever the bot creates (the database, its -wal and -shm, folders, exports) is for this user
    # alone: young people's words must not be readable by other accounts on the machine.
    os.umask(0o077)
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration problem: {error}", file=sys.stderr)
        # For a health check any failure is "unhealthy" (1): Docker reserves exit code 2.
        return EXIT_PROBLEM if args.command == "health" else EXIT_CONFIG
    token = settings.telegram_bot_token
    logs.configure([s.get_secret_value() for s in (token, settings.webhook_secret) if s is not None])
    command = args.command or "run"
    try:
        if command == "health":
            return _health(settings)
        if command == "check-surveys":
            return _check_surveys(settings, args.paths)
        if command == "update-catalogs":
            from bot import catalogs

            for path in catalogs.update_all():
                print(f"Updated {path}: new sentences are untranslated, changed ones marked fuzzy")
            return 0
        if command == "migrate":
            return asyncio.run(_migrate(settings))
        if command == "triage":
            return _triage(settings, args.file)
        if command == "train-safeguarding":
            from bot.safeguarding import commands

            return commands.train()
        if command == "backup":
            made = backups.backup_database(
                settings.database_path, settings.backup_dir, settings.backup_keep, datetime.now(UTC)
            )
            print(f"Backed up {settings.database_path} to {made}")
            return 0
        if command == "restore":
            backups.restore(args.backup_file, settings.database_path)
            print(f"Restored {settings.database_path} from {args.backup_file}")
            return 0
        if command == "simulate":
            logging.getLogger().setLevel(logging.WARNING)  # keep the chat readable
            return asyncio.run(_simulate(settings, args.consultation, args.db))
        if token is None:
            print(NO_TOKEN, file=sys.stderr)
            if not sys.stdin.isatty():
                return EXIT_CONFIG
            # Someone at a keyboard: let them try a consultation straight away.
            logging.getLogger().setLevel(logging.WARNING)
            return asyncio.run(_simulate(settings, "", None))
        return asyncio.run(run_bot(settings))
    except ConfigError as error:  # found at start-up, e.g. a key file that cannot be made
        print(f"Configuration problem: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except MigrationError as error:
        print(f"Database problem: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except backups.BackupError as error:
        print(f"Backup problem: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except AboutYouFileProblem as error:
        print(f"Configuration problem: ABOUT_YOU_FILE: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except WordListProblem as error:
        print(f"Configuration problem: SAFEGUARDING_PHRASES_FILE: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except ModelError as error:
        print(f"Safeguarding problem: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except (OSError, sqlite3.Error) as error:
        print(f"Database problem: cannot use {settings.database_path}: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
