"""The answering rules as a young person meets them: follow-up questions that appear or stay hidden,
stale buttons from earlier messages, unticking, and the edges of what a typed answer may be.

(tests/unit/test_engine.py has the basic journey; test_ranked_and_ideas_engine.py ranked votes and
ideas. These are the cases they leave open.)
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from bot.core import texts
from bot.core.actions import Action, Kind
from bot.core.engine import (
    DECLINED,
    WHY_MAX,
    WITH_THE_TEAM,
    Answer,
    Outcome,
    Progress,
    Result,
    apply,
    apply_photo,
    apply_text,
    begin,
    describe_answer,
    question_number,
    questions_to_ask,
    recover,
)
from bot.core.models import Consultation


def consultation(cid: str, *questions: dict[str, Any]) -> Consultation:
    return Consultation.model_validate(
        {"id": cid, "title": "T", "intro": "Intro", "questions": list(questions)}
    )


def choice(qid: str, *options: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": qid,
        "type": "single_choice",
        "text": f"{qid}?",
        "options": [{"id": o, "label": o.title()} for o in options],
        **extra,
    }


def text(qid: str, **extra: Any) -> dict[str, Any]:
    return {"id": qid, "type": "text", "text": f"{qid}?", **extra}


def scale(qid: str, low: int, high: int, **extra: Any) -> dict[str, Any]:
    return {"id": qid, "type": "scale", "text": f"{qid}?", "min": low, "max": high, **extra}


def asked(definition: Consultation, **answers: Any) -> list[str]:
    return [q.id for q in questions_to_ask(definition, {k: Answer(v) for k, v in answers.items()})]


# --------------------------------------------------------------------------------------------------
# show_if: each kind of condition hides or shows a follow-up


CLUB = consultation(
    "club",
    choice("visit", "yes", "no"),
    text("why-not", show_if={"question": "visit", "equals": "no"}),
    choice("day", "mon", "tue", "sat", "sun"),
    text("weekend", show_if={"question": "day", "one_of": ["sat", "sun"]}),
    scale("mood", 0, 5),
    text("great", show_if={"question": "mood", "at_least": 4}),
    text("low", show_if={"question": "mood", "at_most": 1}),
    text("any", show_if={"question": "mood", "at_least": 0}),
    text("zero", show_if={"question": "mood", "at_most": 0}),
    text("end"),
)


def test_equals_shows_the_follow_up_only_for_that_answer() -> None:
    assert "why-not" in asked(CLUB, visit="no")
    assert "why-not" not in asked(CLUB, visit="yes")
    assert "why-not" not in asked(CLUB)  # not answered yet


@pytest.mark.parametrize(("day", "shown"), [("sat", True), ("sun", True), ("mon", False), ("tue", False)])
def test_one_of_shows_the_follow_up_for_any_listed_answer(day: str, shown: bool) -> None:
    assert ("weekend" in asked(CLUB, day=day)) is shown


@pytest.mark.parametrize(
    ("mood", "expected"),
    [
        (0, ["low", "any", "zero"]),
        (1, ["low", "any"]),
        (2, ["any"]),
        (3, ["any"]),
        (4, ["great", "any"]),
        (5, ["great", "any"]),
    ],
)
def test_at_least_and_at_most_include_their_own_point(mood: int, expected: list[str]) -> None:
    follow_ups = {"great", "low", "any", "zero"}
    assert [q for q in asked(CLUB, mood=mood) if q in follow_ups] == expected


@pytest.mark.parametrize("answer", [None, DECLINED])
def test_a_skip_or_rather_not_say_never_meets_a_condition(answer: str | None) -> None:
    definition = consultation(
        "skips",
        choice("visit", "yes", "no", optional=True, rather_not_say=True),
        text("why-not", show_if={"question": "visit", "one_of": ["no", "yes"]}),
        scale("mood", 1, 5, optional=True, rather_not_say=True),
        text("low", show_if={"question": "mood", "at_most": 5}),
    )
    assert asked(definition, visit=answer, mood=answer) == ["visit", "mood"]
    assert asked(definition, visit="no", mood=2) == ["visit", "why-not", "mood", "low"]


def test_an_answer_of_another_kind_never_meets_a_condition() -> None:
    # The file was edited after they answered: "mood" was a choice, now it is a scale.
    assert "great" not in asked(CLUB, mood="5")
    assert "low" not in asked(CLUB, mood="0")
    includes = consultation(
        "inc",
        choice("pet", "cat", "dog"),
        text("more", show_if={"question": "pet", "includes": "c"}),
    )
    assert asked(includes, pet="cat") == ["pet"]  # "c" is in "cat", but a choice is not a tick list


def test_a_question_that_depends_on_a_hidden_one_is_hidden_too() -> None:
    chain = consultation(
        "chain",
        choice("visit", "yes", "no"),
        choice("liked", "yes", "no", show_if={"question": "visit", "equals": "yes"}),
        text("best", show_if={"question": "liked", "equals": "yes"}),
    )
    assert asked(chain, visit="yes", liked="yes") == ["visit", "liked", "best"]
    # An answer kept from before "visit" changed does not bring "best" back.
    assert asked(chain, visit="no", liked="yes") == ["visit"]


def test_the_review_screen_counts_only_the_questions_asked() -> None:
    answered = {"visit": Answer("no"), "why-not": Answer("far"), "day": Answer("mon"), "mood": Answer(2)}
    review = Progress({**answered, "any": Answer("x"), "end": Answer("y")}, None)
    assert question_number(CLUB, review) == (7, 6)  # visit, why-not, day, mood, any, end
    liked = Progress({**review.answers, "visit": Answer("yes"), "mood": Answer(5)}, None)
    assert question_number(CLUB, liked) == (7, 6)  # why-not gone, great added
    assert apply(CLUB, begin(CLUB), Action(Kind.PICK, "club", "visit", "no")).progress.position == "why-not"
    assert apply(CLUB, begin(CLUB), Action(Kind.PICK, "club", "visit", "yes")).progress.position == "day"


# --------------------------------------------------------------------------------------------------
# Stale buttons: a tap on an earlier message is refused, never applied to the question on screen

FORM = consultation(
    "form",
    {
        "id": "spaces",
        "type": "multi_choice",
        "text": "Spaces?",
        "options": [{"id": "gym", "label": "Gym"}, {"id": "music", "label": "Music"}],
    },
    choice("feel", "calm", "fun", rather_not_say=True),
    scale("like", 1, 5, labels={1: "Not at all", 5: "Love it"}),
    text("home", max_length=10, optional=True),
)


def on(position: str | None, **answers: Any) -> Progress:
    return Progress({k: Answer(v) for k, v in answers.items()}, position)


def act(kind: Kind, question: str = "", value: str = "") -> Action:
    return Action(kind, "form", question, value)


@pytest.mark.parametrize(
    "action",
    [
        act(Kind.BACK, "spaces"),  # Back on the first question's message
        act(Kind.NEXT, "spaces"),
        act(Kind.SKIP, "feel"),
        act(Kind.RATHER_NOT, "feel"),
        act(Kind.SCALE, "feel", "3"),
    ],
)
def test_an_old_button_on_a_later_question_is_stale_and_moves_nobody(action: Action) -> None:
    progress = on("like", spaces=("gym",), feel="calm")
    outcome = apply(FORM, progress, action)
    assert outcome.result is Result.STALE
    assert outcome.progress == progress


def test_an_old_back_on_the_review_screen_is_stale() -> None:
    review = on(None, spaces=("gym",), feel="calm", like=3, home=None)
    old_back = apply(FORM, review, act(Kind.BACK, "home"))
    assert old_back.result is Result.STALE and old_back.progress == review
    assert apply(FORM, review, act(Kind.BACK)).progress.position == "home"
    assert apply(FORM, review, act(Kind.NEXT)).result is Result.STALE


def test_a_place_on_a_question_the_file_no_longer_has_takes_no_buttons() -> None:
    gone = on("renamed", spaces=("gym",))
    assert apply(FORM, gone, act(Kind.BACK, "renamed")).result is Result.STALE
    assert apply(FORM, gone, act(Kind.NEXT, "renamed")).result is Result.STALE


def test_unknown_choices_and_points_are_stale() -> None:
    assert apply(FORM, on("feel"), act(Kind.PICK, "feel", "bored")).result is Result.STALE
    assert apply(FORM, on("like"), act(Kind.SCALE, "like", "0")).result is Result.STALE
    assert apply(FORM, on("like"), act(Kind.SCALE, "like", "5")).result is Result.ACCEPTED
    assert apply(FORM, on("like"), act(Kind.SCALE, "like", "1")).result is Result.ACCEPTED


def test_rather_not_say_is_recorded_and_moves_on() -> None:
    outcome = apply(FORM, on("feel", spaces=("gym",)), act(Kind.RATHER_NOT, "feel"))
    assert outcome.result is Result.ACCEPTED
    assert outcome.progress.answers["feel"].declined and outcome.progress.position == "like"
    # Not offered on "like": the button cannot count there.
    assert apply(FORM, on("like"), act(Kind.RATHER_NOT, "like")).result is Result.STALE


# --------------------------------------------------------------------------------------------------
# Multi choice: unticking


def test_unticking_the_last_option_leaves_a_required_question_unanswered() -> None:
    ticked = apply(FORM, begin(FORM), act(Kind.TOGGLE, "spaces", "gym")).progress
    unticked = apply(FORM, ticked, act(Kind.TOGGLE, "spaces", "gym"))
    assert unticked.result is Result.ACCEPTED
    assert "spaces" not in unticked.progress.answers
    refused = apply(FORM, unticked.progress, act(Kind.NEXT, "spaces"))
    assert (refused.result, refused.problem) == (Result.REJECTED, texts.NEEDS_ANSWER)
    assert refused.progress.position == "spaces"


def test_next_on_an_optional_question_left_blank_records_a_skip() -> None:
    outcome = apply(FORM, on("home", spaces=("gym",), feel="calm", like=2), act(Kind.NEXT, "home"))
    assert outcome.result is Result.ACCEPTED
    assert outcome.progress.answers["home"].skipped and outcome.progress.position is None


def test_next_on_an_answered_question_keeps_the_answer() -> None:
    outcome = apply(FORM, on("feel", spaces=("gym",), feel="fun"), act(Kind.NEXT, "feel"))
    assert outcome.progress.answers["feel"] == Answer("fun") and outcome.progress.position == "like"


# --------------------------------------------------------------------------------------------------
# Typed answers at their limits


def test_a_typed_answer_of_exactly_the_limit_is_accepted_and_one_more_refused() -> None:
    progress = on("home", spaces=("gym",), feel="calm", like=2)
    exact = apply_text(FORM, progress, "  " + "x" * 10 + "  ")
    assert exact.result is Result.ACCEPTED and exact.progress.answers["home"] == Answer("x" * 10)
    over = apply_text(FORM, progress, "x" * 11)
    assert (over.result, over.problem) == (Result.REJECTED, texts.too_long(11, 10))


def test_a_photo_is_only_taken_on_a_photo_question() -> None:
    photos = consultation("photos", {"id": "snap", "type": "photo", "text": "Snap?"}, text("end"))
    sent = apply_photo(photos, begin(photos), "stored-1.jpg")
    assert sent.result is Result.ACCEPTED
    assert sent.progress.answers["snap"] == Answer("stored-1.jpg") and sent.progress.position == "end"
    refused = apply_photo(photos, sent.progress, "stored-2.jpg")
    assert (refused.result, refused.problem) == (Result.REJECTED, texts.NO_PHOTO_WANTED)
    on_review = apply_photo(photos, Progress(position=None), "stored-3.jpg")
    assert on_review.problem == texts.NO_PHOTO_WANTED
    words = apply_text(photos, begin(photos), "a picture of the park")
    assert (words.result, words.problem) == (Result.REJECTED, texts.SEND_A_PHOTO)


# --------------------------------------------------------------------------------------------------
# Recovering a stored place, and the review screen's words


def test_a_place_on_the_review_screen_stays_there_after_an_edit() -> None:
    review = on(None, spaces=("gym",))  # the file gained questions since: they stay unanswered
    assert recover(FORM, review).position is None


def test_a_ranking_whose_every_choice_left_the_ballot_is_unanswered_again() -> None:
    vote = consultation(
        "vote",
        {
            "id": "name",
            "type": "ranked",
            "text": "Order them",
            "options": [{"id": "a", "label": "Alpha"}, {"id": "b", "label": "Bravo"}],
        },
    )
    recovered = recover(vote, on("name", name=("x", "y")))
    assert "name" not in recovered.answers


def describe(definition: Consultation, qid: str, value: Any) -> str:
    question = definition.question(qid)
    assert question is not None
    return describe_answer(question, Answer(value))


def test_the_review_screen_describes_each_kind_of_answer() -> None:
    assert describe_answer(FORM.questions[0], None) == texts.NOT_ANSWERED
    assert describe(FORM, "home", None) == texts.SKIPPED
    assert describe(FORM, "feel", DECLINED) == texts.RATHER_NOT_SAID
    assert describe(FORM, "home", WITH_THE_TEAM) == texts.WORDS_WITH_THE_TEAM
    assert describe(FORM, "feel", "fun") == "Fun"
    assert describe(FORM, "feel", "retired") == "retired"  # an option taken out of the file
    assert describe(FORM, "spaces", ("gym", "music")) == "Gym, Music"
    assert describe(FORM, "like", 5) == "5 Love it"
    assert describe(FORM, "like", 3) == "3"
    assert describe(FORM, "home", "A sofa") == "A sofa"
    photos = consultation("p", {"id": "snap", "type": "photo", "text": "Snap?"})
    assert describe(photos, "snap", "stored-1.jpg") == texts.PHOTO_SENT
    vote = consultation(
        "v",
        {
            "id": "name",
            "type": "ranked",
            "text": "Order",
            "options": [{"id": "a", "label": "Alpha"}, {"id": "b", "label": "Bravo"}],
        },
    )
    assert describe(vote, "name", ("b", "gone", "a")) == "1. Bravo  2. gone  3. Alpha"
    ideas = consultation("i", {"id": "name", "type": "suggestion", "text": "Name?"})
    assert describe(ideas, "name", ("Base Camp", WITH_THE_TEAM)) == f"Base Camp; {texts.WORDS_WITH_THE_TEAM}"


# --------------------------------------------------------------------------------------------------
# Ideas: withdrawing one of two, ask_why, and the limits


IDEAS = consultation(
    "ideas",
    {"id": "name", "type": "suggestion", "text": "Name?", "max_per_person": 3, "max_length": 12},
    text("end"),
)
NO_WHY = consultation(
    "quick", {"id": "name", "type": "suggestion", "text": "Name?", "ask_why": False, "max_per_person": 2}
)


def tag(words: str) -> str:
    """The tag a Withdraw button carries: the first 8 hex digits of SHA-256 of the idea's key."""
    return hashlib.sha256(words.encode()).hexdigest()[:8]


