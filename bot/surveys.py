"""Load consultation files (YAML) and report every problem in one pass, as
`file: line N: question: reason` in plain words."""

from __future__ import annotations

import copy
import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails
from yaml.constructor import SafeConstructor

from bot.core import i18n, texts, translations
from bot.core.actions import CALLBACK_DATA_MAX_BYTES, Action, Kind, encoded_size
from bot.core.i18n import LANGUAGES
from bot.core.models import (
    ENGLISH,
    IDEA_OPTION_PREFIX,
    OPTIONS_MAX,
    Consultation,
    ImageChoiceQuestion,
    MultiChoiceQuestion,
    OrderingQuestion,
    PickOneQuestion,
    Question,
    QuestionType,
    RankedQuestion,
    ScaleQuestion,
    SuggestionQuestion,
)

# What a consultation file may be, checked before any of it is built into objects. A file from
# outside (uploaded in chat, or put in surveys/) is hostile until checked: a few hundred bytes of
# nested anchors and aliases (`&a [*b, *b, ...]`, "billion laughs") expand to billions of values
# for whatever walks them, and a thread cannot be stopped once it is busy with them. Consultation
# files have no need of anchors or aliases, so they are refused from the parser's events, before
# anything is built; with the size capped too, what is built is no bigger than the text.
YAML_MAX_BYTES = 1024 * 1024  # a consultation is a few KB, tens with every translation
YAML_MAX_DEPTH = 20  # levels of lists and mappings: a consultation needs about 7
NO_ANCHORS = "'&' and '*' (anchors and aliases) are not allowed in consultation files"
YAML_TOO_BIG = (
    f"the file is over {YAML_MAX_BYTES // (1024 * 1024)} MB, and a consultation file is a few KB: "
    "is it the right file?"
)
# libyaml when PyYAML has it (several times faster); the same rules in pure Python otherwise.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

WHOLE_FILE = "-"  # the question id column for problems that are not about one question
QUESTION_TYPES = [t.value for t in QuestionType]
# A worker's /preview runs on a copy filed under `<id>~p` (PREVIEW_MARK): no real id can have a "~",
# so its answers never mix with the real ones.


@dataclass(frozen=True)
class Problem:
    file: str
    question: str
    reason: str
    consultation: str = ""  # set when the problem only shows once every file is loaded
    warning: bool = False  # worth fixing, but the consultation still loads
    line: int = 0  # where in the file, when it is known

    def __str__(self) -> str:
        line = f"line {self.line}: " if self.line else ""
        return f"{self.file}: {line}{self.question}: {'warning: ' if self.warning else ''}{self.reason}"


@dataclass(frozen=True)
class Source:
    """A consultation's YAML: a file in surveys/, an upload or a quick poll kept in the database."""

    name: str  # what problems are reported against: the file's path, or "upload hub.yaml"
    text: str
    folder: Path  # where its pictures are


@dataclass(frozen=True)
class Catalogue:
    """The consultations that loaded, by id, in file order: those launched (young people can take
    them while open), drafts (only workers see them), and the copies workers are previewing."""

    consultations: dict[str, Consultation]
    drafts: dict[str, Consultation] = field(default_factory=dict)
    archived: set[str] = field(default_factory=set)  # launched ones put away: hidden from young people
    previews: dict[str, Consultation] = field(default_factory=dict)
    superseded: set[str] = field(default_factory=set)  # earlier versions of a launched newer one

    def get(self, consultation_id: str) -> Consultation | None:
        """What a young person's step can be on: a launched consultation not archived, or a
        preview copy (the Conversation lets only the team reach those), worded for the reader."""
        if consultation_id in self.archived:
            return None
        found = self.consultations.get(consultation_id) or self.previews.get(consultation_id)
        return _worded(found) if found else None

    def find(self, consultation_id: str) -> Consultation | None:
        """A launched consultation, archived or not, for the team: never a draft or preview copy."""
        return self.consultations.get(consultation_id)

    def open_now(self, now: datetime) -> list[Consultation]:
        """What young people can take now, worded for the reader."""
        return [
            _worded(c) for c in self.consultations.values() if c.is_open(now) and c.id not in self.archived
        ]

    def results_to_share(self, now: datetime) -> list[Consultation]:
        """Votes that have closed (and are not archived) whose result young people may see."""
        return [
            _worded(c)
            for c in self.consultations.values()
            if c.is_vote
            and c.share_results == "after_close"
            and c.closes_at
            and c.closes_at <= now
            and c.id not in self.archived
        ]

    def with_drafts(self) -> dict[str, Consultation]:
        """Launched and draft consultations, e.g. for checking one file against the others."""
        return {**self.consultations, **self.drafts}

    def close_early(self, consultation_id: str, at: datetime) -> None:
        """A worker closed it before its closes_at: from now on it reads as closed at `at`."""
        consultation = self.consultations.get(consultation_id)
        if consultation is not None and (consultation.closes_at is None or at < consultation.closes_at):
            self.consultations[consultation_id] = consultation.model_copy(update={"closes_at": at})


