"""A file of ordinary mistakes: every one reported in one pass, each with its line and question in
plain words; and no file at all, however mangled, makes the checker raise."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from bot import surveys
from bot.__main__ import main
from bot.definitions import problems_text

ROOT = Path(__file__).resolve().parents[2]
SURVEYS_DIR = ROOT / "surveys"

MISTAKES = """\
id: Hub Survey
titel: The hub
intro: A few questions about the new hub.
anonymous: maybe
closes_at: 2026-13-45
languages: [en, fr]
questions:
  - id: where
    type: single_choise
    text: Where should it be?
    options:
      - {id: town, label: In town}
      - {id: edge, label: Edge of town}
  - id: rate
    type: scale
    text: How much do you like it?
    min: 5
    max: 1
    optinal: true
  - id: rate
    type: yes_no
    text: Would you visit?
  - id: why
    type: text
    text: Why?
    show_if: {question: nowhere, equals: "yes"}
  - id: pick
    type: multi_choice
    text: Pick up to 3
    max_choices: 3
    options:
      - {id: a, label: A}
      - {id: b, label: B}
  - id: picture
    type: image_choice
    text: Which picture?
    options:
      - {id: x, label: X, image: media/nope.png}
      - {id: y, label: Y, image: media/outline-a.png}
  - type: photo
    text: Send us a photo
"""

# One line for each of the 13 mistakes, in the file's order.
REPORTED = [
    "line 1: -: id: use only small letters, digits and hyphens, starting with a letter or digit "
    "(e.g. hub-design)",
    "line 2: -: titel: there is no such field: did you mean title?",
    "line 4: -: anonymous: should be true or false, not maybe",
    "line 5: -: closes_at: '2026-13-45' is not a date and time: write it like 2026-01-11T09:00:00+00:00",
    "line 6: -: languages: the bot doesn't speak 'fr' yet (it speaks en, ar)",
    "line 9: where: type: 'single_choise' is not a question type: did you mean single_choice?",
    "line 14: question 2 (rate): min (5) must be less than max (1)",
    "line 19: question 2 (rate): optinal: there is no such field: did you mean optional?",
    "line 20: question 3 (rate): id: 'rate' is question 2's id too: give each question its own id",
    "line 26: why: show_if: question 'nowhere' is not an earlier question in this file (a question can "
    "only depend on one before it)",
    "line 27: pick: max_choices is 3 but there are only 2 options",
    f"line 38: picture: options.x.image: 'media/nope.png' does not exist (put it in {SURVEYS_DIR / 'media'})",
    "line 40: question 7: id: missing: please add it",
]


def test_every_mistake_is_reported_at_once_with_its_line_and_question() -> None:
    consultation, problems = surveys.parse(surveys.Source("hub.yaml", MISTAKES, SURVEYS_DIR))
    assert consultation is None
    assert [str(p) for p in problems] == [f"hub.yaml: {line}" for line in REPORTED]


def test_check_surveys_prints_the_whole_report_and_exits_1_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SURVEYS_DIR / "media", tmp_path / "media")
    (tmp_path / "hub.yaml").write_text(MISTAKES, encoding="utf-8")
    assert main(["check-surveys", "hub.yaml"]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    reported = [line.replace(str(tmp_path), str(SURVEYS_DIR)) for line in out.splitlines()]
    assert reported == [
        *(f"hub.yaml: {line}" for line in REPORTED),
        f"1 file checked: 0 valid, {len(REPORTED)} problems, 0 warnings.",
    ]
    assert main(["check-surveys", str(SURVEYS_DIR)]) == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("    text: Why?\n", "    text: Why?\n    text: How come?\n"),
            "line 25: why: text: written twice (lines ",
        ),
        (
            ("    min: 5\n", "    min: five\n"),
            "line 17: question 2 (rate): min: should be a whole number, not five",
        ),
        (
            ("  - {id: b, label: B}", "  - b"),
            "line 33: pick: options.2: should be fields under it (name: value)",
        ),
        (("max_choices: 3", "max_choices: 0"), "line 30: pick: max_choices: should be at least 1"),
        (
            ("questions:", "questionz:"),
            "line 7: -: questionz: there is no such field: did you mean questions?",
        ),
        (
            ("  - id: why\n    type: text", "  - id: why\n    type: essay"),
            "is not a question type: use one of",
        ),
    ],
)
def test_one_more_mistake_is_one_more_line(change: tuple[str, str], expected: str) -> None:
    text = MISTAKES.replace(*change, 1)
    assert text != MISTAKES
    _, problems = surveys.parse(surveys.Source("hub.yaml", text, SURVEYS_DIR))
    assert any(expected in str(p) for p in problems), "\n".join(map(str, problems))


# A value of each wrong kind, and things people paste by accident.
WRONG = ["true", "[]", "{}", "0", "-7", "99999999999999999999", "x y", "2026-13-45", "2026-02-30T25:00",
         "null", "[a, {b: c}]", "'", '"', "&a", "*a", "!!binary x", "? [a]", "{[a]: b}", "|", ">-", "%", "@",
         "`", "\t", "- - -", ": :", "1e999", "0x1F", "~"]  # fmt: skip
SEEDS = sorted([*SURVEYS_DIR.glob("*.yaml"), *(ROOT / "tests" / "e2e" / "surveys").glob("*.yaml")])


def mutated(text: str, rng: random.Random) -> str:
    """The file with one to four ordinary accidents: a line lost, doubled, moved in or out, a
    value of the wrong kind, stray characters, or the end cut off."""
    lines = text.splitlines()
    for _ in range(rng.randint(1, 4)):
        if not lines:
            break
        n = rng.randrange(len(lines))
        accident = rng.randrange(7)
        if accident == 0:
            del lines[n]
        elif accident == 1:
            lines.insert(n, lines[n])
        elif accident == 2 and ":" in lines[n]:
            lines[n] = lines[n].split(":")[0] + ": " + rng.choice(WRONG)
        elif accident == 3:
            at = rng.randrange(len(lines[n]) + 1)
            noise = "".join(
                chr(rng.choice([rng.randrange(0, 128), rng.randrange(128, 0x3000)])) for _ in range(3)
            )
            lines[n] = lines[n][:at] + noise + lines[n][at:]
        elif accident == 4:
            lines = lines[:n]
        elif accident == 5:
            lines[n] = rng.choice(["  ", "", "\t"]) + lines[n] if rng.random() < 0.5 else lines[n].lstrip()
        else:
            lines[n] = lines[n].replace(rng.choice("abcdeilnorstu"), rng.choice("abcdeilnorstu_ 1:"))
    return "\n".join(lines) + "\n"


def test_no_file_makes_the_checker_raise() -> None:
    """Thousands of mangled files: each loads or is refused with problems, and never raises."""
    rng = random.Random(18)
    seeds = [(path.name, path.read_text(encoding="utf-8"), path.parent) for path in SEEDS]
    outcomes = {"loaded": 0, "refused": 0}
    for _ in range(2000):
        name, text, folder = rng.choice(seeds)
        text = mutated(text, rng)
        consultation, problems = surveys.parse(surveys.Source(name, text, folder))
        errors = [p for p in problems if not p.warning]
        assert (consultation is None) == bool(errors), (text, problems)
        assert all(str(p) and p.line >= 0 for p in problems)
        if errors:
            assert problems_text(name, text, errors)
        outcomes["refused" if errors else "loaded"] += 1
    assert min(outcomes.values()) > 100  # both kinds, so the mutations are neither too mild nor too wild