def test_withdrawing_one_of_two_ideas_keeps_the_other() -> None:
    progress = Progress({"name": Answer(("Base Camp", "The Nest"))}, "name")
    outcome = apply(IDEAS, progress, Action(Kind.WITHDRAW, "ideas", "name", tag("base camp")))
    assert outcome.result is Result.ACCEPTED
    assert outcome.progress.answers["name"] == Answer(("The Nest",))
    again = apply(IDEAS, outcome.progress, Action(Kind.WITHDRAW, "ideas", "name", tag("base camp")))
    assert again.result is Result.STALE and again.progress == outcome.progress
    last = apply(IDEAS, outcome.progress, Action(Kind.WITHDRAW, "ideas", "name", tag("the nest")))
    assert "name" not in last.progress.answers


def test_with_ask_why_off_no_reason_is_asked_and_each_idea_is_finished_at_once() -> None:
    from bot.core.engine import finished_an_idea

    first = apply_text(NO_WHY, begin(NO_WHY), "Base Camp")
    assert first.result is Result.ACCEPTED and first.progress.asking_why is None
    assert finished_an_idea(NO_WHY, begin(NO_WHY), first.progress)
    second = apply_text(NO_WHY, first.progress, "The Nest")  # another idea, not a reason
    assert second.progress.answers["name"] == Answer(("Base Camp", "The Nest"))
    assert apply(NO_WHY, first.progress, Action(Kind.WHY_SKIP, "quick", "name")).result is Result.STALE