class NotLoaded(Exception):
    """A consultation file's YAML that was not read; `reason` says why in plain words (and `line`
    where, when there is one) and never holds a traceback."""

    def __init__(self, reason: str, line: int = 0) -> None:
        super().__init__(f"line {line}: {reason}" if line else reason)
        self.reason = reason
        self.line = line


class _Loader(_LOADER):
    """The safe loader, except that a value it cannot build (a date like 2026-13-45, an integer of
    5,000 digits) stays as written: the check then reports it at its own field, with the rest."""


def _as_written(build: Callable[[Any, yaml.Node], Any]) -> Callable[[Any, yaml.Node], Any]:
    def construct(loader: Any, node: yaml.Node) -> Any:
        try:
            return build(loader, node)
        except (ValueError, OverflowError):
            return loader.construct_scalar(node)

    return construct


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _as_written(SafeConstructor.construct_yaml_timestamp))
_Loader.add_constructor("tag:yaml.org,2002:int", _as_written(SafeConstructor.construct_yaml_int))

Where = tuple[str | int, ...]  # a place in a file's data: keys, and list positions counted from 0


class Lines:
    """The line each field and list item of a file starts on, from the parser's marks."""

    def __init__(self, root: yaml.Node | None) -> None:
        self._lines: dict[tuple[str, ...], int] = {}
        self.twice: list[tuple[Where, int, int]] = []  # a key written twice in one mapping: both lines
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, where: Where) -> None:
        self._lines.setdefault(_key(where), node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here, line = (*where, str(key.value)), key.start_mark.line + 1
                if _key(here) in self._lines:  # PyYAML keeps the last silently: a worker meant one
                    self.twice.append((here, self._lines[_key(here)], line))
                    continue
                self._lines[_key(here)] = line
                self._walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for number, item in enumerate(node.value):
                self._walk(item, (*where, number))

    def at(self, where: Where) -> int:
        """The line of `where`, or of the nearest thing around it that is in the file (a missing
        field's question); 0 for an empty file."""
        key = _key(where)
        while key and key not in self._lines:
            key = key[:-1]
        return self._lines.get(key, 0)


def _key(where: Where) -> tuple[str, ...]:
    return tuple(str(part) for part in where)  # a scale's label 1 is written "1" in the file


def load_yaml(text: str) -> Any:
    """The one way the bot reads YAML from outside (consultation files, uploads, quick polls and the
    definitions recorded from them): PyYAML's safe loader, refusing anchors and aliases, more than
    YAML_MAX_BYTES and nesting deeper than YAML_MAX_DEPTH. Raises NotLoaded."""
    return read_yaml(text)[0]


def read_yaml(text: str) -> tuple[Any, Lines]:
    """As load_yaml, with the line of everything in the file."""
    if len(text) > YAML_MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > YAML_MAX_BYTES:
        raise NotLoaded(YAML_TOO_BIG)
    try:
        depth = 0
        # The events alone first: cheap, and nothing is built from them.
        for event in yaml.parse(text, Loader=_LOADER):
            line = event.start_mark.line + 1 if event.start_mark is not None else 0
            if getattr(event, "anchor", None) is not None:  # `&name` on a node, or a `*name` alias
                raise NotLoaded(NO_ANCHORS, line)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > YAML_MAX_DEPTH:
                    raise NotLoaded(f"lists and mappings are nested more than {YAML_MAX_DEPTH} deep", line)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            return (None if root is None else loader.construct_document(root)), Lines(root)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise NotLoaded(
            f"YAML cannot read this ({error.problem or error.context}): check that it lines up with the "
            "lines around it, and put text containing ': ' or ' #' in quotes",
            mark.line + 1 if mark is not None else 0,
        ) from None
    except yaml.YAMLError as error:  # e.g. a character YAML does not allow, anywhere
        raise NotLoaded(f"YAML cannot read this file: {error}") from None
    except UnicodeError:  # half an emoji (a lone surrogate) in text that never was a file
        raise NotLoaded("YAML cannot read this file: it holds a broken character") from None


def _worded(consultation: Consultation) -> Consultation:
    """In the language (and easy read, or not) of the young person being answered; one the file
    does not word in their language says so above its introduction (its questions are English)."""
    reading = i18n.current()
    worded = consultation.worded_for(reading.language, reading.easy)
    if reading.language in consultation.worded_in:
        return worded
    return worded.model_copy(update={"intro": f"{texts.ENGLISH_ONLY_INTRO}\n\n{worded.intro}"})


def _button_actions(consultation_id: str, question: Question) -> Iterable[Action]:
    """Every button a question can show, so the longest can be measured against Telegram's limit."""
    for kind in (Kind.NEXT, Kind.BACK, Kind.SKIP, Kind.RATHER_NOT):
        yield Action(kind, consultation_id, question.id)
    if isinstance(question, SuggestionQuestion):
        yield Action(Kind.WHY_SKIP, consultation_id, question.id)
        yield Action(Kind.WITHDRAW, consultation_id, question.id, "0" * 8)  # an idea's 8-letter tag
    if isinstance(question, OrderingQuestion):
        yield Action(Kind.RESTART, consultation_id, question.id)
        yield Action(Kind.UNDO, consultation_id, question.id, str(OPTIONS_MAX))
        for option in question.options:
            yield Action(Kind.RANK, consultation_id, question.id, option.id)
    if isinstance(question, RankedQuestion) and question.options_from:
        # a shortlisted idea, with room for a million of them
        yield Action(Kind.RANK, consultation_id, question.id, f"{IDEA_OPTION_PREFIX}999999")
    if isinstance(question, PickOneQuestion):
        for option in question.options:
            yield Action(Kind.PICK, consultation_id, question.id, option.id)
    elif isinstance(question, MultiChoiceQuestion):
        for option in question.options:
            yield Action(Kind.TOGGLE, consultation_id, question.id, option.id)
    elif isinstance(question, ScaleQuestion):
        for point in question.points():
            yield Action(Kind.SCALE, consultation_id, question.id, str(point))


def longest_button(consultation_id: str, question: Question) -> int:
    """The most bytes of button data the question can need, filed under `consultation_id`."""
    return max(encoded_size(a) for a in _button_actions(consultation_id, question))


def _condition_problem(question: Question, earlier: dict[str, Question], written: Set[str]) -> str | None:
    """Why a `show_if` can never work as written, or None. It may only look at an earlier question,
    with a test and values that question's answers can have. (`written`: the ids of every earlier
    question, `earlier` those among them without mistakes of their own.)"""
    condition = question.show_if
    if condition is None:
        return None
    where = f"show_if: question '{condition.question}'"
    target = earlier.get(condition.question)
    if target is None:
        if condition.question in written:
            return None  # its own mistakes are reported; what it can answer is not known yet
        return (
            f"{where} is not an earlier question in this file (a question can only depend on one before it)"
        )
    test, wanted = condition.test, getattr(condition, condition.test)
    if isinstance(target, ScaleQuestion):
        points = set(target.points())
        allowed = {"equals", "one_of", "at_least", "at_most"}
        values = wanted if isinstance(wanted, list) else [wanted]
        if test in allowed and not all(isinstance(v, int) and v in points for v in values):
            return f"{where} is a scale from {target.min} to {target.max}: {test} {wanted} can never match"
    elif isinstance(target, PickOneQuestion | MultiChoiceQuestion):
        allowed = {"includes"} if isinstance(target, MultiChoiceQuestion) else {"equals", "one_of"}
        ids = {o.id for o in target.options}
        values = wanted if isinstance(wanted, list) else [wanted]
        unknown = [v for v in values if v not in ids]
        if test in allowed and unknown:
            missing = ", ".join(repr(str(v)) for v in unknown)
            return f"{where} has no option {missing} (its options: {', '.join(sorted(ids))})"
    else:
        return (
            f"{where} is a {target.type.value} question: show_if can only look at choices, yes/no and scales"
        )
    if test not in allowed:
        use = " or ".join(sorted(allowed))
        return f"{where}: '{test}' does not fit a {target.type.value} question; use {use}"
    return None


@dataclass(frozen=True)
class _Checking:
    """One file being checked: what problems are reported against, and how they find their line."""

    source: Source
    raw: dict[str, Any]
    lines: Lines
    names: list[str]  # each question's name in problems (_question_names)

    def problem(self, where: Where, reason: str, warning: bool = False) -> Problem:
        named = self.names[where[1]] if _in_question(where) else WHOLE_FILE
        return Problem(self.source.name, named, reason, warning=warning, line=self.lines.at(where))

    def field_path(self, where: Where) -> str:
        """`where` inside its question (or the file) as a worker reads it: options by their id
        (or their place, from 1), e.g. "options.veg.label"."""
        here: Any = self.raw
        parts = []
        named_apart = 2 if _in_question(where) else 0  # ("questions", n): the question's own name
        for depth, part in enumerate(where):
            here = here[part] if _holds(here, part) else None
            if depth < named_apart:
                continue
            if isinstance(part, int):
                known = isinstance(here, dict) and isinstance(here.get("id"), str)
                parts.append(here["id"] if known else str(part + 1))
            else:
                parts.append(str(part))
        return ".".join(parts)

    def wording(self, field: translations.Field) -> Where:
        """Where a wording field (translations.Field) is in the file."""
        where: Where = ("questions", field.place) if field.place >= 0 else ()
        parts = field.path.split(".")
        if parts[0] == "options" and len(parts) == 3:  # options.<id, or place from 1>.label
            options = self.raw["questions"][field.place]["options"]
            place = next(
                n for n, o in enumerate(options, 1) if isinstance(o, dict) and str(o.get("id", n)) == parts[1]
            )
            return (*where, "options", place - 1, parts[2])
        return (*where, *parts)

    def errors(self, errors: list[ErrorDetails], reported: set[Where], language: str = "") -> list[Problem]:
        """pydantic's errors as problems, one for each place in the file not `reported` yet (a
        misspelt field's suggestion is not reported missing as well)."""
        meant = {
            (*_in_file(self.raw, error["loc"], missing=False)[:-1], _meant(error))
            for error in errors
            if error["type"] == "extra_forbidden"
        }
        problems = []
        for error in errors:
            where = _in_file(self.raw, error["loc"], missing=error["type"] == "missing")
            if error["type"].startswith("union_tag"):
                where = (*where, "type")
            if where in reported or (error["type"] == "missing" and where in meant):
                continue
            reported.add(where)
            reason = _describe(error, self.field_path(where))
            problems.append(self.problem(where, f"{reason} (in {language})" if language else reason))
        return problems


def _in_question(where: Where) -> bool:
    return len(where) >= 2 and where[0] == "questions" and isinstance(where[1], int)


def _holds(data: Any, part: str | int) -> bool:
    if isinstance(data, dict):
        return part in data
    return isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)


