"""The rules of taking a consultation: pure functions from (definition, progress, input) to progress.

No Telegram and no SQL here, so the same rules serve the bot, the simulator and the tests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum

from bot.core import texts
from bot.core.actions import Action, Kind
from bot.core.ideas import display_label, normalise
from bot.core.models import (
    Condition,
    Consultation,
    ImageChoiceQuestion,
    MultiChoiceQuestion,
    OrderingQuestion,
    PhotoQuestion,
    PickOneQuestion,
    Question,
    ScaleQuestion,
    SuggestionQuestion,
    TextQuestion,
)

AnswerValue = str | int | tuple[str, ...]
WHY_MAX = 300  # a reason for an idea: a sentence or two


# "I'd rather not say": recorded as an answer, unlike a skip. No option id or typed answer can be
# this (ids are letters, digits and hyphens; Telegram messages carry no NUL character).
DECLINED = "\u0000rather-not-say"
# What an answer holds instead of words that became a safeguarding alert: the words are kept once,
# in the alert (in an anonymous answer too, they would lead from the alert, and the id a "yes" keeps,
# to it). A marker, shown to the young person in their own language; migration 0016 writes it too.
WITH_THE_TEAM = "(sent to the safeguarding team)"


@dataclass(frozen=True)
class Answer:
    """One answer; `value` is None when the young person skipped the question, DECLINED when
    they said they would rather not say."""

    value: AnswerValue | None

    @property
    def skipped(self) -> bool:
        return self.value is None

    @property
    def declined(self) -> bool:
        return self.value == DECLINED


@dataclass(frozen=True)
class Progress:
    """Where one young person is in one consultation. position None means the review screen."""

    answers: Mapping[str, Answer] = field(default_factory=dict)
    position: str | None = None
    submitted: bool = False
    # On a suggestion question: the idea just sent, whose reason the next typed message gives.
    asking_why: str | None = None


class Result(Enum):
    ACCEPTED = "accepted"  # the input changed the progress (maybe moved on)
    REJECTED = "rejected"  # not a valid answer; `problem` says why, nothing changed
    STALE = "stale"  # a button from a question that has moved on


@dataclass(frozen=True)
class Outcome:
    result: Result
    progress: Progress
    problem: str | None = None


def condition_met(condition: Condition, answer: Answer | None) -> bool:
    """Whether an earlier answer matches a `show_if`; no answer, a skip or "rather not say" never do."""
    if answer is None or answer.skipped or answer.declined:
        return False
    value = answer.value
    match condition.test:
        case "equals":
            return value == condition.equals
        case "one_of":
            return value in (condition.one_of or [])
        case "at_least":
            return isinstance(value, int) and value >= (condition.at_least or 0)
        case "at_most":
            return isinstance(value, int) and value <= (condition.at_most or 0)
        case "includes":
            return isinstance(value, tuple) and condition.includes in value
    return False


def questions_to_ask(consultation: Consultation, answers: Mapping[str, Answer]) -> list[Question]:
    """The questions this young person will see, in order: those without `show_if`, and those whose
    condition an earlier answer meets. A question that depends on a hidden one is hidden too."""
    shown: list[Question] = []
    shown_ids: set[str] = set()
    for question in consultation.questions:
        condition = question.show_if
        if condition is not None and (
            condition.question not in shown_ids
            or not condition_met(condition, answers.get(condition.question))
        ):
            continue
        shown.append(question)
        shown_ids.add(question.id)
    return shown


def questions_that_may_be_asked(consultation: Consultation, answers: Mapping[str, Answer]) -> list[Question]:
    """Those asked, and those that may yet be: a `show_if` on a question not answered yet still
    counts. Answering can only take questions off this list (the ones ahead that the answer rules
    out), so a count over it never grows as they go on."""
    possible: list[Question] = []
    possible_ids: set[str] = set()
    for question in consultation.questions:
        condition = question.show_if
        if condition is not None:
            if condition.question not in possible_ids:
                continue
            decided = condition.question in answers
            if decided and not condition_met(condition, answers.get(condition.question)):
                continue
        possible.append(question)
        possible_ids.add(question.id)
    return possible


def _without_hidden_answers(consultation: Consultation, progress: Progress) -> Progress:
    """Answers to questions an earlier change has hidden are discarded, not kept out of sight."""
    asked = {q.id for q in questions_to_ask(consultation, progress.answers)}
    hidden = [q for q in progress.answers if q not in asked]
    if not hidden:
        return progress
    return replace(progress, answers={q: a for q, a in progress.answers.items() if q in asked})


def begin(consultation: Consultation) -> Progress:
    return Progress(position=questions_to_ask(consultation, {})[0].id)


def question_number(consultation: Consultation, progress: Progress) -> tuple[int, int]:
    """(n, total) for "Question n of total"; n is total + 1 on the review screen. The total counts
    the questions that may still be asked, so going on moves n up by one each time and the total
    only ever falls (a follow-up ruled out), never "5 of 9" then "6 of 10"."""
    if progress.position is None:
        asked = questions_to_ask(consultation, progress.answers)
        return len(asked) + 1, len(asked)
    possible = [q.id for q in questions_that_may_be_asked(consultation, progress.answers)]
    return possible.index(progress.position) + 1, len(possible)


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
    progress = _without_lost_options(consultation, progress)
    asked = [q.id for q in questions_to_ask(consultation, progress.answers)]
    if progress.position is None or progress.position in asked:
        return progress
    unanswered = next((q for q in asked if q not in progress.answers), None)
    return replace(progress, position=unanswered)


def _without_lost_options(consultation: Consultation, progress: Progress) -> Progress:
    """A ranking keeps only options still on the ballot (one taken off before anyone voted)."""
    for question in consultation.questions:
        order = ranking(progress, question.id)
        if isinstance(question, OrderingQuestion) and order:
            kept = tuple(i for i in order if question.option(i) is not None)
            if kept != order:
                progress = _with_answer(progress, question.id, Answer(kept) if kept else None)
    return progress


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
    return _tidy(consultation, progress, _apply(consultation, progress, action))


def _tidy(consultation: Consultation, before: Progress, outcome: Outcome) -> Outcome:
    """On leaving a question, drop the answers its new answer hides. Not while still on it: ticking
    an option off and on again must not lose what was written after it."""
    after = outcome.progress
    if outcome.result is not Result.ACCEPTED or (after.position == before.position and not after.submitted):
        return outcome
    return replace(outcome, progress=_without_hidden_answers(consultation, after))


def _apply(consultation: Consultation, progress: Progress, action: Action) -> Outcome:
    if progress.submitted or action.consultation != consultation.id:
        return Outcome(Result.STALE, progress)
    if progress.position is None:
        return _apply_on_review(consultation, progress, action)
    question = consultation.question(progress.position)
    if question is None or action.question != question.id:
        return Outcome(Result.STALE, progress)
    if action.kind is not Kind.WHY_SKIP:
        # Tapping on instead of typing a reason: no reason, then the tap as usual.
        progress = replace(progress, asking_why=None)

    match action.kind:
        case Kind.BACK:
            return _accepted(replace(progress, position=_neighbour(consultation, progress, -1)))
        case Kind.SKIP if (
            question.optional and isinstance(question, MultiChoiceQuestion) and ranking(progress, question.id)
        ):
            # Skip from a screen shown before they ticked: the ticks are kept, never silently lost.
            return _accepted(_advance(consultation, progress))
        case Kind.SKIP if question.optional:
            return _accepted(_advance(consultation, _with_answer(progress, question.id, Answer(None))))
        case Kind.RATHER_NOT if question.rather_not_say:
            return _accepted(_advance(consultation, _with_answer(progress, question.id, Answer(DECLINED))))
        case Kind.NEXT:
            return _next(consultation, progress, question)
        case Kind.PICK if isinstance(question, PickOneQuestion):
            if question.option(action.value) is None:
                return Outcome(Result.STALE, progress)
            answered = _with_answer(progress, question.id, Answer(action.value))
            return _accepted(_advance(consultation, answered))
        case Kind.TOGGLE if isinstance(question, MultiChoiceQuestion):
            return _toggle(progress, question, action.value)
        case Kind.RANK | Kind.UNDO | Kind.RESTART if isinstance(question, OrderingQuestion):
            return _rank(progress, question, action)
        case Kind.WHY_SKIP if isinstance(question, SuggestionQuestion) and progress.asking_why:
            return _accepted(replace(progress, asking_why=None))
        case Kind.WITHDRAW if isinstance(question, SuggestionQuestion):
            idea = next((i for i in ranking(progress, question.id) if idea_key(i) == action.value), None)
            if idea is None:
                return Outcome(Result.STALE, progress)
            return _accepted(without_idea(progress, question.id, idea))
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
    option = question.option(option_id)
    if option_id in chosen:
        chosen.remove(option_id)
    elif option is not None and option.exclusive:
        chosen = [option_id]  # "None of these" stands alone
    else:
        chosen = [c for c in chosen if not _is_exclusive(question, c)]
        if len(chosen) >= question.choice_limit:
            return _rejected(progress, texts.too_many_choices(question.choice_limit))
        chosen.append(option_id)
    # Keep the options' order so the same choices always read the same.
    ordered = tuple(o.id for o in question.options if o.id in chosen)
    return _accepted(_with_answer(progress, question.id, Answer(ordered) if ordered else None))


def _is_exclusive(question: MultiChoiceQuestion, option_id: str) -> bool:
    option = question.option(option_id)
    return option is not None and option.exclusive


def ranking(progress: Progress, question_id: str) -> tuple[str, ...]:
    """The option ids put in order so far (a ranked question), or the ideas sent (a suggestion)."""
    answer = progress.answers.get(question_id)
    return answer.value if answer is not None and isinstance(answer.value, tuple) else ()


def _rank(progress: Progress, question: OrderingQuestion, action: Action) -> Outcome:
    order = list(ranking(progress, question.id))
    if action.kind is Kind.RANK:
        if question.option(action.value) is None:
            return Outcome(Result.STALE, progress)
        if action.value in order:  # a double tap on an option already placed
            return _rejected(progress, texts.ALREADY_RANKED)
        order.append(action.value)
    elif action.kind is Kind.UNDO:
        if action.value != str(len(order)):  # a second tap on the same Undo: one was taken back
            return _rejected(progress, texts.MOVED_ON)
        order = order[:-1]
    else:
        order = []
    return _accepted(_with_answer(progress, question.id, Answer(tuple(order)) if order else None))


def reopen(consultation: Consultation, progress: Progress) -> Progress:
    """Back to the first question with every answer kept, to change answers already sent."""
    return replace(progress, submitted=False, position=questions_to_ask(consultation, progress.answers)[0].id)


def add_idea(question: SuggestionQuestion, progress: Progress, text: str) -> Outcome:
    """A typed idea: checked, then added to their ideas. They stay on the question, to say why or
    send another."""
    idea = display_label(text)
    sent = ranking(progress, question.id)
    if not normalise(idea):
        return _rejected(progress, texts.IDEA_NEEDS_WORDS)
    if len(idea) > question.max_length:
        return _rejected(progress, texts.too_long(len(idea), question.max_length))
    if normalise(idea) in {normalise(s) for s in sent}:
        return _rejected(progress, texts.IDEA_ALREADY_SENT)
    if len(sent) >= question.max_per_person:
        return _rejected(progress, texts.too_many_ideas(question.max_per_person))
    added = _with_answer(progress, question.id, Answer((*sent, idea)))
    return _accepted(replace(added, asking_why=idea if question.ask_why else None))


def idea_key(idea: str) -> str:
    """A short tag naming one of their ideas on a button (the idea itself may not fit 64 bytes)."""
    return hashlib.sha256(normalise(idea).encode()).hexdigest()[:8]


def _reason(progress: Progress, text: str) -> Outcome:
    reason = text.strip()
    if not reason:
        return _rejected(progress, texts.NEEDS_ANSWER)
    if len(reason) > WHY_MAX:
        return _rejected(progress, texts.too_long(len(reason), WHY_MAX))
    return _accepted(replace(progress, asking_why=None))


def finished_an_idea(consultation: Consultation, before: Progress, after: Progress) -> bool:
    """Whether a step completed an idea, reason and all, for the team to moderate."""
    if after.asking_why is not None:
        return False
    added = any(
        len(ranking(after, q.id)) > len(ranking(before, q.id))
        for q in consultation.questions
        if isinstance(q, SuggestionQuestion)
    )
    return added or before.asking_why is not None


def without_idea(progress: Progress, question_id: str, idea: str) -> Progress:
    """Their ideas with one withdrawn (an optional question with none left stays unanswered)."""
    kept = tuple(s for s in ranking(progress, question_id) if s != idea)
    return _with_answer(progress, question_id, Answer(kept) if kept else None)


def apply_photo(consultation: Consultation, progress: Progress, stored_name: str) -> Outcome:
    """A photo (already cleaned and stored) as the answer to a photo question; then move on."""
    question = consultation.question(progress.position) if progress.position else None
    if not isinstance(question, PhotoQuestion):
        return _rejected(progress, texts.NO_PHOTO_WANTED)
    answered = _with_answer(progress, question.id, Answer(stored_name))
    return _tidy(consultation, progress, _accepted(_advance(consultation, answered)))


def apply_text(consultation: Consultation, progress: Progress, text: str) -> Outcome:
    """Apply a typed message: an answer to a text question or an idea to a suggestion question;
    anything else is a kind pointer."""
    return _tidy(consultation, progress, _apply_text(consultation, progress, text))


def _apply_text(consultation: Consultation, progress: Progress, text: str) -> Outcome:
    question = consultation.question(progress.position) if progress.position else None
    if isinstance(question, SuggestionQuestion):
        if progress.asking_why is not None:
            return _reason(progress, text)
        return add_idea(question, progress, text)
    if isinstance(question, PhotoQuestion):
        return _rejected(progress, texts.SEND_A_PHOTO)
    if not isinstance(question, TextQuestion):
        return _rejected(progress, texts.USE_THE_BUTTONS)
    answer = text.strip()
    if not answer:
        return _rejected(progress, texts.NEEDS_ANSWER)
    if len(answer) > question.max_length:
        return _rejected(progress, texts.too_long(len(answer), question.max_length))
    return _accepted(_advance(consultation, _with_answer(progress, question.id, Answer(answer))))


def typed_choice(consultation: Consultation, question: Question, text: str) -> tuple[str, Action] | None:
    """Words typed at a question answered with buttons that name one of its buttons (its words,
    or its number where the buttons are numbered): that button's label and what it does."""
    typed = normalise(text)
    if not typed:
        return None
    number = int(typed) if typed.isdecimal() and len(typed) <= 3 else None  # "3" or "٣" alike
    named: list[tuple[str, str]] = []
    if isinstance(question, ScaleQuestion):
        faces = texts.faces(question.max) if question.faces else ()
        for point in question.points():
            words = question.labels.get(point, "")
            label = faces[point - 1] if faces else " ".join(p for p in (str(point), words) if p)
            if number == point or typed in {normalise(label), normalise(words)} - {""}:
                named.append((label, str(point)))
        kind = Kind.SCALE
    elif isinstance(question, PickOneQuestion | MultiChoiceQuestion):
        numbered = isinstance(question, ImageChoiceQuestion)
        named = [
            (option.label, option.id)
            for n, option in enumerate(question.options, start=1)
            if typed == normalise(option.label) or (numbered and number == n)
        ]
        kind = Kind.TOGGLE if isinstance(question, MultiChoiceQuestion) else Kind.PICK
    else:
        return None
    if len(named) != 1:
        return None
    [(label, value)] = named
    return label, Action(kind, consultation.id, question.id, value)


