"""Instant-runoff counting: hand-worked counts, the explanation, and a check against a second, naive count."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.irv import Count, Round, count, decided_by_draw, explain, seed_for

LABELS = {
    "keep": "Keep it as it is",
    "basecamp": "Base Camp",
    "harbour": "The Harbour",
    "haven": "Safe Haven",
}


def drawn(seed: str, round_number: int, tied: Sequence[str]) -> str:
    """The documented draw rule, written out again so the tests do not trust the module's copy."""
    return random.Random(f"{seed}:{round_number}").choice(sorted(tied))


def end(number: int, totals: dict[str, int], exhausted: int = 0) -> Round:
    """A round in which counting stops (a winner, or nobody to win)."""
    return Round(number, totals, exhausted, None, {}, 0, None)


# The end-to-end test expects this result. Worked by hand (12 ballots):
#   Round 1: keep 1, basecamp 4, harbour 4, haven 3; nobody has more than 12/2 = 6.
#            keep (1) is fewest and removed; its one ballot ["keep"] has nothing after it: 1 exhausted.
#   Round 2: basecamp 4, harbour 4, haven 3; 1 exhausted, so 11 continuing, majority needs more than 5.5.
#            haven (3) is fewest and removed: 2 x ["haven","harbour"] -> harbour,
#            1 x ["haven","basecamp","harbour"] -> basecamp.
#   Round 3: basecamp 5, harbour 6; 11 continuing, and 6 > 5.5, so harbour wins.
HUB_CANDIDATES = ["keep", "basecamp", "harbour", "haven"]
HUB_BALLOTS = (
    4 * [["basecamp", "haven"]]
    + 3 * [["harbour", "basecamp"]]
    + 2 * [["haven", "harbour"]]
    + [["keep"]]
    + [["harbour"]]
    + [["haven", "basecamp", "harbour"]]
)


def test_the_end_to_end_vote_worked_by_hand() -> None:
    result = count(HUB_BALLOTS, HUB_CANDIDATES, "hub-seed")

    assert result == Count(
        candidates=("keep", "basecamp", "harbour", "haven"),
        ballots=12,
        first_preferences={"keep": 1, "basecamp": 4, "harbour": 4, "haven": 3},
        rounds=(
            Round(1, {"keep": 1, "basecamp": 4, "harbour": 4, "haven": 3}, 0, "keep", {}, 1, None),
            Round(
                2,
                {"basecamp": 4, "harbour": 4, "haven": 3},
                1,
                "haven",
                {"basecamp": 1, "harbour": 2},
                0,
                None,
            ),
            end(3, {"basecamp": 5, "harbour": 6}, exhausted=1),
        ),
        winner="harbour",
        seed="hub-seed",
    )
    # Display order is the candidates' order, not the order of the votes.
    assert list(result.rounds[0].totals) == HUB_CANDIDATES
    assert list(result.rounds[1].transfers) == ["basecamp", "harbour"]


def test_the_end_to_end_vote_explained() -> None:
    lines = explain(count(HUB_BALLOTS, HUB_CANDIDATES, "hub-seed"), LABELS)

    assert lines == [
        "12 people voted.",
        "Round 1: 'Keep it as it is' 1, 'Base Camp' 4, 'The Harbour' 4, 'Safe Haven' 3.",
        "Round 1: nobody had more than half, so 'Keep it as it is' had the fewest votes (1) and was removed; "
        "its 1 voter had no more choices.",
        "Round 2: 'Base Camp' 4, 'The Harbour' 4, 'Safe Haven' 3 (1 voter had no choices left).",
        "Round 2: nobody had more than half, so 'Safe Haven' had the fewest votes (3) and was removed; "
        "2 of its 3 voters' next choice was 'The Harbour', 1 went to 'Base Camp'.",
        "Round 3: 'Base Camp' 5, 'The Harbour' 6 (1 voter had no choices left).",
        "Round 3: 'The Harbour' had 6 of 11 votes — more than half — and wins.",
    ]


