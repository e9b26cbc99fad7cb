"""Counting a ranked vote by instant runoff (IRV): pure, deterministic and explainable.

- A ballot ranks candidate ids, favourite first, and may stop anywhere (or be empty). Ids that are not
  candidates, and repeats of an id already on the ballot, are ignored.
- Each round, every ballot counts for its highest-ranked candidate still in the count; a ballot with none
  left is exhausted. A candidate with strictly more than half of the continuing ballots (all ballots minus
  exhausted ones), or the only candidate left, wins. If no ballot names any candidate there is no winner.
- Otherwise the candidate with the fewest votes is removed and its ballots move to their next choice.
- A tie for the fewest is broken by looking back at earlier rounds, latest first: at each round where the
  tied candidates' totals differ, only those with the fewest then stay tied. If more than one is still
  tied after round 1, `random.Random(f"{seed}:{round_number}").choice(sorted(still_tied))` is removed.
- The seed comes from `seed_for(consultation, question)`, so recounting a vote always gives the same
  result, and the seed can be printed with it for anyone to check.
- No candidates: no rounds and no winner. No valid ballots: one round of zeros and no winner.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Round:
    """One round. `totals` (every continuing candidate, in display order) and `exhausted` (cumulative)
    are as the round starts, so they add up to the ballots given; the rest says how the round ended."""

    number: int
    totals: dict[str, int]
    exhausted: int
    eliminated: str | None
    transfers: dict[str, int]
    exhausted_now: int
    tie_break: str | None
    drawn: tuple[str, ...] = ()  # who the draw chose among, when one removed `eliminated`


@dataclass(frozen=True)
class Count:
    """A whole count: `ballots` is how many were given (valid or not), `winner` is None when nobody could
    win (no candidates or no valid ballots), and `seed` is the one any draw used."""

    candidates: tuple[str, ...]
    ballots: int
    first_preferences: dict[str, int]
    rounds: tuple[Round, ...]
    winner: str | None
    seed: str


def seed_for(consultation_id: str, question_id: str) -> str:
    """Short and stable, so the same vote always draws the same way and the seed fits in a message."""
    return hashlib.sha256(f"{consultation_id}/{question_id}".encode()).hexdigest()[:12]


def count(ballots: Sequence[Sequence[str]], candidates: Sequence[str], seed: str) -> Count:
    """Count `ballots` (rankings of ids, favourite first) by the rules above; `candidates` gives the ids
    and the order to show them in."""
    return count_grouped(Counter(tuple(ballot) for ballot in ballots).items(), candidates, seed)


def count_grouped(
    ballots: Iterable[tuple[Sequence[str], int]],
    candidates: Sequence[str],
    seed: str,
    drawn_out: Mapping[int, str] | None = None,
) -> Count:
    """`count`, given each different ballot once with how many gave it (as the database groups them:
    the work grows with the different ballots, not the voters). `drawn_out` ({round: candidate})
    makes a draw in that round remove someone else, to see whether the draw decided the winner."""
    order = tuple(dict.fromkeys(candidates))  # a repeated candidate id is still one candidate
    continuing = set(order)
    piles: dict[str, list[tuple[tuple[str, ...], int]]] = {candidate: [] for candidate in order}
    totals = dict.fromkeys(order, 0)
    given = exhausted = 0
    for ballot, weight in ballots:
        given += weight
        # Only the valid, first-mentioned entries matter, so clean each ballot once (most are clean
        # already, as the engine stores them: that is checked first, in C).
        cleaned = tuple(ballot)
        if not continuing.issuperset(cleaned) or len(set(cleaned)) != len(cleaned):
            cleaned = tuple(dict.fromkeys(entry for entry in ballot if entry in continuing))
        if cleaned:
            piles[cleaned[0]].append((cleaned, weight))
            totals[cleaned[0]] += weight
        else:
            exhausted += weight

    rounds: list[Round] = []
    winner: str | None = None
    while continuing:
        number = len(rounds) + 1
        standing = {candidate: totals[candidate] for candidate in order if candidate in continuing}
        live = given - exhausted
        if live == 0:
            rounds.append(Round(number, standing, exhausted, None, {}, 0, None))
            break
        leader = max(standing, key=standing.__getitem__)
        if 2 * standing[leader] > live or len(standing) == 1:
            winner = leader
            rounds.append(Round(number, standing, exhausted, None, {}, 0, None))
            break

        loser, tie_break, drawn = _choose_loser(standing, rounds, seed, number, (drawn_out or {}).get(number))
        continuing.discard(loser)
        moved = dict.fromkeys(order, 0)
        exhausted_now = 0
        for ballot, weight in piles.pop(loser):
            # Earlier entries are all eliminated, so the first continuing one is the next preference.
            following = next((entry for entry in ballot if entry in continuing), None)
            if following is None:
                exhausted_now += weight
            else:
                piles[following].append((ballot, weight))
                moved[following] += weight
                totals[following] += weight
        transfers = {candidate: n for candidate, n in moved.items() if n}
        rounds.append(Round(number, standing, exhausted, loser, transfers, exhausted_now, tie_break, drawn))
        exhausted += exhausted_now

    return Count(
        candidates=order,
        ballots=given,
        first_preferences=dict(rounds[0].totals) if rounds else {},
        rounds=tuple(rounds),
        winner=winner,
        seed=seed,
    )


def decided_by_draw(result: Count, ballots: Sequence[tuple[Sequence[str], int]]) -> tuple[str, ...]:
    """Who a draw chose among where removing another of them would have given a different winner
    (the winner then won by luck, not by votes), in display order; () when no draw changed who won.
    `ballots` are the ones `result` counted."""
    for this in result.rounds:
        for other in this.drawn:
            if other != this.eliminated:
                again = count_grouped(ballots, result.candidates, result.seed, {this.number: other})
                if again.winner != result.winner:
                    return this.drawn
    return ()


def _look_back(
    tied: Sequence[str], earlier: Sequence[Round]
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Narrow a tie for the fewest using earlier rounds, latest first. Returns who is still tied and the
    steps taken as (round number, who had the fewest then)."""
    remaining = list(tied)
    steps: list[tuple[int, list[str]]] = []
    for past in reversed(earlier):
        if len(remaining) == 1:
            break
        # Everyone tied now was continuing in every earlier round, so each has a total there.
        lowest = min(past.totals[candidate] for candidate in remaining)
        fewest = [candidate for candidate in remaining if past.totals[candidate] == lowest]
        if len(fewest) < len(remaining):
            steps.append((past.number, fewest))
            remaining = fewest
    return remaining, steps


