"""Languages: the catalogs hold every sentence the bot says to young people, nothing young people
read is left outside them, and consultation files' translations are checked."""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message

from bot import catalogs, surveys
from bot.__main__ import main
from bot.core import i18n, texts
from bot.core.i18n import FIRST_STRONG_ISOLATE as FSI
from bot.core.i18n import POP_DIRECTIONAL_ISOLATE as PDI
from bot.core.models import Consultation
from bot.core.screens import PrivacyFacts

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Modules whose words reach young people: any sentence in them must come from bot/core/texts.py.
YOUNG_PEOPLES_MODULES = [
    "bot/conversation.py",
    "bot/core/screens.py",
    "bot/core/engine.py",
    "bot/feedback.py",
    "bot/safeguarding/alerts.py",
    "bot/votes.py",
    "bot/telegram/handlers.py",
]
# What in those modules young people never read: the team's pages, and ids and markers.
TEAM_ONLY = {"_rounds_table", "_turnout_line", "_winner_line", "team_result_sections"}
NOT_FOR_YOUNG_PEOPLE = re.compile(
    r"^(in_progress|one_of|at_least|at_most|safeguarding-alert-|message is not modified|"
    r"\x00rather-not-say|\(sent to the safeguarding team\)|: cannot read it: |progress points at .*|"
    r"no more choices)$"
)


@pytest.mark.parametrize("language", [code for code in i18n.LANGUAGES if code != i18n.DEFAULT])
def test_every_sentence_is_translated_with_the_same_placeholders(language: str) -> None:
    catalog = catalogs.read(language)
    entries = {(str(m.context), m.id if isinstance(m.id, str) else tuple(m.id)): m for m in catalog if m.id}
    for name, english in texts.ENGLISH.items():
        message = entries.get((name, english))
        assert message is not None, f"{language}.po lacks {name} (run python -m bot update-catalogs)"
        assert message.string and not message.fuzzy, f"{language}.po: {name} is not translated"
        assert set(PLACEHOLDER.findall(str(message.string))) == set(PLACEHOLDER.findall(english)), name
    stale = set(entries) - set(texts.ENGLISH.items()) - set(texts.PLURALS.items())
    assert stale == set(), f"{language}.po holds sentences the bot no longer says"


def plural_problems(catalog: Catalog) -> list[str]:
    """What is wrong with a catalog's sentences with a count in them: each must be there for its
    English forms, checked (not fuzzy), with as many forms as the language has, none empty, each
    with the English placeholders (the count itself may be left to the words: "إجابتين")."""
    entries = {str(m.context): m for m in catalog if m.id and isinstance(m.id, tuple)}
    problems = []
    for name, (one, many) in texts.PLURALS.items():
        message = entries.get(name)
        if message is None or tuple(message.id) != (one, many):
            problems.append(f"{name}: missing (run python -m bot update-catalogs)")
            continue
        forms = tuple(message.string)
        if message.fuzzy or not all(forms):
            problems.append(f"{name}: not translated")
        if len(forms) != catalog.num_plurals:
            problems.append(f"{name}: {len(forms)} forms; {catalog.locale} has {catalog.num_plurals}")
        wanted = set(PLACEHOLDER.findall(many))
        for index, form in enumerate(forms):
            if not wanted - {"n"} <= set(PLACEHOLDER.findall(form)) <= wanted:
                problems.append(f"{name}: form {index} has placeholders {PLACEHOLDER.findall(form)}")
    return problems


@pytest.mark.parametrize("language", [code for code in i18n.LANGUAGES if code != i18n.DEFAULT])
def test_every_sentence_with_a_count_has_each_plural_form_of_the_language(language: str) -> None:
    assert plural_problems(catalogs.read(language)) == []


def test_sentences_with_a_count_are_named_apart_and_count_with_n_in_english() -> None:
    assert set(texts.PLURALS).isdisjoint(texts.ENGLISH)
    for name, (one, many) in texts.PLURALS.items():
        assert "{n}" in one and set(PLACEHOLDER.findall(one)) == set(PLACEHOLDER.findall(many)), name
    assert catalogs.read("ar").num_plurals == 6


