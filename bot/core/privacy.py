"""Keyed pseudonyms: answers to anonymous consultations are filed under these, never a Telegram id.

One key per purpose, so a pseudonym made for one thing can never equal one made for another
(before, an alert's `safeguarding-alert-7` was also a valid consultation id). Responses keep the
master key itself: their pseudonyms are stored (responses, ballots, idea submissions, reminders),
and new ones would count a young person's vote twice (the latest ballot per pseudonym), break the
one-idea-per-person rule and lose their place. Every other purpose has a key derived from the
master key with HKDF, and never uses the master key; alerts raised before that are marked by
migration 0018 and checked with the key they were made with (bot/safeguarding/alerts.py).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime
from enum import StrEnum


class Purpose(StrEnum):
    """What a derived key is for (HKDF's `info`); responses use the master key (see above)."""

    ALERT_ASKER = "youthvoice safeguarding alert asker"
    ALERT_FLOOD = "youthvoice safeguarding alert flood"
    CONCERN_SENDER = "youthvoice possible concern sender"
    ANSWER_ADDRESS = "youthvoice feedback answer address"  # sealing their chat number (AES-GCM)
    ANSWER_BACK = "youthvoice feedback answer back"  # the answer-back button's token
    ABOUT_YOU_MARK = "youthvoice about you mark"  # finding a young person's "about you"
    ABOUT_YOU_SEAL = "youthvoice about you seal"  # sealing it (AES-GCM)


def pseudonym(key: bytes, scope: str, user_id: int) -> str:
    """HMAC-SHA256 of the scope (a consultation's id, for responses) and the person: stable per
    scope, unlinkable across scopes, and impossible to reverse without the key."""
    message = f"{scope}\x00{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def purpose_key(master: bytes, purpose: Purpose) -> bytes:
    """The key for one purpose, derived from the master key."""
    return hkdf_sha256(master, purpose.encode())


def hkdf_sha256(key: bytes, info: bytes, length: int = 32, salt: bytes = b"") -> bytes:
    """HKDF (RFC 5869) with SHA-256: extract a pseudorandom key, then expand it for `info`."""
    prk = hmac.new(salt or bytes(hashlib.sha256().digest_size), key, hashlib.sha256).digest()
    output, block = b"", b""
    for counter in range(1, -(-length // len(prk)) + 1):
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        output += block
    return output[:length]


def recorded_time(moment: datetime, anonymous: bool) -> datetime:
    """The time to store: the day only for anonymous records, so times cannot be matched across
    tables (say, a consent and an anonymous response started the same second)."""
    if not anonymous:
        return moment
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def first_of_month(day: date) -> date:
    """Last use is kept to the month (this, its first day), so it cannot be matched to a day."""
    return day.replace(day=1)
