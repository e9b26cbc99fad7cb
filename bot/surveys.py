"""Load consultation files (YAML) and report every problem as `file: question id: reason`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.core import i18n, translations
from bot.core.actions import CALLBACK_DATA_MAX_BYTES, Action, Kind, encoded_size
from bot.core.i18n import LANGUAGES
from bot.core.models import (
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

    def __str__(self) -> str:
        return f"{self.file}: {self.question}: {'warning: ' if self.warning else ''}{self.reason}"


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
    """A consultation file's YAML that was not read; `reason` says why in plain words (with the
    line when there is one) and never holds a traceback."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def load_yaml(text: str) -> Any:
    """The one way the bot reads YAML from outside (consultation files, uploads, quick polls and the
    definitions recorded from them): PyYAML's safe loader, refusing anchors and aliases, more than
    YAML_MAX_BYTES and nesting deeper than YAML_MAX_DEPTH. Raises NotLoaded."""
    if len(text) > YAML_MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > YAML_MAX_BYTES:
        raise NotLoaded(YAML_TOO_BIG)
    try:
        depth = 0
        # The events alone first: cheap, and nothing is built from them.
        for event in yaml.parse(text, Loader=_LOADER):
            line = event.start_mark.line + 1 if event.start_mark is not None else 0
            if getattr(event, "anchor", None) is not None:  # `&name` on a node, or a `*name` alias
                raise NotLoaded(f"line {line}: {NO_ANCHORS}")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > YAML_MAX_DEPTH:
                    raise NotLoaded(
                        f"line {line}: lists and mappings are nested more than {YAML_MAX_DEPTH} deep"
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        loader = _LOADER(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise NotLoaded(f"not valid YAML{where}: {error}") from None
    except (ValueError, OverflowError) as error:  # e.g. 2025-02-30, or an integer of 5,000 digits
        raise NotLoaded(f"a value cannot be read: {error}") from None


def _worded(consultation: Consultation) -> Consultation:
    """In the language (and easy read, or not) of the young person being answered."""
    reading = i18n.current()
    return consultation.worded_for(reading.language, reading.easy)


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


def _condition_problem(question: Question, earlier: dict[str, Question]) -> str | None:
    """Why a `show_if` can never work as written, or None. It may only look at an earlier question,
    with a test and values that question's answers can have."""
    condition = question.show_if
    if condition is None:
        return None
    where = f"show_if: question '{condition.question}'"
    target = earlier.get(condition.question)
    if target is None:
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


def _whole_consultation_problems(source: Source, consultation: Consultation) -> list[Problem]:
    file = source.name
    problems = []
    seen: dict[str, Question] = {}
    for question in consultation.questions:
        if question.id in seen:
            problems.append(Problem(file, question.id, "this question id is used twice"))
        condition_problem = _condition_problem(question, seen)
        if condition_problem:
            problems.append(Problem(file, question.id, condition_problem))
        seen[question.id] = question
        longest = longest_button(consultation.id, question)
        if longest > CALLBACK_DATA_MAX_BYTES:
            problems.append(
                Problem(
                    file,
                    question.id,
                    f"the ids are too long for a Telegram button ({longest} bytes of button data, "
                    f"the limit is {CALLBACK_DATA_MAX_BYTES}): shorten the consultation, question "
                    "or option ids",
                )
            )
        problems += [Problem(file, question.id, p) for p in _media_problems(source.folder, question)]
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


def _media_problems(folder: Path, question: Question) -> list[str]:
    """Pictures and recordings must be files of the right kind under the consultation file's
    folder, small enough to send."""
    files = [(f"audio: '{question.audio}'", question.audio, RECORDING)] if question.audio else []
    if isinstance(question, ImageChoiceQuestion):
        files += [(f"options.{o.id}.image: '{o.image}'", o.image, PICTURE) for o in question.options]
    problems = []
    for where, relative, kind in files:
        problem = _file_problem(folder.resolve(), relative, kind)
        if problem:
            problems.append(f"{where} {problem}")
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


def _question_id_at(raw: Any, location: tuple[int | str, ...]) -> str:
    """The id of the question a pydantic error location points into, if it points into one."""
    if len(location) >= 2 and location[0] == "questions" and isinstance(location[1], int):
        try:
            question = raw["questions"][location[1]]
            return str(question.get("id") or f"question {location[1] + 1}")
        except (KeyError, IndexError, TypeError, AttributeError):
            return f"question {location[1] + 1}"
    return WHOLE_FILE


# pydantic's wording, where it is not plain enough for a youth worker writing a file
PLAIN_WORDS = {
    "missing": "missing: please add it",
    "extra_forbidden": "not a field consultations have: check the spelling (surveys/README.md lists them)",
    "string_pattern_mismatch": "use only small letters, digits and hyphens, starting with a letter or "
    "digit (e.g. hub-design)",
}


def _describe(error: ErrorDetails) -> str:
    """`field: reason`, with the field path inside its question (e.g. "options.0.label")."""
    parts = list(error["loc"])
    if parts[:1] == ["questions"] and len(parts) >= 2 and isinstance(parts[1], int):
        parts = parts[2:]
        if parts and parts[0] in QUESTION_TYPES:  # the discriminator pydantic adds to the path
            parts = parts[1:]
    if error["type"] == "union_tag_invalid":
        given = (error.get("ctx") or {}).get("tag", "?")
        parts, message = ["type"], f"'{given}' is not a question type; use one of {', '.join(QUESTION_TYPES)}"
    else:
        message = PLAIN_WORDS.get(error["type"]) or error["msg"].removeprefix("Value error, ")
    field = ".".join(str(p) for p in parts)
    return f"{field}: {message}" if field else message


def parse(source: Source) -> tuple[Consultation | None, list[Problem]]:
    """Parse one consultation's YAML; returns the consultation only if it has no problems."""
    file, text = source.name, source.text
    try:
        raw = load_yaml(text)
    except NotLoaded as error:
        return None, [Problem(file, WHOLE_FILE, error.reason)]
    if not isinstance(raw, dict):
        return None, [Problem(file, WHOLE_FILE, "the file should be a YAML mapping (id:, title:, ...)")]
    no_english = [
        Problem(file, field.question or WHOLE_FILE, f"{field.path}: needs English too (en: ...)")
        for field in translations.without_english(raw)
    ]
    if no_english:
        return None, no_english
    try:
        consultation = Consultation.model_validate(translations.in_language(raw, translations.ENGLISH))
    except ValidationError as error:
        return None, [Problem(file, _question_id_at(raw, e["loc"]), _describe(e)) for e in error.errors()]
    problems = _whole_consultation_problems(source, consultation)
    problems += _translation_problems(file, raw, consultation) + _length_warnings(file, consultation)
    given = set(consultation.languages) | translations.languages_given(raw)
    for language in sorted(given & set(LANGUAGES) - {translations.ENGLISH}):
        try:
            translated = Consultation.model_validate(translations.in_language(raw, language))
        except ValidationError as error:
            problems += [
                Problem(file, _question_id_at(raw, e["loc"]), f"{_describe(e)} (in {language})")
                for e in error.errors()
            ]
            continue
        problems += _length_warnings(file, translated, language)
        problems += [  # a recording per language (pictures are the same in every language)
            Problem(file, q.id, f"audio (in {language}): '{q.audio}' {problem}")
            for q in translated.questions
            if q.audio and (problem := _file_problem(source.folder.resolve(), q.audio, RECORDING))
        ]
        consultation.add_wording(language, translated)
    errors = [p for p in problems if not p.warning]
    return (None if errors else consultation), problems


def stale_translations(file: str, before: str, after: str) -> list[Problem]:
    """Warnings for translations left as they were when their English changed (`before` and
    `after` are two versions of one consultation's YAML, both already parsed without errors)."""
    try:
        earlier, later = load_yaml(before), load_yaml(after)
    except NotLoaded:
        return []
    if not isinstance(earlier, dict) or not isinstance(later, dict):
        return []
    return [
        Problem(
            file,
            field.question or WHOLE_FILE,
            f"{field.path}: the English changed but the {language} did not: check it still says the same",
            warning=True,
        )
        for field, language in translations.stale(earlier, later)
    ]


TEXT_LINT = 200  # characters: a question longer than this is a lot to read on a phone
LABEL_LINT = 30  # characters: about what a phone shows on a button before cutting it off


def _length_warnings(file: str, consultation: Consultation, language: str = "") -> list[Problem]:
    """Long questions and button labels: allowed, but worth shortening."""
    where = f" (in {language})" if language else ""
    warnings = []
    if len(consultation.title) > LABEL_LINT:
        warnings.append(
            Problem(
                file,
                WHOLE_FILE,
                f"title{where}: {len(consultation.title)} characters; it is a button, "
                f"and a phone shows about {LABEL_LINT} before cutting it off",
                warning=True,
            )
        )
    for question in consultation.questions:
        for name, text in (("text", question.text), ("easy_text", question.easy_text or "")):
            if len(text) > TEXT_LINT:
                reason = (
                    f"{name}{where}: {len(text)} characters; keep a question under about {TEXT_LINT} "
                    "so it is quick to read on a phone (an easy_text helps too)"
                )
                warnings.append(Problem(file, question.id, reason, warning=True))
        for option in getattr(question, "options", []):
            if len(option.label) > LABEL_LINT:
                reason = (
                    f"options.{option.id}.label{where}: {len(option.label)} characters; a phone shows "
                    f"about {LABEL_LINT} on a button before cutting it off"
                )
                warnings.append(Problem(file, question.id, reason, warning=True))
    return warnings


def _translation_problems(file: str, raw: dict[str, Any], consultation: Consultation) -> list[Problem]:
    """A language the file declares must be complete (an error); one it translates without
    declaring may be partial (a warning for each gap)."""
    problems = []
    speaks = ", ".join(LANGUAGES)
    declared = set(consultation.languages)
    for language in sorted(declared - set(LANGUAGES)):
        reason = f"languages: the bot doesn't speak '{language}' yet (it speaks {speaks})"
        problems.append(Problem(file, WHOLE_FILE, reason))
    for language in sorted(translations.languages_given(raw) - declared):
        if language not in LANGUAGES:
            reason = f"translations in '{language}' are not used: the bot doesn't speak it yet ({speaks})"
            problems.append(Problem(file, WHOLE_FILE, reason, warning=True))
            continue
        problems += [
            Problem(
                file,
                field.question or WHOLE_FILE,
                f"{field.path}: no {language} translation, so it shows in English",
                warning=True,
            )
            for field in translations.missing(raw, language)
        ]
    for language in sorted(declared & set(LANGUAGES) - {translations.ENGLISH}):
        problems += [
            Problem(
                file,
                field.question or WHOLE_FILE,
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