def _draw(seed: str, number: int, still_tied: Sequence[str]) -> str:
    # Sorted, so the draw does not depend on the order the candidates are shown in.
    return random.Random(f"{seed}:{number}").choice(sorted(still_tied))


def _choose_loser(
    totals: dict[str, int], earlier: Sequence[Round], seed: str, number: int, drawn_out: str | None = None
) -> tuple[str, str | None, tuple[str, ...]]:
    """Who is removed, how a tie was broken (None if there was none) and who a draw chose among
    (`drawn_out`, if one of them, instead of whom the draw picks: see `decided_by_draw`)."""
    lowest = min(totals.values())
    tied = [candidate for candidate, votes in totals.items() if votes == lowest]
    if len(tied) == 1:
        return tied[0], None, ()

    remaining, steps = _look_back(tied, earlier)
    text = f"{_join(tied, _quote)} tied on {lowest}"
    before = tied
    for round_number, fewest in steps:
        comparison = "fewer" if len(before) == 2 else "the fewest"
        text += f"; {_join(fewest, _quote)} had {comparison} in round {round_number}"
        before = fewest
    if len(remaining) == 1:
        return remaining[0], text, ()

    loser = drawn_out if drawn_out in remaining else _draw(seed, number, remaining)
    if steps:
        text += f"; {_join(remaining, _quote)} were level in every round"
    elif number > 1:
        text += " and were level in every earlier round"
    text += f"; {_quote(loser)} was removed by a draw (seed {_quote(seed)}, round {number})"
    return loser, text, tuple(remaining)