def test_a_plural_entry_missing_fuzzy_or_with_wrong_forms_or_placeholders_is_caught() -> None:
    def broken(change: Callable[[Message], None]) -> list[str]:
        catalog = catalogs.read("ar")
        change(catalog.get(texts.PLURALS["ERASE_ANSWERS"], context="ERASE_ANSWERS"))
        return plural_problems(catalog)

    def drop(message: Message) -> None:
        message.context = "SOMETHING_ELSE"

    def fuzzy(message: Message) -> None:
        message.flags.add("fuzzy")

    def five_forms(message: Message) -> None:
        message.string = tuple(message.string)[:5]

    def lost_word(message: Message) -> None:
        message.string = (*tuple(message.string)[:3], "{count} إجابات", *tuple(message.string)[4:])

    def empty_form(message: Message) -> None:
        message.string = (*tuple(message.string)[:5], "")

    assert broken(drop) == ["ERASE_ANSWERS: missing (run python -m bot update-catalogs)"]
    assert broken(fuzzy) == ["ERASE_ANSWERS: not translated"]
    assert broken(five_forms) == ["ERASE_ANSWERS: 5 forms; ar has 6"]
    assert broken(lost_word) == ["ERASE_ANSWERS: form 3 has placeholders ['count']"]
    assert broken(empty_form) == ["ERASE_ANSWERS: not translated"]


ERASED_IN_ENGLISH = {
    0: "We deleted 0 answers in 0 consultations,",
    1: "We deleted 1 answer in 1 consultation,",
    2: "We deleted 2 answers in 2 consultations,",
    3: "We deleted 3 answers in 3 consultations,",
    11: "We deleted 11 answers in 11 consultations,",
    100: "We deleted 100 answers in 100 consultations,",
}
# Arabic counts a noun six ways: the plural after 3-10, an accusative singular after 11-99, and
# the dual ("two answers") and "one answer" in words.
ERASED_IN_ARABIC = {
    0: f"حذفنا {FSI}{FSI}0{PDI} إجابة{PDI} في {FSI}{FSI}0{PDI} استشارة{PDI}،",
    1: f"حذفنا {FSI}إجابة واحدة{PDI} في {FSI}استشارة واحدة{PDI}،",
    2: f"حذفنا {FSI}إجابتين{PDI} في {FSI}استشارتين{PDI}،",
    3: f"حذفنا {FSI}{FSI}3{PDI} إجابات{PDI} في {FSI}{FSI}3{PDI} استشارات{PDI}،",
    11: f"حذفنا {FSI}{FSI}11{PDI} إجابةً{PDI} في {FSI}{FSI}11{PDI} استشارةً{PDI}،",
    100: f"حذفنا {FSI}{FSI}100{PDI} إجابة{PDI} في {FSI}{FSI}100{PDI} استشارة{PDI}،",
}


@pytest.mark.parametrize("n", sorted(ERASED_IN_ENGLISH))
def test_counts_read_right_for_every_number_in_english_and_arabic(n: int) -> None:
    assert ERASED_IN_ENGLISH[n] in texts.erase_done(n, n)
    with i18n.speaking("ar"):
        assert ERASED_IN_ARABIC[n] in texts.erase_done(n, n)
        ideas = texts.too_many_ideas(n)
    assert texts.too_many_ideas(n).startswith(f"You've sent {n} idea{'' if n == 1 else 's'}, ")
    assert ideas.startswith(
        {
            0: f"أرسلت {FSI}0{PDI} فكرة،",
            1: "أرسلت فكرة واحدة،",
            2: "أرسلت فكرتين،",
            3: f"أرسلت {FSI}3{PDI} أفكار،",
            11: f"أرسلت {FSI}11{PDI} فكرةً،",
            100: f"أرسلت {FSI}100{PDI} فكرة،",
        }[n]
    )


