"""The one small-number protection: bands worked by hand, then every small table enumerated, as a
reader who knows the rule would, to show no count can be pinned to one value."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator

import pytest

from bot.core import irv
from bot.core.engine import Answer
from bot.core.models import Consultation, RankedQuestion
from bot.core.suppression import Cell, band, protect, protect_each
from bot.core.tallies import tally
from bot.exports import officer_table
from bot.votes import VoteResult, vote_table
from tests.unit.counting import counted

FEWER = "fewer than 5"


def shown(counts: dict[str, int], min_cell: int = 5) -> dict[str, str]:
    return {name: cell.shown for name, cell in protect(counts, min_cell).cells.items()}


# --- by hand -----------------------------------------------------------------------------------------


def test_every_count_is_shown_as_its_band() -> None:
    assert [band(n).shown for n in (0, 1, 4, 5, 9, 10, 14, 123)] == [
        FEWER,
        FEWER,
        FEWER,
        "5 to 9",
        "5 to 9",
        "10 to 14",
        "10 to 14",
        "120 to 124",
    ]
    assert band(7) == Cell(5, 9, "5 to 9")


def test_a_table_bands_its_cells_and_its_total_and_keeps_their_order() -> None:
    table = protect({"yes": 3, "no": 12, "unsure": 0})
    assert {name: cell.shown for name, cell in table.cells.items()} == {
        "yes": FEWER,
        "no": "10 to 14",
        "unsure": FEWER,  # a 0 too: "nobody" would narrow the band beside it
    }
    assert list(table.cells) == ["yes", "no", "unsure"]
    assert table.total.shown == "15 to 19"


def test_the_issues_example_can_no_longer_be_worked_out() -> None:
    # Under the old rule "0 / fewer than 5 / fewer than 5 / hidden / total 8" could only be 0, 1, 1, 6.
    assert shown({"a": 0, "b": 1, "c": 1, "d": 6}) == {"a": FEWER, "b": FEWER, "c": FEWER, "d": "5 to 9"}
    assert protect({"a": 0, "b": 1, "c": 1, "d": 6}).total.shown == "5 to 9"


def test_a_group_of_nobody_says_0() -> None:
    table = protect({"a": 0, "b": 0})
    assert {cell.shown for cell in table.cells.values()} == {"0"} and table.total.shown == "0"


def test_five_categories_show_the_last_two_as_one() -> None:
    table = protect({"A": 4, "B": 4, "C": 4, "skipped": 4, "rather not say": 4})
    assert list(table.cells) == ["A", "B", "C", "skipped or rather not say"]
    assert table.cells["skipped or rather not say"].shown == "5 to 9"  # 8
    assert table.total.shown == "20 to 24"
    assert list(protect({"a": 1, "b": 2, "c": 3, "d": 4}).cells) == ["a", "b", "c", "d"]


def test_percentages_come_from_the_bands_and_only_for_big_enough_totals() -> None:
    big = protect({"yes": 31, "no": 12, "unsure": 2})  # bands 30-34, 10-14, 0-4; total 45-49
    assert [cell.percent for cell in big.cells.values()] == ["about 68%", "about 26%", "–"]
    assert all(cell.percent == "–" for cell in protect({"yes": 10, "no": 9}).cells.values())


def test_the_band_follows_the_setting() -> None:
    assert shown({"a": 2, "b": 9}, min_cell=3) == {"a": "fewer than 3", "b": "9 to 11"}
    assert shown({"a": 12, "b": 25}, min_cell=10) == {"a": "10 to 19", "b": "20 to 29"}


@pytest.mark.parametrize("min_cell", [-1, 0, 1, 2])
def test_a_band_must_leave_at_least_three_values(min_cell: int) -> None:
    with pytest.raises(ValueError, match="at least 3"):
        protect({"a": 1}, min_cell)


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        protect({"a": -1})
    with pytest.raises(ValueError, match="between 0 and the 4 respondents"):
        protect_each({"a": 5}, 4)


def test_multi_choice_bands_each_option_out_of_those_who_answered() -> None:
    table = protect_each({"art": 3, "music": 21, "sport": 24}, 24)
    assert {name: cell.shown for name, cell in table.cells.items()} == {
        "art": FEWER,
        "music": "20 to 24",
        "sport": "20 to 24",
    }
    assert table.total.shown == "20 to 24"


# --- enumeration: every small table, read by someone who knows the rule ------------------------------


def tables(categories: int, most: int) -> Iterator[tuple[int, ...]]:
    """Every way `categories` counts can add up to 0..most."""
    for total in range(most + 1):
        for cuts in itertools.combinations(range(total + categories - 1), categories - 1):
            edges = (-1, *cuts, total + categories - 1)
            yield tuple(edges[i + 1] - edges[i] - 1 for i in range(categories))


def pinned(categories: int, most: int, min_cell: int) -> list[tuple[tuple[str, ...], int, int]]:
    """(what was published, which category, its only possible value) for every count a reader
    could pin down: the tables that publish the same thing are all the reader can tell apart."""
    possible: dict[tuple[str, ...], list[set[int]]] = defaultdict(lambda: [set() for _ in range(categories)])
    for counts in tables(categories, most):
        table = protect({str(i): n for i, n in enumerate(counts)}, min_cell)
        seen = (*(f"{name}={cell.shown}" for name, cell in table.cells.items()), table.total.shown)
        for i, n in enumerate(counts):
            possible[seen][i].add(n)
    return [
        (seen, i, next(iter(v)))
        for seen, values in possible.items()
        for i, v in enumerate(values)
        if len(v) == 1 and seen[-1] != "0"  # a group of nobody is all zeros, and says so
    ]


# (band, categories, largest total): totals end at the top of a band, so every band of totals
# enumerated is complete and the reader's "could it be something else?" has every answer.
@pytest.mark.parametrize(
    ("min_cell", "categories", "most"),
    [
        (5, 1, 24),
        (5, 2, 24),
        (5, 3, 24),
        (5, 4, 24),
        (5, 5, 24),
        (5, 6, 19),
        (3, 3, 17),
        (3, 6, 11),
        (4, 4, 19),
        (10, 3, 29),
    ],
)
def test_no_count_can_be_pinned_in_any_small_table(min_cell: int, categories: int, most: int) -> None:
    assert pinned(categories, most, min_cell) == []


def test_without_joining_five_categories_all_at_the_top_of_their_bands_would_be_pinned() -> None:
    """Why rule 3 exists: five counts of 4 make 20, the bottom of the total's band, so each must be 4."""
    possible = [
        counts
        for counts in tables(5, 24)
        if all(n < 5 for n in counts) and 20 <= sum(counts) <= 24  # what five "fewer than 5"s and 20-24 say
    ]
    assert possible == [(4, 4, 4, 4, 4)]
    assert len(protect(dict(zip("abcde", possible[0], strict=True))).cells) == 4


