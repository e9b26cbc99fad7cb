"""Sealing a chat number (or a few bytes) so that only the bot, holding the key, can read it back.

A pseudonym (privacy.py) can be checked but never reversed; a young person waiting for the team's
answer to their feedback must be reachable, so their chat number is encrypted instead: AES-GCM
under a key derived from the pseudonym key for this one purpose, with a fresh nonce each time (two
seals of the same number look unrelated) and the record's id bound in (a seal copied onto another
record does not open).
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_SIZE = 12


def seal(key: bytes, record: str, chat_id: int) -> bytes:
    """The chat number encrypted for `record` (what it is stored with, e.g. "answer-request 7")."""
    return seal_bytes(key, record, str(chat_id).encode())


def unseal(key: bytes, record: str, sealed: bytes) -> int | None:
    """The chat number, or None if the seal was not made with this key for this record."""
    opened = unseal_bytes(key, record, sealed)
    return None if opened is None else int(opened)


def seal_bytes(key: bytes, record: str, data: bytes) -> bytes:
    """Any few bytes sealed the same way (a young person's "about you", say)."""
    nonce = os.urandom(NONCE_SIZE)
    return nonce + AESGCM(key).encrypt(nonce, data, record.encode())


def unseal_bytes(key: bytes, record: str, sealed: bytes) -> bytes | None:
    if len(sealed) <= NONCE_SIZE:
        return None
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], record.encode())
    except InvalidTag:
        return None