def _question_names(raw: dict[str, Any]) -> list[str]:
    """How problems name each question: by its id, with its place when the id is missing or is
    used twice (so a mistake is never blamed on the wrong one)."""
    questions = raw.get("questions")
    ids = [
        str(q["id"]) if isinstance(q, dict) and q.get("id") is not None else ""
        for q in (questions if isinstance(questions, list) else [])
    ]
    counts = Counter(ids)
    return [
        (i if counts[i] == 1 else f"question {n} ({i})") if i else f"question {n}"
        for n, i in enumerate(ids, 1)
    ]


def _in_file(raw: Any, loc: tuple[int | str, ...], missing: bool) -> Where:
    """Where a pydantic error is in the file: its location without the question types and union
    members pydantic adds to it (and with the field, for a missing one)."""
    if len(loc) > 2 and loc[0] == "questions" and loc[2] in QUESTION_TYPES:  # pydantic's, not the file's
        loc = (*loc[:2], *loc[3:])
    where: list[str | int] = []
    here = raw
    for number, part in enumerate(loc, 1):
        if _holds(here, part):
            here = here[part]
            where.append(part)
        elif missing and number == len(loc):
            where.append(part)
    return tuple(where)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models_in(arg)]


def _type_tag(model: type[BaseModel]) -> str:
    field = model.model_fields.get("type")
    return str(get_args(field.annotation)[0].value) if field is not None else ""