def test_a_step_that_adds_no_idea_does_not_finish_one() -> None:
    from bot.core.engine import finished_an_idea

    progress = Progress({"name": Answer(("Base Camp",))}, "name")
    same = apply_text(IDEAS, progress, "base camp")  # refused: already sent
    assert same.result is Result.REJECTED
    assert not finished_an_idea(IDEAS, progress, same.progress)
    moved = apply(IDEAS, progress, Action(Kind.NEXT, "ideas", "name")).progress
    assert not finished_an_idea(IDEAS, progress, moved)


def test_an_idea_of_exactly_the_limit_is_accepted_and_one_more_refused() -> None:
    exact = apply_text(IDEAS, begin(IDEAS), "Abcdefghijkl")  # 12
    assert exact.result is Result.ACCEPTED
    over = apply_text(IDEAS, begin(IDEAS), "Abcdefghijklm")
    assert (over.result, over.problem) == (Result.REJECTED, texts.too_long(13, 12))


def test_the_last_idea_allowed_is_accepted() -> None:
    two = Progress({"name": Answer(("Base Camp", "The Nest"))}, "name")
    third = apply_text(IDEAS, two, "The Den")
    assert third.result is Result.ACCEPTED and len(third.progress.answers["name"].value) == 3
    fourth = apply_text(IDEAS, Progress(third.progress.answers, "name"), "The Hut")
    assert (fourth.result, fourth.problem) == (Result.REJECTED, texts.too_many_ideas(3))


