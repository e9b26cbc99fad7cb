"""A reader of a language a consultation has no words in is never left to find out: its button
says it is only in English (or it is left out, `other_languages: hide`), and its intro says so.
Easy read covers intros (`easy_intro`), and the shipped hub design is in Arabic too."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import surveys
from bot.core import i18n, texts
from bot.core.models import Consultation
from bot.core.screens import consultation_list
from bot.core.translations import missing

SURVEYS_DIR = Path(__file__).resolve().parents[2] / "surveys"

ENGLISH_ONLY = """\
id: open-day
title: Come to our open day
intro: Tell us if you can come.
questions:
  - id: come
    type: yes_no
    text: Would you come?
"""
TRANSLATED = """\
id: pets
title: {en: Pets, ar: الحيوانات الأليفة}
intro: {en: About pets., ar: عن الحيوانات الأليفة.}
easy_intro: {en: Pets!, ar: حيوانات!}
questions:
  - id: allowed
    type: yes_no
    text: {en: Pets allowed?, ar: هل يُسمح بالحيوانات الأليفة؟}
"""


def parsed(text: str) -> Consultation:
    consultation, problems = surveys.parse(surveys.Source("f.yaml", text, SURVEYS_DIR))
    assert consultation is not None, problems
    return consultation


def listed(*texts_: str, language: str, started: set[str] = frozenset(), easy: bool = False) -> list[str]:
    """The labels of the consultations a reader of `language` is offered."""
    catalogue = surveys.Catalogue({c.id: c for c in map(parsed, texts_)})
    with i18n.speaking(i18n.Reading(language, easy)):
        screen = consultation_list(catalogue.open_now(datetime.now(UTC)), set(started), set())
    return [b.label for row in screen.buttons for b in row if b.action.consultation]


def test_an_arabic_reader_sees_an_english_only_consultation_marked() -> None:
    labels = listed(ENGLISH_ONLY, TRANSLATED, language="ar")
    with i18n.speaking("ar"):
        assert labels == [texts.ENGLISH_ONLY_LABEL.format(title="Come to our open day"), "الحيوانات الأليفة"]
    assert "بالإنجليزية فقط" in labels[0]
    assert listed(ENGLISH_ONLY, TRANSLATED, language="en") == ["Come to our open day", "Pets"]


def test_other_languages_hide_leaves_it_out_unless_they_began_it() -> None:
    hidden = ENGLISH_ONLY.replace("questions:", "other_languages: hide\nquestions:")
    assert listed(hidden, TRANSLATED, language="ar") == ["الحيوانات الأليفة"]
    assert len(listed(hidden, TRANSLATED, language="ar", started={"open-day"})) == 2
    assert listed(hidden, TRANSLATED, language="en") == ["Come to our open day", "Pets"]
    shown = ENGLISH_ONLY.replace("questions:", "other_languages: show\nquestions:")
    assert len(listed(shown, language="ar")) == 1


def test_the_intro_of_an_english_only_consultation_says_so_in_the_readers_language() -> None:
    catalogue = surveys.Catalogue({"open-day": parsed(ENGLISH_ONLY), "pets": parsed(TRANSLATED)})
    with i18n.speaking("ar"):
        opened = catalogue.get("open-day")
        note = texts.ENGLISH_ONLY_INTRO
        assert opened is not None and opened.intro == f"{note}\n\nTell us if you can come."
        pets = catalogue.get("pets")
        assert pets is not None and pets.intro == "عن الحيوانات الأليفة."
    assert "بالإنجليزية" in note
    english = catalogue.get("open-day")
    assert english is not None and english.intro == "Tell us if you can come."


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "other_languages: hidden",
            "other_languages: should be 'show' or 'hide', not hidden: did you mean hide?",
        ),
        ("other_language: hide", "other_language: there is no such field: did you mean other_languages?"),
        ("easy_intro: ''", "easy_intro: is empty"),
        ("easy_intros: Hi", "easy_intros: there is no such field: did you mean easy_intro?"),
    ],
)
def test_the_checker_knows_the_new_fields(line: str, expected: str) -> None:
    text = ENGLISH_ONLY.replace("questions:", f"{line}\nquestions:")
    _, problems = surveys.parse(surveys.Source("f.yaml", text, Path(".")))
    reported = [str(replace(p, line=0)) for p in problems]
    assert any(expected in p for p in reported), reported


def test_easy_read_gives_the_easy_intro_in_each_language() -> None:
    pets = parsed(TRANSLATED)
    assert pets.worded_for("en", easy=True).intro == "Pets!"
    assert pets.worded_for("ar", easy=True).intro == "حيوانات!"
    assert pets.worded_for("ar", easy=False).intro == "عن الحيوانات الأليفة."
    assert parsed(ENGLISH_ONLY).worded_for("en", easy=True).intro == "Tell us if you can come."


def words(text: str) -> int:
    return len(text.split())


def test_the_naming_intro_has_an_easy_version_of_at_most_40_words() -> None:
    catalogue, _ = surveys.load([SURVEYS_DIR])
    naming = catalogue.consultations["service-name-ideas"]
    assert words(naming.intro) > 40
    for language in ("en", "ar"):
        easy = naming.worded_for(language, easy=True).intro
        assert words(easy) <= 40 and easy != naming.worded_for(language, easy=False).intro


def test_the_shipped_hub_design_is_in_arabic_throughout() -> None:
    text = (SURVEYS_DIR / "hub-design.yaml").read_text(encoding="utf-8")
    raw = surveys.load_yaml(text)
    assert "ar" in raw["languages"] and missing(raw, "ar") == []
    hub = parsed(text).worded_for("ar", easy=False)
    arabic = re.compile(r"[\u0600-\u06FF]")
    wording = [hub.title, hub.intro, *(q.text for q in hub.questions)]
    with i18n.speaking("ar"):  # yes/no's own buttons too
        wording += [o.label for q in hub.questions for o in getattr(q, "options", [])]
    assert all(arabic.search(w) for w in wording), [w for w in wording if not arabic.search(w)]
    assert listed(text, language="ar") == [hub.title]  # no mark: it is in Arabic
