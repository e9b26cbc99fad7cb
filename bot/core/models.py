"""Consultation definitions: what a participation worker writes in a YAML file."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Ids appear in deep links (t.me/<bot>?start=<id>) and in button data, so keep them short and plain.
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
CONSULTATION_ID_MAX = 32
QUESTION_ID_MAX = 24
OPTION_ID_MAX = 24
# A phone screen shows about this many characters on a full-width button before cutting it off.
BUTTON_LABEL_MAX = 40
QUESTION_TEXT_MAX = 1000
TEXT_ANSWER_MAX = 2000
# The most options a question shows (a ranked one counting shortlisted ideas): what a phone shows
# comfortably, and what the team's table of a vote's rounds holds.
OPTIONS_MAX = 20


class QuestionType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    SCALE = "scale"
    TEXT = "text"
    SUGGESTION = "suggestion"
    RANKED = "ranked"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=OPTION_ID_MAX)]
    label: Annotated[str, Field(min_length=1, max_length=BUTTON_LABEL_MAX)]


class _QuestionBase(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=QUESTION_ID_MAX)]
    text: Annotated[str, Field(min_length=1, max_length=QUESTION_TEXT_MAX)]
    optional: bool = False


class _ChoiceQuestion(_QuestionBase):
    options: Annotated[list[Option], Field(min_length=2, max_length=OPTIONS_MAX)]

    @field_validator("options")
    @classmethod
    def _unique_option_ids(cls, options: list[Option]) -> list[Option]:
        seen: set[str] = set()
        for option in options:
            if option.id in seen:
                raise ValueError(f"option id '{option.id}' is used twice")
            seen.add(option.id)
        return options

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


class SingleChoiceQuestion(_ChoiceQuestion):
    type: Literal[QuestionType.SINGLE_CHOICE]


class MultiChoiceQuestion(_ChoiceQuestion):
    type: Literal[QuestionType.MULTI_CHOICE]
    max_choices: Annotated[int | None, Field(ge=1)] = None

    @model_validator(mode="after")
    def _max_fits_options(self) -> MultiChoiceQuestion:
        if self.max_choices is not None and self.max_choices > len(self.options):
            raise ValueError(
                f"max_choices is {self.max_choices} but there are only {len(self.options)} options"
            )
        return self

    @property
    def choice_limit(self) -> int:
        return self.max_choices or len(self.options)


class ScaleQuestion(_QuestionBase):
    type: Literal[QuestionType.SCALE]
    min: int = 1
    max: int = 5
    labels: dict[int, Annotated[str, Field(min_length=1, max_length=12)]] = {}

    @model_validator(mode="after")
    def _sensible_range(self) -> ScaleQuestion:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be less than max ({self.max})")
        # One row of buttons on a phone: more than 10 become unreadable slivers.
        if self.max - self.min + 1 > 10:
            raise ValueError(f"a scale can have at most 10 points, not {self.max - self.min + 1}")
        outside = sorted(k for k in self.labels if not self.min <= k <= self.max)
        if outside:
            raise ValueError(f"labels {outside} are outside {self.min}..{self.max}")
        return self

    def points(self) -> range:
        return range(self.min, self.max + 1)


class TextQuestion(_QuestionBase):
    type: Literal[QuestionType.TEXT]
    max_length: Annotated[int, Field(ge=1, le=TEXT_ANSWER_MAX)] = 500


class SuggestionQuestion(_QuestionBase):
    """Young people type their own ideas (e.g. names); workers moderate them before anyone else
    sees them, and approved ones can be shortlisted for a vote."""

    type: Literal[QuestionType.SUGGESTION]
    max_per_person: Annotated[int, Field(ge=1, le=10)] = 3
    # An approved idea becomes a ballot button, so it must fit one.
    max_length: Annotated[int, Field(ge=3, le=BUTTON_LABEL_MAX)] = 40
    ask_why: bool = True


IDEA_OPTION_PREFIX = "i"  # a shortlisted idea's option id is "i<idea number>"
_IDEA_OPTION = re.compile(rf"^{IDEA_OPTION_PREFIX}\d+$")
# "<consultation id>/<question id>" of a suggestion question whose shortlisted ideas join the ballot
SOURCE_PATTERN = r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$"


class RankedQuestion(_QuestionBase):
    """Put the options in order of preference, favourite first; stop after any number."""

    type: Literal[QuestionType.RANKED]
    options: Annotated[list[Option], Field(max_length=OPTIONS_MAX)] = []
    options_from: Annotated[str | None, Field(pattern=SOURCE_PATTERN)] = None

    @model_validator(mode="after")
    def _enough_options(self) -> RankedQuestion:
        ids = [o.id for o in self.options]
        if len(ids) != len(set(ids)):
            raise ValueError("an option id is used twice")
        if self.options_from is None and len(ids) < 2:
            raise ValueError("needs at least 2 options, or options_from to take them from ideas")
        if self.options_from is not None and any(_IDEA_OPTION.match(i) for i in ids):
            raise ValueError("option ids like 'i12' are kept for shortlisted ideas: choose another id")
        return self

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


Question = Annotated[
    SingleChoiceQuestion
    | MultiChoiceQuestion
    | ScaleQuestion
    | TextQuestion
    | SuggestionQuestion
    | RankedQuestion,
    Field(discriminator="type"),
]


class Consultation(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=CONSULTATION_ID_MAX)]
    title: Annotated[str, Field(min_length=1, max_length=BUTTON_LABEL_MAX)]
    intro: Annotated[str, Field(min_length=1, max_length=QUESTION_TEXT_MAX)]
    anonymous: bool = True
    # Young people may come back and change their answers (e.g. their vote) until it closes.
    allow_changes: bool = False
    # When young people see a vote's result: after it closes, or never (the team shares it).
    share_results: Literal["after_close", "never"] = "after_close"
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    questions: Annotated[list[Question], Field(min_length=1, max_length=50)]

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _timezone_required(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a timezone, e.g. 2026-01-11T09:00:00+00:00")
        return value

    @model_validator(mode="after")
    def _closes_after_opens(self) -> Consultation:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def is_vote(self) -> bool:
        return any(isinstance(q, RankedQuestion) for q in self.questions)

    def is_open(self, now: datetime) -> bool:
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)
