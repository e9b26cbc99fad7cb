"""The answering rules, without Telegram or a database."""

from __future__ import annotations

import pytest

from bot.core import texts
from bot.core.actions import Action, Kind, decode
from bot.core.engine import Answer, Progress, Result, apply, apply_text, begin, question_number
from bot.core.models import Consultation

DEFINITION = Consultation.model_validate(
    {
        "id": "hub",
        "title": "Hub",
        "intro": "Intro",
        "questions": [
            {
                "id": "spaces",
                "type": "multi_choice",
                "text": "Spaces?",
                "max_choices": 2,
                "options": [
                    {"id": "gym", "label": "Gym"},
                    {"id": "music", "label": "Music"},
                    {"id": "garden", "label": "Garden"},
                ],
            },
            {
                "id": "feel",
                "type": "single_choice",
                "text": "Feel?",
                "options": [{"id": "calm", "label": "Calm"}, {"id": "fun", "label": "Fun"}],
            },
            {"id": "like", "type": "scale", "text": "Like it?", "min": 1, "max": 5},
            {"id": "home", "type": "text", "text": "Home?", "max_length": 10, "optional": True},
        ],
    }
)


def act(kind: Kind, question: str = "", value: str = "") -> Action:
    return Action(kind, "hub", question, value)


def run(progress: Progress, *actions: Action) -> Progress:
    for action in actions:
        outcome = apply(DEFINITION, progress, action)
        assert outcome.result is Result.ACCEPTED, (action, outcome)
        progress = outcome.progress
    return progress


def test_begin_is_on_the_first_question_of_four() -> None:
    progress = begin(DEFINITION)
    assert progress.position == "spaces"
    assert question_number(DEFINITION, progress) == (1, 4)


def test_multi_choice_toggles_keep_option_order_and_respect_the_limit() -> None:
    progress = run(begin(DEFINITION), act(Kind.TOGGLE, "spaces", "music"), act(Kind.TOGGLE, "spaces", "gym"))
    assert progress.answers["spaces"] == Answer(("gym", "music"))
    assert progress.position == "spaces"
    refused = apply(DEFINITION, progress, act(Kind.TOGGLE, "spaces", "garden"))
    assert refused.result is Result.REJECTED
    assert refused.problem == texts.too_many_choices(2)
    assert refused.progress == progress
    untoggled = run(progress, act(Kind.TOGGLE, "spaces", "gym"))
    assert untoggled.answers["spaces"] == Answer(("music",))


def test_next_needs_an_answer_on_a_required_question() -> None:
    outcome = apply(DEFINITION, begin(DEFINITION), act(Kind.NEXT, "spaces"))
    assert outcome.result is Result.REJECTED
    assert outcome.problem == texts.NEEDS_ANSWER


def test_a_whole_run_reaches_review_then_submits() -> None:
    progress = run(
        begin(DEFINITION),
        act(Kind.TOGGLE, "spaces", "gym"),
        act(Kind.NEXT, "spaces"),
        act(Kind.PICK, "feel", "calm"),
        act(Kind.SCALE, "like", "4"),
    )
    assert progress.position == "home"
    typed = apply_text(DEFINITION, progress, "  A sofa  ")
    assert typed.result is Result.ACCEPTED and typed.progress.position is None
    assert typed.progress.answers["home"] == Answer("A sofa")
    assert question_number(DEFINITION, typed.progress) == (5, 4)
    submitted = run(typed.progress, Action(Kind.SUBMIT, "hub"))
    assert submitted.submitted
    # After submitting, every button is stale, including Submit itself.
    assert apply(DEFINITION, submitted, Action(Kind.SUBMIT, "hub")).result is Result.STALE


def test_back_keeps_answers_and_review_back_returns_to_the_last_question() -> None:
    progress = run(begin(DEFINITION), act(Kind.TOGGLE, "spaces", "gym"), act(Kind.NEXT, "spaces"))
    back = run(progress, act(Kind.BACK, "feel"))
    assert back.position == "spaces" and back.answers["spaces"] == Answer(("gym",))
    at_review = run(
        progress, act(Kind.PICK, "feel", "fun"), act(Kind.SCALE, "like", "1"), act(Kind.SKIP, "home")
    )
    assert at_review.answers["home"] == Answer(None) and at_review.answers["home"].skipped
    assert run(at_review, Action(Kind.BACK, "hub")).position == "home"


def test_back_on_the_first_question_stays_there() -> None:
    assert run(begin(DEFINITION), act(Kind.BACK, "spaces")).position == "spaces"


