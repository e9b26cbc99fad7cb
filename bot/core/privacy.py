"""Keyed pseudonyms: answers to anonymous consultations are filed under these, never a Telegram id."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime


def pseudonym(key: bytes, consultation_id: str, user_id: int) -> str:
    """HMAC-SHA256 of the consultation and the person: stable per consultation, unlinkable across
    consultations, and impossible to reverse without the key."""
    message = f"{consultation_id}\x00{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def recorded_time(moment: datetime, anonymous: bool) -> datetime:
    """The time to store: the day only for anonymous records, so times cannot be matched across
    tables (say, a consent and an anonymous response started the same second)."""
    if not anonymous:
        return moment
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)
