"""The real program, `python -m bot run`, as a child process against the fake Telegram server,
killed and restarted as the benchmarks need (the kill drill, the announcement benchmark)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from benchmarks.bots import BENCHMARK_KEY
from bot.config import Settings
from tests.fake_telegram import FakeTelegram

BOT_ARGS = ("-m", "bot", "run")  # the real program, as systemd starts it
STOP_SECONDS = 30.0


async def wait_until(check: Callable[[], bool], seconds: float, every: float) -> bool:
    """Whether `check` came true within `seconds`, looking every `every` seconds."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(every)
    return True


@contextmanager
def scratch_folder(name: str, consultation: Path) -> Iterator[Path]:
    """A fresh working directory for the real program (no .env there), with `consultation` in its
    surveys/; removed afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix=f"youthvoice-{name}-"))
    try:
        (scratch / "surveys").mkdir()
        shutil.copy(consultation, scratch / "surveys")
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def keep_files(scratch: Path, keep: Path | None, name: str) -> Path:
    """A copy of a run's files (the database, bot.log), in `keep` or a new temporary folder."""
    kept = keep or Path(tempfile.mkdtemp(prefix=f"youthvoice-{name}-kept-"))
    shutil.copytree(scratch, kept, dirs_exist_ok=True)
    return kept


class BotProcess:
    """`python -m bot run` in `workdir` (its database, `surveys/` and `bot.log`), killed and
    restarted on demand; `settings` are extra environment variables for it."""

    def __init__(self, fake: FakeTelegram, workdir: Path, settings: Mapping[str, str] | None = None) -> None:
        self.fake = fake
        self.workdir = workdir
        self.child: asyncio.subprocess.Process | None = None
        self.instances = 0  # bot processes started
        self.unexpected_exits: list[int] = []  # exit codes of bots that died by themselves
        self.notes: list[str] = []
        self.first_call = 0  # index in fake.calls of this instance's first call
        self.spawned_at = 0.0
        self._stopping = False
        self._monitor: asyncio.Task[None] | None = None
        self._log: IO[bytes] = (workdir / "bot.log").open("ab")
        environment = {
            name: value
            for name, value in os.environ.items()
            if name.lower() not in Settings.model_fields  # nothing of this machine's own settings
        }
        self._env = environment | {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_URL": fake.base_url,
            "DATABASE_PATH": str(workdir / "youthvoice.sqlite3"),
            "SURVEYS_DIR": str(workdir / "surveys"),
            "PSEUDONYM_KEY": BENCHMARK_KEY,
            "SUMMARY_SCHEDULE": "",
            "BACKUP_DIR": str(workdir / "backups"),
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
            **(settings or {}),
        }

    async def start(self) -> None:
        self.instances += 1
        self._log.write(f"\n===== bot process {self.instances} =====\n".encode())
        self._log.flush()
        self.first_call = len(self.fake.calls)
        self.spawned_at = time.monotonic()
        # cwd is the scratch directory: no .env is read.
        self.child = await asyncio.create_subprocess_exec(
            *(sys.executable, *BOT_ARGS),
            cwd=self.workdir,
            env=self._env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
        )
        self._monitor = asyncio.create_task(self._watch(self.child))

    async def _watch(self, child: asyncio.subprocess.Process) -> None:
        """A bot that exits by itself is noted and started again, as systemd would."""
        code = await child.wait()
        if child is self.child and not self._stopping:
            self.unexpected_exits.append(code)
            self.notes.append(f"bot process {self.instances} exited by itself with {code}; restarted")
            await self.start()

    async def _end(self, sig: signal.Signals, seconds: float) -> int:
        """Signal the bot and wait for it to go (SIGKILL after `seconds`); its exit code."""
        self._stopping = True  # its watcher does not start another
        try:
            while True:
                child, watcher = self.child, self._monitor
                assert child is not None and watcher is not None
                if child.returncode is None:
                    child.send_signal(sig)
                try:
                    code = await asyncio.wait_for(child.wait(), seconds)
                except TimeoutError:
                    child.kill()
                    code = await child.wait()
                await watcher
                if self.child is child:  # not replaced meanwhile by a restart after it died itself
                    return code
        finally:
            self._stopping = False

    def peak_rss_kb(self) -> int:
        """The running bot's peak resident set size so far (VmHWM), 0 once it has gone."""
        try:
            assert self.child is not None
            status = Path(f"/proc/{self.child.pid}/status").read_text()
        except (AssertionError, OSError):
            return 0
        return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)

    async def kill(self) -> None:
        await self._end(signal.SIGKILL, STOP_SECONDS)

    async def terminate(self) -> int:
        return await self._end(signal.SIGTERM, STOP_SECONDS)

    def calls_since_start(self) -> list[Any]:
        return self.fake.calls[self.first_call :]

    async def close(self) -> None:
        """Make sure no bot is left running (a run failed midway), and close the log."""
        if self.child is not None and self.child.returncode is None:
            await self._end(signal.SIGKILL, STOP_SECONDS)
        self._log.close()
