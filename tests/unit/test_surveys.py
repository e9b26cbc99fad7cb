"""Loading consultation files: every shipped file loads; bad files get named, plain problems."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bot import surveys
from bot.__main__ import main

SURVEYS_DIR = Path(__file__).resolve().parents[2] / "surveys"

GOOD = """\
id: good
title: Good one
intro: Hello
questions:
  - id: q1
    type: single_choice
    text: Pick
    options: [{id: a, label: A}, {id: b, label: B}]
"""


def problems_in(text: str) -> list[str]:
    """Each problem as `file: question: reason` (their lines are tested apart)."""
    consultation, problems = surveys.parse(surveys.Source("f.yaml", text, Path(".")))
    assert (consultation is None) == bool(problems)
    return [str(replace(p, line=0)) for p in problems]


def test_every_shipped_consultation_loads() -> None:
    files = sorted(SURVEYS_DIR.glob("*.yaml"))
    catalogue, problems = surveys.load([SURVEYS_DIR])
    assert problems == []
    assert len(catalogue.consultations) == len(files) >= 3


def test_a_vote_must_draw_on_a_suggestion_question_that_is_loaded(tmp_path: Path) -> None:
    vote = (SURVEYS_DIR / "service-name-vote.yaml").read_text(encoding="utf-8")
    (tmp_path / "vote.yaml").write_text(vote, encoding="utf-8")
    catalogue, problems = surveys.load([tmp_path])
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'vote.yaml'}: name: options_from: 'service-name-ideas/name' is not a suggestion "
        "question in any loaded consultation (write it as <consultation id>/<question id>)"
    ]
    assert catalogue.consultations == {}  # not loaded: its ballot could never be built
    ideas = (SURVEYS_DIR / "service-name-ideas.yaml").read_text(encoding="utf-8")
    (tmp_path / "ideas.yaml").write_text(ideas, encoding="utf-8")
    catalogue, problems = surveys.load([tmp_path])
    assert problems == [] and set(catalogue.consultations) == {"service-name-ideas", "service-name-vote"}


def test_ranked_questions_need_options_or_a_source() -> None:
    text = GOOD.replace("type: single_choice", "type: ranked").replace(
        "options: [{id: a, label: A}, {id: b, label: B}]", "options: [{id: a, label: A}]"
    )
    assert problems_in(text) == [
        "f.yaml: q1: needs at least 2 options, or options_from to take them from ideas"
    ]


def test_a_good_file_has_no_problems() -> None:
    assert problems_in(GOOD) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("type: single_choice", "type: essay"),
            "f.yaml: q1: type: 'essay' is not a question type: use one of single_choice, multi_choice",
        ),
        (("id: q1", "id: Q 1"), "f.yaml: Q 1: id: use only small letters, digits and hyphens"),
        (
            ("label: A}", "label: " + "A" * 41 + "}"),
            "f.yaml: q1: options.a.label: is too long: at most 40 characters",
        ),
        (("{id: b, label: B}", "{id: a, label: B}"), "f.yaml: q1: options: option id 'a' is used twice"),
        (
            ("intro: Hello", "intro: Hello\nsurprise: 1"),
            "f.yaml: -: surprise: there is no such field: check the spelling",
        ),
        (
            ("intro: Hello", "intro: Hello\nopens_at: 2026-02-01T00:00:00Z\ncloses_at: 2026-01-01T00:00:00Z"),
            "f.yaml: -: closes_at: must be after opens_at",
        ),
        (
            ("intro: Hello", "intro: Hello\nopens_at: 2026-02-01T00:00:00"),
            "f.yaml: -: opens_at: needs a timezone",
        ),
    ],
)
def test_problems_name_the_file_question_and_reason(change: tuple[str, str], expected: str) -> None:
    text = GOOD.replace(*change, 1)
    assert text != GOOD
    found = problems_in(text)
    assert any(p.startswith(expected) for p in found), found


def test_ids_too_long_for_button_data_are_reported() -> None:
    text = GOOD.replace("id: good", "id: " + "g" * 32).replace("id: q1", "id: " + "q" * 24)
    assert problems_in(text.replace("{id: a,", "{id: " + "a" * 24 + ",")) == [
        "f.yaml: " + "q" * 24 + ": the ids are too long for a Telegram button (84 bytes of button data, "
        "the limit is 64): shorten the consultation, question or option ids"
    ]
    assert problems_in(text) == []  # the same ids with a short option id fit


def test_duplicate_question_ids_and_bad_scales_are_reported_together() -> None:
    text = GOOD + (
        "  - id: q1\n    type: scale\n    text: Again\n"
        "  - id: s\n    type: scale\n    text: S\n    min: 3\n    max: 3\n"
    )
    assert problems_in(text) == [
        "f.yaml: question 2 (q1): id: 'q1' is question 1's id too: give each question its own id",
        "f.yaml: s: min (3) must be less than max (3)",
    ]


def test_not_yaml_and_not_a_mapping() -> None:
    assert problems_in("id: [unclosed")[0].startswith("f.yaml: -: YAML cannot read this (")
    assert problems_in("- just\n- a list\n") == [
        "f.yaml: -: the file should be a YAML mapping (id:, title:, ...)"
    ]


def test_load_skips_bad_files_and_keeps_good_ones(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD.replace("type: single_choice", "type: essay"))
    (tmp_path / "c.yaml").write_text(GOOD)  # same id again
    catalogue, problems = surveys.load([tmp_path])
    assert list(catalogue.consultations) == ["good"]
    assert [p.file for p in problems] == [str(tmp_path / "b.yaml"), str(tmp_path / "c.yaml")]


def test_check_surveys_command_prints_problems_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text(GOOD.replace("type: single_choice", "type: essay"))
    assert main(["check-surveys", "bad.yaml"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("bad.yaml: line 6: q1: type: 'essay' is not a question type")
    (tmp_path / "good.yaml").write_text(GOOD)
    assert main(["check-surveys", "good.yaml"]) == 0
    assert main(["check-surveys", str(tmp_path / "empty-folder-that-does-not-exist")]) == 1


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """A few hundred bytes of nested aliases ("billion laughs"): each level repeats the one before
    `width` times, so the intro and the question stand for width ** levels "lol"s (387 million)."""
    lines = ["id: laughs", "title: Laughs", 'l0: &l0 "lol"']
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * width)}]" for n in range(1, levels + 1)]
    lines += [f"intro: *l{levels}", "questions:", f"  - {{id: q, type: yes_no, text: *l{levels}}}"]
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_is_refused_at_once() -> None:
    text = billion_laughs()
    assert len(text.encode()) < 600
    started = time.monotonic()
    assert problems_in(text) == [f"f.yaml: -: {surveys.NO_ANCHORS}"]
    assert time.monotonic() - started < 5  # a generous guard: it takes milliseconds, not minutes


def test_check_surveys_refuses_a_billion_laughs_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "laughs.yaml").write_text(billion_laughs(), encoding="utf-8")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check-surveys", "laughs.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,  # before this change it ran for many minutes, taking tens of GB
        check=False,
    )
    assert time.monotonic() - started < 10  # the 5 s guard, and Python starting
    assert done.returncode == 1 and done.stderr == ""
    assert done.stdout.splitlines() == [
        f"laughs.yaml: line 3: -: {surveys.NO_ANCHORS}",
        "1 file checked: 0 valid, 1 problem, 0 warnings.",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("intro: Hello", "intro: &hello Hello"), f"line 3: -: {surveys.NO_ANCHORS}"),  # unused, still no
        (("text: Pick", "text: *pick"), f"line 7: -: {surveys.NO_ANCHORS}"),  # an alias to nothing
        (
            ("intro: Hello", "intro: " + "[" * 30 + "]" * 30),
            "line 3: -: lists and mappings are nested more than 20",
        ),
    ],
)
def test_what_the_loader_will_not_take_is_one_plain_problem(change: tuple[str, str], expected: str) -> None:
    text = GOOD.replace(*change, 1)
    assert text != GOOD
    _, [problem] = surveys.parse(surveys.Source("f.yaml", text, Path(".")))
    assert str(problem).startswith(f"f.yaml: {expected}"), problem


def test_an_ampersand_or_asterisk_in_words_is_fine() -> None:
    text = (
        GOOD.replace("title: Good one", 'title: "Arts & *crafts*"')
        .replace("text: Pick", "text: '*Really* the best? &c'")
        .replace("label: A}", "label: Fish & chips}")
    )
    consultation, problems = surveys.parse(surveys.Source("f.yaml", text, Path(".")))
    assert problems == [] and consultation is not None
    assert consultation.title == "Arts & *crafts*"
    assert consultation.questions[0].text == "*Really* the best? &c"


def test_a_file_over_1_mb_is_refused_unread(tmp_path: Path) -> None:
    big = GOOD + "# " + "x" * surveys.YAML_MAX_BYTES + "\n"
    assert problems_in(big) == [f"f.yaml: -: {surveys.YAML_TOO_BIG}"]
    (tmp_path / "big.yaml").write_text(big, encoding="utf-8")
    catalogue, problems = surveys.load([tmp_path])
    assert [str(p) for p in problems] == [f"{tmp_path / 'big.yaml'}: -: {surveys.YAML_TOO_BIG}"]
    assert catalogue.consultations == {}
    assert problems_in(GOOD + "# " + "x" * (surveys.YAML_MAX_BYTES - len(GOOD) - 3) + "\n") == []


LOGIC = """\
id: logic
title: Logic
intro: Hello
questions:
  - id: pick
    type: single_choice
    text: Pick
    options: [{id: a, label: A}, {id: b, label: B}]
  - id: many
    type: multi_choice
    text: Many
    options: [{id: x, label: X}, {id: y, label: Y}]
  - id: rate
    type: scale
    text: Rate
  - id: ok
    type: yes_no
    text: OK?
  - id: words
    type: text
    text: Words
  - id: last
    type: text
    text: Last
    show_if: CONDITION
