"""Answers as the database hands them to the tallies: each distinct one with how many gave it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from bot.core.engine import Answer
from bot.core.tallies import Counted


def counted(answers: Iterable[Answer]) -> Counted:
    """Grouped by value and type, as SQLite groups their JSON: `1` and `true` (equal in Python) apart."""
    groups = Counter((type(a.value), a.value) for a in answers)
    return [(Answer(value), n) for (_, value), n in groups.items()]
