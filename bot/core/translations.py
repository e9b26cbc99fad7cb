"""Translations inside a consultation file. Any wording field (`title`, `intro`, `easy_intro`,
`text`, `easy_text`, `label`, a scale's `labels`) may be a plain string (English) or a mapping of
languages, `text: {en: "...", ar: "..."}`; so may a question's `audio` recording. This splits a
file's parsed YAML into one plain version per language, and finds what each language is missing.
Ids are never translated, so answers are the same in every language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WORDING = frozenset({"title", "intro", "easy_intro", "text", "easy_text", "label"})
SCALE_LABELS = "labels"  # {point: wording}
# A recording is in one language: `audio: media/q1.ogg` is English, `audio: {ar: ...}` per language.
# Nobody is played a recording in a language other than theirs.
AUDIO = "audio"
ENGLISH = "en"


@dataclass(frozen=True)
class Field:
    """One wording field: where it is (e.g. "why.text"), and its text in each language given."""

    path: str
    question: str  # the question's id, or "" for the consultation's own fields
    texts: dict[str, str]  # the languages it has words in
    named: frozenset[str]  # the languages it mentions, words or not (`ar: null` is a gap)
    place: int  # the question's place in the file, from 0 (two may have one id); -1 for the file's own


def fields(raw: dict[str, Any]) -> list[Field]:
    """Every wording field of a consultation file, in file order."""
    found = [_field(key, "", raw[key], -1) for key in ("title", "intro", "easy_intro") if key in raw]
    questions = raw.get("questions")
    for number, question in enumerate(questions if isinstance(questions, list) else [], 1):
        if not isinstance(question, dict):
            continue
        question_id = str(question.get("id") or f"question {number}")
        found += [_field(path, question_id, value, number - 1) for path, value in _question_wording(question)]
    return found


def _question_wording(question: dict[str, Any]) -> list[tuple[str, Any]]:
    found = [(key, question[key]) for key in ("text", "easy_text") if key in question]
    options = question.get("options")
    for number, option in enumerate(options if isinstance(options, list) else [], 1):
        if isinstance(option, dict) and "label" in option:
            found.append((f"options.{option.get('id', number)}.label", option["label"]))
    labels = question.get(SCALE_LABELS)
    if isinstance(labels, dict):
        found += [(f"labels.{point}", value) for point, value in labels.items()]
    return found


def _field(path: str, question: str, value: Any, place: int) -> Field:
    if not isinstance(value, dict):
        return Field(path, question, {ENGLISH: str(value)}, frozenset({ENGLISH}), place)
    texts = {str(language): str(text) for language, text in value.items() if text is not None}
    return Field(path, question, texts, frozenset(str(language) for language in value), place)


def languages_given(raw: dict[str, Any]) -> set[str]:
    """Every language the file has words or recordings in, besides English."""
    questions = raw.get("questions")
    recorded = {
        str(language)
        for question in (questions if isinstance(questions, list) else [])
        if isinstance(question, dict) and isinstance(question.get(AUDIO), dict)
        for language in question[AUDIO]
    }
    return ({language for field in fields(raw) for language in field.named} | recorded) - {ENGLISH}


def missing(raw: dict[str, Any], language: str) -> list[Field]:
    """The wording fields with no text in `language` (they would show in English). Wording with
    no letters (an emoji, a number) reads the same in every language."""
    return [
        field
        for field in fields(raw)
        if language not in field.texts and any(c.isalpha() for c in field.texts.get(ENGLISH, ""))
    ]


def without_english(raw: dict[str, Any]) -> list[Field]:
    return [field for field in fields(raw) if ENGLISH not in field.texts]


def in_language(raw: Any, language: str) -> Any:
    """The file's YAML with every wording field in `language` (English where it has none)."""
    if isinstance(raw, list):
        return [in_language(item, language) for item in raw]
    if not isinstance(raw, dict):
        return raw
    plain = {}
    for key, value in raw.items():
        if key in WORDING and isinstance(value, dict):
            plain[key] = value.get(language) or value.get(ENGLISH)
        elif key == AUDIO:
            plain[key] = (
                value.get(language) if isinstance(value, dict) else value if language == ENGLISH else None
            )
        elif key == SCALE_LABELS and isinstance(value, dict):
            plain[key] = {
                point: (text.get(language) or text.get(ENGLISH)) if isinstance(text, dict) else text
                for point, text in value.items()
            }
        else:
            plain[key] = in_language(value, language)
    return plain


def stale(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[Field, str]]:
    """Wording whose English changed between two versions of a file while a translation of it
    stayed the same: (the field, the language) of each such translation."""
    earlier = {(f.question, f.path): f for f in fields(before)}
    found = []
    for field in fields(after):
        previous = earlier.get((field.question, field.path))
        if previous is None or previous.texts.get(ENGLISH) == field.texts.get(ENGLISH):
            continue
        found += [
            (field, language)
            for language, text in field.texts.items()
            if language != ENGLISH and previous.texts.get(language) == text
        ]
    return found