def test_a_reason_of_exactly_the_limit_is_accepted_and_blank_or_longer_refused() -> None:
    asking = apply_text(IDEAS, begin(IDEAS), "Base Camp").progress
    assert asking.asking_why == "Base Camp"
    exact = apply_text(IDEAS, asking, " " + "y" * WHY_MAX + " ")
    assert exact.result is Result.ACCEPTED and exact.progress.asking_why is None
    over = apply_text(IDEAS, asking, "y" * (WHY_MAX + 1))
    assert (over.result, over.problem) == (Result.REJECTED, texts.too_long(WHY_MAX + 1, WHY_MAX))
    blank = apply_text(IDEAS, asking, "   ")
    assert (blank.result, blank.problem) == (Result.REJECTED, texts.NEEDS_ANSWER)
    assert blank.progress.asking_why == "Base Camp"


def test_a_tap_instead_of_a_reason_ends_the_reason_question_and_keeps_the_idea() -> None:
    asking = apply_text(IDEAS, begin(IDEAS), "Base Camp").progress
    moved = apply(IDEAS, asking, Action(Kind.NEXT, "ideas", "name"))
    assert moved.result is Result.ACCEPTED
    assert moved.progress.asking_why is None and moved.progress.position == "end"
    assert moved.progress.answers["name"] == Answer(("Base Camp",))
    skipped = apply(IDEAS, asking, Action(Kind.WHY_SKIP, "ideas", "name"))
    assert skipped.progress.asking_why is None and skipped.progress.position == "name"


