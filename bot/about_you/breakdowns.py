"""Breakdowns and reach through the one small-number protection (`bot.core.suppression`).

Pure functions, no I/O. A breakdown is one question's answers for each group of an "about you"
question: a row per group, each row a protected table of the same categories as the question's
own published table, so the rows add up to it cell by cell. The rules on top of the bands:

1. A group with fewer than MIN_CELL respondents is never a row of its own: it joins "everyone
   else", with those who did not say (skipped, rather not say, never asked). Which groups are rows
   depends only on their bands, which the reach table publishes anyway.
2. A group is a row in every breakdown of a consultation or in none (its size is the number who
   finished, not who reached one question), so two breakdowns never differ in who is "else".
3. When the rows are a multiple of the band, the last two are shown as one: the same reason as
   rule 3 of the bands, down a column instead of along a row.
4. Only when MIN_CELL is a prime of at least 5 (`shown_in_bands_of`), as the default 5 is. Every cell
   of a breakdown at the top of its band adds up to the bottom of the total's band only when the
   band divides the number of cells, rows times categories; for a prime that needs it to divide
   one of them, which rule 3 here and rule 3 of the bands prevent. With bands of 4 or 10 (2 x 2,
   2 x 5 cells) counts can be pinned, and bands of 3 are too narrow beside the reach table; bands
   of another width than the question's own table would pin counts where the two overlap.

`tests/unit/test_breakdowns.py` enumerates every small table, rows and columns and their published
totals read together, to show no count is pinned to one value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.suppression import MIN_CELL, Cell, Table, band, protect, protect_each

NOT_SAID = ""  # the group of those who did not say: skipped, rather not say, or never asked
EVERYONE_ELSE = "everyone else"
JOINED = "{} or {}"


def shown_in_bands_of(min_cell: int) -> bool:
    """Whether breakdowns and reach can be published in bands of min_cell (rule 4)."""
    return min_cell >= 5 and all(min_cell % d for d in range(2, int(min_cell**0.5) + 1))


@dataclass(frozen=True)
class Row:
    label: str  # a group's name, "everyone else", or two of them joined
    groups: tuple[str, ...]  # the group ids it counts


def rows(sizes: Mapping[str, int], names: Mapping[str, str], min_cell: int = MIN_CELL) -> list[Row]:
    """The rows of every breakdown, from each group's respondents (in the question's order, NOT_SAID
    among them): groups of at least min_cell on their own, then everyone else."""
    own = [g for g, n in sizes.items() if g != NOT_SAID and band(n, min_cell).low >= min_cell]
    rest = tuple(g for g in sizes if g not in own)
    # Everyone else is a row even when nobody is in it: leaving it out would say it was 0.
    found = [*(Row(names[g], (g,)) for g in own), Row(EVERYONE_ELSE, rest)]
    if len(found) > 1 and len(found) % min_cell == 0:
        *found, before_last, last = found
        found.append(Row(JOINED.format(before_last.label, last.label), before_last.groups + last.groups))
    return found


def breakdown(
    rows_shown: Sequence[Row],
    counts: Mapping[str, Mapping[str, int]],
    respondents: Mapping[str, int] | None = None,
    min_cell: int = MIN_CELL,
) -> list[tuple[str, Table]]:
    """Each row's protected table. `counts`: group id -> category -> count. Categories that exclude
    each other (a single choice with its skips) are protected as one group, like the question's own
    table; with `respondents` (group id -> how many answered a multi choice), each option on its own
    out of them."""
    found = []
    for row in rows_shown:
        summed: dict[str, int] = {}
        for group in row.groups:
            for category, n in counts.get(group, {}).items():
                summed[category] = summed.get(category, 0) + n
        if not any(summed.values()) and any(n for group in counts.values() for n in group.values()):
            # Nobody in this row: "fewer than 5", as the reach table says, not a telling "0"
            # (with nobody at all, every table says 0).
            nobody = band(0, min_cell)
            table = Table(dict.fromkeys(summed or counts_of(counts), nobody), nobody)
        elif respondents is None:
            table = protect(summed, min_cell)
        else:
            table = protect_each(summed, sum(respondents.get(g, 0) for g in row.groups), min_cell)
        found.append((row.label, table))
    return found


def counts_of(counts: Mapping[str, Mapping[str, int]]) -> list[str]:
    """Every category named in any group's counts, in the order first met."""
    return list(dict.fromkeys(c for group in counts.values() for c in group))


@dataclass(frozen=True)
class Reach:
    """One group: its respondents as published, and its share of the service's cohort (None if
    the cohort file does not give it)."""

    label: str
    respondents: Cell
    cohort_share: int | None

    def gap(self, total: Cell, min_cell: int = MIN_CELL) -> int | None:
        """How many points fewer of the respondents than of the cohort are in this group, roughly,
        from the bands alone; None without a cohort figure or with fewer than a band responding."""
        if self.cohort_share is None or total.low < min_cell:
            return None
        return self.cohort_share - round(100 * self.respondents.middle / total.middle)


def reach(
    sizes: Mapping[str, int],
    names: Mapping[str, str],
    cohort: Mapping[str, int] | None,
    cohort_total: int,
    min_cell: int = MIN_CELL,
) -> tuple[list[Reach], Cell]:
    """Who took part by group (NOT_SAID among them, named in `names` too) against the cohort."""
    table = protect({names[g]: n for g, n in sizes.items()}, min_cell, JOINED)
    ids = {names[g]: g for g in sizes}
    found = []
    for label, cell in table.cells.items():
        group = ids.get(label)
        share = None
        if cohort is not None and group in cohort and group != NOT_SAID:
            share = round(100 * cohort[group] / cohort_total)
        found.append(Reach(label, cell, share))
    return found, table.total