def _field_names(loc: tuple[int | str, ...]) -> set[str]:
    """The fields the mapping holding `loc`'s last part may have."""
    models: list[type[BaseModel]] = [Consultation]
    for part in loc[:-1]:
        tagged = [m for m in models if _type_tag(m) == part]
        if len(models) > 1 and tagged:  # the question type pydantic puts in the location
            models = tagged
        elif isinstance(part, str):
            annotations = [m.model_fields[part].annotation for m in models if part in m.model_fields]
            models = [model for annotation in annotations for model in _models_in(annotation)]
    return {name for model in models for name in model.model_fields}


def _did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.7)
    return close[0] if close else None


def _meant(error: ErrorDetails) -> str | None:
    """The field a field that does not exist (an extra_forbidden error) was likely meant to be."""
    return _did_you_mean(str(error["loc"][-1]), _field_names(error["loc"]))


DATE_HOW = "'{given}' is not a date and time: write it like 2026-01-11T09:00:00+00:00"
# pydantic's error types in plain words, for a youth worker writing a file
PLAIN_WORDS = {
    "missing": "missing: please add it",
    "string_pattern_mismatch": "use only small letters, digits and hyphens, starting with a letter or "
    "digit (e.g. hub-design)",
    "string_type": "should be words, not {given}",
    "string_too_short": "is empty: please write something",
    "string_too_long": "is too long: at most {max_length} characters",
    "bool_type": "should be true or false, not {given}",
    "bool_parsing": "should be true or false, not {given}",
    "int_type": "should be a whole number, not {given}",
    "int_parsing": "should be a whole number, not {given}",
    "int_from_float": "should be a whole number, not {given}",
    "greater_than_equal": "should be at least {ge}",
    "less_than_equal": "should be at most {le}",
    "list_type": "should be a list (a line starting with '- ' for each, or [a, b]), not {given}",
    "too_short": "needs at least {min_length} (it has {actual_length})",
    "too_long": "can have at most {max_length} (it has {actual_length})",
    "dict_type": "should be fields under it (name: value), not {given}",
    "model_type": "should be fields under it (name: value), not {given}",
    "literal_error": "should be {expected}, not {given}",
    "datetime_type": DATE_HOW,
    "datetime_parsing": DATE_HOW,
    "datetime_from_date_parsing": DATE_HOW,
}


