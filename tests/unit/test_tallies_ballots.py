"""Tallies when an unusable answer comes first: it is set aside and the ones after it still count.

The database hands answers over grouped, in no promised order, so an answer that no longer fits the
question (its options were taken out of the file) may come before every good one.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from bot.core.engine import Answer
from bot.core.tallies import describe, tally
from tests.unit.test_tallies import ROOMS, SPACES, question


def test_a_ranking_ballot_with_no_option_left_does_not_stop_the_count() -> None:
    q = question("ranking", "Which rooms matter most?", options=ROOMS)
    grouped = [
        (Answer(("gone",)), 2),  # nothing left to count
        (Answer(("music", "kitchen")), 3),
        (Answer(("garden",)), 1),
    ]
    result = tally(q, grouped)
    assert (result.answered, result.ignored) == (4, 2)
    assert result.placed == {"kitchen": 3, "music": 3, "garden": 1, "games": 0}
    assert result.borda == {"kitchen": 6, "music": 9, "garden": 3, "games": 0}


def test_a_multi_choice_answer_with_no_option_left_does_not_stop_the_count() -> None:
    q = question("multi_choice", "Which spaces?", options=SPACES)
    grouped = [(Answer(("retired",)), 1), (Answer(("art", "games")), 2), (Answer(("music",)), 1)]
    result = tally(q, grouped)
    assert (result.answered, result.ignored) == (3, 1)
    assert result.counts == {"music": 1, "art": 2, "games": 2}


def test_a_single_choice_answer_no_longer_an_option_does_not_stop_the_count() -> None:
    q = question("single_choice", "Where?", options=SPACES)
    result = tally(q, [(Answer("retired"), 4), (Answer("art"), 2), (Answer("music"), 1)])
    assert (result.answered, result.ignored) == (3, 4)
    assert result.counts == {"music": 1, "art": 2, "games": 0}


def test_a_vote_whose_places_are_kept_back_lists_every_option_in_file_order() -> None:
    # The results code drops a vote's places and points (its count is the instant-runoff one).
    q = question("ranked", "Which name?", options=ROOMS)
    counted = tally(q, [(Answer(("garden", "music")), 3)])
    kept_back = replace(counted, placed={}, average_rank={}, borda={})
    assert describe(kept_back)[1:5] == [
        "• 🍳 Kitchen: not placed by anyone, 0 points",
        "• 🎵 Music: not placed by anyone, 0 points",
        "• 🌱 Garden: not placed by anyone, 0 points",
        "• 🎮 Games: not placed by anyone, 0 points",
    ]


def test_a_ranking_of_two_says_1_point() -> None:
    q = question("ranking", "Which first?", options=ROOMS[:2])
    result = tally(q, [(Answer(("music", "kitchen")), 1)])
    assert describe(result)[1:] == [
        "• 🎵 Music: average place 1.0 (1 = first), placed by 1, 1 point",
        "• 🍳 Kitchen: average place 2.0 (1 = first), placed by 1, 0 points",
        "Listed by points: 1 point for a first place, one fewer for each place below, none where it was not "
        "placed.",
    ]


def test_blank_or_broken_ideas_are_not_counted() -> None:
    q = question("suggestion", "Name the hub")
    result = tally(q, [(Answer(("Base Camp", "   ")), 1), (Answer(("The Den", 7)), 1), (Answer(("  ",)), 1)])
    assert (result.answered, result.items, result.ignored) == (2, 2, 1)


def test_a_multi_choice_of_up_to_two_says_percentages_can_add_up_to_more_than_100() -> None:
    q = question("multi_choice", "Which spaces?", options=SPACES, max_choices=2)
    lines = describe(tally(q, [(Answer(("art", "games")), 2), (Answer(("music",)), 1)]))
    assert lines[-1] == "People could pick more than one, so the percentages can add up to more than 100%."


def test_ten_photos_go_to_workers_as_one_album_and_eleven_in_albums() -> None:
    q = question("photo", "Show us your favourite place")
    assert describe(tally(q, [(Answer("p.jpg"), 10)]))[1] == "• 10 photos (sent to workers as an album)"
    assert describe(tally(q, [(Answer("p.jpg"), 11)]))[1] == "• 11 photos (sent to workers in albums)"


def test_answers_of_the_wrong_kind_are_not_counted_as_ideas_or_photos() -> None:
    # The file changed after they answered: a typed answer where ideas are now asked, ideas where a
    # photo is now asked.
    ideas = tally(question("suggestion", "Name the hub"), [(Answer("Base Camp"), 2), (Answer(("Den",)), 1)])
    assert (ideas.answered, ideas.items, ideas.ignored) == (1, 1, 2)
    photos = tally(question("photo", "Show us"), [(Answer(("p.jpg",)), 2), (Answer("q.jpg"), 1)])
    assert (photos.answered, photos.items, photos.ignored) == (1, 1, 2)


def test_a_question_type_the_tallies_do_not_know_is_still_counted() -> None:
    future = SimpleNamespace(id="q", text="A kind of question from a later version?")
    result = tally(future, [(Answer("x"), 2), (Answer(("y",)), 1), (Answer(None), 1)])  # type: ignore[arg-type]
    assert (result.answered, result.skipped, result.ignored) == (3, 1, 0)
