"""Online backups: consistent while the bot writes, private, pruned to the newest N; restoring."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.backups import BackupError, backup, backup_database, backup_name, prune, restore
from bot.storage.db import Database
from bot.storage.migrate import migrate

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
ANSWERS_PER_RESPONSE = 3


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    """A database with the app's schema (real migrations), in WAL mode, closed again."""
    path = tmp_path / "data" / "youthvoice.sqlite3"
    db = await Database.open(path)
    try:
        await migrate(db)
    finally:
        await db.close()
    return path


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection set up like the app's (autocommit, WAL, busy timeout)."""
    with closing(sqlite3.connect(path, isolation_level=None, timeout=5)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA foreign_keys=ON")
        yield connection


def add_person(connection: sqlite3.Connection, user_id: int, filler: int = 0) -> None:
    """One unit of work like the bot's: a participant, their response and its answers, together."""
    stamp = NOW.isoformat()
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "INSERT INTO participants (user_id, consented_at, privacy_version) VALUES (?, ?, 1)",
        (user_id, stamp),
    )
    response = connection.execute(
        "INSERT INTO responses (consultation_id, respondent, user_id, position, status, started_at,"
        " updated_at) VALUES ('c', ?, ?, 'q1', 'in_progress', ?, ?)",
        (f"pseudonym-{user_id}", user_id, stamp, stamp),
    ).lastrowid
    for number in range(ANSWERS_PER_RESPONSE):
        connection.execute(
            "INSERT INTO answers (response_id, question_id, value, answered_at) VALUES (?, ?, ?, ?)",
            (response, f"q{number}", '"' + "x" * filler + '"', stamp),
        )
    connection.execute("COMMIT")