def test_no_multi_choice_count_or_its_complement_can_be_pinned() -> None:
    possible: dict[tuple[str, str], set[int]] = defaultdict(set)
    others: dict[tuple[str, str], set[int]] = defaultdict(set)
    for respondents in range(1, 25):  # every band of respondents complete
        for count in range(respondents + 1):
            table = protect_each({"x": count}, respondents)
            seen = (table.cells["x"].shown, table.total.shown)
            possible[seen].add(count)
            others[seen].add(respondents - count)
    assert all(len(values) > 1 for values in possible.values())
    assert all(len(values) > 1 for values in others.values())


# --- the officers' table -----------------------------------------------------------------------------


def _consultation(*questions: dict) -> Consultation:
    return Consultation.model_validate({"id": "c", "title": "C", "intro": "I", "questions": list(questions)})


def _officer_rows(
    consultation: Consultation, answers: dict[str, list[Answer]], vote: VoteResult | None = None
) -> list[list[str]]:
    """The officers' table from one answer per response, grouped as the database groups them."""
    tallies = {q.id: tally(q, counted(answers.get(q.id, []))) for q in consultation.questions}
    votes = {}
    if vote is not None:
        votes[vote.question.id] = (vote, vote_table(vote, tallies[vote.question.id].reached, 5))
    _, rows = officer_table(consultation, tallies, votes, 5)
    return rows