@pytest.mark.parametrize(("n", "form"), [(5, 3), (10, 3), (12, 5), (99, 5), (101, 4), (103, 3), (111, 5)])
def test_arabic_picks_the_form_its_catalog_header_gives_each_number(n: int, form: int) -> None:
    forms = catalogs.read("ar").get(texts.PLURALS["ERASE_ANSWERS"], context="ERASE_ANSWERS").string
    with i18n.speaking("ar"):
        assert texts.plural("ERASE_ANSWERS", n) == forms[form].replace("{n}", f"{FSI}{n}{PDI}")


def test_a_plural_whose_english_changed_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(texts.PLURALS, "ERASE_ANSWERS", ("{n} reply", "{n} replies"))
    with i18n.speaking("ar"):
        assert [texts.plural("ERASE_ANSWERS", n) for n in (1, 2)] == ["1 reply", "2 replies"]


def test_the_team_reads_counts_in_plain_english() -> None:
    assert [i18n.counted(n, "file") for n in (0, 1, 2)] == ["0 files", "1 file", "2 files"]
    assert i18n.counted(1, "young person", "young people") == "1 young person"
    assert i18n.counted(7, "young person", "young people") == "7 young people"


def test_updating_the_catalogs_changes_no_translation(tmp_path: Path) -> None:
    shutil.copytree(i18n.LOCALE_DIR, tmp_path, dirs_exist_ok=True)
    catalogs.update_all(tmp_path)
    for language in i18n.LANGUAGES:
        if language == i18n.DEFAULT:
            continue
        before = {(m.context, m.id, m.string) for m in catalogs.read(language) if m.id}
        after = {(m.context, m.id, m.string) for m in catalogs.read(language, tmp_path) if m.id}
        assert before == after


@pytest.mark.parametrize("module", YOUNG_PEOPLES_MODULES)
def test_no_sentence_for_young_people_is_outside_the_catalog(module: str) -> None:
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skipped.add(id(body[0].value))  # docstrings
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in {
            "debug",
            "info",
            "warning",
            "error",
        }:
            skipped.update(id(sub) for sub in ast.walk(node))  # log lines are for the team
        if isinstance(node, ast.FunctionDef) and node.name in TEAM_ONLY:
            skipped.update(id(sub) for sub in ast.walk(node))
    words = re.compile(r"[A-Za-z]{2,}\W+[A-Za-z]{2,}")
    loose = [
        f"{module}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and words.search(node.value)
        and not NOT_FOR_YOUNG_PEOPLE.match(node.value)
    ]
    assert loose == [], "put these in bot/core/texts.py so they can be translated"


def test_sentences_follow_the_language_being_spoken_and_isolate_values_in_arabic() -> None:
    assert texts.NOT_OPEN.format(title="Pets") == "Sorry, “Pets” isn't open right now."
    with i18n.speaking("ar"):
        assert texts.NOT_OPEN.format(title="Pets") == f"عذرًا، «{FSI}Pets{PDI}» غير مفتوح الآن."
        assert texts.faces(3)[0] == "🙁 غير جيد"
        with i18n.speaking("xx"):  # not one we have: English
            assert texts.PICK_ONE == "Tap one answer."
    assert texts.PICK_ONE == "Tap one answer."  # back to English once the update is answered
    assert [i18n.supported(code) for code in ("ar-EG", "AR", "en-GB", "ps", None)] == [
        "ar",
        "ar",
        "en",
        None,
        None,
    ]


def test_work_scheduled_while_answering_someone_is_not_done_in_their_language() -> None:
    with i18n.speaking(i18n.Reading("ar", easy=True)):
        assert i18n.for_nobody(i18n.current) == i18n.Reading()
        assert i18n.current() == i18n.Reading("ar", easy=True)


def test_a_translation_whose_english_changed_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(texts.ENGLISH, "PICK_ONE", "Tap the answer you want.")
    with i18n.speaking("ar"):
        assert texts.PICK_ONE == "Tap the answer you want."  # never an Arabic sentence of old meaning


