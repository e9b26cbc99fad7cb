"""Breakdowns and reach: rows worked by hand, then every small table enumerated as a reader who
knows the rules would read it (the question's own table, the reach table and every row together),
to show no count can be pinned to one value."""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Iterator, Mapping

import pytest

from bot.about_you import breakdowns
from bot.about_you.breakdowns import EVERYONE_ELSE, NOT_SAID, Row, breakdown, reach, rows, shown_in_bands_of
from bot.core import suppression
from bot.core.suppression import Table, protect_each

NAMES = {"a": "A", "b": "B", "c": "C", "d": "D", NOT_SAID: "not said"}


def test_a_group_below_the_threshold_is_never_a_row_of_its_own() -> None:
    shown = rows({"a": 12, "b": 4, "c": 5, NOT_SAID: 0}, NAMES)
    assert shown == [Row("A", ("a",)), Row("C", ("c",)), Row(EVERYONE_ELSE, ("b", NOT_SAID))]


def test_everyone_else_is_a_row_even_with_nobody_in_it() -> None:
    shown = rows({"a": 6, "b": 9, NOT_SAID: 0}, NAMES)
    assert shown == [Row("A", ("a",)), Row("B", ("b",)), Row(EVERYONE_ELSE, (NOT_SAID,))]
    counts = {"a": {"yes": 6}, "b": {"yes": 9}, NOT_SAID: {"yes": 0}}
    empty = dict(breakdown(shown, counts))[EVERYONE_ELSE]
    assert (empty.total.shown, empty.cells["yes"].shown) == ("fewer than 5", "fewer than 5")


def test_those_who_did_not_say_are_with_everyone_else_however_many() -> None:
    assert rows({"a": 6, NOT_SAID: 30}, NAMES) == [Row("A", ("a",)), Row(EVERYONE_ELSE, (NOT_SAID,))]


def test_five_rows_show_the_last_two_as_one() -> None:
    shown = rows({"a": 5, "b": 5, "c": 5, "d": 5, NOT_SAID: 1}, NAMES)
    assert [r.label for r in shown] == ["A", "B", "C", "D or everyone else"]
    assert shown[-1].groups == ("d", NOT_SAID)


def test_each_row_is_protected_like_the_question_and_adds_up_to_it() -> None:
    counts = {"a": {"yes": 7, "no": 3}, "b": {"yes": 1, "no": 1}, NOT_SAID: {"yes": 2, "no": 0}}
    shown = rows({g: sum(c.values()) for g, c in counts.items()}, NAMES)
    tables = dict(breakdown(shown, counts))
    assert {k: c.shown for k, c in tables["A"].cells.items()} == {"yes": "5 to 9", "no": "fewer than 5"}
    assert tables[EVERYONE_ELSE].total.shown == "fewer than 5"  # b and not said: 4


def test_a_multi_choice_row_bands_each_option_out_of_its_respondents() -> None:
    counts = {"a": {"art": 6, "music": 2}}
    [(label, table)] = breakdown([Row("A", ("a",))], counts, respondents={"a": 7})
    assert (label, table.total.shown, table.cells["art"].shown) == ("A", "5 to 9", "5 to 9")


def test_reach_sets_the_respondents_beside_the_cohort() -> None:
    sizes = {"yes": 9, "no": 31, NOT_SAID: 2}
    names = {"yes": "care-experienced", "no": "not", NOT_SAID: "not said"}
    found, total = reach(sizes, names, {"yes": 75, "no": 165}, 240)
    assert total.shown == "40 to 44"
    care = found[0]
    assert (care.label, care.respondents.shown, care.respondents.percent, care.cohort_share) == (
        "care-experienced",
        "5 to 9",
        "about 17%",
        31,
    )
    assert care.gap(total) == 31 - 17
    assert found[-1].cohort_share is None  # not said: not a group of the cohort


def test_no_gap_is_worked_out_from_fewer_than_a_band() -> None:
    found, total = reach({"yes": 1, "no": 3}, {"yes": "y", "no": "n"}, {"yes": 1, "no": 1}, 2)
    assert all(r.gap(total) is None for r in found)
    found, total = reach({"yes": 3, "no": 9}, {"yes": "y", "no": "n"}, {"yes": 1, "no": 1}, 2)
    assert [r.gap(total) for r in found] == [50 - 17, 50 - 58]  # bands 0-4 and 5-9 of 10-14


def test_only_bands_that_are_a_prime_of_at_least_5_are_used() -> None:
    assert [m for m in range(3, 20) if shown_in_bands_of(m)] == [5, 7, 11, 13, 17, 19]


def test_bands_that_are_not_prime_would_pin_a_count() -> None:
    # Why rule 4: with bands of 4, two rows of two categories (4 cells) can pin, and bands of 3
    # let the reach table's joined pair cut across the rows.
    assert pinned(["a", "b"], 2, 15, 4)
    assert pinned(["a", "b", "c"], 2, 8, 3)


