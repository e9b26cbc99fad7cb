"""Shared fixtures: a fake Telegram server and the real bot running against it."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.config import Settings, load_settings
from bot.conversation import Conversation, open_conversation
from bot.storage.db import Database
from bot.storage.migrate import migrate
from bot.telegram.app import INTAKE, build_application, running
from tests.fake_telegram import FakeTelegram, Group, User, tracked_application_class
from tests.fake_telegram.harness import REPORTS_FINISHED

# PTB 22 warns (an error under filterwarnings=error) when RetryAfter is built without this opt-in.
os.environ.setdefault("PTB_TIMEDELTA", "true")

E2E_SURVEYS = Path(__file__).parent / "e2e" / "surveys"
TEAM_CHAT = -100500
WORKER = 2001
# A made-up pseudonym key for tests: random enough for the settings to accept it.
TEST_KEY = "70e9e65b32a3b24eccf828a5e13353190cbcb1821b685828fd6a95df1b3d2482"


class RunningBot:
    """The real Application on a database in tmp_path; restart() is a fresh process's worth."""

    def __init__(self, fake: FakeTelegram, settings: Settings) -> None:
        self.fake = fake
        self.settings = settings
        self.conversation: Conversation | None = None
        self.application: Application | None = None
        self._stack: AsyncExitStack | None = None

    async def start(self) -> None:
        stack = AsyncExitStack()
        self.conversation = await stack.enter_async_context(
            open_conversation(self.settings, self.settings.database_path)
        )
        self.application = build_application(
            self.settings, self.conversation, application_class=tracked_application_class(self.fake)
        )
        # The driver waits until the intake is done with an update, retries included.
        self.application.bot_data[INTAKE].finished.append(self.fake.mark_processed)
        self.application.bot_data[REPORTS_FINISHED] = True
        await stack.enter_async_context(running(self.application, poll_timeout=1))
        self._stack = stack

    async def run_job(self, name: str) -> None:
        """Run a scheduled job now, as its timer would."""
        assert self.application is not None and self.application.job_queue is not None
        [job] = self.application.job_queue.get_jobs_by_name(name)
        await job.run(self.application)

    async def run_outbox(self) -> None:
        await self.run_job("outbox")

    async def stop(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None

    async def crash(self) -> None:
        """Stop as a killed process would: whatever is being handled is abandoned mid-way."""
        assert self.application is not None
        await self.application.bot_data[INTAKE].stop(grace=0)
        await self.stop()

    async def restart(self) -> None:
        await self.stop()
        await self.start()


class Clock:
    """A clock a test sets by hand, for code that takes `clock=`."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database, "set up" in mid-2020 so scheduled work in tests is owed."""
    database = await Database.open(tmp_path / "test.sqlite3")
    await migrate(database)
    await database.transaction(
        lambda c: c.execute("UPDATE schema_migrations SET applied_at = '2020-06-01T00:00:00+00:00'")
    )
    yield database
    await database.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server
        assert server.bot_errors == [], "the bot raised while handling an update"


WEBHOOK_SECRET = "test-webhook-secret_1"
BOTH_INTAKES = pytest.mark.parametrize("intake_mode", ["polling", "webhook"], indirect=True)


@pytest.fixture
def intake_mode(request: pytest.FixtureRequest) -> str:
    """How the bot takes updates: polling unless a test module runs in both (BOTH_INTAKES)."""
    return getattr(request, "param", "polling")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def settings(fake: FakeTelegram, tmp_path: Path, intake_mode: str) -> Settings:
    webhook: dict[str, object] = {}
    if intake_mode == "webhook":  # the fake posts each update to the bot, as Telegram would
        port = _free_port()
        webhook = {
            "webhook_url": f"http://127.0.0.1:{port}/telegram",
            "webhook_secret": WEBHOOK_SECRET,
            "webhook_listen": f"127.0.0.1:{port}",
        }
    return load_settings(
        **webhook,
        telegram_bot_token=fake.token,
        telegram_api_url=fake.base_url,
        database_path=tmp_path / "youthvoice.sqlite3",
        surveys_dir=E2E_SURVEYS,
        pseudonym_key=TEST_KEY,
        team_chat_id=TEAM_CHAT,
        worker_ids=str(WORKER),
        outbox_interval_seconds=0.5,  # the outbox's own timer, quick enough to wait for in a test
        backup_dir=tmp_path / "backups",
        summary_schedule="",  # no scheduled summaries unless a test asks for them
        about_you_file=None,  # no areas or cohort unless a test gives them (not a local about_you.yaml)
    )


@pytest.fixture
def team(fake: FakeTelegram) -> Group:
    """The participation team's group chat (TEAM_CHAT_ID)."""
    return fake.group(TEAM_CHAT, "Participation team")


@pytest.fixture
def worker(fake: FakeTelegram) -> User:
    """A participation worker (in WORKER_IDS) who has started a chat with the bot."""
    return fake.user(WORKER, "Wendy", "wendy_worker", started=True)


@pytest.fixture
async def bot(fake: FakeTelegram, settings: Settings) -> AsyncIterator[RunningBot]:
    running = RunningBot(fake, settings)
    await running.start()
    yield running
    await running.stop()
