"""What the privacy rules keep: the day only for anonymous records, the month for last use, and keys
per purpose that stay the same from one release to the next."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.core.privacy import Purpose, hkdf_sha256, pseudonym, purpose_key, recorded_time

MASTER = b"a made-up key, for pinning pseudonyms"
AFTERNOON = datetime(2026, 11, 25, 14, 37, 12, 345678, tzinfo=UTC)


def test_an_anonymous_record_keeps_only_the_day() -> None:
    kept = recorded_time(AFTERNOON, anonymous=True)
    assert kept == datetime(2026, 11, 25, tzinfo=UTC)
    assert (kept.hour, kept.minute, kept.second, kept.microsecond) == (0, 0, 0, 0)
    # Two anonymous records started at different times of the same day cannot be told apart.
    assert recorded_time(AFTERNOON + timedelta(hours=9), anonymous=True) == kept


def test_an_identified_record_keeps_the_time_to_the_microsecond() -> None:
    assert recorded_time(AFTERNOON, anonymous=False) == AFTERNOON
    assert recorded_time(AFTERNOON, anonymous=False).microsecond == 345678


def test_the_day_kept_is_the_day_in_the_moments_own_time_zone() -> None:
    late_evening = datetime(2026, 6, 1, 23, 30, tzinfo=timezone(timedelta(hours=1)))
    kept = recorded_time(late_evening, anonymous=True)
    assert kept == datetime(2026, 6, 1, tzinfo=timezone(timedelta(hours=1)))
    assert kept.tzinfo == late_evening.tzinfo


@pytest.mark.parametrize(
    ("day", "first"),
    [
        (date(2026, 11, 25), date(2026, 11, 1)),
        (date(2026, 2, 28), date(2026, 2, 1)),
        (date(2026, 1, 1), date(2026, 1, 1)),
    ],
)
def test_last_use_is_kept_to_the_month(day: date, first: date) -> None:
    from bot.core.privacy import first_of_month

    assert first_of_month(day) == first


def test_keys_per_purpose_are_the_same_in_every_release() -> None:
    # Alerts and concerns already stored were filed under these: a change would orphan them.
    assert purpose_key(MASTER, Purpose.ALERT_ASKER).hex() == (
        "e36513ffe54b68dac29cf39088d99fc35fc12fdf926bcdf520e3861d4e4ac796"
    )
    assert purpose_key(MASTER, Purpose.ALERT_FLOOD).hex() == (
        "e50c5da7d0ac80ad02d9363c0f5b459c87015aa11f92ab511b385b1e7bddd3ac"
    )
    assert purpose_key(MASTER, Purpose.CONCERN_SENDER).hex() == (
        "5406141fc3d22790ec72e728b76300cd7aeb27d757aa6436323e86eb71031b44"
    )


def test_hkdf_rfc_5869_long_output_and_default_salt() -> None:
    # Test case 2 of RFC 5869 appendix A: longer inputs, 82 bytes out (three blocks).
    okm = hkdf_sha256(bytes(range(0x00, 0x50)), bytes(range(0xB0, 0x100)), 82, bytes(range(0x60, 0xB0)))
    assert okm.hex() == (
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
        "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
        "cc30c58179ec3e87c14c01d5c1f3434f1d87"
    )
    # No salt is a salt of zeros (RFC 5869 section 2.2), whatever the length asked for.
    assert hkdf_sha256(MASTER, b"x") == hkdf_sha256(MASTER, b"x", 32, bytes(32))
    assert len(hkdf_sha256(MASTER, b"x")) == 32
    assert [len(hkdf_sha256(MASTER, b"x", n)) for n in (1, 31, 33, 64, 65)] == [1, 31, 33, 64, 65]
    assert hkdf_sha256(MASTER, b"x", 64)[:32] == hkdf_sha256(MASTER, b"x")


def test_a_pseudonym_depends_on_scope_and_person_apart() -> None:
    # "1" + "23" and "12" + "3" must not give the same pseudonym.
    assert pseudonym(MASTER, "1", 23) != pseudonym(MASTER, "12", 3)
    assert len(pseudonym(MASTER, "hub", 1)) == 64