def _given(value: Any) -> str:
    """A value as the worker wrote it, short."""
    if isinstance(value, bool):
        written = "true" if value else "false"
    elif isinstance(value, dict | list):
        written = "a list" if isinstance(value, list) else "fields (name: value)"
    else:
        written = "nothing" if value is None else str(value)
    return written if len(written) <= 40 else written[:39] + "…"


def _describe(error: ErrorDetails, field: str) -> str:
    """`field: what is wrong`, in plain words."""
    kind, context = error["type"], {**(error.get("ctx") or {}), "given": _given(error["input"])}
    if kind == "extra_forbidden":
        meant = _meant(error)
        how = f"did you mean {meant}?" if meant else "check the spelling (surveys/README.md lists them)"
        return f"{field}: there is no such field: {how}"
    if kind == "union_tag_not_found":
        return f"type: missing: add one of {', '.join(QUESTION_TYPES)}"
    if kind == "union_tag_invalid":
        given = str(context.get("tag", ""))
        meant = _did_you_mean(given, QUESTION_TYPES)
        how = f"did you mean {meant}?" if meant else f"use one of {', '.join(QUESTION_TYPES)}"
        return f"type: '{given}' is not a question type: {how}"
    template = PLAIN_WORDS.get(kind)
    message = template.format(**context) if template else error["msg"].removeprefix("Value error, ")
    if kind == "literal_error":  # e.g. other_languages: hidden
        meant = _did_you_mean(
            str(context["given"]).lower(), re.findall(r"'([^']*)'", str(context["expected"]))
        )
        message += f": did you mean {meant}?" if meant else ""
    return f"{field}: {message}" if field else message


ROUNDS = 5  # of validating again with the wrong fields set aside; each round sets aside more
_QUESTION: TypeAdapter[Question] = TypeAdapter(Question)


def _validate(data: dict[str, Any]) -> tuple[Consultation | None, list[ErrorDetails], dict[str, Any]]:
    """The consultation, or pydantic's errors: all of them. A check of a whole question (a scale's
    range, say) only runs once its fields are right, so each round sets aside the fields found
    wrong (a misspelt field or question type is taken under its likely name) and validates again,
    until nothing new is found. Also the data as set right, to check each question on its own."""
    work = copy.deepcopy(data)
    errors: list[ErrorDetails] = []
    seen: set[tuple[tuple[int | str, ...], str]] = set()
    for _ in range(ROUNDS):
        try:
            consultation = Consultation.model_validate(work)
        except ValidationError as error:
            new = [e for e in error.errors() if (e["loc"], e["type"]) not in seen]
        else:
            return (None if errors else consultation), errors, work
        if not new:
            break
        errors += new
        seen.update((e["loc"], e["type"]) for e in new)
        for error in new:
            _set_aside(work, error)
    return None, errors, work


