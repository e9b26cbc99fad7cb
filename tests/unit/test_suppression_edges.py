"""Small-number protection at its edges: nobody at all, the first total that earns percentages, a
band other than 5 for multi-choice questions, and what a wrong count is told."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core.suppression import Cell, Table, band, protect, protect_each

NOBODY = Cell(0, 0, "0")


def test_a_group_of_nobody_is_0_in_every_cell_and_the_total() -> None:
    assert protect({"yes": 0, "no": 0}) == Table({"yes": NOBODY, "no": NOBODY}, NOBODY)
    assert protect({"yes": 0, "no": 0}).total.percent == "–"


def test_a_multi_choice_question_nobody_answered_is_0_everywhere() -> None:
    assert protect_each({"art": 0, "music": 0}, 0) == Table({"art": NOBODY, "music": NOBODY}, NOBODY)


def test_percentages_start_at_a_total_of_exactly_four_bands() -> None:
    at_twenty = protect({"yes": 12, "no": 8})  # 10-14 and 5-9 of 20-24
    assert at_twenty.cells["yes"] == Cell(10, 14, "10 to 14", "about 55%")
    assert at_twenty.cells["no"] == Cell(5, 9, "5 to 9", "about 32%")
    below = protect({"yes": 12, "no": 7})  # 15-19: too rough
    assert below.cells["yes"] == Cell(10, 14, "10 to 14")
    tens = protect({"yes": 25, "no": 15}, min_cell=10)  # 40-49: four bands of 10
    assert tens.cells["yes"] == Cell(20, 29, "20 to 29", "about 55%")
    assert protect({"yes": 25, "no": 14}, min_cell=10).cells["yes"].percent == "–"


def test_multi_choice_bands_follow_the_setting() -> None:
    table = protect_each({"art": 4, "music": 12}, 12, min_cell=10)
    assert table.cells == {"art": Cell(0, 9, "fewer than 10"), "music": Cell(10, 19, "10 to 19")}
    assert table.total == Cell(10, 19, "10 to 19")
    big = protect_each({"art": 30, "music": 12}, 40, min_cell=10)
    assert big.cells["art"] == Cell(30, 39, "30 to 39", "about 78%")


@pytest.mark.parametrize("call", [lambda: band(-1), lambda: protect({"a": 3, "b": -1})])
def test_a_negative_count_is_refused_in_so_many_words(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match=r"^counts cannot be negative$"):
        call()