# --- enumeration --------------------------------------------------------------------------------


def compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    for cuts in itertools.combinations(range(total + parts - 1), parts - 1):
        edges = (-1, *cuts, total + parts - 1)
        yield tuple(edges[i + 1] - edges[i] - 1 for i in range(parts))


def published(
    groups: list[str], categories: int, cells: tuple[int, ...], min_cell: int
) -> tuple[object, ...]:
    """Everything a reader sees about one question and one "about you" question."""
    counts = {g: {str(c): cells[i * categories + c] for c in range(categories)} for i, g in enumerate(groups)}
    sizes = {g: sum(counts[g].values()) for g in groups}
    shown = rows(sizes, NAMES, min_cell)
    view: list[object] = []
    for label, table in breakdown(shown, counts, min_cell=min_cell):
        view.append((label, tuple(c.shown for c in table.cells.values()), table.total.shown))
    columns = breakdowns.protect(  # the question's own table (remembered, as above)
        {str(c): sum(counts[g][str(c)] for g in groups) for c in range(categories)}, min_cell
    )
    view.append((*tuple(c.shown for c in columns.cells.values()), columns.total.shown))
    who, total = reach(sizes, NAMES, None, 1, min_cell)
    view.append((*tuple(r.respondents.shown for r in who), total.shown))
    return tuple(view)


@pytest.fixture(autouse=True)
def remembered_protection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The enumerations protect the same small rows over and over: each is worked out once (the
    same function, remembered), which makes them about four times as quick."""
    protect_once = functools.lru_cache(maxsize=None)(
        lambda counts, min_cell, joined: suppression.protect(dict(counts), min_cell, joined)
    )

    def remembered(counts: Mapping[str, int], min_cell: int = 5, joined: str = "{} or {}") -> Table:
        return protect_once(tuple(counts.items()), min_cell, joined)

    monkeypatch.setattr(breakdowns, "protect", remembered)


def pinned(groups: list[str], categories: int, most: int, min_cell: int) -> list[tuple[object, int, int]]:
    size = len(groups) * categories
    possible: dict[tuple[object, ...], list[set[int]]] = defaultdict(lambda: [set() for _ in range(size)])
    for everyone in range(most + 1):
        for cells in compositions(everyone, size):
            seen = published(groups, categories, cells, min_cell)
            for i, n in enumerate(cells):
                possible[seen][i].add(n)
    return [
        (seen, i, next(iter(v)))
        for seen, values in possible.items()
        for i, v in enumerate(values)
        if len(v) == 1 and seen[-1][-1] != "0"  # type: ignore[index]
    ]


@pytest.mark.parametrize(
    ("groups", "categories", "most", "min_cell"),
    [
        (["a", NOT_SAID], 2, 19, 5),
        (["a", "b", NOT_SAID], 2, 14, 5),
        (["a", "b"], 3, 14, 5),
        (["a", "b", "c", "d", NOT_SAID], 2, 9, 5),  # the reach table's last two joined
        (["a", "b", NOT_SAID], 2, 13, 7),
    ],
)
def test_no_count_can_be_pinned_from_the_breakdown_and_the_tables_beside_it(
    groups: list[str], categories: int, most: int, min_cell: int
) -> None:
    assert pinned(groups, categories, most, min_cell) == []


def test_no_count_can_be_pinned_from_a_multi_choice_breakdown() -> None:
    """Two options, either or both: every option's count per group out of those in it who answered,
    beside the question's own table (each option out of everyone who answered) and the reach table."""
    possible: dict[tuple[object, ...], list[set[int]]] = defaultdict(lambda: [set() for _ in range(6)])
    for first, second in itertools.product(range(10), repeat=2):
        for picks in itertools.product(
            range(first + 1), range(first + 1), range(second + 1), range(second + 1)
        ):
            if picks[0] + picks[1] < first or picks[2] + picks[3] < second:
                continue  # everyone who answered picked one option at least
            sizes = {"a": first, NOT_SAID: second}
            counts = {"a": {"x": picks[0], "y": picks[1]}, NOT_SAID: {"x": picks[2], "y": picks[3]}}
            view: list[object] = [
                (label, tuple(c.shown for c in table.cells.values()), table.total.shown)
                for label, table in breakdown(rows(sizes, NAMES), counts, sizes)
            ]
            everyone = protect_each({"x": picks[0] + picks[2], "y": picks[1] + picks[3]}, first + second)
            view.append((*(c.shown for c in everyone.cells.values()), everyone.total.shown))
            who, total = reach(sizes, NAMES, None, 1)
            view.append((*(r.respondents.shown for r in who), total.shown))
            for i, n in enumerate((first, second, *picks)):
                possible[tuple(view)][i].add(n)
    pinned = [
        (seen, i)
        for seen, values in possible.items()
        for i, v in enumerate(values)
        if len(v) == 1 and seen[-1][-1] != "0"  # type: ignore[index]
    ]
    assert pinned == []