# --------------------------------------------------------------------------------------------------
# A refused input leaves their place exactly as it was


@pytest.mark.parametrize(
    ("definition", "progress", "action"),
    [
        (FORM, Progress(position="feel"), act(Kind.PICK, "feel", "bored")),  # no such option
        (FORM, Progress(position="like"), act(Kind.SCALE, "like", "ten")),
        (FORM, Progress(position="like"), act(Kind.SCALE, "like", "9")),
        (FORM, Progress(position="like"), act(Kind.BACK, "spaces")),
    ],
)
def test_a_stale_button_leaves_their_place_as_it_was(
    definition: Consultation, progress: Progress, action: Action
) -> None:
    outcome = apply(definition, progress, action)
    assert outcome.result is Result.STALE and outcome.progress == progress


@pytest.mark.parametrize(
    ("definition", "progress", "text"),
    [
        (FORM, Progress(position="feel"), "calm"),  # buttons, not typing
        (FORM, Progress(position="home"), "   "),
        (FORM, Progress(position="home"), "x" * 11),
        (IDEAS, Progress(position="name"), "🏠"),
        (IDEAS, Progress(position="name"), "A name too long"),
        (IDEAS, Progress({"name": Answer(("A", "B", "C"))}, "name"), "Another"),
        (IDEAS, Progress({"name": Answer(("Den",))}, "name", asking_why="Den"), "y" * (WHY_MAX + 1)),
        (
            consultation("ph", {"id": "snap", "type": "photo", "text": "Snap?"}),
            Progress(position="snap"),
            "hi",
        ),
    ],
)
def test_a_refused_typed_answer_leaves_their_place_as_it_was(
    definition: Consultation, progress: Progress, text: str
) -> None:
    outcome = apply_text(definition, progress, text)
    assert outcome.result is Result.REJECTED and outcome.progress == progress


def test_a_photo_where_none_is_wanted_leaves_their_place_as_it_was() -> None:
    progress = Progress(position="feel")
    assert apply_photo(FORM, progress, "stored.jpg").progress == progress


