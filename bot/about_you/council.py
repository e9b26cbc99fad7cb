"""`ABOUT_YOU_FILE`: the council's areas (the choices of the area question) and the service's
cohort (how many young people it works with, by group), for "who took part, and who is missing".

    areas:                  # id: the name young people see
      north: North
    cohort:                 # optional; shares of it are shown, never its counts
      total: 240
      age_band: {11-13: 40, 14-15: 70}
      care_experience: {yes: 75}

A mistake is one line naming the file, the place and the reason, never a traceback.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from bot.about_you.questions import FIELDS, RATHER_NOT, STANDARD, Field
from bot.core.models import Consultation
from bot.surveys import NotLoaded, load_yaml

AREA_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,23}$")
AREA_NAME_MAX = 40  # a button's width
AREAS_MAX = 20
# The tables' own rows: an area cannot be called that.
RESERVED = {"did not say", "everyone else", "everyone who answered", "everyone in the group"}


class AboutYouFileProblem(Exception):
    """The file cannot be used; the message names the file, the place and the reason."""


@dataclass(frozen=True)
class Cohort:
    total: int
    groups: Mapping[Field, Mapping[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class CouncilFile:
    areas: Mapping[str, str] = field(default_factory=dict)
    cohort: Cohort | None = None


def read(path: Path | None) -> CouncilFile:
    """The file's areas and cohort; nothing set if there is no file."""
    if path is None or not path.exists():
        return CouncilFile()
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise AboutYouFileProblem(f"{path}: cannot read it: {error}") from None
    except NotLoaded as error:
        raise AboutYouFileProblem(f"{path}: {error}") from None
    return parse(raw, str(path))


def parse(raw: Any, name: str) -> CouncilFile:
    def problem(where: str, reason: str) -> AboutYouFileProblem:
        return AboutYouFileProblem(f"{name}: {where}: {reason}" if where else f"{name}: {reason}")

    if raw is None:
        return CouncilFile()
    if not isinstance(raw, dict):
        raise problem("", "should be a mapping with 'areas' and 'cohort'")
    for key in raw:
        if key not in ("areas", "cohort"):
            raise problem(str(key), f"not a setting here{_meant(str(key), ('areas', 'cohort'))}")
    areas = _areas(raw.get("areas"), problem)
    cohort = _cohort(raw.get("cohort"), areas, problem) if raw.get("cohort") is not None else None
    return CouncilFile(areas, cohort)


def _areas(raw: Any, problem: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not raw:
        raise problem("areas", "should list each area as `id: name`")
    if len(raw) > AREAS_MAX:
        raise problem("areas", f"at most {AREAS_MAX} areas fit on a phone's screen, not {len(raw)}")
    areas: dict[str, str] = {}
    for key, name in raw.items():
        if not isinstance(key, str) or not AREA_ID.match(key) or key == RATHER_NOT:
            raise problem(f"areas.{key}", "an id is up to 24 lowercase letters, digits and hyphens")
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > AREA_NAME_MAX:
            raise problem(f"areas.{key}", f"its name should be 1 to {AREA_NAME_MAX} characters")
        plain = " ".join(name.split()).casefold()  # any run of spaces as one
        taken = {n.casefold() for n in areas.values()} | RESERVED
        if plain in taken or " or " in f" {plain} ":
            raise problem(
                f"areas.{key}",
                f"“{name.strip()}” is another area's name, or reads like the tables' own rows "
                "(they join two groups with “or”)",
            )
        areas[key] = name.strip()
    return areas


def _cohort(raw: Any, areas: Mapping[str, str], problem: Any) -> Cohort:
    if not isinstance(raw, dict):
        raise problem("cohort", "should be a mapping: total, then a group's counts for each question")
    total = raw.get("total")
    if not _count(total) or total == 0:
        raise problem("cohort.total", "how many young people the service works with: a whole number above 0")
    groups: dict[Field, dict[str, int]] = {}
    for key, counts in raw.items():
        if key == "total":
            continue
        if key not in FIELDS:
            raise problem(f"cohort.{key}", f"not an 'about you' question{_meant(str(key), FIELDS)}")
        about = cast(Field, key)
        known = list(areas) if about == "area" else [g.id for g in STANDARD[about].groups]
        if about == "area" and not areas:
            raise problem("cohort.area", "the areas are not listed under 'areas'")
        if not isinstance(counts, dict):
            raise problem(f"cohort.{key}", "should give each group's count, e.g. `{yes: 75}`")
        found: dict[str, int] = {}
        for group, count in counts.items():
            group_id = {True: "yes", False: "no"}.get(group, str(group))  # YAML reads a bare yes as true
            if group_id not in known:
                raise problem(
                    f"cohort.{key}.{group_id}", f"not one of {', '.join(known)}{_meant(group_id, known)}"
                )
            if not _count(count):
                raise problem(f"cohort.{key}.{group_id}", "should be a whole number, 0 or more")
            found[group_id] = count
        if sum(found.values()) > total:
            raise problem(
                f"cohort.{key}", f"its groups add up to {sum(found.values())}, more than the total {total}"
            )
        groups[about] = found
    return Cohort(total, groups)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _meant(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unaskable(consultations: Iterable[Consultation], council: CouncilFile, path: Path | None) -> list[str]:
    """A warning for each consultation that uses the area question when no areas are listed (it is
    not asked until they are)."""
    where = path or "ABOUT_YOU_FILE"
    return [
        f"{c.id}: about_you: warning: area is not asked until {where} lists the areas"
        for c in consultations
        if "area" in c.about_you and not council.areas
    ]