def test_a_majority_in_round_one_ends_the_count() -> None:
    result = count(3 * [["a"]] + [["b", "a"], ["c"]], ["a", "b", "c"], "s")

    assert result.rounds == (end(1, {"a": 3, "b": 1, "c": 1}),)
    assert result.winner == "a"
    assert result.first_preferences == {"a": 3, "b": 1, "c": 1}
    assert (
        explain(result, {"a": "Apple"})[-1]
        == "Round 1: 'Apple' had 3 of 5 votes — more than half — and wins."
    )


def test_three_rounds_with_transfers_and_exhausted_ballots() -> None:
    # Round 1: a 6, b 5, c 4, d 2 (17, majority > 8.5). d out: ["d","b"] -> b, ["d"] exhausted.
    # Round 2: a 6, b 6, c 4 (16 continuing, > 8). c out: 3 x ["c","b"] -> b, ["c"] exhausted.
    # Round 3: a 6, b 9 (15 continuing, > 7.5): b wins though a led round 1.
    ballots = 6 * [["a"]] + 5 * [["b", "c"]] + 3 * [["c", "b"]] + [["c"], ["d", "b"], ["d"]]
    result = count(ballots, ["a", "b", "c", "d"], "s")

    assert result.rounds == (
        Round(1, {"a": 6, "b": 5, "c": 4, "d": 2}, 0, "d", {"b": 1}, 1, None),
        Round(2, {"a": 6, "b": 6, "c": 4}, 1, "c", {"b": 3}, 1, None),
        end(3, {"a": 6, "b": 9}, exhausted=2),
    )
    assert result.winner == "b"
    for this in result.rounds:
        assert sum(this.totals.values()) + this.exhausted == 17


def test_truncated_ballots_leave_the_count_and_the_majority_is_of_continuing_ballots() -> None:
    # Round 1: a 3, b 2, c 1, one empty ballot (6 continuing, needs > 3). c out; ["c"] has nothing next.
    # Round 2: a 3, b 2, 2 exhausted: 3 of 5 continuing is a majority, though only 3 of the 7 ballots.
    result = count(3 * [["a"]] + 2 * [["b"]] + [["c"], []], ["a", "b", "c"], "s")

    assert result.rounds == (
        Round(1, {"a": 3, "b": 2, "c": 1}, 1, "c", {}, 1, None),
        end(2, {"a": 3, "b": 2}, exhausted=2),
    )
    assert result.winner == "a"
    assert result.ballots == 7


def test_unknown_and_repeated_entries_are_skipped() -> None:
    # Unknown ids are ignored, so ["x"] is exhausted from the start and ["x", "y", "a"] counts for a:
    # a 3, b 2, 1 exhausted; 3 of 5 continuing is a majority.
    ballots = [["x", "a"], ["x"], ["b", "x", "a"], ["zz", "b"], ["x", "y", "a"], ["a", "x"]]
    first = count(ballots, ["a", "b"], "s")
    assert first.rounds == (end(1, {"a": 3, "b": 2}, exhausted=1),)
    assert first.winner == "a"
    assert first.ballots == 6

    # A repeat adds nothing: when c goes, ["c", "c", "b"] moves on to b.
    second = count(2 * [["a"]] + 2 * [["b"]] + [["c", "c", "b"]], ["a", "b", "c"], "s")
    assert second.rounds == (
        Round(1, {"a": 2, "b": 2, "c": 1}, 0, "c", {"b": 1}, 0, None),
        end(2, {"a": 2, "b": 3}),
    )
    assert second.winner == "b"

    # A repeat of an eliminated candidate does not keep its ballot alive.
    third = count(2 * [["a"]] + 2 * [["c"]] + [["b", "b"]], ["a", "b", "c"], "s")
    assert third.rounds[0] == Round(1, {"a": 2, "b": 1, "c": 2}, 0, "b", {}, 1, None)
    assert third.rounds[1].exhausted == 1


