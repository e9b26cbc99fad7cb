"""Consultation definitions: what a participation worker writes in a YAML file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.core import texts

ENGLISH = "en"  # every consultation's own language; others are translations of it
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
    RANKING = "ranking"
    YES_NO = "yes_no"
    IMAGE_CHOICE = "image_choice"
    PHOTO = "photo"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=OPTION_ID_MAX)]
    label: Annotated[str, Field(min_length=1, max_length=BUTTON_LABEL_MAX)]
    # Multi choice: an answer that stands alone ("None of these"): ticking it unticks the others,
    # and ticking another unticks it.
    exclusive: bool = False


class Condition(_Strict):
    """`show_if`: ask a question only when an earlier answer matches. Exactly one test."""

    question: Annotated[str, Field(pattern=ID_PATTERN, max_length=QUESTION_ID_MAX)]
    equals: str | int | None = None  # an option id, "yes"/"no", or a scale point
    one_of: list[str | int] | None = None
    at_least: int | None = None  # scales
    at_most: int | None = None
    includes: str | None = None  # multi choice: this option was among those picked

    @field_validator("equals", mode="before")
    @classmethod
    def _yes_no_words(cls, value: object) -> object:
        # YAML reads a bare yes/no as true/false; a worker writing `equals: yes` means "yes".
        return {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value

    @field_validator("one_of", mode="before")
    @classmethod
    def _yes_no_list(cls, value: object) -> object:
        if isinstance(value, list):
            return [{True: "yes", False: "no"}[v] if isinstance(v, bool) else v for v in value]
        return value

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = [t for t in CONDITION_TESTS if getattr(self, t) is not None]
        if len(tests) != 1:
            raise ValueError(f"needs exactly one of {', '.join(CONDITION_TESTS)} (found {len(tests)})")
        return self

    @property
    def test(self) -> str:
        return next(t for t in CONDITION_TESTS if getattr(self, t) is not None)


CONDITION_TESTS = ("equals", "one_of", "at_least", "at_most", "includes")


class _QuestionBase(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=QUESTION_ID_MAX)]
    text: Annotated[str, Field(min_length=1, max_length=QUESTION_TEXT_MAX)]
    # A shorter, simpler wording for young people who chose easy read.
    easy_text: Annotated[str | None, Field(min_length=1, max_length=QUESTION_TEXT_MAX)] = None
    # A voice note (OGG/Opus, under the surveys folder) sent with the question to those who listen.
    audio: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    optional: bool = False
    # Offer "I'd rather not say" (recorded as such, unlike a skip): for sensitive questions.
    rather_not_say: bool = False
    show_if: Condition | None = None


def _unique_ids(options: Sequence[Option]) -> None:
    seen: set[str] = set()
    for option in options:
        if option.id in seen:
            raise ValueError(f"option id '{option.id}' is used twice")
        seen.add(option.id)


class _PicksAnOption:
    """A question answered by picking among its `options`, by id. (No annotation here: pydantic
    would make `options` a field of every subclass, including yes/no's fixed two.)"""

    def option(self, option_id: str) -> Option | None:
        options: Sequence[Option] = self.options  # type: ignore[attr-defined]
        return next((o for o in options if o.id == option_id), None)


class _WithOptions(_QuestionBase, _PicksAnOption):
    options: Sequence[Option]

    @field_validator("options")
    @classmethod
    def _unique_option_ids(cls, options: Sequence[Option]) -> Sequence[Option]:
        _unique_ids(options)
        return options

    @model_validator(mode="after")
    def _exclusive_only_where_several_can_be_ticked(self) -> _WithOptions:
        if not isinstance(self, MultiChoiceQuestion) and any(o.exclusive for o in self.options):
            raise ValueError(
                "exclusive only works in a multi_choice question, where several options can be ticked"
            )
        return self


class _ChoiceQuestion(_WithOptions):
    options: Annotated[list[Option], Field(min_length=2, max_length=OPTIONS_MAX)]


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
    # Emoji faces with words, one big button each (a 3- or 5-point scale starting at 1).
    faces: bool = False

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
        if self.faces and (self.min, self.max) not in ((1, 3), (1, 5)):
            raise ValueError("faces needs a scale from 1 to 3 or from 1 to 5")
        if self.faces and self.labels:
            raise ValueError("use either faces or labels, not both")
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


class OrderingQuestion(_WithOptions):
    """Put the options in order, favourite (or most important) first: tap them in turn, Undo or
    Start again, stop after any number. `ranked` is a vote (counted by instant-runoff), `ranking`
    a question whose results are average ranks and Borda scores."""

    options: Annotated[list[Option], Field(max_length=OPTIONS_MAX)] = []

    @model_validator(mode="after")
    def _enough_options(self) -> OrderingQuestion:
        if not self.draws_from_ideas and len(self.options) < 2:
            raise ValueError("needs at least 2 options, or options_from to take them from ideas")
        return self

    @property
    def draws_from_ideas(self) -> bool:
        return False


class RankedQuestion(OrderingQuestion):
    type: Literal[QuestionType.RANKED]
    options_from: Annotated[str | None, Field(pattern=SOURCE_PATTERN)] = None

    @property
    def draws_from_ideas(self) -> bool:
        return self.options_from is not None

    @model_validator(mode="after")
    def _idea_ids_kept(self) -> RankedQuestion:
        if self.draws_from_ideas and any(_IDEA_OPTION.match(o.id) for o in self.options):
            raise ValueError("option ids like 'i12' are kept for shortlisted ideas: choose another id")
        return self


class RankingQuestion(OrderingQuestion):
    type: Literal[QuestionType.RANKING]


class YesNoQuestion(_QuestionBase, _PicksAnOption):
    type: Literal[QuestionType.YES_NO]

    @property
    def options(self) -> Sequence[Option]:
        """👍 Yes and 👎 No in the language being spoken (the ids are the same in every one)."""
        return _yes_no(texts.YES_OPTION, texts.NO_OPTION)


@cache
def _yes_no(yes: str, no: str) -> tuple[Option, Option]:
    return Option(id="yes", label=yes), Option(id="no", label=no)


ALBUM_MAX = 10  # Telegram sends at most 10 pictures in one album


class ImageOption(Option):
    image: Annotated[str, Field(min_length=1, max_length=200)]  # a file under surveys/, e.g. media/a.png


class ImageChoiceQuestion(_WithOptions):
    """Pick one of several pictures: they arrive as an album, numbered, with a button for each."""

    type: Literal[QuestionType.IMAGE_CHOICE]
    options: Annotated[list[ImageOption], Field(min_length=2, max_length=ALBUM_MAX)]


class PhotoQuestion(_QuestionBase):
    """The young person sends a photo or a picture of a drawing; stored without its metadata."""

    type: Literal[QuestionType.PHOTO]


# Questions answered by tapping one option.
PickOneQuestion = SingleChoiceQuestion | YesNoQuestion | ImageChoiceQuestion

Question = Annotated[
    SingleChoiceQuestion
    | MultiChoiceQuestion
    | ScaleQuestion
    | TextQuestion
    | SuggestionQuestion
    | RankedQuestion
    | RankingQuestion
    | YesNoQuestion
    | ImageChoiceQuestion
    | PhotoQuestion,
    Field(discriminator="type"),
]


# The standard "about you" questions a consultation may ask (`bot.about_you.questions`).
AboutYouField = Literal["age_band", "gender", "area", "care_experience", "disability", "ethnicity"]

PREVIEW_MARK = "~p"  # a worker's preview copy has its consultation's id with this after it


class Consultation(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=CONSULTATION_ID_MAX)]
    title: Annotated[str, Field(min_length=1, max_length=BUTTON_LABEL_MAX)]
    intro: Annotated[str, Field(min_length=1, max_length=QUESTION_TEXT_MAX)]
    # A shorter, simpler intro for young people who chose easy read.
    easy_intro: Annotated[str | None, Field(min_length=1, max_length=QUESTION_TEXT_MAX)] = None
    # For readers of a language the file has no words in: listed with a mark saying which
    # language it is in ("show"), or left out of their list ("hide").
    other_languages: Literal["show", "hide"] = "show"
    anonymous: bool = True
    # Young people may come back and change their answers (e.g. their vote) until it closes.
    allow_changes: bool = False
    # When young people see a vote's result: after it closes, or never (the team shares it).
    share_results: Literal["after_close", "never"] = "after_close"
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    # Languages the file promises in full (the checker refuses it while any wording is missing).
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = ["en"]
    questions: Annotated[list[Question], Field(min_length=1, max_length=50)]
    # The "about you" questions it uses, asked (once per young person) after their answers are sent.
    about_you: tuple[AboutYouField, ...] = ()
    # The wording in each language the file has: {language: (title, intro, easy intro, questions)}.
    _wording: dict[str, tuple[str, str, str | None, list[Question]]] = PrivateAttr(default_factory=dict)

    @field_validator("about_you")
    @classmethod
    def _each_once_and_anonymous(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        twice = sorted({f for f in value if value.count(f) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} is listed twice")
        # A named response would put what they said about themselves beside their Telegram id.
        if value and info.data.get("anonymous") is False:
            raise ValueError("only for anonymous consultations (anonymous: true)")
        return value

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _timezone_required(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a timezone, e.g. 2026-01-11T09:00:00+00:00")
        return value

    # A field's check, not the whole consultation's: it runs (and is reported) even while other
    # fields have mistakes.
    @field_validator("closes_at")
    @classmethod
    def _closes_after_opens(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        opens_at = info.data.get("opens_at")
        if value is not None and opens_at is not None and value <= opens_at:
            raise ValueError("must be after opens_at")
        return value

    @property
    def preview_of(self) -> str | None:
        """The consultation this is a worker's preview copy of, if it is one."""
        return self.id.removesuffix(PREVIEW_MARK) if self.id.endswith(PREVIEW_MARK) else None

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def model_post_init(self, context: object) -> None:
        self._wording[ENGLISH] = (self.title, self.intro, self.easy_intro, self.questions)

    def add_wording(self, language: str, translated: Consultation) -> None:
        self._wording[language] = (
            translated.title,
            translated.intro,
            translated.easy_intro,
            translated.questions,
        )

    @property
    def worded_in(self) -> frozenset[str]:
        """The languages the file words it in (English always)."""
        return frozenset(self._wording)

    def worded_for(self, language: str, easy: bool) -> Consultation:
        """This consultation as a reader sees it: in their language where the file translates it
        (English elsewhere, without English recordings), with the easy-read intro and question texts
        if they asked for them. Everything else (ids, dates, settings) is this one's, so answers are the
        same in every wording. Works from any wording of it, not only the English."""
        title, intro, easy_intro, questions = self._wording.get(language, self._wording[ENGLISH])
        if language not in self._wording:  # nobody hears a recording in another language
            questions = [q.model_copy(update={"audio": None}) if q.audio else q for q in questions]
        if easy:
            intro = easy_intro or intro
            questions = [q.model_copy(update={"text": q.easy_text}) if q.easy_text else q for q in questions]
        if (title, intro) == (self.title, self.intro) and questions == self.questions:
            return self
        return self.model_copy(update={"title": title, "intro": intro, "questions": questions})

    @property
    def is_vote(self) -> bool:
        return any(isinstance(q, RankedQuestion) for q in self.questions)

    def is_open(self, now: datetime) -> bool:
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)