TRANSLATED = """\
id: pets
languages: [en, ar]
title: {en: Pets, ar: الحيوانات}
intro: {en: About pets., ar: عن الحيوانات.}
questions:
  - id: allowed
    type: single_choice
    text: {en: "Allowed?", ar: "مسموح؟"}
    easy_text: {en: "Pets ok?", ar: "حيوانات؟"}
    options:
      - {id: "yes", label: {en: "Yes", ar: "نعم"}}
      - {id: "no", label: {en: "No", ar: "لا"}}
  - id: happy
    type: scale
    text: {en: "How happy?", ar: "كم أنت سعيد؟"}
    min: 1
    max: 5
    labels: {1: "😞", 5: "😍"}
"""


def check(text: str) -> tuple[object, list[str]]:
    """The consultation, and each problem as `file: question: reason` (without its line)."""
    consultation, problems = surveys.parse(surveys.Source("f.yaml", text, Path(".")))
    return consultation, [str(replace(p, line=0)) for p in problems]


def test_a_translated_file_gives_each_reader_their_wording_with_the_same_ids() -> None:
    consultation, problems = check(TRANSLATED)
    assert problems == []
    assert consultation is not None
    arabic = consultation.worded_for("ar", easy=False)  # type: ignore[attr-defined]
    assert (arabic.title, arabic.questions[0].text) == ("الحيوانات", "مسموح؟")
    assert [(o.id, o.label) for o in arabic.questions[0].options] == [("yes", "نعم"), ("no", "لا")]
    assert arabic.questions[1].labels == {1: "😞", 5: "😍"}  # no words: the same in every language
    easy = consultation.worded_for("ar", easy=True)  # type: ignore[attr-defined]
    assert easy.questions[0].text == "حيوانات؟"
    assert consultation.worded_for("en", easy=False) is consultation  # type: ignore[attr-defined]
    back = easy.worded_for("en", easy=False)  # from any wording back to English
    assert (back.title, back.questions[0].text) == ("Pets", "Allowed?")


def test_translation_error_messages() -> None:
    _, problems = check(TRANSLATED.replace('{en: "Yes", ar: "نعم"}', '"Yes"'))
    assert problems == [
        "f.yaml: allowed: options.yes.label: no ar translation, and the file declares languages: ar"
    ]
    _, problems = check(TRANSLATED.replace('{en: "How happy?", ar: "كم أنت سعيد؟"}', '{ar: "كم أنت سعيد؟"}'))
    assert "f.yaml: happy: text: needs English too (en: ...)" in problems
    _, problems = check(TRANSLATED.replace("languages: [en, ar]", "languages: [en, ar, ps]"))
    assert problems == ["f.yaml: -: languages: the bot doesn't speak 'ps' yet (it speaks en, ar)"]


def test_an_undeclared_partial_translation_loads_with_a_warning_per_gap() -> None:
    partial = TRANSLATED.replace("languages: [en, ar]\n", "").replace('{en: "No", ar: "لا"}', '"No"')
    consultation, problems = check(partial)
    assert consultation is not None
    assert problems == [
        "f.yaml: allowed: warning: options.no.label: no ar translation, so it shows in English"
    ]
    _, problems = check(partial.replace('ar: "مسموح؟"', "ar: null"))  # a gap written out is a gap too
    assert "f.yaml: allowed: warning: text: no ar translation, so it shows in English" in problems
    _, problems = check(partial.replace("ar: ", "ps: "))
    assert (
        "f.yaml: -: warning: translations in 'ps' are not used: the bot doesn't speak it yet (en, ar)"
        in problems
    )


def test_long_questions_and_labels_are_warnings_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long_text = "Tell us everything. " * 12  # 240 characters
    text = TRANSLATED.replace('"How happy?"', f'"{long_text}"').replace(
        'en: "No"', 'en: "No, not at all, never, no way, no"'
    )
    (tmp_path / "f.yaml").write_text(text, encoding="utf-8")
    assert main(["check-surveys", str(tmp_path)]) == 0  # warnings only: it still loads
    out = capsys.readouterr().out
    assert (
        f"{tmp_path / 'f.yaml'}: line 15: happy: warning: text: 240 characters; "
        "keep a question under about 200" in out
    )
    assert "allowed: warning: options.no.label: 33 characters; a phone shows about 30" in out
    assert "1 file checked: 1 valid, 0 problems, 2 warnings." in out
    (tmp_path / "f.yaml").write_text(text.replace('ar: "نعم"', 'xx: "نعم"'), encoding="utf-8")
    assert main(["check-surveys", str(tmp_path)]) == 1  # a declared language is incomplete