VOTE = consultation(
    "vote",
    {
        "id": "name",
        "type": "ranked",
        "text": "Order them",
        "options": [
            {"id": "a", "label": "Alpha"},
            {"id": "b", "label": "Bravo"},
            {"id": "c", "label": "Charlie"},
        ],
    },
)


def rank(progress: Progress, kind: Kind, value: str = "") -> Outcome:
    return apply(VOTE, progress, Action(kind, "vote", "name", value))


def test_undo_takes_back_only_the_last_of_three() -> None:
    placed = Progress({"name": Answer(("c", "a", "b"))}, "name")
    assert rank(placed, Kind.UNDO, "3").progress.answers["name"] == Answer(("c", "a"))
    twice = rank(placed, Kind.UNDO, "2")  # an Undo from before the last tap
    assert (twice.result, twice.problem) == (Result.REJECTED, texts.MOVED_ON)
    assert twice.progress == placed
    again = rank(placed, Kind.RANK, "a")
    assert (again.result, again.problem, again.progress) == (Result.REJECTED, texts.ALREADY_RANKED, placed)
    unknown = rank(placed, Kind.RANK, "z")
    assert (unknown.result, unknown.progress) == (Result.STALE, placed)


def test_start_again_before_placing_anything_is_harmless() -> None:
    outcome = rank(begin(VOTE), Kind.RESTART)
    assert outcome.result is Result.ACCEPTED and "name" not in outcome.progress.answers


def test_answers_to_questions_the_file_dropped_go_as_they_move_on() -> None:
    # They answered "old" (since removed) and were on "feel"; "spaces" was added before it.
    edited = Progress({"old": Answer("x")}, "feel")
    back = apply(FORM, edited, act(Kind.BACK, "feel"))
    assert back.progress.position == "spaces" and back.progress.answers == {}


def test_recovering_a_place_leaves_ideas_and_ticks_as_they_were() -> None:
    ideas = Progress({"name": Answer(("Base Camp", "The Den"))}, "name")
    assert recover(IDEAS, ideas) == ideas
    ticked = Progress({"spaces": Answer(("gym", "music"))}, "feel")
    assert recover(FORM, ticked) == ticked


def test_reopening_a_consultation_with_follow_ups_starts_at_the_first_question() -> None:
    from bot.core.engine import reopen

    sent = Progress({"visit": Answer("no"), "why-not": Answer("far")}, None, submitted=True)
    again = reopen(CLUB, sent)
    assert (again.position, again.submitted, again.answers) == ("visit", False, sent.answers)


def test_the_count_goes_past_a_follow_up_of_a_follow_up_ruled_out() -> None:
    chain = consultation(
        "chain2",
        choice("visit", "yes", "no"),
        choice("liked", "yes", "no", show_if={"question": "visit", "equals": "yes"}),
        text("best", show_if={"question": "liked", "equals": "yes"}),
        text("end"),
    )
    assert question_number(chain, Progress({"visit": Answer("no")}, "end")) == (2, 2)


def test_words_sent_to_the_team_are_described_in_the_young_persons_language() -> None:
    from bot.core import i18n

    ideas = consultation("i2", {"id": "name", "type": "suggestion", "text": "Name?"})
    with i18n.speaking("ar"):
        described = describe(ideas, "name", ("Base Camp", WITH_THE_TEAM))
        assert described == f"Base Camp; {texts.WORDS_WITH_THE_TEAM}"
    assert WITH_THE_TEAM not in described


FACES = consultation("faces", scale("mood", 1, 5, faces=True))


@pytest.mark.parametrize(
    ("point", "shown"), [(1, "😞 Really bad"), (5, "😀 Really good"), (0, "0"), (6, "6")]
)
def test_a_face_scale_answer_is_described_by_its_face(point: int, shown: str) -> None:
    # 0 and 6 cannot be tapped: an answer kept from before the scale changed is shown as a number.
    assert describe(FACES, "mood", point) == shown


@pytest.mark.parametrize(("typed", "point"), [("really bad", "1"), ("Bad", "2"), ("😀 Really good", "5")])
def test_the_words_of_a_face_typed_instead_of_tapped_choose_it(typed: str, point: str) -> None:
    from bot.core.engine import typed_choice

    question = FACES.question("mood")
    assert question is not None
    found = typed_choice(FACES, question, typed)
    assert found is not None
    assert found[1] == Action(Kind.SCALE, "faces", "mood", point)
    assert found[0] == dict(zip("12345", texts.faces(5), strict=True))[point]