def _set_aside(work: dict[str, Any], error: ErrorDetails) -> None:
    """Take the field `error` is about out of `work` (or put it under the name it was meant to
    have, and a misspelt question type likewise), so that what depends on it can be checked."""
    where = _in_file(work, error["loc"], missing=False)
    if not where:
        return
    parent: Any = work
    for part in where[:-1]:
        parent = parent[part]
    here = parent[where[-1]]
    if error["type"] == "union_tag_invalid":
        meant = _did_you_mean(str(here.get("type")), QUESTION_TYPES) if isinstance(here, dict) else None
        if meant:
            here["type"] = meant
    elif error["type"] != "missing" and isinstance(parent, dict):
        del parent[where[-1]]
        meant = _meant(error) if error["type"] == "extra_forbidden" else None
        if meant and meant not in parent:
            parent[meant] = here


def _question_problems(
    checking: _Checking, consultation_id: str, questions: list[Question | None]
) -> list[Problem]:
    """Ids used twice, show_if, buttons and media, for each question that is right on its own."""
    raw_questions = checking.raw["questions"]
    problems = []
    earlier: dict[str, Question] = {}
    written: dict[str, int] = {}  # each id and the question (from 1) that first has it
    for number, question in enumerate(questions):
        place: Where = ("questions", number)
        raw_id = raw_questions[number].get("id") if isinstance(raw_questions[number], dict) else None
        if isinstance(raw_id, str) and raw_id in written:
            reason = f"id: '{raw_id}' is question {written[raw_id]}'s id too: give each question its own id"
            problems.append(checking.problem((*place, "id"), reason))
        if question is not None:
            condition_problem = _condition_problem(question, earlier, written.keys())
            if condition_problem:
                problems.append(checking.problem((*place, "show_if"), condition_problem))
            earlier.setdefault(question.id, question)
            longest = longest_button(consultation_id, question)
            if longest > CALLBACK_DATA_MAX_BYTES:
                reason = (
                    f"the ids are too long for a Telegram button ({longest} bytes of button data, "
                    f"the limit is {CALLBACK_DATA_MAX_BYTES}): shorten the consultation, question "
                    "or option ids"
                )
                problems.append(checking.problem(place, reason))
            problems += [
                checking.problem((*place, *where), reason)
                for where, reason in _media_problems(checking.source.folder, question)
            ]
        if isinstance(raw_id, str):
            written.setdefault(raw_id, number + 1)
    return problems


@dataclass(frozen=True)
class MediaKind:
    suffixes: tuple[str, ...]
    described: str  # "a PNG or JPEG picture"
    max_bytes: int
    max_described: str
    starts_with: bytes = b""  # the file format's signature, where we check it


PICTURE = MediaKind((".png", ".jpg", ".jpeg"), "a PNG or JPEG picture", 10 * 1024 * 1024, "10 MB")
# Telegram plays OGG/Opus as a voice note; a voice note over 1 MB arrives as a file instead.
RECORDING = MediaKind((".ogg", ".oga", ".opus"), "an OGG/Opus recording", 1024 * 1024, "1 MB", b"OggS")


def _media_problems(folder: Path, question: Question) -> list[tuple[Where, str]]:
    """Pictures and recordings must be files of the right kind under the consultation file's
    folder, small enough to send: (where in the question, the problem) for each that is not."""
    files: list[tuple[Where, str, str, MediaKind]] = []
    if question.audio:
        files.append((("audio",), f"audio: '{question.audio}'", question.audio, RECORDING))
    if isinstance(question, ImageChoiceQuestion):
        files += [
            (("options", n, "image"), f"options.{o.id}.image: '{o.image}'", o.image, PICTURE)
            for n, o in enumerate(question.options)
        ]
    problems = []
    for where, named, relative, kind in files:
        problem = _file_problem(folder.resolve(), relative, kind)
        if problem:
            problems.append((where, f"{named} {problem}"))
    return problems


def _file_problem(folder: Path, relative: str, kind: MediaKind) -> str | None:
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder):
        return "must be inside the consultation's folder (e.g. media/file)"
    if path.suffix.lower() not in kind.suffixes:
        return f"must be {kind.described}"
    if not path.is_file():
        return f"does not exist (put it in {folder / 'media'})"
    if path.stat().st_size > kind.max_bytes:
        return f"is over {kind.max_described}: Telegram will not send it as it should"
    with path.open("rb") as file:
        if not file.read(len(kind.starts_with)).startswith(kind.starts_with):
            return f"is not {kind.described} inside (save it as OGG with the Opus codec)"
    return None


