"""The standard "about you" questions: the same few for every consultation, each one optional.

A consultation file names the ones it uses (`about_you: [age_band, area, care_experience]`); a
young person is asked each once, whichever consultation asks first, and can change or delete what
they said with /aboutyou. The areas are the council's own (`ABOUT_YOU_FILE`); the rest are fixed
here, so every consultation's figures mean the same thing. Their wording is in `bot.core.texts`
(translated like every other sentence); the team reads the English group names below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import get_args

from bot.core import texts
from bot.core.models import AboutYouField as Field

FIELDS: tuple[Field, ...] = get_args(Field)
# "I'd rather not say": an answer of its own, so they are not asked again, and counted as "not said".
# Short, for buttons, and never a group's id (ids start with a letter or digit).
RATHER_NOT = "~"


@dataclass(frozen=True)
class Group:
    id: str
    text: str | None  # its name in texts; None for an area, named as the council wrote it
    team: str  # the group's name in the team's tables (and an area's, to young people too)

    @property
    def wording(self) -> str:
        return str(getattr(texts, self.text)) if self.text else self.team


@dataclass(frozen=True)
class AboutQuestion:
    field: Field
    text: str  # a name in texts
    groups: tuple[Group, ...]
    team: str  # what the team's tables call it

    @property
    def wording(self) -> str:
        return str(getattr(texts, self.text))

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)


def _fixed(field: Field, text: str, team: str, *groups: tuple[str, str, str]) -> AboutQuestion:
    return AboutQuestion(field, text, tuple(Group(*g) for g in groups), team)


def _yes_no_unsure(field: Field, text: str, team: str, yes: str, no: str) -> AboutQuestion:
    """A question answered yes, no or not sure; `yes` and `no` are what the team's tables call them."""
    return _fixed(
        field,
        text,
        team,
        ("yes", "ABOUT_YES", yes),
        ("no", "ABOUT_NO", no),
        ("not-sure", "ABOUT_NOT_SURE", "not sure"),
    )


STANDARD: dict[Field, AboutQuestion] = {
    q.field: q
    for q in (
        _fixed(
            "age_band",
            "ABOUT_AGE",
            "age",
            ("11-13", "ABOUT_AGE_11_13", "11 to 13"),
            ("14-15", "ABOUT_AGE_14_15", "14 or 15"),
            ("16-17", "ABOUT_AGE_16_17", "16 or 17"),
            ("18-21", "ABOUT_AGE_18_21", "18 to 21"),
            ("22-25", "ABOUT_AGE_22_25", "22 to 25"),
        ),
        _fixed(
            "gender",
            "ABOUT_GENDER",
            "gender",
            ("girl", "ABOUT_GIRL", "girl or young woman"),
            ("boy", "ABOUT_BOY", "boy or young man"),
            ("non-binary", "ABOUT_NON_BINARY", "non-binary"),
            ("another-way", "ABOUT_ANOTHER_WAY", "describes themselves another way"),
        ),
        _yes_no_unsure(
            "care_experience", "ABOUT_CARE", "care experience", "care-experienced", "not care-experienced"
        ),
        _yes_no_unsure(
            "disability", "ABOUT_DISABILITY", "disability", "disabled or long-term condition", "not disabled"
        ),
        # The ONS harmonised standard's five high-level groups, in words young people use.
        _fixed(
            "ethnicity",
            "ABOUT_ETHNICITY",
            "ethnic group",
            ("asian", "ABOUT_ASIAN", "Asian or Asian British"),
            ("black", "ABOUT_BLACK", "Black, Black British, Caribbean or African"),
            ("mixed", "ABOUT_MIXED", "Mixed or multiple ethnic groups"),
            ("white", "ABOUT_WHITE", "White"),
            ("other", "ABOUT_OTHER_ETHNIC", "Other ethnic group"),
        ),
    )
}


def question(field: Field, areas: Mapping[str, str]) -> AboutQuestion | None:
    """The question for `field`; the area question only once the council has named its areas."""
    if field != "area":
        return STANDARD[field]
    if not areas:
        return None
    return AboutQuestion(
        "area", "ABOUT_AREA", tuple(Group(i, None, name) for i, name in areas.items()), "area"
    )


def team_name(field: str) -> str:
    """What the team's tables call an "about you" question (`age_band` -> "age")."""
    return STANDARD[field].team if field in STANDARD else field  # type: ignore[index]