def test_a_tie_is_broken_by_the_latest_earlier_round_that_differs() -> None:
    # Round 1: a 5, b 3, c 2, d 1 (11, > 5.5). d out: ["d", "c"] -> c.
    # Round 2: a 5, b 3, c 3. b and c tie on 3; in round 1 c had 2 < 3, so c goes:
    #          2 x ["c", "b"] -> b, ["d", "c"] exhausted.
    # Round 3: a 5, b 5 (10 continuing, 5 is not more than half). Tie; in round 2 b had 3 < 5, so b goes:
    #          all 5 of b's ballots are exhausted.
    # Round 4: a 5 alone (5 continuing) wins.
    ballots = 5 * [["a"]] + 3 * [["b"]] + 2 * [["c", "b"]] + [["d", "c"]]
    result = count(ballots, ["a", "b", "c", "d"], "s")

    assert result.rounds == (
        Round(1, {"a": 5, "b": 3, "c": 2, "d": 1}, 0, "d", {"c": 1}, 0, None),
        Round(
            2,
            {"a": 5, "b": 3, "c": 3},
            0,
            "c",
            {"b": 2},
            1,
            "'b' and 'c' tied on 3; 'c' had fewer in round 1",
        ),
        Round(3, {"a": 5, "b": 5}, 1, "b", {}, 5, "'a' and 'b' tied on 5; 'b' had fewer in round 2"),
        end(4, {"a": 5}, exhausted=6),
    )
    assert result.winner == "a"

    lines = explain(result, {"b": "Bowling"})
    assert (
        "Round 2: nobody had more than half, and 'Bowling' and 'c' tied for the fewest votes (3 each)."
        in lines
    )
    assert "To break the tie we looked back: in round 1, 'c' had fewer votes than 'Bowling'." in lines
    assert "So 'c' was removed; 2 of its 3 voters' next choice was 'Bowling', 1 had no more choices." in lines
    assert "So 'Bowling' was removed; all 5 of its voters had no more choices." in lines
    assert lines[-1] == "Round 4: 'a' is the only one left, with 5 of 5 votes, and wins."


def test_a_three_way_tie_narrows_round_by_round() -> None:
    # Round 1: L 5, x 4, y 3, z 2, f 2, e 1 (17). e out: ["e", "z"] -> z.
    # Round 2: L 5, x 4, y 3, z 3, f 2. f out: ["f", "y"] -> y, ["f", "z"] -> z.
    # Round 3: L 5, x 4, y 4, z 4. Tie x, y, z on 4: round 2 leaves y and z (3 < 4), round 1 leaves z (2 < 3).
    #          z out: 2 x ["z", "x"] -> x, ["e", "z"] and ["f", "z"] exhausted.
    # Round 4: L 5, x 6, y 4 (15 continuing, > 7.5). y out: all 4 exhausted.
    # Round 5: L 5, x 6 (11 continuing, > 5.5): x wins.
    ballots = (
        5 * [["L"]] + 4 * [["x"]] + 3 * [["y"]] + 2 * [["z", "x"]] + [["e", "z"], ["f", "y"], ["f", "z"]]
    )
    result = count(ballots, ["L", "x", "y", "z", "f", "e"], "s")

    assert [this.eliminated for this in result.rounds] == ["e", "f", "z", "y", None]
    assert result.rounds[2] == Round(
        3,
        {"L": 5, "x": 4, "y": 4, "z": 4},
        0,
        "z",
        {"x": 2},
        2,
        "'x', 'y' and 'z' tied on 4; 'y' and 'z' had the fewest in round 2; 'z' had fewer in round 1",
    )
    assert result.rounds[4] == end(5, {"L": 5, "x": 6}, exhausted=6)
    assert result.winner == "x"
    assert (
        "To break the tie we looked back: in round 2, 'y' and 'z' had fewer votes than 'x'; "
        "in round 1, 'z' had fewer votes than 'y'."
    ) in explain(result, {})


