"""The instant-runoff count's words and draws at their edges (tests/unit/test_irv.py has the rules)."""

from __future__ import annotations

from bot.core.irv import count, count_grouped, decided_by_draw, explain


def test_the_last_one_standing_of_two_is_said_to_be_the_only_one_left() -> None:
    # One vote each: a draw removes one, whose voter chose nobody else.
    result = count([["a"], ["b"]], ["a", "b"], "x")
    assert len(result.rounds) == 2 and len(result.rounds[1].totals) == 1
    winner = result.winner
    assert explain(result, {})[-1] == f"Round 2: '{winner}' is the only one left, with 1 of 1 vote, and wins."


def test_a_winner_with_more_than_half_of_two_is_not_the_only_one_left() -> None:
    result = count([["a"], ["a"], ["b"]], ["a", "b"], "x")
    assert explain(result, {})[-1] == "Round 1: 'a' had 2 of 3 votes — more than half — and wins."


def test_the_recount_behind_a_drawn_winner_draws_later_ties_with_the_votes_own_seed() -> None:
    # c and d (no votes) are drawn out first, then a; b and e are level in every round and drawn.
    # Whether the first draw decided anything is found by recounting with the other drawn out: that
    # recount's later draw must be the vote's own, or it names the wrong draw.
    ballots = [(("a",), 1), (("b",), 2), (("e",), 2)]
    result = count_grouped(ballots, ["a", "b", "c", "d", "e"], "w")
    assert [r.drawn for r in result.rounds if r.drawn][-1] == ("b", "e")
    assert decided_by_draw(result, ballots) == ("b", "e")
