"""Per-question results for the participation team: pure functions from stored answers to figures.

No I/O, no Telegram and no SQL. `tally()` counts one question's answers, given as each distinct
stored answer with how many responses gave it (the database groups them, so the work grows with
the number of different answers, not of young people); `describe()` turns the figures into
plain-text lines for a report (the caller escapes them for HTML).

The rules:

- Every type counts `skipped` (value None) and `declined` ("I'd rather not say") answers; neither is
  ever counted as a choice, and percentages are of those who `answered` only.
- An answer that no longer fits the question (an option since removed from the file, a point outside
  the scale, a value of the wrong shape) is counted in `ignored` and nowhere else. A multi choice or
  ranking keeps the options it names that still exist, and is ignored only if none do.
- Single choice, yes/no, image choice: `counts` per option.
- Multi choice: `counts` per option (totals, not combinations). An option's percentage is the share
  of answering respondents who picked it, so the percentages can add up to more than 100%.
- Scale: `mean` of the points (None with no answers) and `distribution` over every point, zeros too.
- Ranking and ranked (`OrderingQuestion`): a ballot lists option ids, favourite first, and may stop
  anywhere. Unknown ids and repeats are dropped and the rest move up (as the engine and the IRV count
  do). For each option: `placed` (how many ballots placed it), `average_rank` among those (1 = first;
  None if nobody placed it) and `borda`: with n options on the question, a ballot gives n-1 points to
  its 1st, n-2 to its 2nd, ... and 0 to every option it did not place - so a truncated ballot gives
  unplaced options nothing, and a short ballot still gives its favourite the full n-1.
- Text: `answered` counts the answers with any words. Suggestion: `items` counts every idea
  (`answered` is how many people sent any). Photo: `items` counts the photos.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass, field, replace

from bot.core import texts as bot_texts
from bot.core.engine import Answer
from bot.core.models import (
    ALBUM_MAX,
    MultiChoiceQuestion,
    OrderingQuestion,
    PhotoQuestion,
    PickOneQuestion,
    Question,
    ScaleQuestion,
    SuggestionQuestion,
    TextQuestion,
)

BULLET = "• "
NO_ANSWERS = "no answers yet"
NO_FIGURE = "–"  # a percentage of nobody, or an average of nothing
SHOW_WRITTEN = "Show written answers"  # the button under a worker's /results

# Each distinct stored answer to a question and how many responses gave it.
Counted = Sequence[tuple[Answer, int]]
# Their values, neither skipped nor declined, each with its count.
Values = Sequence[tuple[object, int]]


@dataclass(frozen=True)
class QuestionTally:
    """One question's figures. Only the fields of its type are filled; the rest stay empty.

    answered: real answers that fit the question; skipped / declined: "Skip" / "I'd rather not say";
    ignored: stored answers that no longer fit (see the module docstring).
    counts: option id -> how many picked it, every option in file order (choice types).
    mean / distribution: a scale's average and point -> count for every point in order.
    average_rank / placed / borda: option id -> figure, every option in file order (orderings).
    items: every suggested idea (suggestions), or every photo (photo questions).
    """

    question: Question
    answered: int = 0
    skipped: int = 0
    declined: int = 0
    ignored: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    mean: float | None = None
    distribution: dict[int, int] = field(default_factory=dict)
    average_rank: dict[str, float | None] = field(default_factory=dict)
    placed: dict[str, int] = field(default_factory=dict)
    borda: dict[str, int] = field(default_factory=dict)
    items: int = 0

    @property
    def reached(self) -> int:
        """Everyone whose answer counts here: answered, skipped or would rather not say."""
        return self.answered + self.skipped + self.declined


def percent(part: int, whole: int) -> str:
    """`part` of `whole` as a whole-number percentage, halves rounded up ("58%"); NO_FIGURE if whole is 0."""
    if whole <= 0:
        return NO_FIGURE
    return f"{(200 * part + whole) // (2 * whole)}%"


def tally(question: Question, answers: Counted) -> QuestionTally:
    """The figures for one question from its stored answers (each distinct one with how many
    responses that reached the question gave it)."""
    skipped = sum(n for a, n in answers if a.skipped)
    declined = sum(n for a, n in answers if a.declined)
    values = [(a.value, n) for a, n in answers if not a.skipped and not a.declined]
    base = QuestionTally(question=question, skipped=skipped, declined=declined)
    if isinstance(question, PickOneQuestion):
        return _single(base, question, values)
    if isinstance(question, MultiChoiceQuestion):
        return _multi(base, question, values)
    if isinstance(question, ScaleQuestion):
        return _scale(base, question, values)
    if isinstance(question, OrderingQuestion):
        return _ordering(base, question, values)
    if isinstance(question, TextQuestion):
        written = sum(n for v, n in values if isinstance(v, str) and v.strip())
        return _with(base, values, written)
    if isinstance(question, SuggestionQuestion):
        senders = [(len(_ideas(v)), n) for v, n in values if isinstance(v, tuple) and _ideas(v)]
        return _with(base, values, sum(n for _, n in senders), items=sum(i * n for i, n in senders))
    if isinstance(question, PhotoQuestion):
        names = sum(n for v, n in values if isinstance(v, str) and v)
        return _with(base, values, names, items=names)
    return _with(base, values, sum(n for _, n in values))  # a type this module does not know yet


def _with(base: QuestionTally, values: Values, answered: int, **figures: object) -> QuestionTally:
    """`base` (skips and declines) with the answered count, the rest of `values` as ignored, and `figures`."""
    return replace(base, answered=answered, ignored=sum(n for _, n in values) - answered, **figures)


def _ideas(value: tuple[object, ...]) -> list[str]:
    return [v for v in value if isinstance(v, str) and v.strip()]


def _single(base: QuestionTally, question: PickOneQuestion, values: Values) -> QuestionTally:
    counts = {o.id: 0 for o in question.options}
    for value, n in values:
        if isinstance(value, str) and value in counts:
            counts[value] += n
    return _with(base, values, sum(counts.values()), counts=counts)


def _known(value: object, options: Container[str]) -> list[str]:
    """The option ids in a stored tuple that are still options, in order, each once."""
    if not isinstance(value, tuple):
        return []
    return [v for v in dict.fromkeys(v for v in value if isinstance(v, str)) if v in options]


def _multi(base: QuestionTally, question: MultiChoiceQuestion, values: Values) -> QuestionTally:
    counts = {o.id: 0 for o in question.options}
    answered = 0
    for value, n in values:
        picked = _known(value, counts)
        if picked:
            answered += n
            for option_id in picked:
                counts[option_id] += n
    return _with(base, values, answered, counts=counts)


def _scale(base: QuestionTally, question: ScaleQuestion, values: Values) -> QuestionTally:
    distribution = dict.fromkeys(question.points(), 0)
    for value, n in values:
        if isinstance(value, int) and not isinstance(value, bool) and value in distribution:
            distribution[value] += n
    answered = sum(distribution.values())
    mean = sum(p * n for p, n in distribution.items()) / answered if answered else None
    return _with(base, values, answered, distribution=distribution, mean=mean)


def _ordering(base: QuestionTally, question: OrderingQuestion, values: Values) -> QuestionTally:
    ids = [o.id for o in question.options]
    width = len(ids)
    placed = dict.fromkeys(ids, 0)
    place_sum = dict.fromkeys(ids, 0)
    borda = dict.fromkeys(ids, 0)
    answered = 0
    for value, n in values:
        ballot = _known(value, placed)
        if not ballot:
            continue
        answered += n
        for place, option_id in enumerate(ballot, start=1):
            placed[option_id] += n
            place_sum[option_id] += place * n
            borda[option_id] += (width - place) * n
    return _with(
        base,
        values,
        answered,
        placed=placed,
        average_rank={i: (place_sum[i] / placed[i] if placed[i] else None) for i in ids},
        borda=borda,
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def header(tally: QuestionTally) -> str:
    """The first line, "<question> — 12 of 15 answered, 2 skipped, 1 rather not say": zero skips and
    declines are left out, and none answered reads "no answers yet"."""
    answered = (
        f"{tally.answered} of {tally.reached}" if tally.reached > tally.answered else str(tally.answered)
    )
    parts = [f"{answered} answered" if tally.answered else NO_ANSWERS]
    if tally.skipped:
        parts.append(f"{tally.skipped} skipped")
    if tally.declined:
        parts.append(f"{tally.declined} rather not say")
    if tally.ignored:
        parts.append(f"{tally.ignored} no longer {'fits' if tally.ignored == 1 else 'fit'} the question")
    return f"{_one_line(tally.question.text)} — {', '.join(parts)}"


def describe(tally: QuestionTally) -> list[str]:
    """Plain-text lines for a report: a header line, then (if anyone answered) the figures.

    Choice options are listed in the file's order, so reports over time read the same way; rankings
    by points (the Borda score, explained in a line of its own), highest first (ties in file order).
    Free text and suggested ideas are only counted, never quoted: their words can identify a young
    person, and the caller decides who sees them. Photos are counted too.
    """
    lines = [header(tally)]
    if not tally.answered:
        return lines
    question = tally.question
    if isinstance(question, PickOneQuestion | MultiChoiceQuestion):
        for option in question.options:
            count = tally.counts.get(option.id, 0)
            lines.append(f"{BULLET}{option.label}: {count} ({percent(count, tally.answered)})")
        if isinstance(question, MultiChoiceQuestion) and question.choice_limit > 1:
            lines.append("People could pick more than one, so the percentages can add up to more than 100%.")
    elif isinstance(question, ScaleQuestion):
        lines += _scale_lines(tally, question)
    elif isinstance(question, OrderingQuestion):
        lines += _ordering_lines(tally, question)
    elif isinstance(question, TextQuestion):
        written = _plural(tally.answered, "written answer", "written answers")
        lines.append(f"{BULLET}{written} (“{SHOW_WRITTEN}” below)")
    elif isinstance(question, SuggestionQuestion):
        ideas = _plural(tally.items, "idea", "ideas")
        people = _plural(tally.answered, "young person", "young people")
        lines.append(f"{BULLET}{ideas} from {people} (see the export)")
    elif isinstance(question, PhotoQuestion):
        count = tally.items
        how = "" if count == 1 else " as an album" if count <= ALBUM_MAX else " in albums"
        lines.append(f"{BULLET}{_plural(count, 'photo', 'photos')} (sent to workers{how})")
    return lines


def point_name(question: ScaleQuestion, point: int) -> str:
    if question.faces:
        faces = bot_texts.faces(question.max)
        if question.min == 1 and point - 1 < len(faces):
            return faces[point - 1]
    label = question.labels.get(point)
    return f"{point} {label}" if label else str(point)


def _scale_lines(tally: QuestionTally, question: ScaleQuestion) -> list[str]:
    mean = f"{tally.mean:.1f}" if tally.mean is not None else NO_FIGURE
    span = f"of {question.max}" if question.min == 1 else f"on a scale of {question.min} to {question.max}"
    spread = " · ".join(f"{point_name(question, p)}: {n}" for p, n in tally.distribution.items())
    return [f"{BULLET}average {mean} {span}", f"{BULLET}{spread}"]


def _ordering_lines(tally: QuestionTally, question: OrderingQuestion) -> list[str]:
    options = sorted(question.options, key=lambda o: -tally.borda.get(o.id, 0))  # stable: ties in file order
    lines = []
    for option in options:
        rank = tally.average_rank.get(option.id)
        points = _plural(tally.borda.get(option.id, 0), "point", "points")
        if rank is None:
            lines.append(f"{BULLET}{option.label}: not placed by anyone, {points}")
        else:
            placed = f"placed by {tally.placed.get(option.id, 0)}"
            lines.append(f"{BULLET}{option.label}: average place {rank:.1f} (1 = first), {placed}, {points}")
    first = len(question.options) - 1
    lines.append(
        f"Listed by points: {_plural(first, 'point', 'points')} for a first place, one fewer for each "
        "place below, none where it was not placed."
    )
    return lines
