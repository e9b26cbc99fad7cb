"""The one SQLite connection: its settings, and the one place that begins and commits writes.

SQLite runs on the event loop's own thread, one unit of work (a whole transaction, or a read) at a
time. A unit is a few statements on a local WAL database whose commits do not wait for the disk
(synchronous=NORMAL), so it takes tens of microseconds. Handing work to a thread cost far more
than the work: the benchmark measured 0.45x the echo bot with aiosqlite (a crossing per statement),
0.61x with one worker thread (a crossing per unit), and 0.87x here. A unit never awaits, so no
other task can run in the middle of a transaction: handlers and scheduled jobs cannot interleave.
The methods stay `async` so callers need not change if a slow disk ever calls for a thread again.

Another process holding the write lock (a migration or a backup run by hand) is never waited for
on the loop: SQLite is told not to wait (busy_timeout 0) and `transaction` sleeps between tries,
so everyone else's updates go on being read and answered meanwhile. After `WRITE_WAIT_SECONDS` it
gives up with the `sqlite3.OperationalError`; the intake keeps the update and tries it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from bot import durable

log = logging.getLogger(__name__)

# How long one transaction waits for another process's write lock, in short sleeps off the loop.
WRITE_WAIT_SECONDS = 5.0
_FIRST_WAIT, _LONGEST_WAIT = 0.005, 0.25

# Errors of the storage, not of the update: the same work may well succeed later.
_TRANSIENT = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR}


def is_storage_trouble(error: BaseException) -> bool:
    """Contention, a full disk or an I/O error: worth trying again, and no fault of the update."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.OperationalError) and code is not None and code & 0xFF in _TRANSIENT


# Errors that mean the database itself cannot be used: the bot must stop and be looked at.
_DAMAGE = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY}


def is_damage(error: BaseException) -> bool:
    """The database file is damaged, gone or not writable: retrying will not help."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.DatabaseError) and code is not None and code & 0xFF in _DAMAGE


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


T = TypeVar("T")
ASIDE_THREADS = 2  # long reads at once (results, exports); more wait their turn
Work = Callable[[sqlite3.Connection], T]


class Database:
    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self.path = path
        # For `read_aside`: the file named once (a later change of directory cannot move it), and
        # threads of its own, so long reads never hold up the intake's fsync or photo cleaning,
        # which share asyncio's default pool.
        self._read_only_uri = f"{path.resolve().as_uri()}?mode=ro"
        self._aside = ThreadPoolExecutor(max_workers=ASIDE_THREADS, thread_name_prefix="read-aside")
        self._reading_aside = 0
        self._checkpoint_owed = False  # an erasure's checkpoint that our own aside readers held back

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing commits behind our back.
        # timeout=0: SQLite must never sleep on the loop's thread waiting for a lock (see above).
        connection = sqlite3.connect(path, isolation_level=None, timeout=0)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA foreign_keys=ON")
        # The inbox holds each update as Telegram sent it (the sender's id and name with it) until
        # it is handled; then its row is blanked, and this makes SQLite overwrite what it held
        # rather than leave it in free space in the file.
        connection.execute("PRAGMA secure_delete=ON")
        # The same for the write-ahead log: cut it back to nothing after each checkpoint, so old
        # page images (an update's words among them) do not linger in it.
        connection.execute("PRAGMA journal_size_limit=0")
        # In WAL mode NORMAL is durable across application crashes; only power loss can drop
        # the latest commits.
        connection.execute("PRAGMA synchronous=NORMAL")
        return cls(connection, path)

    async def close(self) -> None:
        # Fold the write-ahead log into the file and empty it, even if another connection is open.
        with contextlib.suppress(sqlite3.Error):
            self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._connection.close()
        self._aside.shutdown(wait=False, cancel_futures=True)

    async def forget_old_pages(self) -> None:
        """After an erasure: fold the write-ahead log into the file and cut it to nothing, so the
        deleted words survive in neither (secure_delete has zeroed them in the file). On the loop:
        it is rare, and the connection is this thread's. A reader can hold old pages back: one of
        ours beside the loop (`read_aside`), and it is done again as soon as the last one ends;
        another process (a backup, the health check), and the next checkpoint takes them then."""
        busy, _, _ = self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        self._checkpoint_owed = bool(busy) and self._reading_aside > 0
        if busy and not self._checkpoint_owed:
            log.warning("The write-ahead log could not be emptied after an erasure (another reader)")

    async def transaction(self, work: Work[T]) -> T:
        """Run `work` in one transaction: everything it writes commits together, or not at all
        (a failed COMMIT, say on a full disk, is rolled back too)."""
        await self._begin()
        try:
            result = work(self._connection)
            self._connection.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return result

    async def sync_to_disk(self) -> None:
        """Make every commit so far survive a power cut, in a thread: the loop goes on meanwhile.
        (Commits reach the write-ahead log at once, which survives the process being killed;
        fsync makes the disk keep them. With synchronous=FULL each commit would wait for it on the
        loop: 7% of the benchmark's throughput.)"""
        real = self.path.resolve()  # SQLite keeps the log beside the file a link points to
        log_file = real.with_name(real.name + "-wal")
        await asyncio.to_thread(durable.sync, log_file if log_file.exists() else real)

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE, sleeping (not blocking the loop) while another process holds the lock."""
        deadline, wait = time.monotonic() + WRITE_WAIT_SECONDS, _FIRST_WAIT
        while True:
            try:
                self._connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() + wait > deadline:
                    raise
            await asyncio.sleep(wait)
            wait = min(wait * 2, _LONGEST_WAIT)

    def _rollback(self) -> None:
        if self._connection.in_transaction:
            # The connection may be what failed; the transaction is gone either way.
            with contextlib.suppress(sqlite3.Error):
                self._connection.execute("ROLLBACK")

    async def read(self, work: Work[T]) -> T:
        """Run read-only `work` (each statement sees committed data only)."""
        return work(self._connection)

    async def read_aside(self, work: Work[T]) -> T:
        """Run a long read-only `work` (results over every answer, an export) on a connection of its
        own in a thread, so young people's updates go on being handled meanwhile. It sees one
        snapshot: what was committed when its first statement ran (WAL lets it read beside the
        writer). `work` must not touch anything the loop changes (the catalogue): pass it in."""
        self._reading_aside += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._aside, self._read_snapshot, work)
        finally:
            self._reading_aside -= 1
            if self._checkpoint_owed and self._reading_aside == 0:
                await self.forget_old_pages()

    def _read_snapshot(self, work: Work[T]) -> T:
        connection = sqlite3.connect(self._read_only_uri, uri=True, isolation_level=None)
        try:
            connection.row_factory = sqlite3.Row
            connection.execute("BEGIN")  # one snapshot for every statement of `work`
            return work(connection)
        finally:
            connection.close()

    async def fetch_all(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        return self._connection.execute(sql, params).fetchall()

    async def fetch_one(self, sql: str, params: tuple = ()) -> sqlite3.Row | None:
        return self._connection.execute(sql, params).fetchone()

    async def run_script(self, script: str) -> None:
        """Run a multi-statement script (used by migrations, which bring their own BEGIN/COMMIT)."""
        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        while True:
            try:
                self._connection.executescript(script)
                return
            except sqlite3.OperationalError as error:
                self._rollback()
                if not _is_busy(error) or time.monotonic() > deadline:
                    raise
            except BaseException:
                self._rollback()
                raise
            await asyncio.sleep(_LONGEST_WAIT)
