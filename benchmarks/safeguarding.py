"""How well the safeguarding triage hears concerns on the corpus's dev split, and how fast it is.

    python -m benchmarks.safeguarding            # dev split (never trained on)
    python -m benchmarks.safeguarding --split train

Per language, on the split:
- recall: the share of concerns that reach a person (alert or review), overall and by category;
- alert precision: of the messages that raise an urgent alert, the share that are concerns;
- review share: the share of harmless messages sent to the review queue (for English, of ordinary
  consultation answers, the "answers*" files, and of all harmless messages);
- other languages: the share of tests/unit/other_languages.tsv sent to review as unread.
Then the time to triage a 2,000-character message, against a baseline in the same run (lower-casing
and splitting the text: the least any checker must do), and the memory that loading the weights
takes. Targets (issue 14): recall >= 0.95 English, >= 0.9 Arabic; alert precision >= 0.85; review share
of ordinary answers <= 10%; < 2 ms a message; < 30 MB.
"""

from __future__ import annotations

import argparse
import timeit
import tracemalloc
from collections import defaultdict
from pathlib import Path

from bot.conversation import load_phrasebook
from bot.safeguarding import classifier
from bot.safeguarding.corpus import Example, read_corpus
from bot.safeguarding.triage import UNREAD_LANGUAGE, Tier, Triage

OTHER_LANGUAGES = Path(__file__).resolve().parents[1] / "tests" / "unit" / "other_languages.tsv"
FILLER = (
    "I think the youth centre should open later on fridays, the staff are really nice but the wifi "
    "is rubbish and we need more trips to the seaside. Also more sessions about cooking and money! "
)


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "n/a"


def report(triage: Triage, examples: list[Example]) -> list[str]:
    lines = []
    for language in sorted({e.language for e in examples}):
        mine = [e for e in examples if e.language == language]
        tiers = [triage.check(e.text).tier for e in mine]
        concerns = [(e, t) for e, t in zip(mine, tiers, strict=True) if e.is_concern]
        harmless = [(e, t) for e, t in zip(mine, tiers, strict=True) if not e.is_concern]
        heard = sum(t is not Tier.NONE for _, t in concerns)
        alerts = [e for e, t in zip(mine, tiers, strict=True) if t is Tier.ALERT]
        answers = [(e, t) for e, t in harmless if e.group.startswith("answers")]
        lines += [
            f"[{language}] {len(concerns)} concerns, {len(harmless)} harmless",
            f"  recall (alert or review): {_share(heard, len(concerns))}",
            f"  alert precision:          {_share(sum(e.is_concern for e in alerts), len(alerts))}",
            f"  alert recall:             {_share(sum(e.is_concern for e in alerts), len(concerns))}",
        ]
        if answers:
            sent = sum(t is Tier.REVIEW for _, t in answers)
            lines.append(f"  review share, ordinary answers: {_share(sent, len(answers))}")
        sent = sum(t is Tier.REVIEW for _, t in harmless)
        lines.append(f"  review share, all harmless:     {_share(sent, len(harmless))}")
        by_category: dict[str, list[bool]] = defaultdict(list)
        for example, tier in concerns:
            by_category[example.label].append(tier is not Tier.NONE)
        lines.append(
            "  recall by category: "
            + ", ".join(f"{c} {sum(v)}/{len(v)}" for c, v in sorted(by_category.items()))
        )
    if OTHER_LANGUAGES.exists():
        rows = [
            line.split("\t")
            for line in OTHER_LANGUAGES.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
        unread = sum(triage.check(row[2]).category == UNREAD_LANGUAGE for row in rows)
        lines.append(f"[other languages] sent to review as unread: {_share(unread, len(rows))}")
    return lines


def timing(triage: Triage) -> str:
    text = (FILLER * 20)[:2000]
    triage.check(text)
    runs = 200
    check = min(timeit.repeat(lambda: triage.check(text), number=runs, repeat=5)) / runs
    baseline = min(timeit.repeat(lambda: text.lower().split(), number=runs, repeat=5)) / runs
    return (
        f"time for a 2,000-character message: {check * 1000:.2f} ms "
        f"({check / baseline:.0f}x lower-and-split, {baseline * 1e6:.1f} µs)"
    )


def _size() -> str:
    return f"{classifier.MODEL_PATH.stat().st_size / 2**20:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.safeguarding")
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    args = parser.parse_args(argv)
    tracemalloc.start()
    model = classifier.load()
    model.score("warm up")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    triage = Triage(load_phrasebook(None), model)
    examples = [e for e in read_corpus() if e.split == args.split]
    print(f"Safeguarding triage on the {args.split} split ({len(examples)} messages)")
    print(
        f"review threshold {model.review_threshold:.3f} ({model.arabic_review_threshold:.3f} in Arabic), "
        f"at once from {model.high_threshold:.3f}"
    )
    for line in report(triage, examples):
        print(line)
    print(timing(triage))
    print(f"memory to load the classifier: {peak / 2**20:.1f} MB at peak (weights file {_size()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