def people(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT count(*) FROM participants").fetchone()[0]


def assert_sound_snapshot(path: Path) -> int:
    """The file passes integrity_check and holds only whole units of work; returns how many."""
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        participants = connection.execute("SELECT count(*) FROM participants").fetchone()[0]
        responses = connection.execute("SELECT count(*) FROM responses").fetchone()[0]
        per_response = connection.execute(
            "SELECT r.user_id, count(a.question_id) FROM responses r"
            " LEFT JOIN answers a ON a.response_id = r.id GROUP BY r.id"
        ).fetchall()
    assert responses == participants
    assert all(count == ANSWERS_PER_RESPONSE for _, count in per_response)
    return participants


def test_a_backup_taken_while_another_connection_writes_is_a_whole_snapshot(
    database: Path, tmp_path: Path
) -> None:
    with connect(database) as connection:
        for user_id in range(1, 1501):  # a few MB, so the copy takes a while
            add_person(connection, user_id, filler=500)
    stop = threading.Event()
    written = threading.Event()

    def write_until_stopped() -> None:
        with connect(database) as connection:
            user_id = 10_000
            while not stop.is_set():
                add_person(connection, user_id)
                user_id += 1
                if user_id > 10_020:
                    written.set()

    writer = threading.Thread(target=write_until_stopped)
    writer.start()
    try:
        assert written.wait(10)
        before = people(database)
        copy = backup_database(database, tmp_path / "backups", keep=3, now=NOW)
        after = people(database)
    finally:
        stop.set()
        writer.join()
    assert before <= assert_sound_snapshot(copy) <= after
    assert after > before  # the writer really wrote while the copy was taken


def test_a_stepped_copy_carries_in_writes_made_between_steps(database: Path, tmp_path: Path) -> None:
    with connect(database) as app, connect(database) as other:
        for user_id in range(1, 301):
            add_person(app, user_id, filler=500)
        steps = 0

        def between_steps(status: int, remaining: int, total: int) -> None:
            nonlocal steps
            steps += 1
            if steps <= 5:
                add_person(app, 1000 + steps)  # the app's own connection: carried into the copy
                add_person(other, 2000 + steps)  # another connection: SQLite starts the copy again

        class App:
            """The app's connection, watched between steps (sqlite3.Connection cannot be patched)."""

            def backup(self, target: sqlite3.Connection, **options: Any) -> None:
                app.backup(target, **options, progress=between_steps)

        copy = backup(App(), tmp_path / "backups", keep=3, now=NOW, pages=4)  # type: ignore[arg-type]
        assert steps > 10
        assert assert_sound_snapshot(copy) == people(database) == 310


def test_the_copy_is_named_by_time_and_private(database: Path, tmp_path: Path) -> None:
    backup_dir = tmp_path / "nested" / "backups"
    old_umask = os.umask(0)  # even a careless umask must not open the copies up
    try:
        copy = backup_database(database, backup_dir, keep=2, now=NOW)
    finally:
        os.umask(old_umask)
    assert copy == backup_dir / "youthvoice-20261125-020000.sqlite3"
    assert stat.S_IMODE(backup_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert [path.name for path in backup_dir.iterdir()] == [copy.name]  # no partial or journal left


def test_a_time_with_a_zone_is_named_in_utc() -> None:
    oslo = datetime(2026, 11, 25, 4, 0, 5, tzinfo=timezone(timedelta(hours=1)))
    assert backup_name(oslo) == "youthvoice-20261125-030005.sqlite3"


def test_only_the_newest_backups_are_kept_and_other_files_are_left_alone(
    database: Path, tmp_path: Path
) -> None:
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir(mode=0o700)
    unrelated = ["notes.txt", "youthvoice-latest.sqlite3", "youthvoice-20200101-000000.sqlite3.bak"]
    for name in unrelated:
        (backup_dir / name).write_text("keep me")
    (backup_dir / "youthvoice-20200101-000000.sqlite3-dir").mkdir()
    made = [backup_database(database, backup_dir, keep=3, now=NOW + timedelta(days=day)) for day in range(5)]
    left = sorted(path.name for path in backup_dir.iterdir())
    assert left == sorted(
        [*unrelated, "youthvoice-20200101-000000.sqlite3-dir", *(p.name for p in made[-3:])]
    )
    assert prune(backup_dir, 1) == made[2:4]


def test_the_new_backup_survives_pruning_even_if_the_clock_went_back(database: Path, tmp_path: Path) -> None:
    backup_dir = tmp_path / "backups"
    later = backup_database(database, backup_dir, keep=1, now=NOW + timedelta(days=1))
    earlier = backup_database(database, backup_dir, keep=1, now=NOW)
    assert earlier.exists() and later.exists()


def test_keep_must_be_at_least_one(database: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        backup_database(database, tmp_path / "backups", keep=0, now=NOW)


def test_a_missing_database_is_not_created_by_backing_it_up(tmp_path: Path) -> None:
    missing = tmp_path / "typo.sqlite3"
    with pytest.raises(BackupError, match=r"typo\.sqlite3: there is no database file"):
        backup_database(missing, tmp_path / "backups", keep=1, now=NOW)
    assert not missing.exists()


def test_a_copy_that_fails_its_integrity_check_is_refused_and_removed(tmp_path: Path) -> None:
    source = tmp_path / "damaged.sqlite3"
    with closing(sqlite3.connect(source)) as connection:
        connection.execute("CREATE TABLE t (x TEXT)")
        connection.execute("CREATE INDEX t_x ON t (x)")
        connection.executemany("INSERT INTO t VALUES (?)", [(f"row {n}",) for n in range(2000)])
        connection.commit()
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 't_x'").fetchone()[0]
    with source.open("r+b") as file:  # scribble over the index's root page
        file.seek((root - 1) * page_size + 8)
        file.write(os.urandom(page_size - 8))
    backup_dir = tmp_path / "backups"
    with pytest.raises(BackupError, match=r"youthvoice-20261125-020000\.sqlite3"):
        backup_database(source, backup_dir, keep=1, now=NOW)
    assert list(backup_dir.iterdir()) == []


async def test_restore_brings_the_old_rows_back_and_keeps_the_replaced_database(
    database: Path, tmp_path: Path
) -> None:
    with connect(database) as connection:
        for user_id in range(1, 11):
            add_person(connection, user_id)
    copy = backup_database(database, tmp_path / "backups", keep=1, now=NOW)
    with connect(database) as connection:
        connection.execute("DELETE FROM participants WHERE user_id <= 5")
        for user_id in range(100, 103):
            add_person(connection, user_id)
        changed = sorted(row[0] for row in connection.execute("SELECT user_id FROM participants"))

    restore(copy, database, now=NOW + timedelta(hours=1))

    with closing(sqlite3.connect(database)) as connection:
        users = sorted(row[0] for row in connection.execute("SELECT user_id FROM participants"))
    assert users == list(range(1, 11))
    kept = database.with_name("youthvoice.sqlite3.before-restore-20261125-030000")
    with closing(sqlite3.connect(kept)) as connection:
        assert sorted(row[0] for row in connection.execute("SELECT user_id FROM participants")) == changed
    db = await Database.open(database)  # the bot starts on the restored file as usual
    try:
        assert await migrate(db) == []
    finally:
        await db.close()
    assert stat.S_IMODE(os.stat(database).st_mode) == 0o600


def test_restore_keeps_what_a_crashed_bot_left_in_its_write_ahead_log(database: Path, tmp_path: Path) -> None:
    copy = backup_database(database, tmp_path / "backups", keep=1, now=NOW)
    crashed = sqlite3.connect(database, isolation_level=None)
    crashed.execute("PRAGMA wal_autocheckpoint=0")
    add_person(crashed, 42)
    wal = database.with_name(database.name + "-wal")
    # Copy the files as a crash would leave them (the connection still open holds the log).
    snapshot = {path: path.read_bytes() for path in (database, wal)}
    crashed.close()
    for path, data in snapshot.items():
        path.write_bytes(data)
    assert wal.stat().st_size > 0

    restore(copy, database, now=NOW)

    assert people(database) == 0 and not wal.exists()
    assert people(database.with_name("youthvoice.sqlite3.before-restore-20261125-020000")) == 1


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "not ours"])
def test_a_damaged_backup_is_refused_and_the_database_left_untouched(
    database: Path, tmp_path: Path, damage: str
) -> None:
    with connect(database) as connection:
        for user_id in range(1, 200):
            add_person(connection, user_id, filler=200)
    copy = backup_database(database, tmp_path / "backups", keep=1, now=NOW)
    if damage == "truncated":
        with copy.open("r+b") as file:
            file.truncate(copy.stat().st_size // 2)
    elif damage == "garbage":
        copy.write_bytes(os.urandom(copy.stat().st_size))
    elif damage == "empty":
        copy.write_bytes(b"")
    else:
        copy.unlink()
        with closing(sqlite3.connect(copy)) as other:
            other.execute("CREATE TABLE something_else (x)")
    before = database.read_bytes()
    folder = sorted(database.parent.iterdir())

    with pytest.raises(BackupError, match=copy.name):
        restore(copy, database)

    assert database.read_bytes() == before
    assert sorted(database.parent.iterdir()) == folder


def test_restore_refuses_while_the_bot_has_the_database_open(database: Path, tmp_path: Path) -> None:
    copy = backup_database(database, tmp_path / "backups", keep=1, now=NOW)
    with connect(database) as running:
        add_person(running, 7)
        with pytest.raises(BackupError, match=r"in use.*stop the bot"):
            restore(copy, database)
        assert running.execute("SELECT count(*) FROM participants").fetchone()[0] == 1
    assert sorted(path.name for path in database.parent.iterdir()) == [database.name]


def test_restore_onto_a_fresh_machine(database: Path, tmp_path: Path) -> None:
    copy = backup_database(database, tmp_path / "backups", keep=1, now=NOW)
    fresh = tmp_path / "new-server" / "youthvoice.sqlite3"
    restore(copy, fresh)
    assert assert_sound_snapshot(fresh) == 0
    assert [path.name for path in fresh.parent.iterdir()] == [fresh.name]


def test_a_missing_backup_file_is_named(database: Path, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match=r"nope\.sqlite3: there is no such backup file"):
        restore(tmp_path / "nope.sqlite3", database)


def test_a_backup_never_carries_the_pseudonym_key(database: Path, tmp_path: Path) -> None:
    # Where versions before PSEUDONYM_KEY_FILE generated it, and where it still works from.
    key = b"5eed" * 16
    (database.parent / "pseudonym.key").write_bytes(key)
    made = backup_database(database, tmp_path / "backups", 3, NOW)
    assert [p.name for p in (tmp_path / "backups").iterdir()] == [made.name]
    assert key not in made.read_bytes()
