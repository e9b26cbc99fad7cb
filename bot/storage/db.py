"""The one SQLite connection: its settings, and the one place that begins and commits writes.

The connection lives on a single worker thread, and each unit of work (a whole transaction, or a
read) crosses to it once. aiosqlite crosses for every statement: about 13 crossings per answer,
which the benchmark measured as most of the bot's time. With one thread, units of work also run
one after another, so transactions from handlers and scheduled jobs never interleave.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

BUSY_TIMEOUT_MS = 5000

T = TypeVar("T")
Work = Callable[[sqlite3.Connection], T]


class Database:
    def __init__(self, executor: ThreadPoolExecutor, connection: sqlite3.Connection, path: Path) -> None:
        self._executor = executor
        self._connection = connection
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")

        def connect() -> sqlite3.Connection:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing commits behind our
            # back; check_same_thread stays on, as only the worker thread ever touches it.
            connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # In WAL mode NORMAL is durable across application crashes; only power loss can drop
            # the latest commits.
            connection.execute("PRAGMA synchronous=NORMAL")
            return connection

        loop = asyncio.get_running_loop()
        try:
            connection = await loop.run_in_executor(executor, connect)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(executor, connection, path)

    async def _on_worker(self, work: Work[T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, work, self._connection)

    async def close(self) -> None:
        await self._on_worker(lambda connection: connection.close())
        self._executor.shutdown(wait=True)

    async def transaction(self, work: Work[T]) -> T:
        """Run `work` in one transaction: everything it writes commits together, or not at all."""

        def in_transaction(connection: sqlite3.Connection) -> T:
            connection.execute("BEGIN IMMEDIATE")
            try:
                result = work(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
            return result

        return await self._on_worker(in_transaction)

    async def read(self, work: Work[T]) -> T:
        """Run read-only `work` (each statement sees committed data only)."""
        return await self._on_worker(work)

    async def fetch_all(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        return await self.read(lambda connection: connection.execute(sql, params).fetchall())

    async def fetch_one(self, sql: str, params: tuple = ()) -> sqlite3.Row | None:
        return await self.read(lambda connection: connection.execute(sql, params).fetchone())

    async def run_script(self, script: str) -> None:
        """Run a multi-statement script (used by migrations, which bring their own BEGIN/COMMIT)."""

        def run(connection: sqlite3.Connection) -> None:
            try:
                connection.executescript(script)
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

        await self._on_worker(run)