def parse(source: Source) -> tuple[Consultation | None, list[Problem]]:
    """Parse one consultation's YAML and find every problem in it at once, each with its line;
    returns the consultation only if it has no problems (warnings aside)."""
    try:
        raw, lines = read_yaml(source.text)
    except NotLoaded as error:
        return None, [Problem(source.name, WHOLE_FILE, error.reason, line=error.line)]
    if not isinstance(raw, dict):
        reason = "the file should be a YAML mapping (id:, title:, ...)"
        return None, [Problem(source.name, WHOLE_FILE, reason, line=lines.at(()))]
    checking = _Checking(source, raw, lines, _question_names(raw))
    problems = [
        checking.problem(
            where, f"{checking.field_path(where)}: written twice (lines {first} and {line}): keep one"
        )
        for where, first, line in lines.twice
    ]
    reported: set[Where] = set()  # places with a problem already: one each is enough
    for wording in translations.without_english(raw):
        reported.add(where := checking.wording(wording))
        problems.append(checking.problem(where, f"{wording.path}: needs English too (en: ...)"))
    consultation, errors, set_right = _validate(translations.in_language(raw, ENGLISH))
    problems += checking.errors(errors, reported)
    questions = set_right.get("questions")
    if isinstance(questions, list) and isinstance(raw.get("questions"), list):
        checked = [_valid_question(q) for q in questions]
        problems += _question_problems(checking, str(raw.get("id") or ""), checked)
    written = raw.get("languages", [ENGLISH])
    declared = {str(language) for language in written} if isinstance(written, list) else set()
    problems += _translation_problems(checking, declared)
    if consultation is not None:
        problems += _length_warnings(checking, consultation)
    for language in sorted((declared | translations.languages_given(raw)) & set(LANGUAGES) - {ENGLISH}):
        translated, errors, _ = _validate(translations.in_language(raw, language))
        problems += checking.errors(errors, reported, language)
        if translated is None or consultation is None:
            continue
        problems += _length_warnings(checking, translated, language)
        problems += [  # a recording per language (pictures are the same in every language)
            checking.problem(("questions", n, "audio"), f"audio (in {language}): '{q.audio}' {problem}")
            for n, q in enumerate(translated.questions)
            if q.audio and (problem := _file_problem(source.folder.resolve(), q.audio, RECORDING))
        ]
        consultation.add_wording(language, translated)
    problems.sort(key=lambda p: p.line)
    errors_found = [p for p in problems if not p.warning]
    return (None if errors_found else consultation), problems


def _valid_question(raw: Any) -> Question | None:
    try:
        return _QUESTION.validate_python(raw)
    except ValidationError:
        return None


def stale_translations(file: str, before: str, after: str) -> list[Problem]:
    """Warnings for translations left as they were when their English changed (`before` and
    `after` are two versions of one consultation's YAML, both already parsed without errors)."""
    try:
        earlier, (later, lines) = load_yaml(before), read_yaml(after)
    except NotLoaded:
        return []
    if not isinstance(earlier, dict) or not isinstance(later, dict):
        return []
    checking = _Checking(Source(file, after, Path()), later, lines, _question_names(later))
    return [
        checking.problem(
            checking.wording(field),
            f"{field.path}: the English changed but the {language} did not: check it still says the same",
            warning=True,
        )
        for field, language in translations.stale(earlier, later)
    ]


TEXT_LINT = 200  # characters: a question longer than this is a lot to read on a phone
LABEL_LINT = 30  # characters: about what a phone shows on a button before cutting it off


def _length_warnings(checking: _Checking, consultation: Consultation, language: str = "") -> list[Problem]:
    """Long questions and button labels: allowed, but worth shortening."""
    where = f" (in {language})" if language else ""
    warnings = []
    if len(consultation.title) > LABEL_LINT:
        reason = (
            f"title{where}: {len(consultation.title)} characters; it is a button, "
            f"and a phone shows about {LABEL_LINT} before cutting it off"
        )
        warnings.append(checking.problem(("title",), reason, warning=True))
    for number, question in enumerate(consultation.questions):
        for name, text in (("text", question.text), ("easy_text", question.easy_text or "")):
            if len(text) > TEXT_LINT:
                reason = (
                    f"{name}{where}: {len(text)} characters; keep a question under about {TEXT_LINT} "
                    "so it is quick to read on a phone (an easy_text helps too)"
                )
                warnings.append(checking.problem(("questions", number, name), reason, warning=True))
        for place, option in enumerate(getattr(question, "options", [])):
            if len(option.label) > LABEL_LINT:
                reason = (
                    f"options.{option.id}.label{where}: {len(option.label)} characters; a phone shows "
                    f"about {LABEL_LINT} on a button before cutting it off"
                )
                at = ("questions", number, "options", place, "label")
                warnings.append(checking.problem(at, reason, warning=True))
    return warnings


