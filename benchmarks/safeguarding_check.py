"""How long the safeguarding check takes on a long message, against a baseline in the same run.

    python -m benchmarks.safeguarding_check

Every typed message is checked before the bot replies, so the check must stay far cheaper than a
Telegram call (about 1-2 ms of the bot's own time here). The baseline is lower-casing and splitting
the same text into words: the least any word matcher must do.
"""

from __future__ import annotations

import timeit
from pathlib import Path

from bot.core.safeguarding import DEFAULT_PHRASEBOOK_PATH, parse_phrasebook

FILLER = (
    "I think the youth centre should open later on fridays, the staff are really nice but the wifi "
    "is rubbish and we need more trips to the seaside. Also more sessions about cooking and money! "
)
MESSAGES = {
    "2000 characters, no concern": (FILLER * 20)[:2000],
    "2000 characters, concern at the end": (FILLER * 20)[:1975] + " i want to kill myself",
}


def _best_seconds(work: object, number: int = 50) -> float:
    return min(timeit.repeat(work, number=number, repeat=7)) / number  # type: ignore[arg-type]


def main() -> None:
    path = Path(DEFAULT_PHRASEBOOK_PATH)
    book = parse_phrasebook(path.read_text(encoding="utf-8"), str(path))
    for name, text in MESSAGES.items():
        book.check(text)  # warm the typo cache, as a running bot would be
        check = _best_seconds(lambda text=text: book.check(text))
        baseline = _best_seconds(lambda text=text: text.lower().split())
        ratio = check / baseline
        print(f"{name}: {check * 1000:.3f} ms, {ratio:.0f}x lower-and-split ({baseline * 1e6:.1f} µs)")


if __name__ == "__main__":
    main()
