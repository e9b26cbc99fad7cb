"""Per-question figures for the team, worked by hand."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from pydantic import TypeAdapter

from bot.core import texts
from bot.core.engine import DECLINED, Answer
from bot.core.models import Question
from bot.core.tallies import QuestionTally, describe, percent
from bot.core.tallies import tally as tally_counted
from tests.unit.counting import counted

QUESTION: TypeAdapter[Question] = TypeAdapter(Question)
SKIP = Answer(None)
DECLINE = Answer(DECLINED)


def question(kind: str, text: str = "Question?", **fields: Any) -> Question:
    return QUESTION.validate_python({"id": "q", "type": kind, "text": text, **fields})


def options(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"id": i, "label": label} for i, label in pairs]


def answers(*values: Any) -> list[Answer]:
    return [Answer(v) for v in values]


def tally(q: Question, given: list[Answer]) -> QuestionTally:
    """The tally of one answer per response, grouped as the database groups them."""
    return tally_counted(q, counted(given))


SPACES = options(("music", "🎵 Music room"), ("art", "🎨 Art room"), ("games", "🎮 Games room"))
ROOMS = options(
    ("kitchen", "🍳 Kitchen"), ("music", "🎵 Music"), ("garden", "🌱 Garden"), ("games", "🎮 Games")
)


def test_percent_rounds_halves_up_and_has_a_dash_for_nobody() -> None:
    assert percent(7, 12) == "58%"
    assert percent(1, 8) == "13%"  # 12.5
    assert percent(1, 3) == "33%"
    assert percent(2, 3) == "67%"
    assert percent(5, 5) == "100%"
    assert percent(0, 4) == "0%"
    assert percent(0, 0) == "–"


def test_single_choice_counts_per_option_and_percentages_leave_out_skips_and_declines() -> None:
    q = question("single_choice", "Where should the hub be?", options=SPACES)
    result = tally(q, [*answers("music", "music", "art", "music"), SKIP, SKIP, DECLINE])
    assert (result.answered, result.skipped, result.declined, result.ignored) == (4, 2, 1, 0)
    assert result.counts == {"music": 3, "art": 1, "games": 0}
    assert list(result.counts) == ["music", "art", "games"]  # file order
    assert describe(result) == [
        "Where should the hub be? — 4 of 7 answered, 2 skipped, 1 rather not say",
        "• 🎵 Music room: 3 (75%)",
        "• 🎨 Art room: 1 (25%)",
        "• 🎮 Games room: 0 (0%)",
    ]


def test_an_option_removed_from_the_file_is_ignored_and_said_so() -> None:
    q = question("single_choice", "Where?", options=SPACES)
    result = tally(q, answers("music", "pool", 3))
    assert (result.answered, result.ignored) == (1, 2)
    assert result.counts == {"music": 1, "art": 0, "games": 0}
    assert "pool" not in result.counts
    assert describe(result)[:2] == [
        "Where? — 1 answered, 2 no longer fit the question",
        "• 🎵 Music room: 1 (100%)",
    ]
    assert (
        describe(tally(q, answers("music", "pool")))[0]
        == "Where? — 1 answered, 1 no longer fits the question"
    )


def test_yes_no_uses_its_fixed_options() -> None:
    q = question("yes_no", "Would you come on Saturdays?")
    result = tally(q, [*answers("yes", "no", "yes"), SKIP])
    assert result.counts == {"yes": 2, "no": 1}
    assert describe(result) == [
        "Would you come on Saturdays? — 3 of 4 answered, 1 skipped",
        "• 👍 Yes: 2 (67%)",
        "• 👎 No: 1 (33%)",
    ]


def test_image_choice_counts_per_picture() -> None:
    pictures = [
        {"id": "blue", "label": "Blue logo", "image": "media/blue.png"},
        {"id": "green", "label": "Green logo", "image": "media/green.png"},
    ]
    q = question("image_choice", "Which logo?", options=pictures)
    result = tally(q, [*answers("green", "green", "blue", "green", "green"), DECLINE])
    assert result.counts == {"blue": 1, "green": 4}
    assert describe(result) == [
        "Which logo? — 5 of 6 answered, 1 rather not say",
        "• Blue logo: 1 (20%)",
        "• Green logo: 4 (80%)",
    ]


def test_multi_choice_totals_per_option_are_shares_of_those_who_answered() -> None:
    q = question("multi_choice", "Which spaces should the hub have?", options=SPACES)
    ballots = answers(("music", "art"), ("music",), ("art", "games"), ("music", "art", "games"))
    result = tally(q, [*ballots, SKIP, DECLINE])
    assert (result.answered, result.skipped, result.declined) == (4, 1, 1)
    # Totals per option, not per combination: 3 + 3 + 2 picks from 4 people.
    assert result.counts == {"music": 3, "art": 3, "games": 2}
    assert describe(result) == [
        "Which spaces should the hub have? — 4 of 6 answered, 1 skipped, 1 rather not say",
        "• 🎵 Music room: 3 (75%)",
        "• 🎨 Art room: 3 (75%)",
        "• 🎮 Games room: 2 (50%)",
        "People could pick more than one, so the percentages can add up to more than 100%.",
    ]


def test_multi_choice_keeps_known_options_and_ignores_answers_with_none_left() -> None:
    q = question("multi_choice", "Spaces?", options=SPACES)
    result = tally(q, answers(("music", "pool"), ("pool",), ("art", "art")))
    assert (result.answered, result.ignored) == (2, 1)
    assert result.counts == {"music": 1, "art": 1, "games": 0}


def test_multi_choice_limited_to_one_has_no_note_about_adding_up() -> None:
    q = question("multi_choice", "Spaces?", options=SPACES, max_choices=1)
    assert describe(tally(q, answers(("music",)))) == [
        "Spaces? — 1 answered",
        "• 🎵 Music room: 1 (100%)",
        "• 🎨 Art room: 0 (0%)",
        "• 🎮 Games room: 0 (0%)",
    ]


def test_scale_mean_and_every_point_of_the_distribution() -> None:
    q = question("scale", "How much do you like the plan?", min=1, max=5)
    points = [2] + [3] * 3 + [4] * 5 + [5] * 3  # 46 / 12
    result = tally(q, [*answers(*points), SKIP, DECLINE])
    assert result.answered == 12
    assert result.mean == pytest.approx(46 / 12)
    assert result.distribution == {1: 0, 2: 1, 3: 3, 4: 5, 5: 3}
    assert describe(result) == [
        "How much do you like the plan? — 12 of 14 answered, 1 skipped, 1 rather not say",
        "• average 3.8 of 5",
        "• 1: 0 · 2: 1 · 3: 3 · 4: 5 · 5: 3",
    ]


def test_scale_points_outside_the_range_are_ignored() -> None:
    q = question("scale", "Rate it", min=1, max=3)
    result = tally(q, answers(1, 3, 7, "3", True))
    assert (result.answered, result.ignored, result.mean) == (2, 3, 2.0)
    assert result.distribution == {1: 1, 2: 0, 3: 1}


def test_face_scales_use_the_face_words() -> None:
    q = question("scale", "How do you feel about school?", min=1, max=3, faces=True)
    result = tally(q, answers(1, 3, 3))
    sad, ok, happy = texts.faces(3)
    assert describe(result) == [
        "How do you feel about school? — 3 answered",
        "• average 2.3 of 3",
        f"• {sad}: 1 · {ok}: 0 · {happy}: 2",
    ]


def test_labelled_scale_from_zero_names_its_range_and_labels() -> None:
    q = question("scale", "How safe?", min=0, max=2, labels={0: "not", 2: "very"})
    assert describe(tally(q, answers(0, 2, 2, 2))) == [
        "How safe? — 4 answered",
        "• average 1.5 on a scale of 0 to 2",
        "• 0 not: 1 · 1: 0 · 2 very: 3",
    ]


@pytest.mark.parametrize("kind", ["ranking", "ranked"])
def test_truncated_rankings_borda_and_average_rank_by_hand(kind: str) -> None:
    q = question(kind, "Which rooms matter most?", options=ROOMS)
    ballots = answers(
        ("kitchen", "music", "garden", "games"),  # 3, 2, 1, 0 points
        ("music", "kitchen"),  # 3, 2; garden and games get nothing
        ("kitchen",),  # 3
        ("gone", "garden", "kitchen"),  # "gone" was removed from the file: garden 1st (3), kitchen 2nd (2)
        ("gone",),  # nothing left: ignored
    )
    result = tally(q, [*ballots, SKIP, DECLINE])
    assert (result.answered, result.skipped, result.declined, result.ignored) == (4, 1, 1, 1)
    assert result.borda == {"kitchen": 10, "music": 5, "garden": 4, "games": 0}
    assert result.placed == {"kitchen": 4, "music": 2, "garden": 2, "games": 1}
    # kitchen 1, 2, 1, 2; music 2, 1; garden 3, 1; games 4
    assert result.average_rank == {"kitchen": 1.5, "music": 1.5, "garden": 2.0, "games": 4.0}
    assert "gone" not in result.borda
    assert describe(result) == [
        "Which rooms matter most? — 4 of 6 answered, 1 skipped, 1 rather not say, "
        "1 no longer fits the question",
        "• 🍳 Kitchen: average place 1.5 (1 = first), placed by 4, 10 points",
        "• 🎵 Music: average place 1.5 (1 = first), placed by 2, 5 points",
        "• 🌱 Garden: average place 2.0 (1 = first), placed by 2, 4 points",
        "• 🎮 Games: average place 4.0 (1 = first), placed by 1, 0 points",
        "Listed by points: 3 points for a first place, one fewer for each place below, none where it was not "
        "placed.",
    ]


def test_ranking_sorts_by_borda_ties_in_file_order_and_names_options_nobody_placed() -> None:
    q = question("ranking", "Order them", options=ROOMS)
    # n = 4: garden 3 + 2 = 5; music 2 + 3 = 5; a repeated id counts once, at its first place.
    result = tally(q, answers(("garden", "music", "garden"), ("music", "garden")))
    assert result.borda == {"kitchen": 0, "music": 5, "garden": 5, "games": 0}
    assert result.average_rank["kitchen"] is None
    assert result.placed["kitchen"] == 0
    assert describe(result)[1:] == [
        "• 🎵 Music: average place 1.5 (1 = first), placed by 2, 5 points",
        "• 🌱 Garden: average place 1.5 (1 = first), placed by 2, 5 points",
        "• 🍳 Kitchen: not placed by anyone, 0 points",
        "• 🎮 Games: not placed by anyone, 0 points",
        "Listed by points: 3 points for a first place, one fewer for each place below, none where it was not "
        "placed.",
    ]


WORDS = "I want a quiet room because my brother at Elm Street school"


def test_text_answers_are_counted_but_never_described() -> None:
    q = question("text", "What would make you come?", optional=True)
    result = tally(q, [*answers(WORDS, "More buses"), SKIP, Answer("   ")])
    assert (result.answered, result.skipped, result.ignored) == (2, 1, 1)
    lines = describe(result)
    assert lines == [
        "What would make you come? — 2 of 3 answered, 1 skipped, 1 no longer fits the question",
        "• 2 written answers (“Show written answers” below)",
    ]
    described = " ".join(lines)
    assert not any(word in described for word in ("quiet", "brother", "Elm", "buses"))
    assert describe(tally(q, answers("Hi")))[1] == "• 1 written answer (“Show written answers” below)"


def test_suggestion_ideas_are_counted_but_never_described() -> None:
    q = question("suggestion", "Name the hub")
    result = tally(q, [*answers(("Skate Elm", "The Den"), ("Brother Base",)), SKIP])
    assert (result.answered, result.skipped, result.items) == (2, 1, 3)
    lines = describe(result)
    assert lines[1] == "• 3 ideas from 2 young people (see the export)"
    assert not any(word in " ".join(lines) for word in ("Skate", "Den", "Brother"))
    assert describe(tally(q, answers(("Hub",))))[1] == "• 1 idea from 1 young person (see the export)"


def test_photos_are_counted_and_how_they_reach_workers() -> None:
    q = question("photo", "Show us your favourite place", optional=True)
    result = tally(q, [*answers("a1.jpg", "b2.jpg"), SKIP])
    assert (result.answered, result.items) == (2, 2)
    assert describe(result) == [
        "Show us your favourite place — 2 of 3 answered, 1 skipped",
        "• 2 photos (sent to workers as an album)",
    ]
    assert describe(tally(q, answers("a.jpg")))[1] == "• 1 photo (sent to workers)"
    many = tally(q, answers(*(f"{n}.jpg" for n in range(11))))
    assert describe(many)[1] == "• 11 photos (sent to workers in albums)"


EVERY_TYPE = [
    question("single_choice", "Q?", options=SPACES),
    question("multi_choice", "Q?", options=SPACES),
    question("image_choice", "Q?", options=[{**o, "image": "media/x.png"} for o in SPACES]),
    question("yes_no", "Q?"),
    question("scale", "Q?", faces=True),
    question("ranking", "Q?", options=ROOMS),
    question("ranked", "Q?", options=ROOMS),
    question("text", "Q?"),
    question("suggestion", "Q?"),
    question("photo", "Q?"),
]


@pytest.mark.parametrize("q", EVERY_TYPE, ids=lambda q: q.type)
def test_no_answers_yet(q: Question) -> None:
    empty = tally(q, [])
    assert (empty.answered, empty.skipped, empty.declined, empty.ignored) == (0, 0, 0, 0)
    assert empty.mean is None
    assert all(n == 0 for n in (*empty.counts.values(), *empty.distribution.values(), *empty.borda.values()))
    assert all(rank is None for rank in empty.average_rank.values())
    assert empty.items == 0
    assert describe(empty) == ["Q? — no answers yet"]
    assert describe(tally(q, [SKIP, SKIP, DECLINE])) == ["Q? — no answers yet, 2 skipped, 1 rather not say"]


@pytest.mark.parametrize("q", EVERY_TYPE, ids=lambda q: q.type)
def test_a_skip_or_decline_is_never_a_choice(q: Question) -> None:
    result = tally(q, [SKIP, DECLINE, DECLINE])
    assert (result.answered, result.skipped, result.declined) == (0, 1, 2)
    assert sum(result.counts.values()) + sum(result.placed.values()) + sum(result.distribution.values()) == 0
    assert result.items == 0


def test_sizes_follow_the_question_and_the_tally_is_frozen() -> None:
    scale = tally(question("scale", "Q?", min=1, max=5, faces=True), [])
    assert list(scale.distribution) == [1, 2, 3, 4, 5]
    assert list(tally(EVERY_TYPE[5], []).borda) == ["kitchen", "music", "garden", "games"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        scale.answered = 3  # type: ignore[misc]
    assert isinstance(scale, QuestionTally)


def test_a_long_question_is_one_line_in_the_report() -> None:
    q = question("yes_no", "Would you\ncome   on Saturdays?")
    assert describe(tally(q, []))[0] == "Would you come on Saturdays? — no answers yet"