PICK = {
    "id": "p",
    "type": "single_choice",
    "text": "Pick",
    "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
}


def test_officers_see_every_count_as_a_band() -> None:
    rows = _officer_rows(_consultation(PICK), {"p": [Answer("a")] * 5 + [Answer("b")]})
    assert [row[1:3] for row in rows] == [
        ["A", "5 to 9"],
        ["B", FEWER],
        ["everyone who reached it", "5 to 9"],
    ]
    # Skipped and "rather not say" only where the question offers them: a listed 0 that could only
    # be 0 would tell a reader one category's value.
    offered = {**PICK, "optional": True, "rather_not_say": True}
    rows = _officer_rows(_consultation(offered), {"p": [Answer("a")] * 5 + [Answer(None)]})
    assert [row[1] for row in rows] == ["A", "B", "(skipped)", "(rather not say)", "everyone who reached it"]


def test_a_required_five_point_scale_shows_its_last_two_points_as_one() -> None:
    """Five categories nobody can skip: all five at the top of their bands would be pinned."""
    scale = _consultation({"id": "q", "type": "scale", "text": "Rate", "labels": {1: "Bad", 5: "Good"}})
    rows = _officer_rows(scale, {"q": [Answer(p) for p in range(1, 6) for _ in range(4)]})
    assert [row[1:3] for row in rows] == [
        ["1 Bad", FEWER],
        ["2", FEWER],
        ["3", FEWER],
        ["4 or 5 Good", "5 to 9"],
        ["everyone who reached it", "20 to 24"],
    ]


def test_officers_get_no_scale_average() -> None:
    scale = _consultation({"id": "q", "type": "scale", "text": "Rate"})
    rows = _officer_rows(scale, {"q": [Answer(p) for p in [1] * 2 + [4] * 10 + [5] * 10]})
    assert not any(row[1] == "average" for row in rows)


def test_officers_never_see_questions_asked_only_after_a_certain_answer() -> None:
    follow_pick = {**PICK, "id": "q", "text": "Then", "show_if": {"question": "p", "equals": "a"}}
    answers = {"p": [Answer("a")] * 10 + [Answer("b")] * 10, "q": [Answer("a")] * 10}
    rows = _officer_rows(_consultation(PICK, follow_pick), answers)
    assert ["Then", "asked only after a certain answer: see the team's results", "", ""] in rows
    assert not any(row[0] == "Then" and row[2] for row in rows)


def _vote(ballots: list[tuple[str, ...]], reached: int) -> list[list[str]]:
    options = [{"id": "a", "label": "Alpha"}, {"id": "b", "label": "Beta"}, {"id": "c", "label": "Gamma"}]
    ranked = {
        "id": "v",
        "type": "ranked",
        "text": "Vote",
        "options": options,
        "optional": reached > len(ballots),
    }
    vote = _consultation(ranked)
    question = vote.questions[0]
    assert isinstance(question, RankedQuestion)
    count = irv.count(ballots, ["a", "b", "c"], "seed")
    answers = {"v": [Answer(ballot) for ballot in ballots] + [Answer(None)] * (reached - len(ballots))}
    rows = _officer_rows(vote, answers, VoteResult(vote, question, count, len(ballots)))
    return [row[1:3] for row in rows]


def test_a_votes_first_choices_and_those_who_chose_none_are_banded() -> None:
    rows = _vote([("a", "b")] * 6 + [("b",)] * 3 + [("c", "a")] * 2, reached=13)
    assert rows == [
        ["Alpha (first choice)", "5 to 9"],
        ["Beta (first choice)", FEWER],
        ["Gamma (first choice)", FEWER],
        ["no choice (first choice)", FEWER],
        ["everyone who reached it", "10 to 14"],
        ["winner (instant-runoff)", "Alpha"],
    ]


def test_a_vote_with_fewer_than_5_taking_part_names_no_winner() -> None:
    rows = _vote([("a",)] * 2 + [("b",)], reached=3)
    assert rows[-1] == ["winner (instant-runoff)", "too few took part to name it safely"]
    assert {count for _, count in rows[:-1]} == {FEWER}
    assert "no choice (first choice)" not in [name for name, _ in rows]  # it cannot be skipped
