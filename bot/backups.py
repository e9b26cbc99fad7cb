"""Online backups of the database, and restoring one.

A backup is a copy made with SQLite's backup API while the bot keeps running. The database is in
WAL mode, where a reader never blocks a writer, so the copy is taken in one step: it reads one
consistent snapshot (every transaction wholly in or wholly out) and the bot's writes carry on
meanwhile. Each copy is written under a temporary name, checked with `PRAGMA integrity_check` and
only then renamed to `youthvoice-YYYYMMDD-HHMMSS.sqlite3` in `BACKUP_DIR` (mode 0700; files 0600,
as they hold young people's answers). The newest `BACKUP_KEEP` are kept; older ones are deleted.
Nothing else in the folder is touched.

Restoring a backup:

1. Stop the bot (restore refuses while anything has the database open).
2. Run `python -m bot restore BACKUP_FILE`, e.g.
   `python -m bot restore backups/youthvoice-20261125-020000.sqlite3`.
   The backup is checked first; a damaged one is refused and the database left as it was.
   The database being replaced is kept beside it as `<name>.before-restore-YYYYMMDD-HHMMSS`,
   so a restore can be undone by restoring that file the same way.
3. Start the bot. Answers given since the backup was taken are not in it.

Keep the pseudonym key with your backups, but stored separately from them: `PSEUDONYM_KEY`, or the
file generated at `PSEUDONYM_KEY_FILE` (a backup copies the database alone, never the key, and the
key file may not be in `BACKUP_DIR`). Anonymous answers are filed under HMAC
pseudonyms keyed by it; a database restored without the same key cannot match anyone to their
anonymous response again (their answers stay, but nobody can carry on or be recognised). Keeping
them apart means someone who gets hold of a backup does not also get the key.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import stat
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from bot.durable import sync_dir

log = logging.getLogger(__name__)

PREFIX = "youthvoice-"
SUFFIX = ".sqlite3"
BACKUP_NAME = re.compile(r"^youthvoice-\d{8}-\d{6}\.sqlite3$")
STAMP = "%Y%m%d-%H%M%S"


class BackupError(Exception):
    """A backup or a restore could not be done; the message names the file and says why."""


def backup_name(now: datetime) -> str:
    """`youthvoice-YYYYMMDD-HHMMSS.sqlite3`, in UTC when `now` carries a time zone."""
    return f"{PREFIX}{_stamp(now)}{SUFFIX}"


def backup(
    source: sqlite3.Connection, backup_dir: Path, keep: int, now: datetime, *, pages: int = -1
) -> Path:
    """Copy the database behind `source` into `backup_dir`, keep the newest `keep`; returns the copy.

    `source` may be the app's own connection (call it between units of work, on the loop's thread:
    the loop waits for the copy) or a separate connection on the same file, e.g. from
    `backup_database` in a worker thread (the bot's writes carry on meanwhile). `pages=-1` copies
    in one step, one consistent snapshot. A smaller `pages` copies in steps; then a write through
    another connection between steps makes SQLite start the copy again (writes through `source`
    itself are carried into the copy), so under steady writes a stepped copy may never finish.
    """
    if keep < 1:
        raise ValueError(f"keep must be at least 1, not {keep}")
    _make_private_dir(backup_dir)
    final = backup_dir / backup_name(now)
    partial = backup_dir / f".{final.name}.{os.getpid()}.partial"
    started = time.perf_counter()
    try:
        _copy(source, partial, pages=pages)
        _check(partial, str(final))
        os.replace(partial, final)
    except BaseException:
        _remove_quietly(partial)
        raise
    sync_dir(backup_dir)
    log.info(
        "Backed up the database to %s (%d bytes, %.2f s)",
        final,
        final.stat().st_size,
        time.perf_counter() - started,
    )
    prune(backup_dir, keep, spare=final)
    return final


def backup_database(database_path: Path, backup_dir: Path, keep: int, now: datetime) -> Path:
    """`backup` through a connection of its own on `database_path` (for the CLI, or a thread)."""
    if not database_path.is_file():
        raise BackupError(f"{database_path}: there is no database file to back up")
    # mode=rw: never create an empty database at a mistyped path; query_only: never write to it.
    uri = f"{database_path.resolve().as_uri()}?mode=rw"
    with closing(sqlite3.connect(uri, uri=True, isolation_level=None, timeout=2)) as source:
        source.execute("PRAGMA query_only=ON")
        return backup(source, backup_dir, keep, now)


def prune(backup_dir: Path, keep: int, *, spare: Path | None = None) -> list[Path]:
    """Delete all but the newest `keep` backups (by the time in their names); returns those deleted.

    Only files named like a backup are considered; `spare` (the one just made) is never deleted.
    """
    backups = sorted(
        (path for path in backup_dir.iterdir() if BACKUP_NAME.match(path.name) and path.is_file()),
        key=lambda path: path.name,
    )
    doomed = [path for path in backups[: max(len(backups) - keep, 0)] if path != spare]
    deleted = []
    for path in doomed:
        try:
            path.unlink()
        except OSError as error:
            log.warning("Could not delete the old backup %s: %s", path, error)
        else:
            deleted.append(path)
    if deleted:
        log.info("Deleted %d old backup(s), keeping the newest %d", len(deleted), keep)
    return deleted


def restore(backup_file: Path, database_path: Path, *, now: datetime | None = None) -> None:
    """Put `backup_file` in place of the database at `database_path`. Run it while the bot is stopped.

    Refuses (BackupError, nothing changed) if the backup is missing, damaged or not a youthvoice
    database, or if anything has the database open. The replaced database, including anything
    still in its write-ahead log, is kept as `<name>.before-restore-YYYYMMDD-HHMMSS` beside it.
    Its stale `-wal`/`-shm` files are removed, so they cannot be replayed onto the restored copy.
    """
    if not backup_file.is_file():
        raise BackupError(f"{backup_file}: there is no such backup file")
    _check(backup_file, str(backup_file), read_only=True, youthvoice=True)
    database_path.parent.mkdir(parents=True, exist_ok=True)
    incoming = database_path.with_name(f".{database_path.name}.{os.getpid()}.restoring")
    try:
        _copy_file(backup_file, incoming)
        _check(incoming, str(backup_file), youthvoice=True)
        if database_path.exists():
            kept = database_path.with_name(f"{database_path.name}.before-restore-{_stamp(now)}")
            _set_aside(database_path, kept)
        for leftover in _side_files(database_path):
            leftover.unlink(missing_ok=True)
        os.replace(incoming, database_path)
    except BaseException:
        _remove_quietly(incoming)
        raise
    sync_dir(database_path.parent)
    log.info("Restored %s from %s", database_path, backup_file)


def _set_aside(database_path: Path, kept: Path) -> None:
    """Copy the current database, byte for byte, to `kept`; refuse if anything else has it open."""
    try:
        with closing(sqlite3.connect(database_path, isolation_level=None, timeout=0)) as current:
            # Taking the database exclusively fails while the bot (or anything else) has it open.
            # Closing the last connection then folds the write-ahead log into the file.
            current.execute("PRAGMA locking_mode=EXCLUSIVE")
            current.execute("BEGIN EXCLUSIVE")
            current.execute("COMMIT")
    except sqlite3.OperationalError as error:
        raise BackupError(
            f"{database_path} is in use ({error}): stop the bot before restoring a backup"
        ) from error
    except sqlite3.DatabaseError as error:
        log.warning("%s is damaged (%s); keeping it as it is", database_path, error)
    _copy_file(database_path, kept)
    wal = database_path.with_name(database_path.name + "-wal")
    if wal.is_file() and wal.stat().st_size:
        # SQLite reads `kept` with `kept-wal`, so nothing the log still held is lost.
        _copy_file(wal, kept.with_name(kept.name + "-wal"))
    log.info("Kept the replaced database as %s", kept)


def _copy(source: sqlite3.Connection, target_path: Path, *, pages: int) -> None:
    """Back up `source` into a new private file, as a self-contained (non-WAL) database."""
    os.close(os.open(target_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.chmod(target_path, 0o600)
    try:
        target = sqlite3.connect(target_path, isolation_level=None)
    except sqlite3.Error as error:
        raise BackupError(f"{target_path}: cannot create the copy ({error})") from error
    with closing(target):
        try:
            source.backup(target, pages=pages, sleep=0)
            # The copy inherits WAL mode from the source; a backup should be one file on its own.
            target.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error as error:
            raise BackupError(f"{target_path}: copying the database failed ({error})") from error


def _copy_file(source: Path, target: Path) -> None:
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.chmod(target, 0o600)
    with open(descriptor, "wb") as out, source.open("rb") as into:
        while chunk := into.read(1 << 20):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())


def _check(path: Path, name: str, *, read_only: bool = False, youthvoice: bool = False) -> None:
    """Raise BackupError naming `name` unless `path` is a sound SQLite (youthvoice) database."""
    uri = f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rw'}"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{name} is not a readable database ({error})") from error
    if problems != ["ok"]:
        shown = "; ".join(problems[:3]) + ("; …" if len(problems) > 3 else "")
        raise BackupError(f"{name} failed its integrity check: {shown}")
    if youthvoice and "schema_migrations" not in tables:
        raise BackupError(f"{name} is not a youthvoice database (it has no schema_migrations table)")


def _make_private_dir(directory: Path) -> None:
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True)
        os.chmod(directory, 0o700)  # mkdir's mode is filtered by the umask
        return
    if not directory.is_dir():
        raise BackupError(f"{directory} is not a folder, so backups cannot be written there")
    if stat.S_IMODE(directory.stat().st_mode) & 0o077:
        log.warning("The backup folder %s can be read by other users; chmod 700 it", directory)


def _stamp(now: datetime | None) -> str:
    moment = datetime.now(UTC) if now is None else now
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(STAMP)


def _side_files(database_path: Path) -> list[Path]:
    return [database_path.with_name(database_path.name + suffix) for suffix in ("-wal", "-shm")]


def _remove_quietly(path: Path) -> None:
    for leftover in [path, *_side_files(path), path.with_name(path.name + "-journal")]:
        leftover.unlink(missing_ok=True)