def explain(result: Count, labels: Mapping[str, str]) -> list[str]:
    """The count in plain words, round by round, for the people who voted."""

    def name(candidate: str) -> str:
        return f"'{labels.get(candidate) or candidate}'"

    if not result.candidates:
        return ["There were no options to vote for, so there is no winner."]
    if result.ballots == 0:
        return ["Nobody voted, so there is no winner."]

    voted = f"{_plural(result.ballots, 'person', 'people')} voted"
    first = result.rounds[0]
    if first.exhausted == result.ballots:
        return [f"{voted}, but nobody chose any of the options, so there is no winner."]
    lines = [f"{voted}."]
    if first.exhausted:
        counts = "their vote doesn't count" if first.exhausted == 1 else "their votes don't count"
        lines.append(f"{first.exhausted} of them didn't choose any of the options, so {counts}.")

    for index, this in enumerate(result.rounds):
        number = this.number
        scores = ", ".join(f"{name(candidate)} {votes}" for candidate, votes in this.totals.items())
        if number > 1 and this.exhausted:
            scores += f" ({_plural(this.exhausted, 'voter')} had no choices left)"
        lines.append(f"Round {number}: {scores}.")
        live = result.ballots - this.exhausted

        if this.eliminated is None:
            winner = result.winner
            if winner is None or winner not in this.totals:
                lines.append(f"Round {number}: nobody has any votes left, so there is no winner.")
                break
            share = f"{this.totals[winner]} of {_plural(live, 'vote')}"
            if len(this.totals) == 1 and len(result.candidates) > 1:
                lines.append(f"Round {number}: {name(winner)} is the only one left, with {share}, and wins.")
            else:
                lines.append(f"Round {number}: {name(winner)} had {share} — more than half — and wins.")
            break

        loser = this.eliminated
        lowest = this.totals[loser]
        moves = _moves(this, name)
        tied = [candidate for candidate, votes in this.totals.items() if votes == lowest]
        if len(tied) == 1:
            fewest = "had no votes at all" if lowest == 0 else f"had the fewest votes ({lowest})"
            removed = f"{name(loser)} {fewest} and was removed{moves}"
            lines.append(f"Round {number}: nobody had more than half, so {removed}.")
            continue

        lines.append(
            f"Round {number}: nobody had more than half, and {_join(tied, name)} tied for the fewest votes "
            f"({lowest} each)."
        )
        remaining, steps = _look_back(tied, result.rounds[:index])
        if steps:
            before = tied
            found = []
            for round_number, fewest_then in steps:
                others = [candidate for candidate in before if candidate not in fewest_then]
                fewer = f"{_join(fewest_then, name)} had fewer votes than {_join(others, name)}"
                found.append(f"in round {round_number}, {fewer}")
                before = fewest_then
            lines.append(f"To break the tie we looked back: {'; '.join(found)}.")
        if len(remaining) == 1:
            lines.append(f"So {name(loser)} was removed{moves}.")
            continue
        if number == 1:
            why = "There was no earlier round to look back at"
        elif steps:
            why = f"{_join(remaining, name)} had the same number of votes in every round"
        else:
            why = "They had the same number of votes in every earlier round too"
        lines.append(
            f"{why}, so a fair draw by the computer (seed {_quote(result.seed)}, round {number}) picked "
            f"{name(loser)} to be removed{moves}."
        )
    return lines


def _moves(this: Round, name: Callable[[str], str]) -> str:
    """Where the removed candidate's voters went next, starting with '; ' (or '' if it had none)."""
    total = sum(this.transfers.values()) + this.exhausted_now
    if total == 0:
        return ""
    if total == 1:
        if this.transfers:
            return f"; its 1 voter's next choice was {name(next(iter(this.transfers)))}"
        return "; its 1 voter had no more choices"
    parts = []
    # Biggest group first; sorted() is stable, so equal groups stay in display order.
    biggest_first = sorted(this.transfers.items(), key=lambda item: -item[1])
    for position, (candidate, n) in enumerate(biggest_first):
        if position == 0:
            who = f"all {total} of its voters'" if n == total else f"{n} of its {total} voters'"
            parts.append(f"{who} next choice was {name(candidate)}")
        else:
            parts.append(f"{n} went to {name(candidate)}")
    if this.exhausted_now:
        parts.append(
            f"{this.exhausted_now} had no more choices"
            if parts
            else f"all {total} of its voters had no more choices"
        )
    return "; " + ", ".join(parts)


def _quote(candidate: str) -> str:
    return f"'{candidate}'"


def _join(items: Sequence[str], show: Callable[[str], str]) -> str:
    shown = [show(item) for item in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _plural(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