def test_recordings_are_checked_per_language(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "en.ogg").write_bytes(b"OggS" + bytes(20))
    (tmp_path / "media" / "fake.ogg").write_bytes(b"ID3 an mp3 renamed")
    text = TRANSLATED.replace(
        '    easy_text: {en: "Pets ok?"',
        '    audio: {en: media/en.ogg, ar: media/missing.ogg}\n    easy_text: {en: "Pets ok?"',
    )
    _, problems = surveys.parse(surveys.Source("f.yaml", text, tmp_path))
    assert [str(p) for p in problems] == [
        "f.yaml: line 9: allowed: audio (in ar): 'media/missing.ogg' does not exist "
        f"(put it in {tmp_path / 'media'})"
    ]
    _, problems = surveys.parse(surveys.Source("f.yaml", text.replace("en.ogg", "fake.ogg"), tmp_path))
    assert "is not an OGG/Opus recording inside (save it as OGG with the Opus codec)" in str(problems[0])
    consultation, _ = surveys.parse(
        surveys.Source("f.yaml", text.replace(", ar: media/missing.ogg", ""), tmp_path)
    )
    assert consultation is not None
    assert consultation.worded_for("en", easy=False).questions[0].audio == "media/en.ogg"
    assert consultation.worded_for("ar", easy=False).questions[0].audio is None  # never English to them


def test_what_freezes_an_answered_consultation_across_languages() -> None:
    from bot.definitions import same_questions

    def parsed(text: str) -> Consultation:
        consultation, problems = check(text)
        assert consultation is not None, problems
        return consultation  # type: ignore[return-value]

    base = parsed(TRANSLATED)
    partial = parsed(TRANSLATED.replace("languages: [en, ar]\n", "").replace(', ar: "لا"', ""))
    assert same_questions(partial, base)  # completing a translation must not split the results
    assert same_questions(base, parsed(TRANSLATED.replace('"Pets ok?"', '"Can we have pets?"')))  # easy read
    assert not same_questions(
        base, parsed(TRANSLATED.replace('en: "No"', 'en: "Never"'))
    )  # English is the meaning


def test_a_translation_left_behind_when_its_english_changed_is_flagged() -> None:
    changed = TRANSLATED.replace('en: "Allowed?"', 'en: "Should pets be allowed?"')
    assert [str(p) for p in surveys.stale_translations("f.yaml", TRANSLATED, changed)] == [
        "f.yaml: line 8: allowed: warning: text: the English changed but the ar did not: "
        "check it still says the same"
    ]
    both = changed.replace('ar: "مسموح؟"', 'ar: "هل يُسمح بالحيوانات؟"')
    assert surveys.stale_translations("f.yaml", TRANSLATED, both) == []


def test_the_privacy_notice_counts_its_days_in_the_readers_grammar() -> None:
    facts = PrivacyFacts("The council", "a@b.c", "the DPO", "public task", 1, 2, 7, 11, 100, 30)
    with i18n.speaking("en"):
        english = facts.notice()
    assert all(days in english for days in ("1 day", "2 days", "7 days", "11 days", "100 days", "30 days"))
    with i18n.speaking("ar"):
        arabic = re.sub("[\u2066-\u2069]", "", facts.notice())  # without the direction isolates
    # one day, two days, 3-10 days, 11-99 days, 100 days: each in its own form
    for days in ("يوم واحد", "يومين", "7 أيام", "11 يومًا", "100 يوم", "30 يومًا"):
        assert days in arabic, days


def test_days_and_months_are_said_in_words_in_the_readers_language() -> None:
    with i18n.speaking("en"):
        assert i18n.day_in_words("2026-12-07") == "7 December 2026"
        assert i18n.day_in_words("2026-12") == "December 2026"
        assert i18n.day_in_words("") == ""  # nothing stored: nothing made up
    with i18n.speaking("ar"):
        assert i18n.day_in_words("2026-12-07") == "7 ديسمبر 2026"
