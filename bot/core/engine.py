"""The rules of taking a consultation: pure functions from (definition, progress, input) to progress.

No Telegram and no SQL here, so the same rules serve the bot, the simulator and the tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum

from bot.core import texts
from bot.core.actions import Action, Kind
from bot.core.models import (
    Consultation,
    MultiChoiceQuestion,
    Question,
    ScaleQuestion,
    SingleChoiceQuestion,
    TextQuestion,
)

AnswerValue = str | int | tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """One answer; `value` is None when the young person skipped the question."""

    value: AnswerValue | None

    @property
    def skipped(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Progress:
    """Where one young person is in one consultation. position None means the review screen."""

    answers: Mapping[str, Answer] = field(default_factory=dict)
    position: str | None = None
    submitted: bool = False


class Result(Enum):
    ACCEPTED = "accepted"  # the input changed the progress (maybe moved on)
    REJECTED = "rejected"  # not a valid answer; `problem` says why, nothing changed
    STALE = "stale"  # a button from a question that has moved on


@dataclass(frozen=True)
class Outcome:
    result: Result
    progress: Progress
    problem: str | None = None


def questions_to_ask(consultation: Consultation, answers: Mapping[str, Answer]) -> list[Question]:
    """The questions this young person will see, in order (all of them until logic arrives)."""
    del answers  # show_if will read it
    return list(consultation.questions)


def begin(consultation: Consultation) -> Progress:
    return Progress(position=questions_to_ask(consultation, {})[0].id)


def question_number(consultation: Consultation, progress: Progress) -> tuple[int, int]:
    """(n, total) for "Question n of total"; n is total + 1 on the review screen."""
    asked = [q.id for q in questions_to_ask(consultation, progress.answers)]
    if progress.position is None:
        return len(asked) + 1, len(asked)
    return asked.index(progress.position) + 1, len(asked)


def _neighbour(consultation: Consultation, progress: Progress, step: int) -> str | None:
    asked = [q.id for q in questions_to_ask(consultation, progress.answers)]
    index = len(asked) if progress.position is None else asked.index(progress.position)
    target = index + step
    if target >= len(asked):
        return None
    return asked[max(target, 0)]


def recover(consultation: Consultation, progress: Progress) -> Progress:
    """Make a stored place valid for the definition as it is now: if its question has gone
    (the file was edited mid-consultation), go to the first unanswered question, or the review."""
    asked = [q.id for q in questions_to_ask(consultation, progress.answers)]
    if progress.position is None or progress.position in asked:
        return progress
    unanswered = next((q for q in asked if q not in progress.answers), None)
    return replace(progress, position=unanswered)


def is_repeat_of_last_step(consultation: Consultation, progress: Progress, action: Action) -> bool:
    """True for a second tap on the step that has just been completed (a double tap)."""
    if progress.submitted:
        return action.kind is Kind.SUBMIT
    return action.question != "" and action.question == _neighbour(consultation, progress, -1)


def _advance(consultation: Consultation, progress: Progress) -> Progress:
    return replace(progress, position=_neighbour(consultation, progress, +1))


def _with_answer(progress: Progress, question_id: str, answer: Answer | None) -> Progress:
    answers = dict(progress.answers)
    if answer is None:
        answers.pop(question_id, None)
    else:
        answers[question_id] = answer
    return replace(progress, answers=answers)


def _accepted(progress: Progress) -> Outcome:
    return Outcome(Result.ACCEPTED, progress)


def _rejected(progress: Progress, problem: str) -> Outcome:
    return Outcome(Result.REJECTED, progress, problem)


def apply(consultation: Consultation, progress: Progress, action: Action) -> Outcome:
    """Apply a button press to the progress."""
    if progress.submitted or action.consultation != consultation.id:
        return Outcome(Result.STALE, progress)
    if progress.position is None:
        return _apply_on_review(consultation, progress, action)
    question = consultation.question(progress.position)
    if question is None or action.question != question.id:
        return Outcome(Result.STALE, progress)

    match action.kind:
        case Kind.BACK:
            return _accepted(replace(progress, position=_neighbour(consultation, progress, -1)))
        case Kind.SKIP if question.optional:
            return _accepted(_advance(consultation, _with_answer(progress, question.id, Answer(None))))
        case Kind.NEXT:
            return _next(consultation, progress, question)
        case Kind.PICK if isinstance(question, SingleChoiceQuestion):
            if question.option(action.value) is None:
                return Outcome(Result.STALE, progress)
            answered = _with_answer(progress, question.id, Answer(action.value))
            return _accepted(_advance(consultation, answered))
        case Kind.TOGGLE if isinstance(question, MultiChoiceQuestion):
            return _toggle(progress, question, action.value)
        case Kind.SCALE if isinstance(question, ScaleQuestion):
            try:
                point = int(action.value)
            except ValueError:
                return Outcome(Result.STALE, progress)
            if point not in question.points():
                return Outcome(Result.STALE, progress)
            return _accepted(_advance(consultation, _with_answer(progress, question.id, Answer(point))))
    # A well-formed button that does not belong to this question (e.g. from an older definition).
    return Outcome(Result.STALE, progress)


def _apply_on_review(consultation: Consultation, progress: Progress, action: Action) -> Outcome:
    match action.kind:
        case Kind.SUBMIT:
            return _accepted(replace(progress, submitted=True))
        case Kind.BACK if not action.question:
            return _accepted(replace(progress, position=_neighbour(consultation, progress, -1)))
    return Outcome(Result.STALE, progress)


def _next(consultation: Consultation, progress: Progress, question: Question) -> Outcome:
    """Move on keeping the current answer (multi choice, or returning to an answered question)."""
    if question.id in progress.answers:
        return _accepted(_advance(consultation, progress))
    if question.optional:
        return _accepted(_advance(consultation, _with_answer(progress, question.id, Answer(None))))
    return _rejected(progress, texts.NEEDS_ANSWER)


def _toggle(progress: Progress, question: MultiChoiceQuestion, option_id: str) -> Outcome:
    if question.option(option_id) is None:
        return Outcome(Result.STALE, progress)
    answer = progress.answers.get(question.id)
    chosen = list(answer.value) if answer and isinstance(answer.value, tuple) else []
    if option_id in chosen:
        chosen.remove(option_id)
    elif len(chosen) >= question.choice_limit:
        return _rejected(progress, texts.too_many_choices(question.choice_limit))
    else:
        chosen.append(option_id)
    # Keep the options' order so the same choices always read the same.
    ordered = tuple(o.id for o in question.options if o.id in chosen)
    return _accepted(_with_answer(progress, question.id, Answer(ordered) if ordered else None))


def apply_text(consultation: Consultation, progress: Progress, text: str) -> Outcome:
    """Apply a typed message: an answer to a text question, anything else is a kind pointer."""
    question = consultation.question(progress.position) if progress.position else None
    if not isinstance(question, TextQuestion):
        return _rejected(progress, texts.USE_THE_BUTTONS)
    answer = text.strip()
    if not answer:
        return _rejected(progress, texts.NEEDS_ANSWER)
    if len(answer) > question.max_length:
        return _rejected(progress, texts.too_long(len(answer), question.max_length))
    return _accepted(_advance(consultation, _with_answer(progress, question.id, Answer(answer))))


def describe_answer(question: Question, answer: Answer | None) -> str:
    """An answer in the young person's own words, for the review screen."""
    if answer is None:
        return texts.NOT_ANSWERED
    if answer.skipped:
        return texts.SKIPPED
    value = answer.value
    if isinstance(question, SingleChoiceQuestion):
        option = question.option(str(value))
        return option.label if option else str(value)
    if isinstance(question, MultiChoiceQuestion) and isinstance(value, tuple):
        return ", ".join(o.label for o in question.options if o.id in value)
    if isinstance(question, ScaleQuestion) and isinstance(value, int):
        label = question.labels.get(value)
        return f"{value} {label}" if label else str(value)
    return str(value)