@pytest.mark.parametrize(
    "action",
    [
        act(Kind.PICK, "feel", "calm"),  # a later question's button
        act(Kind.TOGGLE, "spaces", "nope"),  # an option that does not exist
        Action(Kind.TOGGLE, "other", "spaces", "gym"),  # another consultation
        act(Kind.SKIP, "spaces"),  # skip on a required question
        act(Kind.SUBMIT),  # submit before the review
    ],
)
def test_buttons_that_do_not_fit_the_current_question_are_stale(action: Action) -> None:
    progress = begin(DEFINITION)
    outcome = apply(DEFINITION, progress, action)
    assert outcome.result is Result.STALE and outcome.progress == progress


def test_scale_rejects_points_outside_the_range() -> None:
    progress = run(
        begin(DEFINITION),
        act(Kind.TOGGLE, "spaces", "gym"),
        act(Kind.NEXT, "spaces"),
        act(Kind.PICK, "feel", "fun"),
    )
    assert apply(DEFINITION, progress, act(Kind.SCALE, "like", "6")).result is Result.STALE
    assert apply(DEFINITION, progress, act(Kind.SCALE, "like", "x")).result is Result.STALE


def test_text_answers_are_checked_for_length_and_emptiness() -> None:
    progress = Progress(position="home")
    too_long = apply_text(DEFINITION, progress, "x" * 11)
    assert too_long.result is Result.REJECTED and "10 characters" in (too_long.problem or "")
    assert apply_text(DEFINITION, progress, "   ").problem == texts.NEEDS_ANSWER
    assert apply_text(DEFINITION, Progress(position="feel"), "calm").problem == texts.USE_THE_BUTTONS


@pytest.mark.parametrize(
    "action", [Action(Kind.CONSENT), Action(Kind.OPEN, "hub"), act(Kind.TOGGLE, "spaces", "gym")]
)
def test_actions_survive_encoding_within_64_bytes(action: Action) -> None:
    data = action.encode()
    assert len(data.encode()) <= 64
    assert decode(data) == action


@pytest.mark.parametrize("data", ["", "zz|a", "p|a|b|c|d", "hello"])
def test_foreign_callback_data_decodes_to_nothing(data: str) -> None:
    assert decode(data) is None


def test_review_shortens_long_typed_answers_but_storage_keeps_them() -> None:
    from bot.core.screens import REVIEW_ANSWER_MAX, review_screen

    progress = Progress({"home": Answer("word " * 100)}, None)
    text = review_screen(DEFINITION, progress).text
    line = next(line for line in text.splitlines() if line.strip().startswith("➡️ word"))
    assert line.endswith("…") and len(line.strip()) <= REVIEW_ANSWER_MAX + 3
    assert progress.answers["home"].value == "word " * 100


def test_a_place_whose_question_was_removed_moves_to_the_first_unanswered_question() -> None:
    from bot.core.engine import recover

    stored = Progress({"spaces": Answer(("gym",))}, position="renamed-question")
    assert recover(DEFINITION, stored).position == "feel"
    all_answered = Progress({q.id: Answer(None) for q in DEFINITION.questions}, position="gone")
    assert recover(DEFINITION, all_answered).position is None  # the review screen
    fine = Progress(position="like")
    assert recover(DEFINITION, fine) is fine


def test_a_double_tap_is_recognised_only_on_the_step_just_done() -> None:
    from bot.core.engine import is_repeat_of_last_step

    on_feel = Progress({"spaces": Answer(("gym",))}, position="feel")
    assert is_repeat_of_last_step(DEFINITION, on_feel, act(Kind.TOGGLE, "spaces", "gym"))
    on_like = Progress(position="like")
    assert not is_repeat_of_last_step(DEFINITION, on_like, act(Kind.TOGGLE, "spaces", "gym"))
    done = Progress(position=None, submitted=True)
    assert is_repeat_of_last_step(DEFINITION, done, Action(Kind.SUBMIT, "hub"))


def test_a_consultation_opens_and_closes_on_time() -> None:
    from datetime import UTC, datetime, timedelta

    opens, closes = datetime(2026, 1, 11, 9, tzinfo=UTC), datetime(2026, 3, 1, 17, tzinfo=UTC)
    timed = DEFINITION.model_copy(update={"opens_at": opens, "closes_at": closes})
    second = timedelta(seconds=1)
    assert [timed.is_open(t) for t in (opens - second, opens, closes - second, closes)] == [
        False,
        True,
        True,
        False,
    ]