def test_once_narrowed_a_tie_only_looks_at_those_still_tied() -> None:
    # Round 1: L 10, x 5, y 6, z 7, f 5, e 4 (37, > 18.5). e out: 3 x ["e", "x"] -> x, ["e", "y"] -> y.
    # Round 2: L 10, x 8, y 7, z 7, f 5. f out: ["f", "y"] -> y, ["f", "z"] -> z, 3 x ["f"] exhausted.
    # Round 3: L 10, x 8, y 8, z 8 (34 continuing). Round 2 leaves y and z (7 < 8); in round 1 y (6) had
    #          fewer than z (7), so y goes, even though x (5) had the fewest of all three in round 1.
    #          All 8 of y's ballots are exhausted.
    # Round 4: L 10, x 8, z 8 (26). Level in round 3; in round 2 z (7) had fewer than x (8): z goes,
    #          and its 8 ballots are exhausted.
    # Round 5: L 10, x 8 (18 continuing, > 9): L wins.
    ballots = (
        10 * [["L"]]
        + 5 * [["x"]]
        + 6 * [["y"]]
        + 7 * [["z"]]
        + 3 * [["e", "x"]]
        + [["e", "y"], ["f", "y"], ["f", "z"]]
        + 3 * [["f"]]
    )
    result = count(ballots, ["L", "x", "y", "z", "f", "e"], "s")

    assert result.rounds == (
        Round(1, {"L": 10, "x": 5, "y": 6, "z": 7, "f": 5, "e": 4}, 0, "e", {"x": 3, "y": 1}, 0, None),
        Round(2, {"L": 10, "x": 8, "y": 7, "z": 7, "f": 5}, 0, "f", {"y": 1, "z": 1}, 3, None),
        Round(
            3,
            {"L": 10, "x": 8, "y": 8, "z": 8},
            3,
            "y",
            {},
            8,
            "'x', 'y' and 'z' tied on 8; 'y' and 'z' had the fewest in round 2; 'y' had fewer in round 1",
        ),
        Round(
            4, {"L": 10, "x": 8, "z": 8}, 11, "z", {}, 8, "'x' and 'z' tied on 8; 'z' had fewer in round 2"
        ),
        end(5, {"L": 10, "x": 8}, exhausted=19),
    )
    assert result.winner == "L"


def test_a_narrowed_tie_is_drawn_only_among_those_still_tied() -> None:
    # Round 1: L 6, x 4, y 3, z 3, e 2 (18). e out: ["e", "y"] -> y, ["e", "z"] -> z.
    # Round 2: L 6, x 4, y 4, z 4. Round 1 leaves y and z (3 < 4), level in every round: y or z is drawn.
    ballots = 6 * [["L"]] + 4 * [["x"]] + 3 * [["y"]] + 3 * [["z"]] + [["e", "y"], ["e", "z"]]
    for seed in (f"seed-{n}" for n in range(10)):
        result = count(ballots, ["L", "x", "y", "z", "e"], seed)
        loser = drawn(seed, 2, ["y", "z"])
        assert result.rounds[1] == Round(
            2,
            {"L": 6, "x": 4, "y": 4, "z": 4},
            0,
            loser,
            {},
            4,
            "'x', 'y' and 'z' tied on 4; 'y' and 'z' had the fewest in round 1; 'y' and 'z' were level in "
            f"every round; '{loser}' was removed by a draw (seed '{seed}', round 2)",
            ("y", "z"),  # the draw was among these two only
        )
    lines = explain(count(ballots, ["L", "x", "y", "z", "e"], "seed-0"), {})
    assert "To break the tie we looked back: in round 1, 'y' and 'z' had fewer votes than 'x'." in lines
    assert (
        "'y' and 'z' had the same number of votes in every round, so a fair draw by the computer "
        f"(seed 'seed-0', round 2) picked '{drawn('seed-0', 2, ['y', 'z'])}' to be removed; "
        "all 4 of its voters had no more choices."
    ) in lines