def _translation_problems(checking: _Checking, declared: set[str]) -> list[Problem]:
    """A language the file declares must be complete (an error); one it translates without
    declaring may be partial (a warning for each gap)."""
    problems = []
    speaks = ", ".join(LANGUAGES)
    raw = checking.raw
    for language in sorted(declared - set(LANGUAGES)):
        reason = f"languages: the bot doesn't speak '{language}' yet (it speaks {speaks})"
        problems.append(checking.problem(("languages",), reason))
    for language in sorted(translations.languages_given(raw) - declared):
        if language not in LANGUAGES:
            reason = f"translations in '{language}' are not used: the bot doesn't speak it yet ({speaks})"
            problems.append(checking.problem((), reason, warning=True))
            continue
        problems += [
            checking.problem(
                checking.wording(field),
                f"{field.path}: no {language} translation, so it shows in English",
                warning=True,
            )
            for field in translations.missing(raw, language)
        ]
    for language in sorted(declared & set(LANGUAGES) - {ENGLISH}):
        problems += [
            checking.problem(
                checking.wording(field),
                f"{field.path}: no {language} translation, and the file declares languages: {language}",
            )
            for field in translations.missing(raw, language)
        ]
    return problems


def survey_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        else:
            files.append(path)
    return files


def read_files(paths: Iterable[Path]) -> tuple[list[Source], list[Problem]]:
    """Every consultation file's text; the files that cannot be read, as problems."""
    sources, problems = [], []
    for path in survey_files(paths):
        try:
            if path.stat().st_size > YAML_MAX_BYTES:  # not even read into memory
                problems.append(Problem(str(path), WHOLE_FILE, YAML_TOO_BIG))
                continue
            sources.append(Source(str(path), path.read_text(encoding="utf-8"), path.parent))
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(str(path), WHOLE_FILE, f"cannot read the file: {error}"))
    return sources, problems


def load(paths: Iterable[Path]) -> tuple[Catalogue, list[Problem]]:
    """Load every file; the valid ones go in the catalogue, the rest are reported."""
    sources, problems = read_files(paths)
    consultations, found = load_sources(sources)
    return Catalogue(consultations), problems + found


def load_sources(
    sources: Iterable[Source], others: dict[str, Consultation] | None = None
) -> tuple[dict[str, Consultation], list[Problem]]:
    """Parse each source and check them together (ids used once; a vote's options_from names a
    suggestion question among them or among `others`). The valid ones, by id, and the problems."""
    consultations: dict[str, Consultation] = {}
    files: dict[str, str] = {}
    problems: list[Problem] = []
    for source in sources:
        consultation, found = parse(source)
        problems += found
        if consultation is None:
            continue
        if consultation.id in consultations:
            problems.append(
                Problem(source.name, WHOLE_FILE, f"consultation id '{consultation.id}' is already used")
            )
            continue
        consultations[consultation.id] = consultation
        files[consultation.id] = source.name
    problems += _source_problems(consultations, files, others or {})
    for consultation_id in {p.consultation for p in problems if p.consultation}:
        consultations.pop(consultation_id, None)
    return consultations, problems


def _source_problems(
    consultations: dict[str, Consultation], files: dict[str, str], others: dict[str, Consultation]
) -> list[Problem]:
    """A ranked question's options_from must name a suggestion question that exists."""
    problems = []
    for consultation in consultations.values():
        for question in consultation.questions:
            if not isinstance(question, RankedQuestion) or question.options_from is None:
                continue
            source_id, _, question_id = question.options_from.partition("/")
            source = consultations.get(source_id) or others.get(source_id)
            found = source.question(question_id) if source else None
            if not isinstance(found, SuggestionQuestion):
                reason = (
                    f"options_from: '{question.options_from}' is not a suggestion question in any loaded "
                    "consultation (write it as <consultation id>/<question id>)"
                )
                problems.append(Problem(files[consultation.id], question.id, reason, consultation.id))
    return problems
