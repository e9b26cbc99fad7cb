"""Small-number suppression: officers see only figures that cannot single out a child.

Pure functions, standard library only. Use them for anything an officer sees or exports.

The rules in plain words (MIN_CELL is 5 unless set otherwise; read "5" as that number):

1. A count of 1 to 4 is shown as "fewer than 5". A 0 is shown as 0.
2. If a hidden number could still be worked out from what is shown (one count hidden and the total
   shown, say, so the total minus the others gives it away), also hide the smallest other count that
   is not 0 (on a tie, the first one listed), shown as "hidden". Check again, and repeat until nothing
   hidden can be worked out. If there is nothing left to hide, hide the total.
3. If the whole group is fewer than 5 people, show no counts at all: every count and the total say
   "fewer than 5", zeros too.
4. A percentage is shown only beside a count that is shown, and only when the total is shown, so it
   never gives away more than the count and total next to it. Otherwise it is a dash.
5. Multi-choice questions (people can pick several options, so the counts do not add up to the total):
   a count of 1 to 4 is "fewer than 5", and a count that is all but 1 to 4 of the people who answered
   is "all but fewer than 5" (everyone but 2 picking something singles out the 2). Rule 3 applies to
   the number who answered. When exactly 6 answered, both kinds just say "hidden" (see below).

Recoverable, precisely. A reader knows what is shown and these rules, so for each hidden figure they
know a range:

- "fewer than 5" (primary, reason "small"): 1 to 4; 0 to 4 under rule 3, where zeros are hidden too;
- "hidden" (secondary, reason "secondary"): at least 5 (smaller counts would say "fewer than 5", and
  zeros are never hidden outside rule 3) and, because the smallest is hidden first, no more than any
  non-zero count still shown (one less than a shown count listed before it, by the tie rule);
- the total: its shown value; 1 to 4 if "fewer than 5"; at least 5 if "hidden".

A hidden cell is recoverable when, across every assignment of values to the hidden figures that fits
those ranges and adds up to a total in the total's range, that cell has only one possible value. The
ranges are deliberately tighter than "a hidden cell is at least 1", which is what a reader who ignores
the labels would assume: a table safe against the better-informed reader is safe against that one too.
(Example: 1, 5 and 20 out of 26. Hiding the 1 and the 5 is not enough: a reader knows the "hidden"
cell is at least 5 and the pair adds up to 6, so the pair must be 1 and 5. The 20 has to go too.)

If the `total` given is more than the sum of the counts, the difference (people in no listed
category, such as those who skipped) can be worked out from the table, so it is protected as one more
category, listed last, never printed. The check treats it as known whenever it is not hidden; treating
more as known than is can only make the check stricter.

Not covered, two limits to know:

- A reader who also reasons about *why* a cell was hidden can sometimes do better. Two "fewer than 5"
  cells and one "hidden" with 8 between them: the "hidden" one was only needed if the two small ones
  were both 1 or both 4, and it is at least 5, so they are both 1. The check above is the usual
  standard for published tables; it does not follow the reader that far.
- Hiding the total protects only if that total is not published somewhere else (as the number who
  answered, say). Where it is, the hidden total is no protection.

Why zeros are shown: a 0 points at nobody. Hiding zeros would also hide most tables (one empty option
would need a second cell hidden to protect it), for no one's benefit. The price is that "fewer than 5"
then means 1 to 4, so MIN_CELL must be at least 3: "fewer than 2" could only mean 1. (A group with
every answer in one option does say what all of them answered; with at least 5 in the group, that is
the usual accepted risk.)

With exactly 6 answers (MIN_CELL + 1) to a multi-choice question, "all but fewer than 5" could only be
5 (a 1 to 4 says "fewer than 5", and 6 would be shown), so every hidden count there says "hidden",
which could be anything from 1 to 5.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MIN_CELL = 5
NO_FIGURE = "–"  # a percentage that is not shown: its count or total is hidden, or the total is 0
HIDDEN = "hidden"
SMALL = "small"
SECONDARY = "secondary"


@dataclass(frozen=True)
class Cell:
    """One figure as published. `count` is None when hidden; `shown` is the text to print."""

    count: int | None
    # None when shown; SMALL (primary suppression) or SECONDARY (hidden to protect another cell).
    reason: str | None
    shown: str
    percent: str  # "58%", or NO_FIGURE


@dataclass(frozen=True)
class Table:
    """A suppressed group: the cells in the order given, and the group total."""

    cells: dict[str, Cell]
    total: Cell


def fewer_than(min_cell: int) -> str:
    return f"fewer than {min_cell}"


def all_but_fewer_than(min_cell: int) -> str:
    return f"all but fewer than {min_cell}"


def suppress(counts: Mapping[str, int], min_cell: int = MIN_CELL, total: int | None = None) -> Table:
    """Suppress one group of mutually exclusive categories (say, the answers to a single-choice question).

    `total` defaults to the sum of the counts; a larger one (those who answered none of these, too)
    is allowed and its remainder is protected as an unprinted category. See the module docstring.
    """
    _check_min_cell(min_cell)
    names = list(counts)
    values = [counts[name] for name in names]
    if any(value < 0 for value in values):
        raise ValueError("counts cannot be negative")
    whole = sum(values) if total is None else total
    if whole < sum(values):
        raise ValueError(f"total {whole} is less than the sum of the counts, {sum(values)}")
    if whole == 0:
        return Table({name: _shown(0, 0) for name in names}, _shown(0, 0))
    if whole < min_cell:
        return _small_group(names, min_cell)

    rest = whole - sum(values)
    # The remainder goes last, so it loses ties: a listed category is hidden before it.
    xs = [*values, rest] if rest else values
    status: list[str | None] = [SMALL if 0 < x < min_cell else None for x in xs]
    total_hidden = False
    while _any_recoverable(xs, status, whole, total_hidden, min_cell):
        if total_hidden:
            # Cannot happen: with the total hidden every hidden cell keeps a range of 2 or more.
            raise AssertionError(f"suppression failed for {xs} (min_cell {min_cell})")
        candidates = [i for i, x in enumerate(xs) if status[i] is None and x > 0]
        if candidates:
            status[min(candidates, key=lambda i: (xs[i], i))] = SECONDARY
        else:
            total_hidden = True

    cells: dict[str, Cell] = {}
    for name, value, reason in zip(names, values, status, strict=False):
        if reason is None:
            cells[name] = _shown(value, None if total_hidden else whole)
        else:
            cells[name] = Cell(None, reason, fewer_than(min_cell) if reason == SMALL else HIDDEN, NO_FIGURE)
    shown_total = Cell(None, SECONDARY, HIDDEN, NO_FIGURE) if total_hidden else _shown(whole, whole)
    return Table(cells, shown_total)


def suppress_totals(counts: Mapping[str, int], respondents: int, min_cell: int = MIN_CELL) -> Table:
    """Suppress a multi-choice question: each option's count is out of `respondents`, who could pick several.

    A count c is hidden when it is 1..min_cell-1 or when respondents - c is (the people who did not
    pick it are as identifiable as those who did). No secondary suppression is needed: the counts are
    not tied together by a sum, so a shown count says nothing about a hidden one.
    """
    _check_min_cell(min_cell)
    names = list(counts)
    if any(not 0 <= counts[name] <= respondents for name in names):
        raise ValueError(f"every count must be between 0 and the {respondents} respondents")
    if respondents == 0:
        return Table({name: _shown(0, 0) for name in names}, _shown(0, 0))
    if respondents < min_cell:
        return _small_group(names, min_cell)

    cells: dict[str, Cell] = {}
    for name in names:
        count = counts[name]
        if 0 < count < min_cell:
            text = fewer_than(min_cell)
        elif 0 < respondents - count < min_cell:
            text = all_but_fewer_than(min_cell)
        else:
            cells[name] = _shown(count, respondents)
            continue
        if respondents == min_cell + 1:
            # "All but fewer than 5" out of 6 that is not itself fewer than 5 can only be 5.
            text = HIDDEN
        cells[name] = Cell(None, SMALL, text, NO_FIGURE)
    return Table(cells, _shown(respondents, respondents))


def _check_min_cell(min_cell: int) -> None:
    if min_cell < 3:
        raise ValueError(
            f"min_cell must be at least 3, not {min_cell}: zeros are shown, so 'fewer than 2' would mean 1"
        )


def _percent(part: int, whole: int) -> str:
    """As `bot.core.tallies.percent` (whole-number percentage, halves up), without importing the models."""
    if whole <= 0:
        return NO_FIGURE
    return f"{(200 * part + whole) // (2 * whole)}%"


def _shown(count: int, whole: int | None) -> Cell:
    """A published count; its percentage of `whole` only if that is published too (None: hidden)."""
    return Cell(count, None, str(count), NO_FIGURE if whole is None else _percent(count, whole))


def _small_group(names: Sequence[str], min_cell: int) -> Table:
    """Rule 3: the whole group is 1..min_cell-1 people, so nothing but that is said, zeros included.

    Showing zeros here would not be safe: four categories of "fewer than 5" in a group of "fewer than 5"
    could only be 1 each.
    """
    hidden = Cell(None, SMALL, fewer_than(min_cell), NO_FIGURE)
    return Table(dict.fromkeys(names, hidden), hidden)


def _any_recoverable(
    xs: Sequence[int], status: Sequence[str | None], whole: int, total_hidden: bool, min_cell: int
) -> bool:
    """Whether a reader could pin down any hidden cell, with the ranges in the module docstring.

    The assignments of a box of integer ranges with a sum in [lo, hi] leave each cell an unbroken
    range of possible values (the sums of the others are unbroken too), so for each cell it is enough
    to compare its smallest and largest possible values.
    """
    shown = [i for i, s in enumerate(status) if s is None]
    hidden = [i for i, s in enumerate(status) if s is not None]
    if not hidden:
        return False
    ranges: list[tuple[int, int | None]] = []  # None: no upper bound
    for j in hidden:
        if status[j] == SMALL:
            ranges.append((1, min_cell - 1))
        else:
            # Chosen before every non-zero count still shown: no larger, and smaller than one listed first.
            bounds = [xs[i] if i > j else xs[i] - 1 for i in shown if xs[i] > 0]
            ranges.append((min_cell, min(bounds) if bounds else None))
    shown_sum = sum(xs[i] for i in shown)
    if total_hidden:
        # A hidden total is at least min_cell (a smaller one falls under rule 3) and has no upper bound.
        sum_lo, sum_hi = min_cell - shown_sum, None
    else:
        sum_lo = sum_hi = whole - shown_sum

    lowest = sum(lo for lo, _ in ranges)
    for k, (lo, hi) in enumerate(ranges):
        others_lo = lowest - lo
        others_his = [h for n, (_, h) in enumerate(ranges) if n != k]
        others_hi = None if None in others_his else sum(h for h in others_his if h is not None)
        least = lo if others_hi is None else max(lo, sum_lo - others_hi)
        caps = [v for v in (hi, None if sum_hi is None else sum_hi - others_lo) if v is not None]
        most = min(caps) if caps else None
        if most is not None and most == least:
            return True
    return False
