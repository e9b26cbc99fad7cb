"""Every screen a young person can reach in every shipped consultation, walked through the same
engine and screens the bot uses: each has a way forward and a way out, and the count of questions
moves on by exactly one each step forward (never back, never a jump)."""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from pathlib import Path

import pytest

from bot import surveys
from bot.core import i18n
from bot.core.actions import Kind, decode
from bot.core.engine import (
    Progress,
    Result,
    apply,
    apply_photo,
    apply_text,
    begin,
    condition_met,
    question_number,
)
from bot.core.models import (
    Consultation,
    Option,
    OrderingQuestion,
    PhotoQuestion,
    SuggestionQuestion,
    TextQuestion,
)
from bot.core.screens import Screen, question_screen

SURVEYS_DIR = Path(__file__).resolve().parents[2] / "surveys"
CATALOGUE, _ = surveys.load([SURVEYS_DIR])
STATES_MAX = 10_000  # a guard: the shipped files need about 3,400 different places
WAYS_BACK = {Kind.BACK, Kind.PAUSE}


def with_a_ballot(consultation: Consultation) -> Consultation:
    """A vote's options come from approved ideas at run time: three stand in for them."""
    stand_ins = [Option(id=f"idea-{n}", label=f"Idea {n}") for n in (1, 2, 3)]
    questions = [
        q.model_copy(update={"options": stand_ins})
        if isinstance(q, OrderingQuestion) and not q.options
        else q
        for q in consultation.questions
    ]
    return consultation.model_copy(update={"questions": questions})


def typed_inputs(consultation: Consultation, progress: Progress) -> list[Progress]:
    """Where typing (or sending a photo) at this question can take them."""
    question = consultation.question(progress.position) if progress.position else None
    if isinstance(question, TextQuestion | SuggestionQuestion):
        outcome = apply_text(consultation, progress, "A quiet room with plants")
    elif isinstance(question, PhotoQuestion):
        outcome = apply_photo(consultation, progress, "a-photo.jpg")
    else:
        return []
    return [outcome.progress] if outcome.result is Result.ACCEPTED else []


def key(consultation: Consultation, progress: Progress) -> tuple:
    """What makes a place different for the walk: where they are, their answer there, and which
    `show_if` conditions their answers meet (the rest only change the words on the review)."""
    met = tuple(
        condition_met(q.show_if, progress.answers.get(q.show_if.question))
        for q in consultation.questions
        if q.show_if
    )
    here = progress.answers.get(progress.position or "")
    return met, progress.position, repr(here), progress.asking_why


def dead_ends(screen: Screen, typed: list[Progress]) -> list[str]:
    """What is missing from a screen: a way forward (a button that is not Back or Pause, or
    somewhere typing takes them) and a way out (Pause)."""
    kinds = {b.action.kind for row in screen.buttons for b in row}
    missing = []
    if not (kinds - WAYS_BACK or typed):
        missing.append("no way forward")
    if Kind.PAUSE not in kinds:
        missing.append("no way out")
    return missing


def steps_from(
    consultation: Consultation, progress: Progress, screen: Screen
) -> tuple[list[Progress], list[Progress]]:
    """(forward, back): where each button and typed answer on the screen takes them."""
    forward, back = typed_inputs(consultation, progress), []
    for row in screen.buttons:
        for button in row:
            action = decode(button.action.encode())
            assert action is not None
            if action.kind is Kind.PAUSE or (action.kind is Kind.WITHDRAW and not action.value):
                continue  # the conversation's, not the engine's: back to the list, or the withdraw list
            outcome = apply(consultation, progress, action)
            assert outcome.result is not Result.STALE, f"{button.label!r} on the screen is stale"
            if outcome.result is Result.ACCEPTED:
                (back if action.kind is Kind.BACK else forward).append(outcome.progress)
    return forward, back


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("consultation_id", list(CATALOGUE.consultations))
def test_every_reachable_screen_has_a_way_forward_and_a_way_out(consultation_id: str, language: str) -> None:
    with i18n.speaking(language):
        consultation = with_a_ballot(CATALOGUE.get(consultation_id))  # type: ignore[arg-type]
        start = begin(consultation)
        seen, queue, visited = {key(consultation, start)}, deque([start]), set()
        while queue:
            progress = queue.popleft()
            screen = question_screen(consultation, progress)
            visited.add(progress.position)
            where = f"{consultation_id} at {progress.position or 'the review'}: {screen.text[:80]!r}"
            forward, back = steps_from(consultation, progress, screen)
            assert not dead_ends(screen, typed_inputs(consultation, progress) + forward), where
            n, total = question_number(consultation, progress)
            assert 1 <= n <= total + 1, where
            for after in forward:
                if after.submitted:
                    continue
                expected = n + 1 if after.position != progress.position else n
                assert question_number(consultation, after)[0] == expected, f"{where}: then {after.position}"
            for after in forward + back:
                if not after.submitted and key(consultation, after) not in seen and len(seen) < STATES_MAX:
                    seen.add(key(consultation, after))
                    queue.append(after)
        assert len(seen) < STATES_MAX, "the walk stopped at its guard, not at the end"
        # The walk reached every question (follow-ups too) and the review.
        assert visited == {q.id for q in consultation.questions} | {None}


def test_the_walk_catches_a_screen_without_a_way_out_or_forward() -> None:
    consultation = with_a_ballot(CATALOGUE.get("hub-design"))  # type: ignore[arg-type]
    screen = question_screen(consultation, begin(consultation))
    assert dead_ends(screen, []) == []
    only_back = tuple(tuple(b for b in row if b.action.kind in (Kind.BACK,)) for row in screen.buttons)
    assert dead_ends(replace(screen, buttons=only_back), []) == ["no way forward", "no way out"]
