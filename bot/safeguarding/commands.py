"""The safeguarding commands for a terminal: `python -m bot triage [FILE]` and `python -m bot
train-safeguarding`. A safeguarding lead can try the checks on their own examples without Telegram."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

from bot.safeguarding.triage import Tier, Triage


def triage_lines(triage: Triage, lines: Iterable[str]) -> Iterator[str]:
    """For each message (one per line), in order: `tier<TAB>category<TAB>score`. A blank line is
    "none" with no category, so the output lines up with the input."""
    for line in lines:
        verdict = triage.check(line.rstrip("\r\n"))
        category = verdict.category if verdict.tier is not Tier.NONE else "-"
        yield f"{verdict.tier.value}\t{category}\t{verdict.score:.3f}"


def triage_file(triage: Triage, source: TextIO, out: TextIO = sys.stdout) -> int:
    for line in triage_lines(triage, source):
        print(line, file=out, flush=True)
    return 0


def train() -> int:
    try:
        from bot.safeguarding.training import train_shipped
    except ImportError:  # scikit-learn is a dev dependency
        print("Training needs the dev dependencies: pip install -e '.[dev]'", file=sys.stderr)
        return 1
    from bot.safeguarding.classifier import MODEL_PATH

    model = train_shipped()
    model.save(MODEL_PATH)
    print(
        f"Wrote {MODEL_PATH}: {len(model.hashes)} features; review at a score of "
        f"{model.review_threshold:.3f} ({model.arabic_review_threshold:.3f} in Arabic), at once from "
        f"{model.high_threshold:.3f}"
    )
    return 0
