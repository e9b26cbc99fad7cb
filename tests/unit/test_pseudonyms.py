"""Keyed pseudonyms: responses' unchanged by keys per purpose, purposes apart, old alerts still work."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.core import texts
from bot.core.privacy import Purpose, hkdf_sha256, pseudonym, purpose_key
from bot.safeguarding.alerts import Person, Safeguarding
from bot.safeguarding.phrases import Concern
from bot.safeguarding.team_hours import TeamHours
from bot.storage.db import Database
from bot.storage.migrate import available, migrate
from tests.conftest import Clock

MASTER = b"a made-up key, for pinning pseudonyms"


def test_hkdf_matches_rfc_5869() -> None:
    # Test cases 1 (salt and info) and 3 (neither), RFC 5869 appendix A.
    okm = hkdf_sha256(bytes([0x0B]) * 22, bytes(range(0xF0, 0xFA)), 42, bytes(range(13)))
    assert okm.hex() == (
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    )
    assert hkdf_sha256(bytes([0x0B]) * 22, b"", 42).hex() == (
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
    )


def test_response_pseudonyms_are_as_they_were() -> None:
    # Computed by the code before keys per purpose: stored responses, ballots and ideas rely on it.
    assert pseudonym(MASTER, "hub-design", 123456789) == (
        "221588a4f1519e3af3f21c0dc2a5ed4a36beabe6a0bf2c1ce163f7dc9f036bf1"
    )


def test_purposes_never_share_a_key_or_a_pseudonym() -> None:
    keys = [MASTER] + [purpose_key(MASTER, purpose) for purpose in Purpose]
    assert len(set(keys)) == len(keys)
    assert purpose_key(MASTER, Purpose.ALERT_ASKER) == purpose_key(MASTER, Purpose.ALERT_ASKER)
    # A consultation may be called "safeguarding-alert-7" or "7": its pseudonyms match no alert's.
    asker = pseudonym(purpose_key(MASTER, Purpose.ALERT_ASKER), "7", 1001)
    flood = pseudonym(purpose_key(MASTER, Purpose.ALERT_FLOOD), "", 1001)
    responses = {pseudonym(MASTER, scope, 1001) for scope in ("safeguarding-alert-7", "7", "")}
    assert asker not in responses and flood not in responses and asker != flood


async def test_an_alert_raised_before_keys_per_purpose_still_knows_its_young_person(tmp_path: Path) -> None:
    old = tmp_path / "migrations"
    old.mkdir()
    for migration in available():
        if migration.version < 18:
            shutil.copy(migration.path, old)
    db = await Database.open(tmp_path / "db.sqlite3")
    try:
        await migrate(db, old)
        legacy_asker = pseudonym(MASTER, "safeguarding-alert-1", 1001)  # as the old code made it
        await db.transaction(
            lambda c: c.execute(
                "INSERT INTO safeguarding_alerts (id, words, category, source, raised_at, asker,"
                " wants_contact, state, sender_mark) VALUES (1, 'words', 'self_harm', 'message',"
                " '2026-11-25T14:00:00+00:00', ?, 0, 'acknowledged', 'an old flood mark')",
                (legacy_asker,),
            )
        )
        await migrate(db)
        clock = Clock(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))
        no_triage: Any = None
        safeguarding = Safeguarding(
            db,
            no_triage,
            MASTER,
            timedelta(minutes=3),
            timedelta(minutes=30),
            clock,
            TeamHours.parse("always"),
        )
        someone_else = await safeguarding.choose(Person(1002, "Kim", None), "1:1")
        assert someone_else.notice == texts.MOVED_ON
        yes = await safeguarding.choose(Person(1001, "Sam", "sam_k"), "1:1")
        assert yes.screens and yes.outbox  # recognised: the team hears they want contact
        [row] = await db.fetch_all("SELECT user_id, sender_mark FROM safeguarding_alerts")
        assert (row["user_id"], row["sender_mark"]) == (1001, None)

        # One raised now is filed under the asker key, and is answered the same way.
        new_id = await db.transaction(
            lambda c: safeguarding.raise_in(c, 1001, "words", Concern("self_harm", "x"), "message", None)
        )
        [new] = await db.fetch_all("SELECT asker FROM safeguarding_alerts WHERE id = ?", (new_id,))
        assert new["asker"] == pseudonym(purpose_key(MASTER, Purpose.ALERT_ASKER), str(new_id), 1001)
        assert (await safeguarding.choose(Person(1001, "Sam", None), f"{new_id}:0")).screens
    finally:
        await db.close()