def test_a_tie_level_in_every_round_is_drawn_with_the_seed() -> None:
    # Round 1: a 3, b 3, c 4, d 1 (11). d out, exhausted.
    # Round 2: a 3, b 3, c 4 (10 continuing). a and b were level in round 1 too, so a draw decides,
    #          and the loser's 3 ballots go to the other, who then has 6 of 10 and wins.
    ballots = 3 * [["a", "b"]] + 3 * [["b", "a"]] + 4 * [["c"]] + [["d"]]
    winners = set()
    for seed in (f"seed-{n}" for n in range(20)):
        result = count(ballots, ["a", "b", "c", "d"], seed)
        loser = drawn(seed, 2, ["a", "b"])
        survivor = "b" if loser == "a" else "a"
        assert result.rounds[1] == Round(
            2,
            {"a": 3, "b": 3, "c": 4},
            1,
            loser,
            {survivor: 3},
            0,
            f"'a' and 'b' tied on 3 and were level in every earlier round; "
            f"'{loser}' was removed by a draw (seed '{seed}', round 2)",
            ("a", "b"),
        )
        assert result.rounds[2] == end(3, {survivor: 6, "c": 4}, exhausted=1)
        assert result.winner == survivor
        assert decided_by_draw(result, one_each_weight(ballots)) == ("a", "b")  # the headline says so
        # The same seed always gives the same count.
        assert all(count(ballots, ["a", "b", "c", "d"], seed) == result for _ in range(5))
        winners.add(result.winner)
    # ...but another seed can give another winner.
    assert winners == {"a", "b"}

    lines = explain(count(ballots, ["a", "b", "c", "d"], "seed-0"), {})
    loser = drawn("seed-0", 2, ["a", "b"])
    assert (
        "They had the same number of votes in every earlier round too, so a fair draw by the computer "
        f"(seed 'seed-0', round 2) picked '{loser}' to be removed; all 3 of its voters' next choice was "
        f"'{'b' if loser == 'a' else 'a'}'."
    ) in lines


def test_a_two_candidate_exact_tie_is_drawn_in_round_one() -> None:
    ballots = 2 * [["a", "b"]] + 2 * [["b", "a"]]
    seen = set()
    for seed in ("x", "y", "z", "w", "v", "u", "t", "s"):
        result = count(ballots, ["a", "b"], seed)
        loser = drawn(seed, 1, ["a", "b"])
        survivor = "b" if loser == "a" else "a"
        assert result.rounds == (
            Round(
                1,
                {"a": 2, "b": 2},
                0,
                loser,
                {survivor: 2},
                0,
                f"'a' and 'b' tied on 2; '{loser}' was removed by a draw (seed '{seed}', round 1)",
                ("a", "b"),
            ),
            end(2, {survivor: 4}),
        )
        assert result.winner == survivor
        # The draw is over the sorted ids, so showing the candidates the other way round changes nothing.
        assert count(ballots, ["b", "a"], seed).winner == survivor
        seen.add(survivor)
    assert seen == {"a", "b"}
    lines = explain(count(ballots, ["a", "b"], "x"), {})
    assert any(
        line.startswith("There was no earlier round to look back at, so a fair draw") for line in lines
    )


def test_candidates_with_no_votes_go_one_at_a_time() -> None:
    # Round 1: z1 0, a 3, b 3, c 1, z2 0 (7). z1 and z2 tie on 0 in the first round: drawn.
    # Round 2: the other zero goes on its own. Round 3: c out, ["c", "a"] -> a. Round 4: a 4 of 7 wins.
    ballots = 3 * [["a"]] + 3 * [["b"]] + [["c", "a"]]
    result = count(ballots, ["z1", "a", "b", "c", "z2"], "zeros")
    first_out = drawn("zeros", 1, ["z1", "z2"])
    second_out = "z2" if first_out == "z1" else "z1"

    assert [this.eliminated for this in result.rounds] == [first_out, second_out, "c", None]
    assert result.rounds[0].transfers == {} and result.rounds[0].exhausted_now == 0
    assert result.rounds[1] == Round(2, {"a": 3, "b": 3, "c": 1, second_out: 0}, 0, second_out, {}, 0, None)
    assert list(result.rounds[1].totals) == [
        candidate for candidate in ["z1", "a", "b", "c", "z2"] if candidate != first_out
    ]
    assert result.rounds[2] == Round(3, {"a": 3, "b": 3, "c": 1}, 0, "c", {"a": 1}, 0, None)
    assert result.rounds[3] == end(4, {"a": 4, "b": 3})
    assert result.winner == "a"
    assert f"Round 2: nobody had more than half, so '{second_out}' had no votes at all and was removed." in (
        explain(result, {})
    )