def describe_answer(question: Question, answer: Answer | None) -> str:
    """An answer in the young person's own words, for the review screen."""
    if answer is None:
        return texts.NOT_ANSWERED
    if answer.skipped:
        return texts.SKIPPED
    if answer.declined:
        return texts.RATHER_NOT_SAID
    value = answer.value
    if value == WITH_THE_TEAM:
        return texts.WORDS_WITH_THE_TEAM
    if isinstance(question, PickOneQuestion):
        option = question.option(str(value))
        return option.label if option else str(value)
    if isinstance(question, PhotoQuestion):
        return texts.PHOTO_SENT
    if isinstance(question, MultiChoiceQuestion) and isinstance(value, tuple):
        return ", ".join(o.label for o in question.options if o.id in value)
    if isinstance(question, OrderingQuestion) and isinstance(value, tuple):
        labels = [(o.label if (o := question.option(i)) else i) for i in value]
        return "  ".join(f"{n}. {label}" for n, label in enumerate(labels, start=1))
    if isinstance(question, SuggestionQuestion) and isinstance(value, tuple):
        return "; ".join(texts.WORDS_WITH_THE_TEAM if idea == WITH_THE_TEAM else idea for idea in value)
    if isinstance(question, ScaleQuestion) and isinstance(value, int) and question.faces:
        faces = texts.faces(question.max)
        return faces[value - 1] if 0 < value <= len(faces) else str(value)
    if isinstance(question, ScaleQuestion) and isinstance(value, int):
        label = question.labels.get(value)
        return f"{value} {label}" if label else str(value)
    return str(value)
