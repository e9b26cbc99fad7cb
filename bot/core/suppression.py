"""Small-number protection: the one rule every number published outside the team goes through.

Pure functions, standard library only. Officers' tables and exports, `/consultations`, and the
results young people see all call `protect` (or `protect_each`); nothing outside the team sees a
count any other way.

The rule in plain words (MIN_CELL is 5 unless set otherwise; read "5" as that number):

1. Every count, totals included, is shown as the band of 5 it falls in: "fewer than 5" (0 to 4),
   "5 to 9", "10 to 14", and so on. Zeros too: "nobody" would narrow the band beside it.
2. A group with no one in it at all says 0 everywhere.
3. When a group has a multiple of 5 categories (5, 10, ...), its last two are shown together as one
   ("skipped or rather not say"). This is what makes the rule hold, see below.
4. Percentages are worked out from the bands shown (their middles), never from the true counts, and
   only when the total is at least 4 bands (20): they add nothing a reader could not work out.
5. Multi-choice questions (people can pick several): each option's count is banded on its own, out
   of the banded number who answered. The counts are not tied together by a sum, so bands alone hold.

Why bands, and why they hold against a reader who knows the rule. A reader sees each category's band
[5a, 5a + 4] and the total's band [5t, 5t + 4], and the categories add up to the total. Within one
category that leaves at least its band's five values unless the sum forces it to an end: every other
category at the top of its band and the total at the bottom of its band (or every category at the
bottom and the total at the top). The top of a band is 4 more than a multiple of 5, so k categories
at their tops add up to 4k more than a multiple of 5, which is the bottom of the total's band only
when k is a multiple of 5; the bottoms add up to a multiple of 5, never the top of a band. Rule 3
keeps k off multiples of 5. So no count, small or large, can be pinned to one value from one table;
`tests/unit/test_suppression.py` checks it by enumerating every table of up to 5 categories with
totals up to 24 (6 categories: up to 19) for bands of 5, and smaller ones for bands of 3, 4 and 10.

The bands also need no decisions that depend on the data (which cell to hide, whether to hide the
total), so a reader learns nothing from *why* something was hidden: the weakness of the earlier rule,
under which 76 of the small tables with a hidden cell pinned a count below 5.

What it does not cover (written in README too):
- Several tables about the same people (two questions of one consultation, a vote's first choices
  beside its winner) can narrow each other's ranges; the enumeration checks one table at a time.
  Totals are frozen when a consultation closes (`bot/published.py`), so nothing can be learnt by
  comparing before and after.
- A group in which everyone gave the same answer says what each of them answered. With at least 5
  people in it, that is the usual accepted risk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MIN_CELL = 5
NO_FIGURE = "–"  # a percentage that is not shown: the total is too small, or it is a "fewer than" band
# Percentages only from a total of this many bands up: below that, a band's middle is too rough.
PERCENT_FROM_BANDS = 4


@dataclass(frozen=True)
class Cell:
    """One figure as published: its band (`low` to `high`, both possible), the words, a percentage."""

    low: int
    high: int
    shown: str
    percent: str = NO_FIGURE

    @property
    def middle(self) -> float:
        return (self.low + self.high) / 2

    @property
    def small(self) -> bool:
        """Anything in the lowest band other than a known 0."""
        return self.low == 0 and self.high > 0


@dataclass(frozen=True)
class Table:
    """A protected group: the cells in the order given (the last two perhaps shown as one), and the total."""

    cells: dict[str, Cell]
    total: Cell


def fewer_than(min_cell: int) -> str:
    return f"fewer than {min_cell}"


def band(count: int, min_cell: int = MIN_CELL) -> Cell:
    """The band a count falls in, as published."""
    _check_min_cell(min_cell)
    if count < 0:
        raise ValueError("counts cannot be negative")
    low = count // min_cell * min_cell
    high = low + min_cell - 1
    return Cell(low, high, fewer_than(min_cell) if low == 0 else f"{low} to {high}")


def protect(counts: Mapping[str, int], min_cell: int = MIN_CELL, joined: str = "{} or {}") -> Table:
    """Protect one group of categories that exclude each other and cover everyone in it (the answers
    to a single-choice question with its skips, say). `joined` words two categories shown as one."""
    _check_min_cell(min_cell)
    if any(value < 0 for value in counts.values()):
        raise ValueError("counts cannot be negative")
    grouped = dict(counts)
    if len(grouped) > 1 and len(grouped) % min_cell == 0:
        *_, before_last, last = grouped
        grouped[joined.format(before_last, last)] = grouped.pop(before_last) + grouped.pop(last)
    whole = sum(grouped.values())
    if whole == 0:
        nobody = Cell(0, 0, "0")
        return Table(dict.fromkeys(grouped, nobody), nobody)
    total = band(whole, min_cell)
    cells = {name: _with_percent(band(value, min_cell), total, min_cell) for name, value in grouped.items()}
    return Table(cells, total)


def protect_each(counts: Mapping[str, int], respondents: int, min_cell: int = MIN_CELL) -> Table:
    """Protect a multi-choice question: each option's count out of `respondents`, who could pick several."""
    _check_min_cell(min_cell)
    if any(not 0 <= counts[name] <= respondents for name in counts):
        raise ValueError(f"every count must be between 0 and the {respondents} respondents")
    if respondents == 0:
        nobody = Cell(0, 0, "0")
        return Table(dict.fromkeys(counts, nobody), nobody)
    total = band(respondents, min_cell)
    cells = {name: _with_percent(band(count, min_cell), total, min_cell) for name, count in counts.items()}
    return Table(cells, total)


def _with_percent(cell: Cell, total: Cell, min_cell: int) -> Cell:
    """A percentage from the bands' middles, when the total is large enough for it to mean much."""
    if cell.small or total.low < PERCENT_FROM_BANDS * min_cell:
        return cell
    return Cell(cell.low, cell.high, cell.shown, f"about {round(100 * cell.middle / total.middle)}%")


def _check_min_cell(min_cell: int) -> None:
    if min_cell < 3:
        raise ValueError(f"min_cell must be at least 3, not {min_cell}: a band of 2 says too much")