def test_a_single_candidate() -> None:
    result = count([["a"], ["x"], [], ["a", "a"]], ["a"], "s")
    assert result.rounds == (end(1, {"a": 2}, exhausted=2),)
    assert result.winner == "a"
    assert explain(result, {"a": "Yes"}) == [
        "4 people voted.",
        "2 of them didn't choose any of the options, so their votes don't count.",
        "Round 1: 'Yes' 2.",
        "Round 1: 'Yes' had 2 of 2 votes — more than half — and wins.",
    ]

    nothing_valid = count([["x"]], ["a"], "s")
    assert nothing_valid.rounds == (end(1, {"a": 0}, exhausted=1),)
    assert nothing_valid.winner is None
    assert explain(nothing_valid, {}) == [
        "1 person voted, but nobody chose any of the options, so there is no winner."
    ]


def test_no_ballots_and_no_candidates() -> None:
    no_ballots = count([], ["a", "b"], "s")
    assert no_ballots == Count(("a", "b"), 0, {"a": 0, "b": 0}, (end(1, {"a": 0, "b": 0}),), None, "s")
    assert explain(no_ballots, {}) == ["Nobody voted, so there is no winner."]

    no_candidates = count([["a"], []], [], "s")
    assert no_candidates == Count((), 2, {}, (), None, "s")
    assert explain(no_candidates, {}) == ["There were no options to vote for, so there is no winner."]


def test_explanation_singulars_and_plurals() -> None:
    one = explain(count([["a"]], ["a", "b"], "s"), {})
    assert one == [
        "1 person voted.",
        "Round 1: 'a' 1, 'b' 0.",
        "Round 1: 'a' had 1 of 1 vote — more than half — and wins.",
    ]

    # One invalid ballot; b's single voter moves to a; later a round with 1 exhausted voter.
    ballots = 2 * [["a"]] + 2 * [["c"]] + [["b", "a"], ["x"]]
    lines = explain(count(ballots, ["a", "b", "c"], "s"), {})
    assert "1 of them didn't choose any of the options, so their vote doesn't count." in lines
    assert (
        "Round 1: nobody had more than half, so 'b' had the fewest votes (1) and was removed; "
        "its 1 voter's next choice was 'a'."
    ) in lines
    assert "Round 2: 'a' 3, 'c' 2 (1 voter had no choices left)." in lines
    assert lines[-1] == "Round 2: 'a' had 3 of 5 votes — more than half — and wins."

    two_out = explain(count(4 * [["a"]] + 3 * [["b"]] + [["c"], ["c"]], ["a", "b", "c"], "s"), {})
    assert "Round 2: 'a' 4, 'b' 3 (2 voters had no choices left)." in two_out
    assert any(line.endswith("was removed; all 2 of its voters had no more choices.") for line in two_out)


def test_labels_fall_back_to_ids() -> None:
    lines = explain(count([["a"], ["a"], ["b"]], ["a", "b"], "s"), {"a": "Art room", "b": ""})
    assert lines[1] == "Round 1: 'Art room' 2, 'b' 1."


def test_seed_for_is_short_stable_and_per_question() -> None:
    seed = seed_for("hub", "spaces")
    assert seed == seed_for("hub", "spaces")
    assert len(seed) == 12 and int(seed, 16) >= 0
    assert seed != seed_for("hub", "feel")
    assert seed != seed_for("hub2", "spaces")


# --- A second, deliberately naive count to check the real one against ------------------------------------


def naive_first_choice(ballot: Sequence[str], standing: list[str]) -> str | None:
    # Unknown ids and repeats never need special handling here: the first entry still standing wins.
    for entry in ballot:
        if entry in standing:
            return entry
    return None


