"""The answering rules issue 17 added: honest progress, exclusive options, Skip after a tick,
faces in words on the review, and typed words that name a button."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.core import texts
from bot.core.actions import Action, Kind
from bot.core.engine import Answer, Progress, apply, describe_answer, question_number, typed_choice
from bot.core.models import Consultation
from bot.core.screens import question_screen


def consultation(*questions: dict) -> Consultation:
    return Consultation.model_validate({"id": "c", "title": "T", "intro": "I", "questions": list(questions)})


YES_NO = {"id": "been", "type": "yes_no", "text": "Have you been?"}
FOLLOW_UP = {
    "id": "how",
    "type": "text",
    "text": "How was it?",
    "show_if": {"question": "been", "equals": "yes"},
}
LAST = {"id": "last", "type": "text", "text": "Anything else?"}
STOP = {
    "id": "stop",
    "type": "multi_choice",
    "text": "What would stop you?",
    "optional": True,
    "options": [
        {"id": "far", "label": "Too far"},
        {"id": "rules", "label": "Too many rules"},
        {"id": "nothing", "label": "Nothing would", "exclusive": True},
    ],
}


def tap(c: Consultation, progress: Progress, kind: Kind, value: str = "") -> Progress:
    return apply(c, progress, Action(kind, "c", progress.position or "", value)).progress


def test_the_count_counts_what_may_still_be_asked_and_never_grows_going_on() -> None:
    c = consultation(YES_NO, FOLLOW_UP, LAST)
    start = Progress(position="been")
    assert question_number(c, start) == (1, 3)  # the follow-up may yet be asked
    yes = tap(c, start, Kind.PICK, "yes")
    assert (yes.position, question_number(c, yes)) == ("how", (2, 3))
    no = tap(c, start, Kind.PICK, "no")
    assert (no.position, question_number(c, no)) == ("last", (2, 2))  # ruled out: the total falls
    assert question_number(c, Progress(answers=no.answers)) == (3, 2)  # the review comes after them


def test_an_exclusive_option_stands_alone() -> None:
    c = consultation(STOP, LAST)
    progress = Progress(position="stop")
    progress = tap(c, progress, Kind.TOGGLE, "far")
    progress = tap(c, progress, Kind.TOGGLE, "rules")
    progress = tap(c, progress, Kind.TOGGLE, "nothing")
    assert progress.answers["stop"] == Answer(("nothing",))  # the others unticked
    progress = tap(c, progress, Kind.TOGGLE, "far")
    assert progress.answers["stop"] == Answer(("far",))  # and it goes when another is ticked


def test_exclusive_is_refused_where_only_one_option_can_be_picked() -> None:
    single = {**STOP, "type": "single_choice"}
    with pytest.raises(ValidationError, match="exclusive only works in a multi_choice question"):
        consultation(single)


def test_skip_is_not_offered_once_something_is_ticked_and_an_old_skip_keeps_the_ticks() -> None:
    c = consultation(STOP, LAST)
    fresh = Progress(position="stop")
    labels = [b.label for row in question_screen(c, fresh).buttons for b in row]
    assert texts.SKIP_BUTTON in labels
    ticked = tap(c, fresh, Kind.TOGGLE, "far")
    labels = [b.label for row in question_screen(c, ticked).buttons for b in row]
    assert texts.SKIP_BUTTON not in labels and texts.NEXT_BUTTON in labels
    moved = tap(c, ticked, Kind.SKIP)  # from the screen shown before the tick
    assert moved.position == "last" and moved.answers["stop"] == Answer(("far",))
    assert tap(c, fresh, Kind.SKIP).answers["stop"] == Answer(None)  # with nothing ticked: a skip


def test_the_review_says_a_face_in_words() -> None:
    c = consultation({"id": "feel", "type": "scale", "text": "How does it feel?", "faces": True})
    [question] = c.questions
    assert describe_answer(question, Answer(4)) == texts.faces(5)[3]
    assert describe_answer(question, Answer(4)) != "4"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("too FAR!", ("Too far", "far")),
        ("Nothing would", ("Nothing would", "nothing")),
        ("too", None),  # names none of them
        ("", None),
    ],
)
def test_typed_words_that_name_one_button(typed: str, expected: tuple[str, str] | None) -> None:
    c = consultation(STOP)
    found = typed_choice(c, c.questions[0], typed)
    assert (found and (found[0], found[1].value)) == expected
    if found:
        assert found[1] == Action(Kind.TOGGLE, "c", "stop", expected[1])  # type: ignore[index]


def test_typed_numbers_name_scale_points_and_numbered_pictures() -> None:
    c = consultation(
        {"id": "feel", "type": "scale", "text": "How much?", "labels": {5: "Loads"}},
        {
            "id": "pic",
            "type": "image_choice",
            "text": "Which?",
            "options": [
                {"id": "a", "label": "A", "image": "a.png"},
                {"id": "b", "label": "B", "image": "b.png"},
            ],
        },
        {
            "id": "rank",
            "type": "ranking",
            "text": "Order?",
            "options": [{"id": "x", "label": "X"}, {"id": "y", "label": "Y"}],
        },
    )
    scale, pictures, ranking = c.questions
    assert typed_choice(c, scale, "3") == ("3", Action(Kind.SCALE, "c", "feel", "3"))
    assert typed_choice(c, scale, "loads") == ("5 Loads", Action(Kind.SCALE, "c", "feel", "5"))
    assert typed_choice(c, scale, "9") is None
    assert typed_choice(c, pictures, "2") == ("B", Action(Kind.PICK, "c", "pic", "b"))
    assert typed_choice(c, ranking, "X") is None  # a ranking needs its taps in order
