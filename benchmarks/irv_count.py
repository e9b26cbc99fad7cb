"""How long the instant-runoff count takes on a large vote, against a baseline in the same run.

    python -m benchmarks.irv_count

`/results` counts from every stored ballot each time, so the count must stay quick for the
biggest vote a council could run. The baseline is one pass tallying first preferences with a
Counter: the least any count must do. Ballots are random but seeded, truncated at random, with
support skewed so the count runs several rounds.
"""

from __future__ import annotations

import random
import timeit
from collections import Counter

from bot.core import irv

SIZES = ((1_000, 6), (10_000, 10), (50_000, 12))  # (ballots, candidates)


def _ballots(count: int, candidates: list[str], rng: random.Random) -> list[list[str]]:
    weights = [1 / (n + 1) for n in range(len(candidates))]  # a few popular, a long tail
    ballots = []
    for _ in range(count):
        order = []
        pool = list(candidates)
        pool_weights = list(weights)
        for _ in range(rng.randint(1, len(candidates))):
            pick = rng.choices(range(len(pool)), pool_weights)[0]
            order.append(pool.pop(pick))
            pool_weights.pop(pick)
        ballots.append(order)
    return ballots


def _best_seconds(work: object, number: int) -> float:
    return min(timeit.repeat(work, number=number, repeat=5)) / number  # type: ignore[arg-type]


def main() -> None:
    rng = random.Random(2026)
    for size, width in SIZES:
        candidates = [f"c{n}" for n in range(width)]
        ballots = _ballots(size, candidates, rng)
        result = irv.count(ballots, candidates, "bench")
        number = max(1, 20_000 // size)
        counting = _best_seconds(lambda b=ballots, c=candidates: irv.count(b, c, "bench"), number)
        baseline = _best_seconds(lambda b=ballots: Counter(ballot[0] for ballot in b), number)
        print(
            f"{size:>6} ballots, {width:>2} candidates, {len(result.rounds):>2} rounds: "
            f"{counting * 1000:8.2f} ms, {counting / baseline:5.1f}x one first-preference tally "
            f"({baseline * 1000:.2f} ms)"
        )


if __name__ == "__main__":
    main()