def naive_count(ballots: Sequence[Sequence[str]], candidates: list[str], seed: str) -> dict[str, object]:
    """Recount every ballot from scratch each round, keeping a list of past tallies."""
    standing = list(candidates)
    past: list[dict[str, int]] = []
    rounds: list[dict[str, object]] = []
    winner = None
    while standing:
        tally = {}
        for candidate in standing:
            tally[candidate] = 0
        out = 0
        for ballot in ballots:
            choice = naive_first_choice(ballot, standing)
            if choice is None:
                out += 1
            else:
                tally[choice] += 1
        in_play = len(ballots) - out
        row: dict[str, object] = {"totals": tally, "exhausted": out}
        rounds.append(row)
        if in_play == 0:
            row.update(eliminated=None, transfers={}, exhausted_now=0)
            break
        found = [candidate for candidate in standing if tally[candidate] * 2 > in_play or len(standing) == 1]
        if found:
            winner = found[0]
            row.update(eliminated=None, transfers={}, exhausted_now=0)
            break

        lowest = min(tally.values())
        group = [candidate for candidate in standing if tally[candidate] == lowest]
        index = len(past) - 1
        while len(group) > 1 and index >= 0:
            then = past[index]
            least = min(then[candidate] for candidate in group)
            group = [candidate for candidate in group if then[candidate] == least]
            index -= 1
        loser = group[0] if len(group) == 1 else drawn(seed, len(past) + 1, group)

        after = [candidate for candidate in standing if candidate != loser]
        transfers: dict[str, int] = {}
        lost = 0
        for ballot in ballots:
            if naive_first_choice(ballot, standing) == loser:
                following = naive_first_choice(ballot, after)
                if following is None:
                    lost += 1
                else:
                    transfers[following] = transfers.get(following, 0) + 1
        row.update(eliminated=loser, transfers=transfers, exhausted_now=lost)
        past.append(tally)
        standing = after
    return {"winner": winner, "rounds": rounds}


POOL = ["a", "b", "c", "d", "e", "f"]
# Strategies are built once, and flat: generating the data is most of the run's time, and it grows with
# the number of draws and nested strategies. One draw picks a whole order of the six ids.
ORDERS_OF_SIX = st.sampled_from(list(itertools.permutations(range(6))))
# A few distinct rankings (an order, cut short anywhere), each cast by 0-8 people: equal numbers make ties
# (and draws) common.
RANKINGS = st.lists(st.tuples(ORDERS_OF_SIX, st.integers(0, 6), st.integers(0, 8)), min_size=1, max_size=10)
# Stray entries put anywhere in a ranking: a code below 12 repeats a candidate, 12 and 13 are not candidates.
STRAYS = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 6), st.sampled_from(range(14))), max_size=6)
UNKNOWN = {12: "x", 13: "g"}
SEEDS = st.sampled_from(["s", "37f40c4588b2", "another seed"])


@st.composite
def elections(draw: st.DrawFn) -> tuple[list[list[str]], list[str], str]:
    size = draw(st.integers(1, 6))
    candidates = [POOL[index] for index in draw(ORDERS_OF_SIX) if index < size]  # shown in any order
    rankings = []
    for kind, (order, length, _) in enumerate(kinds := draw(RANKINGS)):
        # Hypothesis repeats values a lot, so without this most votes had one clear favourite and ended
        # in round 1: the k-th distinct ranking puts the k-th candidate first (if it isn't cut to nothing).
        first = kind % size
        rest = [index for index in order if index < size and index != first]
        rankings.append([candidates[index] for index in [first, *rest]][:length])
    for kind, position, code in draw(STRAYS):
        stray = UNKNOWN[code] if code in UNKNOWN else candidates[code % size]
        rankings[kind % len(rankings)].insert(position, stray)
    ballots = [ranking for ranking, (_, _, times) in zip(rankings, kinds, strict=True) for _ in range(times)]
    return ballots[:40], candidates, draw(SEEDS)