"""


@pytest.mark.parametrize(
    ("condition", "problem"),
    [
        ("{question: pick, equals: a}", None),
        ("{question: pick, one_of: [a, b]}", None),
        ("{question: many, includes: y}", None),
        ("{question: rate, at_least: 4}", None),
        ("{question: ok, equals: yes}", None),  # YAML reads a bare yes as true: taken as "yes"
        ("{question: nope, equals: a}", "show_if: question 'nope' is not an earlier question in this file"),
        ("{question: last, equals: a}", "show_if: question 'last' is not an earlier question in this file"),
        ("{question: pick, equals: c}", "show_if: question 'pick' has no option 'c' (its options: a, b)"),
        ("{question: many, includes: z}", "show_if: question 'many' has no option 'z' (its options: x, y)"),
        (
            "{question: rate, at_least: 6}",
            "show_if: question 'rate' is a scale from 1 to 5: at_least 6 can never",
        ),
        (
            "{question: ok, equals: maybe}",
            "show_if: question 'ok' has no option 'maybe' (its options: no, yes)",
        ),
        (
            "{question: pick, includes: a}",
            "show_if: question 'pick': 'includes' does not fit a single_choice",
        ),
        ("{question: many, equals: x}", "show_if: question 'many': 'equals' does not fit a multi_choice"),
        (
            "{question: words, equals: hi}",
            "show_if: question 'words' is a text question: show_if can only look",
        ),
        ("{question: pick, equals: a, one_of: [b]}", "show_if: needs exactly one of equals, one_of"),
    ],
)
def test_show_if_conditions_are_checked(condition: str, problem: str | None) -> None:
    found = problems_in(LOGIC.replace("CONDITION", condition))
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(f"f.yaml: last: {problem}"), found


def test_pictures_must_exist_inside_the_folder_and_be_png_or_jpeg(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.png").write_bytes(b"\x89PNG")
    (tmp_path / "media" / "notes.txt").write_text("hi")
    text = GOOD.replace("type: single_choice", "type: image_choice").replace(
        "options: [{id: a, label: A}, {id: b, label: B}]",
        "options: [{id: a, label: A, image: media/a.png}, {id: b, label: B, image: IMAGE}]",
    )
    cases = {
        "media/a.png": [],
        "media/missing.png": ["options.b.image: 'media/missing.png' does not exist"],
        "../outside.png": ["options.b.image: '../outside.png' must be inside the consultation's folder"],
        "media/notes.txt": ["options.b.image: 'media/notes.txt' must be a PNG or JPEG picture"],
    }
    for image, expected in cases.items():
        (tmp_path / "c.yaml").write_text(text.replace("IMAGE", image), encoding="utf-8")
        _, problems = surveys.load([tmp_path / "c.yaml"])
        reasons = [p.reason for p in problems]
        assert len(reasons) == len(expected) and all(
            r.startswith(e) for r, e in zip(reasons, expected, strict=True)
        ), (image, reasons)
