"""The one SQLite connection: its settings, and the one place that begins and commits writes.

SQLite runs on the event loop's own thread, one unit of work (a whole transaction, or a read) at a
time. A unit is a few statements on a local WAL database whose commits do not wait for the disk
(synchronous=NORMAL), so it takes tens of microseconds. Handing work to a thread cost far more
than the work: the benchmark measured 0.45x the echo bot with aiosqlite (a crossing per statement),
0.61x with one worker thread (a crossing per unit), and 0.87x here. A unit never awaits, so no
other task can run in the middle of a transaction: handlers and scheduled jobs cannot interleave.
The methods stay `async` so callers need not change if a slow disk ever calls for a thread again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

# Another process holding the write lock (a migration run by hand) makes us wait this long at most.
BUSY_TIMEOUT_MS = 2000

T = TypeVar("T")
Work = Callable[[sqlite3.Connection], T]


class Database:
    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing commits behind our back.
        connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # In WAL mode NORMAL is durable across application crashes; only power loss can drop
        # the latest commits.
        connection.execute("PRAGMA synchronous=NORMAL")
        return cls(connection, path)

    async def close(self) -> None:
        self._connection.close()

    async def transaction(self, work: Work[T]) -> T:
        """Run `work` in one transaction: everything it writes commits together, or not at all."""
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            result = work(self._connection)
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")
        return result

    async def read(self, work: Work[T]) -> T:
        """Run read-only `work` (each statement sees committed data only)."""
        return work(self._connection)

    async def fetch_all(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        return self._connection.execute(sql, params).fetchall()

    async def fetch_one(self, sql: str, params: tuple = ()) -> sqlite3.Row | None:
        return self._connection.execute(sql, params).fetchone()

    async def run_script(self, script: str) -> None:
        """Run a multi-statement script (used by migrations, which bring their own BEGIN/COMMIT)."""
        try:
            self._connection.executescript(script)
        except BaseException:
            if self._connection.in_transaction:
                self._connection.execute("ROLLBACK")
            raise