@settings(max_examples=1200, deadline=None, derandomize=True, database=None)
@given(elections())
def test_count_agrees_with_a_naive_recount(election: tuple[list[list[str]], list[str], str]) -> None:
    ballots, candidates, seed = election
    result = count(ballots, candidates, seed)
    expected = naive_count(ballots, candidates, seed)

    assert result.winner == expected["winner"]
    assert result.ballots == len(ballots)
    got = [
        {
            "totals": this.totals,
            "exhausted": this.exhausted,
            "eliminated": this.eliminated,
            "transfers": this.transfers,
            "exhausted_now": this.exhausted_now,
        }
        for this in result.rounds
    ]
    assert got == expected["rounds"]
    assert [this.number for this in result.rounds] == list(range(1, len(result.rounds) + 1))
    for this in result.rounds:
        assert list(this.totals) == [candidate for candidate in candidates if candidate in this.totals]
        assert list(this.transfers) == [candidate for candidate in candidates if candidate in this.transfers]
        # A tie-break is recorded exactly when someone was removed from a tie for the fewest.
        tied_for_fewest = list(this.totals.values()).count(min(this.totals.values())) > 1
        assert (this.tie_break is not None) == (this.eliminated is not None and tied_for_fewest)
    assert result.first_preferences == result.rounds[0].totals
    assert explain(result, {})  # never fails, whatever the count


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(elections(), st.integers(0, 2**32))
def test_the_order_of_the_ballots_does_not_matter(
    election: tuple[list[list[str]], list[str], str], shuffle_with: int
) -> None:
    ballots, candidates, seed = election
    shuffled = list(ballots)
    random.Random(shuffle_with).shuffle(shuffled)
    assert count(shuffled, candidates, seed) == count(ballots, candidates, seed)


@pytest.mark.parametrize("seed", ["s", "t"])
def test_the_naive_recount_agrees_on_the_hand_worked_vote(seed: str) -> None:
    assert naive_count(HUB_BALLOTS, HUB_CANDIDATES, seed)["winner"] == "harbour"


def one_each_weight(ballots: list[list[str]]) -> list[tuple[list[str], int]]:
    return [(ballot, 1) for ballot in ballots]


def draw_decided(ballots: list[list[str]], candidates: list[str]) -> tuple[str, ...]:
    return decided_by_draw(count(ballots, candidates, "s"), one_each_weight(ballots))


def test_a_winner_only_a_draw_could_choose_is_said_to_be_drawn_and_others_are_not() -> None:
    one_each = count([["a"], ["b"]], ["a", "b"], "s")
    assert one_each.rounds[0].drawn == ("a", "b") and draw_decided([["a"], ["b"]], ["a", "b"]) == ("a", "b")
    # A draw between the two with the fewest, neither of them the winner: the votes decided.
    ballots = 3 * [["c"]] + 2 * [["d"]] + [["a"]] + [["b"]]
    clear = count(ballots, ["a", "b", "c", "d"], "s")
    assert (
        clear.rounds[0].drawn == ("a", "b")
        and clear.winner == "c"
        and draw_decided(ballots, ["a", "b", "c", "d"]) == ()
    )
    assert draw_decided([["a"], ["a", "b"]], ["a", "b"]) == ()


def test_a_draw_that_decided_the_winner_is_found_even_when_the_winner_was_not_in_it() -> None:
    # Round 1: b and c tie on 1 and a draw removes one. Removing b, d goes on to win; removing c,
    # its ballot goes to a, who wins. Either way the draw, not the votes, chose the winner.
    ballots = [["a"], ["a"], ["a", "c"], ["b", "d", "c"], ["c", "a"], ["d", "a"], ["d", "c"], ["d", "c", "b"]]
    result = count(ballots, ["a", "b", "c", "d"], "s")
    assert result.rounds[0].drawn == ("b", "c")
    assert draw_decided(ballots, ["a", "b", "c", "d"]) == ("b", "c")
    # An early three-way draw that the winner's later clear majority makes no difference to.
    clear = 5 * [["a"]] + [["b"]] + [["c"]] + [["d"]]
    assert (
        count(clear, ["a", "b", "c", "d"], "s").winner == "a"
        and draw_decided(clear, ["a", "b", "c", "d"]) == ()
    )
