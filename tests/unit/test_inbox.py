"""The inbox in the database: storing batches once, what is pending, handled, set aside; and the
storage errors the intake waits out versus those that stop the bot."""

from __future__ import annotations

import errno
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import durable
from bot.intake.inbox import Inbox
from bot.intake.lanes import is_outside_trouble, sender_of
from bot.storage import inbox_repo, repos
from bot.storage.db import Database, is_damage, is_storage_trouble

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def update(update_id: int, user_id: int = 7, text: str = "hello") -> dict:
    sender = {"id": user_id, "is_bot": False, "first_name": "Robin", "username": "robin_r"}
    message = {"message_id": update_id, "from": sender, "chat": {"id": user_id, "type": "private"}}
    return {"update_id": update_id, "message": {**message, "date": 0, "text": text}}


@pytest.fixture
def inbox(db: Database) -> Inbox:
    return Inbox(db, lambda: NOW)


async def test_a_batch_is_stored_once_and_a_second_delivery_is_known(inbox: Inbox) -> None:
    first = await inbox.store([update(1), update(2)])
    assert [p.update_id for p in first.new] == [1, 2] and first.known == []
    again = await inbox.store([update(2), update(3)])  # Telegram sent 2 again
    assert [p.update_id for p in again.new] == [3] and again.known == [2]
    assert [p.update_id for p in await inbox.pending_after(0, 10)] == [1, 2, 3]


async def test_a_handled_update_is_blanked_yet_still_recognised(inbox: Inbox, db: Database) -> None:
    await inbox.store([update(5, text="my words")])
    await inbox.done(5)
    assert await inbox.pending_after(0, 10) == []
    assert [tuple(row) for row in await db.fetch_all("SELECT payload FROM inbox")] == [(None,)]
    assert (await inbox.store([update(5)])).known == [5]


async def test_set_aside_keeps_the_shape_not_the_person(inbox: Inbox, db: Database) -> None:
    await inbox.store([update(9, user_id=4242, text="my secret words")])
    [pending] = await inbox.pending_after(0, 10)
    await inbox.set_aside(9, pending.payload, "cannot be read")
    [(payload, reason)] = await db.fetch_all("SELECT payload, reason FROM quarantine")
    assert reason == "cannot be read"
    for personal in ("Robin", "robin_r", "4242", "secret"):
        assert personal not in payload
    kept = json.loads(payload)
    assert kept["update_id"] == 9 and kept["message"]["text"] == "<15 characters>"
    assert kept["message"]["from"]["id"] == "<id>" and kept["message"]["date"] == 0
    assert await inbox.pending_after(0, 10) == []


async def test_old_records_go_but_never_one_still_pending(inbox: Inbox, db: Database) -> None:
    await inbox.store([update(1), update(2)])
    await inbox.done(1)
    await db.transaction(lambda tx: [repos.claim_update(tx, n, NOW) for n in (1, 2)])
    much_later = NOW + timedelta(days=30)
    await db.transaction(lambda tx: inbox_repo.forget_before(tx, much_later, much_later))
    await db.transaction(lambda tx: repos.forget_updates_before(tx, much_later))
    assert [row[0] for row in await db.fetch_all("SELECT update_id FROM inbox")] == [2]
    # Update 2 was applied before the bot stopped for a month: still recognised when handled again.
    assert not await db.transaction(lambda tx: repos.claim_update(tx, 2, much_later))


def test_the_sender_is_found_in_any_kind_of_update() -> None:
    assert sender_of(update(1, user_id=42)) == 42
    tap = {"update_id": 2, "callback_query": {"id": "q", "from": {"id": 43}, "data": "x"}}
    assert sender_of(tap) == 43
    anonymous_admin = {"update_id": 3, "message": {"sender_chat": {"id": -100}, "chat": {"id": -100}}}
    assert sender_of(anonymous_admin) is None
    assert sender_of({"update_id": 4}) is None


def sqlite_error(code: int, kind: type[sqlite3.Error] = sqlite3.OperationalError) -> sqlite3.Error:
    error = kind("from SQLite")
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("error", "trouble", "damage"),
    [
        (sqlite_error(sqlite3.SQLITE_BUSY), True, False),
        (sqlite_error(sqlite3.SQLITE_FULL), True, False),
        (sqlite_error(sqlite3.SQLITE_IOERR_WRITE), True, False),  # an extended code
        (sqlite_error(sqlite3.SQLITE_CORRUPT, sqlite3.DatabaseError), False, True),
        (sqlite_error(sqlite3.SQLITE_NOTADB, sqlite3.DatabaseError), False, True),
        (sqlite_error(sqlite3.SQLITE_ERROR), False, False),  # a bug: e.g. no such table
        (ValueError("a bug"), False, False),
    ],
)
def test_storage_errors_are_told_apart(error: BaseException, trouble: bool, damage: bool) -> None:
    assert is_storage_trouble(error) is trouble
    assert is_outside_trouble(error) is trouble
    assert is_damage(error) is damage


def test_telegram_trouble_is_waited_out_but_a_refusal_is_not() -> None:
    from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

    assert is_outside_trouble(NetworkError("Bad Gateway"))
    assert is_outside_trouble(TimedOut())
    assert is_outside_trouble(RetryAfter(timedelta(seconds=3)))
    assert not is_outside_trouble(BadRequest("message text is empty"))
    assert not is_outside_trouble(Forbidden("bot was blocked by the user"))
    assert is_outside_trouble(OSError(errno.ENOSPC, "No space left on device"))  # saving a photo
    assert not is_outside_trouble(OSError(errno.ENOENT, "No such file or directory"))


async def test_a_failed_commit_is_rolled_back_and_the_connection_goes_on(db: Database) -> None:
    await db.run_script(
        "BEGIN; CREATE TABLE parent (id INTEGER PRIMARY KEY);"
        " CREATE TABLE child (parent_id INTEGER REFERENCES parent (id)); COMMIT;"
    )

    def fails_only_at_commit(tx: sqlite3.Connection) -> None:
        tx.execute("PRAGMA defer_foreign_keys = ON")  # the check waits for COMMIT
        tx.execute("INSERT INTO child VALUES (99)")

    with pytest.raises(sqlite3.IntegrityError):
        await db.transaction(fails_only_at_commit)
    assert await db.fetch_all("SELECT * FROM child") == []
    await db.transaction(lambda tx: tx.execute("INSERT INTO parent VALUES (1)"))  # nothing left open
    assert [row[0] for row in await db.fetch_all("SELECT id FROM parent")] == [1]


async def test_syncing_to_disk_flushes_the_log_found_through_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[Path] = []
    monkeypatch.setattr(durable, "sync", synced.append)
    real = tmp_path / "real" / "youthvoice.sqlite3"
    real.parent.mkdir()
    link = tmp_path / "linked.sqlite3"
    link.symlink_to(real)
    db = await Database.open(link)
    try:
        await db.transaction(lambda tx: tx.execute("CREATE TABLE t (x)"))
        await db.sync_to_disk()
    finally:
        await db.close()
    assert synced == [real.with_name("youthvoice.sqlite3-wal")]  # where SQLite keeps it, not beside the link


async def test_the_hourly_tidy_forgets_old_records_of_handled_answers_too(inbox: Inbox, db: Database) -> None:
    await db.transaction(lambda tx: repos.claim_update(tx, 77, NOW - timedelta(days=3)))
    await inbox.beat("polling", None)
    assert await db.transaction(lambda tx: repos.claim_update(tx, 77, NOW))  # forgotten: claimable again
