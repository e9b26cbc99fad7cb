"""SQLite: migrations, saving progress, and handling an update only once."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.engine import Answer, Progress
from bot.core.i18n import Reading
from bot.storage import recordings_repo, repos, votes_repo
from bot.storage.db import Database
from bot.storage.migrate import MIGRATIONS_DIR, MigrationError, available, migrate

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


async def test_settings_are_wal_with_foreign_keys(db: Database) -> None:
    assert (await db.fetch_one("PRAGMA journal_mode"))[0] == "wal"
    assert (await db.fetch_one("PRAGMA foreign_keys"))[0] == 1
    # SQLite never waits for a lock on the event loop's thread; `transaction` sleeps between tries.
    assert (await db.fetch_one("PRAGMA busy_timeout"))[0] == 0


async def test_migrating_again_is_a_no_op(db: Database) -> None:
    assert await migrate(db) == []
    rows = await db.fetch_all("SELECT version FROM schema_migrations ORDER BY version")
    assert [r["version"] for r in rows] == [m.version for m in available()]


async def test_a_database_newer_than_the_code_is_refused(db: Database) -> None:
    await db.transaction(lambda tx: tx.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')"))
    newest = available()[-1].version
    with pytest.raises(MigrationError, match=f"schema version 999 but this code only knows up to {newest}"):
        await migrate(db)


async def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_initial.sql").write_text((MIGRATIONS_DIR / "0001_initial.sql").read_text())
    (folder / "0002_broken.sql").write_text("CREATE TABLE half (x);\nTHIS IS NOT SQL;\n")
    database = await Database.open(tmp_path / "db.sqlite3")
    try:
        with pytest.raises(MigrationError, match=r"0002_broken\.sql"):
            await migrate(database, folder)
        tables = {r["name"] for r in await database.fetch_all("SELECT name FROM sqlite_master")}
        assert "participants" in tables and "half" not in tables
        versions = await database.fetch_all("SELECT version FROM schema_migrations")
        assert [r["version"] for r in versions] == [1]
    finally:
        await database.close()


async def test_quick_polls_made_before_0010_join_the_consultation_definitions(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for migration in available():
        if migration.version <= 9:
            shutil.copy(migration.path, folder)
    database = await Database.open(tmp_path / "db.sqlite3")
    try:
        await migrate(database, folder)
        await database.transaction(
            lambda tx: tx.execute(
                "INSERT INTO chat_consultations VALUES"
                " ('poll-1', 'id: poll-1', 2001, '2026-11-01T10:00:00+00:00')"
            )
        )
        await migrate(database)
        [row] = await database.fetch_all("SELECT * FROM consultation_definitions")
        assert (row["id"], row["origin"], row["state"], row["definition"], row["changed_by"]) == (
            "poll-1",
            "quick poll",
            "launched",
            "id: poll-1",
            2001,
        )
        tables = {r["name"] for r in await database.fetch_all("SELECT name FROM sqlite_master")}
        assert "chat_consultations" not in tables
    finally:
        await database.close()


async def test_progress_round_trips_and_changes_are_saved(db: Database) -> None:
    start = Progress(position="a")
    stored = await db.transaction(lambda tx: repos.create_response(tx, "c", "resp", None, start, NOW))
    later = Progress({"a": Answer(("x", "y")), "b": Answer(3), "c": Answer("hi ✨"), "d": Answer(None)}, None)
    await db.transaction(lambda tx: repos.save_progress(tx, stored, later, NOW))
    loaded = await db.read(lambda tx: repos.load_response(tx, "c", "resp"))
    assert loaded is not None and loaded.progress == later
    fewer = Progress({"b": Answer(4)}, "b", submitted=True)
    await db.transaction(lambda tx: repos.save_progress(tx, loaded, fewer, NOW))
    again = await db.read(lambda tx: repos.load_response(tx, "c", "resp"))
    assert again is not None and again.progress == fewer


async def test_one_response_per_respondent_per_consultation(db: Database) -> None:
    def create(tx: sqlite3.Connection) -> repos.StoredResponse:
        return repos.create_response(tx, "c", "same", None, Progress(position="a"), NOW)

    await db.transaction(create)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        await db.transaction(create)


async def test_an_update_is_claimed_once_and_forgotten_later(db: Database) -> None:
    assert await db.transaction(lambda tx: repos.claim_update(tx, 42, NOW))
    assert not await db.transaction(lambda tx: repos.claim_update(tx, 42, NOW))
    await db.transaction(lambda tx: repos.forget_updates_before(tx, datetime(2027, 1, 1, tzinfo=UTC)))
    assert await db.transaction(lambda tx: repos.claim_update(tx, 42, NOW))


async def test_a_failed_transaction_rolls_back(db: Database) -> None:
    def consent_then_fail(tx: sqlite3.Connection) -> None:
        repos.record_consent(tx, 7, NOW, 1, Reading())
        raise RuntimeError("killed mid-way")

    with pytest.raises(RuntimeError):
        await db.transaction(consent_then_fail)
    assert await db.read(lambda tx: repos.get_participant(tx, 7)) is None


def test_migrate_command_applies_once_then_reports_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "data" / "bot.sqlite3"))
    assert main(["migrate"]) == 0
    names = ", ".join(f"{m.version:04d}_{m.name}" for m in available())
    assert capsys.readouterr().out.strip().endswith(f"applied {names}")
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out.strip().endswith("already up to date")


def test_backup_and_restore_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    monkeypatch.chdir(tmp_path)
    database = tmp_path / "data" / "bot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path / "backups"))
    assert main(["migrate"]) == 0
    assert main(["backup"]) == 0
    [made] = list((tmp_path / "backups").glob("youthvoice-*.sqlite3"))
    assert capsys.readouterr().out.strip().endswith(f"Backed up {database} to {made}")
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute(
            "INSERT INTO participants (user_id, consented_at, privacy_version) VALUES (1, 'x', 1)"
        )
    assert main(["restore", str(made)]) == 0
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("SELECT count(*) FROM participants").fetchone() == (0,)
    capsys.readouterr()
    assert main(["restore", str(tmp_path / "nope.sqlite3")]) == 1
    err = capsys.readouterr().err
    assert "Backup problem: " in err and "nope.sqlite3: there is no such backup file" in err


async def test_a_recording_plays_only_for_the_words_it_reads_out(db: Database) -> None:
    said = recordings_repo.wording_sha256("Which pets?")
    await db.transaction(lambda tx: recordings_repo.record(tx, "pets", "kinds", "en", "VO1", said, 2001, NOW))
    assert await db.read(lambda tx: recordings_repo.file_id(tx, "pets", "kinds", "en", said)) == "VO1"
    reworded = recordings_repo.wording_sha256("Which animals?")
    assert await db.read(lambda tx: recordings_repo.file_id(tx, "pets", "kinds", "en", reworded)) is None
    assert await db.read(lambda tx: recordings_repo.file_id(tx, "pets", "kinds", "ar", said)) is None


async def test_a_new_version_keeps_the_recordings_of_the_one_before(db: Database) -> None:
    said = recordings_repo.wording_sha256("Which pets?")
    await db.transaction(lambda tx: recordings_repo.record(tx, "pets", "kinds", "en", "VO1", said, 2001, NOW))
    await db.transaction(lambda tx: recordings_repo.copy(tx, "pets", "pets-v2"))
    assert await db.read(lambda tx: recordings_repo.file_id(tx, "pets-v2", "kinds", "en", said)) == "VO1"


def test_no_migrations_to_be_found_is_an_error_not_an_empty_schema(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="no migrations found"):
        available(tmp_path)


async def test_0016_leaves_nothing_that_links_an_anonymous_answer_to_its_author(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for migration in available():
        if migration.version <= 15:
            shutil.copy(migration.path, folder)
    database = await Database.open(tmp_path / "db.sqlite3")
    day, moment = "2026-11-02T00:00:00+00:00", "2026-11-02T10:00:00+00:00"

    def before(tx: sqlite3.Connection) -> None:
        tx.executemany(
            "INSERT INTO participants (user_id, consented_at, privacy_version, current_consultation,"
            " language) VALUES (?, ?, 1, ?, ?)",
            [(1, day, "pets", "ar"), (2, day, "named", "en")],
        )
        tx.executemany(
            "INSERT INTO responses (id, consultation_id, respondent, user_id, position, status,"
            " started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (1, "pets", "p-one", None, "names", "in_progress", day, day),
                (2, "named", "n-two", 2, "come", "in_progress", moment, moment),
                (3, "pets", "p-three", None, None, "submitted", day, day),
            ],
        )
        tx.executemany(
            "INSERT INTO answers (response_id, question_id, value, answered_at, language)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (1, "names", '"Biscuit"', day, "ar"),
                (3, "names", '"he hurts me"', day, "en"),
                (3, "allowed", '"yes"', day, None),
                (3, "ideas", '["Base Camp", "he hurts me"]', day, None),
            ],
        )
        tx.execute("INSERT INTO photos VALUES ('a1b2.jpg', 1, 'snap', '2026-11-02')")
        tx.executemany(
            "INSERT INTO safeguarding_alerts (words, category, source, raised_at, state)"
            " VALUES (?, 'abuse', ?, ?, 'sent')",
            [(" he hurts me ", "answer", moment), ("Biscuit", "message", moment)],
        )

    try:
        await migrate(database, folder)
        await database.transaction(before)
        await migrate(database)
        answers = await database.fetch_all("SELECT response_id, question_id, value FROM answers")
        assert sorted(tuple(row) for row in answers) == [
            (1, "names", '"Biscuit"'),  # an alert from a message is not an answer's
            (3, "allowed", '"yes"'),
            (3, "ideas", '["Base Camp","(sent to the safeguarding team)"]'),
            (3, "names", '"(sent to the safeguarding team)"'),
        ]
        current = await database.fetch_all("SELECT id, current FROM responses ORDER BY id")
        # The identified one keeps its place; the anonymous one cannot be found without the key.
        assert [tuple(row) for row in current] == [(1, 0), (2, 1), (3, 0)]
        participants = await database.fetch_all("PRAGMA table_info(participants)")
        assert "current_consultation" not in {row["name"] for row in participants}
        assert "language" not in {
            row["name"] for row in await database.fetch_all("PRAGMA table_info(answers)")
        }
        assert [tuple(r) for r in await database.fetch_all("SELECT name, response_id FROM photos")] == [
            ("a1b2.jpg", 1)
        ]
        for table in ("answers", "photos", "reminders"):  # in key order: the order of writing is gone
            with pytest.raises(sqlite3.OperationalError, match="rowid"):
                await database.fetch_all(f"SELECT rowid FROM {table}")
    finally:
        await database.close()


async def test_ballots_stored_as_json_before_0022_count_the_same_after_it(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for migration in available():
        if migration.version <= 21:
            shutil.copy(migration.path, folder)
    database = await Database.open(tmp_path / "db.sqlite3")
    try:
        await migrate(database, folder)
        twelve = [f"o{n}" for n in (12, 3, 7, 1, 11, 5, 9, 2, 10, 4, 8, 6)]
        ballots = [
            ("ann", '["b", "a"]'),
            ("ben", '["i12"]'),
            ("cat", "[]"),
            ("dan", json.dumps(twelve)),
            ("ann", '["a", "b", "c-1"]'),
        ]
        await database.transaction(
            lambda tx: tx.executemany(
                "INSERT INTO ballots (consultation_id, question_id, respondent, ranking, cast_on)"
                " VALUES ('vote', 'name', ?, ?, '2026-12-01')",
                ballots,
            )
        )
        await migrate(database)
        latest = await database.read(lambda c: votes_repo.latest_ballots(c, "vote", "name"))
        assert sorted(latest) == [((), 1), (("a", "b", "c-1"), 1), (("i12",), 1), (tuple(twelve), 1)]
        await database.transaction(
            lambda c: votes_repo.add_ballot(c, "vote", "name", "ben", ("a",), "2026-12-02")
        )
        latest = await database.read(lambda c: votes_repo.latest_ballots(c, "vote", "name"))
        assert sorted(latest) == [((), 1), (("a",), 1), (("a", "b", "c-1"), 1), (tuple(twelve), 1)]
    finally:
        await database.close()


async def test_an_erasures_checkpoint_held_back_by_a_long_read_is_done_when_it_ends(tmp_path: Path) -> None:
    """`/deleteme` empties the write-ahead log; one of the bot's own long reads (results, an export)
    holding old pages then must not leave the erased words there."""
    database = await Database.open(tmp_path / "db.sqlite3")
    try:
        await migrate(database)
        reading, finish = threading.Event(), threading.Event()

        def long_read(c: sqlite3.Connection) -> int:
            count = c.execute("SELECT count(*) FROM participants").fetchone()[0]
            reading.set()
            finish.wait(10)
            return count

        read = asyncio.create_task(database.read_aside(long_read))
        assert await asyncio.to_thread(reading.wait, 10)
        await database.transaction(lambda c: c.execute("CREATE TABLE erased (words TEXT)"))
        await database.forget_old_pages()  # the erasure's checkpoint, while the read holds old pages
        log = tmp_path / "db.sqlite3-wal"
        assert log.stat().st_size > 0
        finish.set()
        assert await read == 0
        assert log.stat().st_size == 0
    finally:
        await database.close()
