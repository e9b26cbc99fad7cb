"""Small-number suppression: tables worked by hand, then a brute-force check that no hidden count can be
worked out from what is shown."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import irv
from bot.core.engine import Answer
from bot.core.models import Consultation, RankedQuestion
from bot.core.suppression import MIN_CELL, Cell, Table, suppress, suppress_totals
from bot.core.tallies import percent
from bot.exports import HIDDEN as AVERAGE_HIDDEN
from bot.exports import officer_table
from bot.votes import VoteResult

PROPERTY = settings(max_examples=1000, deadline=None, derandomize=True, database=None)
FEWER = "fewer than 5"
DASH = "–"
SEARCH_CAP = 60  # how far the brute force looks for a hidden value when nothing bounds it
# Counts 0 to 30, half the time drawn from 0 to 11 so that small ones (and tables with several) are common.
COUNT = st.integers(0, 11) | st.integers(0, 30)


def shown(table: Table) -> dict[str, str]:
    return {name: cell.shown for name, cell in table.cells.items()}


def percents(table: Table) -> dict[str, str]:
    return {name: cell.percent for name, cell in table.cells.items()}


def hidden_small(min_cell: int = MIN_CELL) -> Cell:
    return Cell(None, "small", f"fewer than {min_cell}", DASH)


HIDDEN = Cell(None, "secondary", "hidden", DASH)


# --- single-choice groups, worked by hand -------------------------------------------------------------


def test_nothing_small_shows_everything() -> None:
    table = suppress({"yes": 12, "no": 30, "unsure": 0})
    assert table.cells == {
        "yes": Cell(12, None, "12", "29%"),  # 12/42 = 28.6%
        "no": Cell(30, None, "30", "71%"),
        "unsure": Cell(0, None, "0", "0%"),
    }
    assert table.total == Cell(42, None, "42", "100%")


def test_keys_keep_their_order() -> None:
    assert list(suppress({"c": 9, "a": 2, "b": 30}).cells) == ["c", "a", "b"]


def test_one_small_cell_hides_the_next_smallest_too() -> None:
    # Total 42 shown: the 3 would be 42 - 12 - 7 - 20. The next smallest is the 7, not the 12 listed
    # before it. Hidden pair adds up to 10; the 7 is 5..11 (below the 12 listed first), so the small one
    # could be 1 to 4 and the other 6 to 9.
    table = suppress({"a": 3, "b": 12, "c": 7, "d": 20})
    assert table.cells == {
        "a": hidden_small(),
        "b": Cell(12, None, "12", "29%"),
        "c": HIDDEN,
        "d": Cell(20, None, "20", "48%"),
    }
    assert table.total == Cell(42, None, "42", "100%")


def test_a_tie_for_next_smallest_hides_the_first_listed() -> None:
    assert shown(suppress({"a": 2, "b": 9, "c": 9, "d": 30})) == {
        "a": FEWER,
        "b": "hidden",
        "c": "9",
        "d": "30",
    }


def test_two_small_cells_with_room_between_them_need_nothing_more() -> None:
    # 55 - 20 - 30 = 5 between the two: 1+4, 2+3, 3+2 or 4+1.
    table = suppress({"a": 2, "b": 3, "c": 20, "d": 30})
    assert shown(table) == {"a": FEWER, "b": FEWER, "c": "20", "d": "30"}
    assert table.total.count == 55


def test_two_small_cells_that_must_both_be_1_hide_another() -> None:
    # 52 - 20 - 30 = 2 between them, and each is at least 1: both 1. Hiding the 20 leaves 22 between
    # three cells (the 20 could be 14 to 20).
    table = suppress({"a": 1, "b": 1, "c": 20, "d": 30})
    assert shown(table) == {"a": FEWER, "b": FEWER, "c": "hidden", "d": "30"}
    assert table.cells["d"].percent == "58%"
    assert table.total.count == 52


def test_two_small_cells_that_must_both_be_4_hide_another() -> None:
    # 8 between two cells of at most 4 each.
    assert shown(suppress({"a": 4, "b": 4, "c": 10, "d": 30})) == {
        "a": FEWER,
        "b": FEWER,
        "c": "hidden",
        "d": "30",
    }


def test_a_hidden_cell_is_known_to_be_at_least_5() -> None:
    # Hiding the 1 and the 5 is not enough: "hidden" is at least 5 and the pair adds up to 26 - 20 = 6,
    # so they could only be 1 and 5. (A reader who took "hidden" as "at least 1" would see 1..4 + 2..5.)
    table = suppress({"a": 1, "b": 5, "c": 20})
    assert shown(table) == {"a": FEWER, "b": "hidden", "c": "hidden"}
    assert table.total == Cell(26, None, "26", "100%")


def test_the_total_is_hidden_when_there_is_nothing_left_to_hide() -> None:
    # 1 + 5 = 6 with a "fewer than 5" and a "hidden" (at least 5): only 1 and 5. No other cell to hide.
    table = suppress({"a": 1, "b": 5})
    assert table.cells == {"a": hidden_small(), "b": HIDDEN}
    assert table.total == HIDDEN


def test_two_small_cells_summing_to_8_alone_hide_the_total() -> None:
    table = suppress({"a": 4, "none": 0, "b": 4})
    assert table.cells == {"a": hidden_small(), "none": Cell(0, None, "0", DASH), "b": hidden_small()}
    assert table.total == HIDDEN


def test_a_total_below_the_minimum_hides_everything_zeros_too() -> None:
    # Showing the zero would let four "fewer than 5" in a group of "fewer than 5" be worked out; and
    # nothing is said about a group that small beyond its being small.
    table = suppress({"a": 2, "b": 0, "c": 1})
    assert table.cells == dict.fromkeys("abc", hidden_small())
    assert table.total == hidden_small()
    assert suppress({"a": 1, "b": 1, "c": 1, "d": 1, "e": 0}).cells["e"] == hidden_small()


def test_all_zeros_are_shown() -> None:
    table = suppress({"a": 0, "b": 0})
    assert table.cells == {"a": Cell(0, None, "0", DASH), "b": Cell(0, None, "0", DASH)}
    assert table.total == Cell(0, None, "0", DASH)
    assert suppress({}).total.count == 0


def test_a_single_category() -> None:
    assert suppress({"a": 12}).cells["a"] == Cell(12, None, "12", "100%")
    assert suppress({"a": 3}) == Table({"a": hidden_small()}, hidden_small())


def test_a_total_beyond_the_counts_protects_the_remainder() -> None:
    # 22 - 10 - 10 = 2 people in no category (skipped, say): one listed cell is hidden to cover them.
    table = suppress({"a": 10, "b": 10}, total=22)
    assert table.cells == {"a": HIDDEN, "b": Cell(10, None, "10", "45%")}
    assert table.total == Cell(22, None, "22", "100%")
    # A large remainder is fine, and percentages are of the total given.
    assert percents(suppress({"a": 10, "b": 10}, total=40)) == {"a": "25%", "b": "25%"}
    # A single category with 2 outside it.
    assert suppress({"a": 12}, total=14).cells["a"] == HIDDEN


def test_percentages_follow_the_counts() -> None:
    table = suppress({"a": 3, "b": 12, "c": 7, "d": 20})
    assert percents(table) == {"a": DASH, "b": "29%", "c": DASH, "d": "48%"}
    # With the total hidden, no percentage is shown: a shown count's percentage would give the total away.
    assert percents(suppress({"a": 1, "b": 5})) == {"a": DASH, "b": DASH}


def test_min_cell_is_configurable() -> None:
    counts = {"a": 7, "b": 12, "c": 30}
    assert shown(suppress(counts)) == {"a": "7", "b": "12", "c": "30"}
    table = suppress(counts, min_cell=10)
    assert table.cells == {"a": hidden_small(10), "b": HIDDEN, "c": Cell(30, None, "30", "61%")}
    assert table.cells["a"].shown == "fewer than 10"
    assert suppress({"a": 9}, min_cell=10).total.shown == "fewer than 10"


@pytest.mark.parametrize("min_cell", [-1, 0, 1, 2])
def test_min_cell_must_leave_a_hidden_count_two_possible_values(min_cell: int) -> None:
    # Zeros are shown, so "fewer than 2" could only be 1.
    with pytest.raises(ValueError, match="at least 3"):
        suppress({"a": 1, "b": 9}, min_cell=min_cell)
    with pytest.raises(ValueError, match="at least 3"):
        suppress_totals({"a": 1}, 9, min_cell=min_cell)


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        suppress({"a": -1, "b": 9})
    with pytest.raises(ValueError, match="less than the sum"):
        suppress({"a": 6, "b": 9}, total=14)
    with pytest.raises(ValueError, match="between 0 and"):
        suppress_totals({"a": 11}, 10)
    with pytest.raises(ValueError, match="between 0 and"):
        suppress_totals({"a": -1}, 10)


# --- multi-choice, worked by hand ---------------------------------------------------------------------


def test_multi_choice_hides_small_counts_and_everyone_but_a_few() -> None:
    table = suppress_totals({"sport": 18, "art": 2, "music": 10, "food": 20, "none": 0}, respondents=20)
    assert table.cells == {
        "sport": Cell(None, "small", "all but fewer than 5", DASH),  # everyone but 2: that singles out the 2
        "art": hidden_small(),
        "music": Cell(10, None, "10", "50%"),
        "food": Cell(20, None, "20", "100%"),
        "none": Cell(0, None, "0", "0%"),
    }
    assert table.total == Cell(20, None, "20", "100%")
    assert suppress_totals({"a": 15, "b": 16}, 20).cells["a"].shown == "15"  # all but 5 is fine


def test_multi_choice_with_few_respondents_hides_everything() -> None:
    table = suppress_totals({"a": 3, "b": 0, "c": 4}, respondents=4)
    assert table == Table(dict.fromkeys("abc", hidden_small()), hidden_small())
    assert suppress_totals({"a": 0}, 0) == Table({"a": Cell(0, None, "0", DASH)}, Cell(0, None, "0", DASH))


def test_multi_choice_with_one_more_than_the_minimum_says_hidden() -> None:
    # Out of 6, "all but fewer than 5" that is not itself fewer than 5 could only be 5.
    table = suppress_totals({"a": 5, "b": 2, "c": 6, "d": 0}, respondents=6)
    assert shown(table) == {"a": "hidden", "b": "hidden", "c": "6", "d": "0"}
    assert {cell.reason for cell in table.cells.values()} == {"small", None}
    # Out of 7 the two phrases are safe again: "all but fewer than 5" is 5 or 6.
    assert shown(suppress_totals({"a": 5, "b": 2}, respondents=7)) == {
        "a": "all but fewer than 5",
        "b": FEWER,
    }


def test_multi_choice_min_cell_is_configurable() -> None:
    table = suppress_totals({"a": 9, "b": 22, "c": 12}, respondents=30, min_cell=10)
    assert shown(table) == {"a": "fewer than 10", "b": "all but fewer than 10", "c": "12"}


# --- properties: what a reader could work out ---------------------------------------------------------


def other_value_possible(
    ranges: Sequence[tuple[int, int]], sum_lo: int, sum_hi: int, index: int, avoid: int
) -> bool:
    """Whether some assignment with each value in its range and a sum in [sum_lo, sum_hi] has a value
    other than `avoid` at `index`: an exhaustive search, cut short only where the remaining cells could
    not bring the sum into range even at their smallest or largest."""
    after_lo = [sum(lo for lo, _ in ranges[k:]) for k in range(len(ranges) + 1)]
    after_hi = [sum(hi for _, hi in ranges[k:]) for k in range(len(ranges) + 1)]

    def search(k: int, so_far: int) -> bool:
        if k == len(ranges):
            return sum_lo <= so_far <= sum_hi
        lo, hi = ranges[k]
        for value in range(lo, hi + 1):
            if k == index and value == avoid:
                continue
            if so_far + value + after_lo[k + 1] > sum_hi:
                break
            if so_far + value + after_hi[k + 1] >= sum_lo and search(k + 1, so_far + value):
                return True
        return False

    return search(0, 0)


def reader_ranges(table: Table, min_cell: int) -> tuple[list[int], list[tuple[int, int]], int, int]:
    """What a reader knows from the table and the documented rules, worked out again here: for each
    hidden cell (by position) its possible values, and the possible values of the sum of the hidden cells.
    Bounded by the total when it is shown, by min_cell - 1 for a small group, else by SEARCH_CAP."""
    cells = list(table.cells.values())
    total = table.total
    shown_sum = sum(cell.count for cell in cells if cell.count is not None)
    shown_nonzero = [(i, cell.count) for i, cell in enumerate(cells) if cell.count]
    if total.count is not None:
        cap = total.count
        sum_lo = sum_hi = total.count - shown_sum
    elif total.reason == "small":  # the whole group is fewer than min_cell
        cap = min_cell - 1
        sum_lo, sum_hi = 1 - shown_sum, min_cell - 1 - shown_sum
    else:  # hidden to protect a cell: not small, so at least min_cell
        cap = SEARCH_CAP
        sum_lo, sum_hi = min_cell - shown_sum, len(cells) * SEARCH_CAP
    positions: list[int] = []
    ranges: list[tuple[int, int]] = []
    for j, cell in enumerate(cells):
        if cell.count is not None:
            continue
        positions.append(j)
        if cell.reason == "small":
            # Zeros are hidden only when the whole group is small.
            ranges.append((0 if total.reason == "small" else 1, min_cell - 1))
        else:
            # Not small, not zero, and picked smallest first (the earlier listed on a tie).
            bounds = [count if i > j else count - 1 for i, count in shown_nonzero]
            ranges.append((min_cell, min([cap, *bounds])))
    return positions, ranges, sum_lo, sum_hi


def check_suppress(counts: list[int], min_cell: int) -> Table:
    names = [f"c{i}" for i in range(len(counts))]
    table = suppress(dict(zip(names, counts, strict=True)), min_cell)
    cells = list(table.cells.values())
    total = sum(counts)
    small_group = 0 < total < min_cell

    # Shown counts are true; small ones never shown; labels honest; percentages only beside shown figures.
    for cell, count in zip(cells, counts, strict=True):
        if cell.count is not None:
            assert cell.count == count and not 0 < count < min_cell and cell.reason is None
            assert cell.shown == str(count)
            assert cell.percent == ("–" if table.total.count is None else percent(count, total))
        else:
            assert cell.percent == "–"
            if cell.reason == "small":
                assert cell.shown == f"fewer than {min_cell}"
                assert count < min_cell and (count > 0 or small_group)
            else:
                assert (cell.reason, cell.shown) == ("secondary", "hidden")
                assert count >= min_cell
    if table.total.count is not None:
        assert table.total.count == total and not 0 < total < min_cell
    else:
        assert table.total.reason == ("small" if small_group else "secondary")

    # Brute force: the true counts fit what a reader knows, and every hidden cell could be something else.
    positions, ranges, sum_lo, sum_hi = reader_ranges(table, min_cell)
    truth = [counts[j] for j in positions]
    assert all(lo <= value <= hi for value, (lo, hi) in zip(truth, ranges, strict=True))
    assert sum_lo <= sum(truth) <= sum_hi
    for k, value in enumerate(truth):
        assert other_value_possible(ranges, sum_lo, sum_hi, k, value), (counts, min_cell, positions[k])
    return table


@PROPERTY
@given(st.lists(COUNT, min_size=1, max_size=6), st.integers(3, 10))
def test_no_hidden_count_can_be_worked_out(counts: list[int], min_cell: int) -> None:
    check_suppress(counts, min_cell)


@pytest.mark.parametrize(
    ("categories", "largest", "min_cell"), [(2, 40, 5), (3, 20, 5), (3, 12, 3), (4, 10, 5)]
)
def test_no_hidden_count_can_be_worked_out_in_any_small_table(
    categories: int, largest: int, min_cell: int
) -> None:
    for counts in itertools.product(range(largest + 1), repeat=categories):
        check_suppress(list(counts), min_cell)


@pytest.mark.parametrize(
    "counts",
    [[1, 5], [4, 4], [1, 1, 5], [1, 5, 5, 5], [1, 1, 6, 30], [4, 17, 16], [2, 9, 9, 30], [1, 1, 1, 1, 0]],
)
def test_no_hidden_count_can_be_worked_out_in_awkward_cases(counts: list[int]) -> None:
    check_suppress(counts, MIN_CELL)


@PROPERTY
@given(st.lists(COUNT, min_size=1, max_size=5), COUNT, st.integers(3, 10))
def test_people_outside_every_category_count_as_one_more(counts: list[int], rest: int, min_cell: int) -> None:
    """A total above the sum protects the difference exactly as an unprinted last category, which the
    property above covers."""
    names = [f"c{i}" for i in range(len(counts))]
    with_total = suppress(dict(zip(names, counts, strict=True)), min_cell, total=sum(counts) + rest)
    spelled_out = suppress({**dict(zip(names, counts, strict=True)), "rest": rest}, min_cell)
    assert with_total.total == spelled_out.total
    assert {name: cell.count for name, cell in with_total.cells.items()} == {
        name: spelled_out.cells[name].count for name in names
    }
    assert all(with_total.cells[name].shown == spelled_out.cells[name].shown for name in names)


@PROPERTY
@given(
    st.integers(0, 30).flatmap(lambda r: st.tuples(st.just(r), st.lists(st.integers(0, r), max_size=6))),
    st.integers(3, 10),
)
def test_no_hidden_multi_choice_count_can_be_worked_out(
    respondents_counts: tuple[int, list[int]], min_cell: int
) -> None:
    respondents, counts = respondents_counts
    names = [f"o{i}" for i in range(len(counts))]
    table = suppress_totals(dict(zip(names, counts, strict=True)), respondents, min_cell)
    small_group = 0 < respondents < min_cell
    if small_group:
        assert table.total == Cell(None, "small", f"fewer than {min_cell}", "–")
        possible_totals = range(1, min_cell)
    else:
        assert table.total.count == respondents
        possible_totals = range(respondents, respondents + 1)

    for cell, count in zip(table.cells.values(), counts, strict=True):
        if cell.count is not None:
            assert cell.count == count and cell.shown == str(count)
            assert not 0 < count < min_cell and not 0 < respondents - count < min_cell
            assert cell.percent == percent(count, respondents)
            continue
        assert cell.percent == "–" and cell.reason == "small"
        # What each label tells a reader (with the totals it could be out of); the truth must be in it.
        possible: set[int] = set()
        for whole in possible_totals:
            if small_group:
                possible |= set(range(whole + 1))
            elif cell.shown == f"fewer than {min_cell}":
                possible |= set(range(1, min_cell))
            elif cell.shown == f"all but fewer than {min_cell}":
                possible |= set(range(max(min_cell, whole - min_cell + 1), whole))
            else:
                assert cell.shown == "hidden" and whole == min_cell + 1
                possible |= set(range(1, whole))
        assert count in possible and len(possible) >= 2, (respondents, counts, min_cell)
        # And from the other side: other counts out of the same respondents that print the same.
        alike = {
            other
            for whole in possible_totals
            for other in range(whole + 1)
            if suppress_totals({"x": other}, whole, min_cell).cells["x"] == cell
        }
        assert count in alike and len(alike) >= 2


def test_an_officers_scale_average_is_hidden_beside_hidden_cells() -> None:
    scale = Consultation.model_validate(
        {"id": "s", "title": "S", "intro": "I", "questions": [{"id": "q", "type": "scale", "text": "Rate"}]}
    )
    points = [1] * 2 + [4] * 10 + [5] * 10  # averages 4.2 only one way: it would reveal the 2
    _, rows = officer_table(scale, {"q": [Answer(p) for p in points]}, [], 5)
    assert ["Rate", "average", AVERAGE_HIDDEN, ""] in rows
    _, rows = officer_table(scale, {"q": [Answer(p) for p in [4] * 10 + [5] * 10]}, [], 5)
    assert ["Rate", "average", "4.5", ""] in rows


def _consultation(*questions: dict) -> Consultation:
    return Consultation.model_validate({"id": "c", "title": "C", "intro": "I", "questions": list(questions)})


PICK = {
    "id": "p",
    "type": "single_choice",
    "text": "Pick",
    "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
}


def test_officers_get_no_breakdown_that_only_a_hidden_total_would_protect() -> None:
    # 5 and 1: whatever is hidden, the total (published by every other question) gives it away.
    _, rows = officer_table(_consultation(PICK), {"p": [Answer("a")] * 5 + [Answer("b")]}, [], 5)
    assert rows == [["Pick", "too few answers to show safely", "", ""]]


def test_officers_never_see_questions_asked_only_after_a_certain_answer() -> None:
    follow_up = {"id": "f", "type": "text", "text": "Why?", "show_if": {"question": "p", "equals": "a"}}
    follow_pick = {**PICK, "id": "q", "text": "Then", "show_if": {"question": "p", "equals": "a"}}
    answers = {"p": [Answer("a")] * 10 + [Answer("b")] * 10, "q": [Answer("a")] * 10}
    _, rows = officer_table(_consultation(PICK, follow_up, follow_pick), answers, [], 5)
    assert ["Then", "asked only after a certain answer: see the team's results", "", ""] in rows
    assert not any(row[0] == "Then" and row[2] for row in rows)


def test_a_one_choice_multi_choice_is_protected_as_one_answer_each() -> None:
    lives = {
        "id": "m",
        "type": "multi_choice",
        "text": "Who do you live with?",
        "max_choices": 1,
        "options": [
            {"id": "f", "label": "Foster"},
            {"id": "p", "label": "Parents"},
            {"id": "h", "label": "Home"},
        ],
    }
    answers = {"m": [Answer(("f",))] * 2 + [Answer(("p",))] * 6 + [Answer(("h",))] * 6}
    _, rows = officer_table(_consultation(lives), answers, [], 5)
    shown = {row[1]: row[2] for row in rows}
    assert shown["Foster"] == "fewer than 5" and "hidden" in (shown["Parents"], shown["Home"])


def test_a_vote_with_small_first_preferences_shows_only_voters_and_winner() -> None:
    options = [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}]
    vote = _consultation({"id": "v", "type": "ranked", "text": "Vote", "options": options})
    question = vote.questions[0]
    assert isinstance(question, RankedQuestion)
    count = irv.count([("a",)] * 4 + [("b",)] * 3, ["a", "b", "c"], "seed")
    _, rows = officer_table(vote, {}, [VoteResult(vote, question, count, 7)], 5)
    # First preferences of 4 and 3 beside "A won" would pin both down: only these two lines.
    assert rows == [["Vote", "voters", "7", ""], ["Vote", "winner (instant-runoff)", "A", ""]]
