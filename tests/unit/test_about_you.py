""" "About you", the parts under the bot: the council's file (each mistake one line), buttons that
fit Telegram's 64 bytes, the sealed record and the responses' copies, and what is asked next."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.about_you.asking import Run, question_screen
from bot.about_you.council import AboutYouFileProblem, CouncilFile, parse, read, unaskable
from bot.about_you.profiles import Profiles
from bot.about_you.questions import FIELDS, RATHER_NOT, STANDARD, question, team_name
from bot.core import i18n, texts
from bot.core.actions import CALLBACK_DATA_MAX_BYTES, Action, Kind, encoded_size
from bot.core.models import BUTTON_LABEL_MAX, CONSULTATION_ID_MAX, PREVIEW_MARK, Consultation
from bot.core.privacy import pseudonym
from bot.storage.db import Database
from bot.storage.migrate import migrate

KEY = b"k" * 32
AREAS = {"north": "North", "south": "South"}


def consultation(cid: str, about_you: list[str]) -> Consultation:
    return Consultation.model_validate(
        {
            "id": cid,
            "title": "T",
            "intro": "I",
            "about_you": about_you,
            "questions": [{"id": "q", "type": "yes_no", "text": "Q?"}],
        }
    )


# --- the council's file --------------------------------------------------------------------------


def test_a_good_file_gives_the_areas_and_the_cohort() -> None:
    found = parse(
        {
            "areas": AREAS,
            "cohort": {"total": 100, "age_band": {"11-13": 20}, "care_experience": {True: 40, False: 60}},
        },
        "about_you.yaml",
    )
    assert found.areas == AREAS
    assert found.cohort is not None and found.cohort.total == 100
    assert found.cohort.groups["care_experience"] == {"yes": 40, "no": 60}  # YAML's bare yes and no


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ({"area": AREAS}, "f: area: not a setting here (did you mean 'areas'?)"),
        ({"areas": {"North Town": "N"}}, "f: areas.North Town: an id is up to 24 lowercase letters"),
        ({"areas": {RATHER_NOT: "N"}}, "f: areas.~: an id is up to 24 lowercase letters"),
        ({"areas": {"n": "x" * 41}}, "f: areas.n: its name should be 1 to 40 characters"),
        ({"cohort": {"age_band": {}}}, "f: cohort.total: how many young people the service works with"),
        (
            {"cohort": {"total": 9, "agebands": {}}},
            "f: cohort.agebands: not an 'about you' question (did you mean 'age_band'?)",
        ),
        (
            {"cohort": {"total": 9, "age_band": {"11-12": 1}}},
            "f: cohort.age_band.11-12: not one of 11-13, 14-15",
        ),
        (
            {"cohort": {"total": 9, "area": {"n": 1}}},
            "f: cohort.area: the areas are not listed under 'areas'",
        ),
        (
            {"cohort": {"total": 9, "care_experience": {True: 5, False: 5}}},
            "f: cohort.care_experience: its groups add up to 10, more than the total 9",
        ),
        (
            {"cohort": {"total": 9, "disability": {"yes": -1}}},
            "f: cohort.disability.yes: should be a whole number, 0 or more",
        ),
    ],
)
def test_each_mistake_is_one_line_naming_the_place_and_the_reason(raw: dict[str, object], said: str) -> None:
    with pytest.raises(AboutYouFileProblem) as problem:
        parse(raw, "f")
    assert str(problem.value).startswith(said)
    assert "\n" not in str(problem.value)


def test_no_file_means_no_areas_and_no_cohort(tmp_path: Path) -> None:
    assert read(tmp_path / "missing.yaml") == CouncilFile() == read(None)
    bad = tmp_path / "about_you.yaml"
    bad.write_text("areas: [&a north, *a]\n")
    with pytest.raises(AboutYouFileProblem, match=r"about_you\.yaml"):
        read(bad)


def test_the_bot_stops_with_one_line_on_a_bad_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "about_you.yaml"
    bad.write_text("cohort:\n  total: 10\n  age_band: {11-12: 3}\n")
    monkeypatch.setenv("ABOUT_YOU_FILE", str(bad))
    assert main(["simulate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Configuration problem: ABOUT_YOU_FILE: {bad}: cohort.age_band.11-12: not one of")
    assert len(err.strip().splitlines()) == 1


def test_the_area_is_not_asked_until_the_council_lists_its_areas() -> None:
    asks = consultation("hub", ["age_band", "area"])
    assert question("area", {}) is None
    assert unaskable([asks], CouncilFile(), Path("about_you.yaml")) == [
        "hub: about_you: warning: area is not asked until about_you.yaml lists the areas"
    ]
    assert unaskable([asks], CouncilFile(AREAS), None) == []


# --- buttons and names ----------------------------------------------------------------------------


def test_every_button_fits_telegram_with_the_longest_ids() -> None:
    longest_area = "a" * 24
    for field in FIELDS:
        asked = question(field, {longest_area: "Somewhere"})
        assert asked is not None
        for value in [g.id for g in asked.groups] + [RATHER_NOT, "-"]:
            # The longest consultation id, as a worker's preview copy names it.
            previewed = "c" * CONSULTATION_ID_MAX + PREVIEW_MARK
            tap = Action(Kind.ABOUT_YOU, previewed, str(FIELDS.index(field)), value)
            assert encoded_size(tap) <= CALLBACK_DATA_MAX_BYTES


def test_the_team_reads_plain_names() -> None:
    assert [team_name(f) for f in FIELDS] == [
        "age",
        "gender",
        "area",
        "care experience",
        "disability",
        "ethnic group",
    ]
    assert [g.team for g in STANDARD["care_experience"].groups] == [
        "care-experienced",
        "not care-experienced",
        "not sure",
    ]


# --- the sealed record and the copies -------------------------------------------------------------


def profiles(key: bytes = KEY) -> Profiles:
    return Profiles(key, CouncilFile(AREAS), lambda: datetime(2026, 12, 7, tzinfo=UTC))


async def test_what_they_said_opens_only_with_the_key_and_only_for_them(db: Database) -> None:
    await migrate(db)
    mine = profiles()

    def record(connection: sqlite3.Connection) -> None:
        mine.record_in(connection, 42, {"age_band": "14-15", "area": None})

    await db.transaction(record)
    assert await db.read(lambda c: mine.said_in(c, 42)) == {"age_band": "14-15", "area": None}
    assert await db.read(lambda c: mine.said_in(c, 43)) == {}  # someone else
    assert await db.read(lambda c: profiles(b"x" * 32).said_in(c, 42)) == {}  # another key
    [(mark, sealed, month)] = await db.read(
        lambda c: [tuple(r) for r in c.execute("SELECT * FROM about_you")]
    )
    assert month == "2026-12-01" and b"14-15" not in sealed
    assert mark != pseudonym(KEY, "about-you", 42)  # a key of its own (HKDF), not the responses'


async def test_a_response_copies_only_its_consultation_s_questions_and_only_groups(db: Database) -> None:
    await migrate(db)
    mine = profiles()
    asks = consultation("rooms", ["age_band", "care_experience", "disability"])

    def copy(connection: sqlite3.Connection) -> list[tuple[str, str]]:
        connection.execute(
            "INSERT INTO responses (id, consultation_id, respondent, status, started_at, updated_at)"
            " VALUES (1, 'rooms', 'r', 'submitted', 'd', 'd')"
        )
        said = {"age_band": "14-15", "area": "north", "care_experience": RATHER_NOT, "disability": None}
        mine.copy_in(connection, asks, 1, said)  # type: ignore[arg-type]
        return [tuple(row) for row in connection.execute("SELECT field, value FROM response_about_you")]

    assert await db.transaction(copy) == [("age_band", "14-15")]  # no area: rooms does not ask it


def test_a_consultation_run_asks_only_what_was_never_asked_and_an_again_run_everything() -> None:
    asked = [q for f in ("age_band", "area", "care_experience") if (q := question(f, AREAS))]
    run = Run(consultation("pets", ["age_band", "area", "care_experience"]), asked)
    assert run.still_to_ask({}) is asked[0]
    assert run.still_to_ask({"age_band": "14-15"}) is asked[1]
    assert run.still_to_ask({"age_band": None, "area": None}, after="age_band") is asked[2]
    assert run.still_to_ask({"age_band": None, "area": None, "care_experience": "no"}) is None
    again = Run(None, asked)
    assert again.still_to_ask({"age_band": "14-15"}, after="age_band") is asked[1]
    assert again.still_to_ask({}, after="care_experience") is None


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_question_reads_in_the_young_person_s_language_with_a_way_on(language: str) -> None:
    with i18n.speaking(language):
        for field in FIELDS:
            asked = question(field, AREAS)
            assert asked is not None
            labels = [g.wording for g in asked.groups]
            assert asked.wording.strip() and all(0 < len(label) <= BUTTON_LABEL_MAX for label in labels)
            if language == "ar" and field != "area":  # the council's area names are as written
                assert all(re.search("[\u0600-\u06ff]", text) for text in [asked.wording, *labels])
        asked = [q for f in FIELDS if (q := question(f, AREAS))]
        screen = question_screen(Run(None, asked), asked[0])
        below = [b.label for row in screen.buttons for b in row][-3:]
        assert below == [texts.RATHER_NOT_BUTTON, texts.SKIP_BUTTON, texts.ABOUT_STOP_BUTTON]
        assert screen.menu  # only the newest question keeps its buttons


def test_about_you_is_refused_where_answers_carry_the_telegram_id() -> None:
    with pytest.raises(ValueError, match=r"about_you\n.*only for anonymous consultations"):
        Consultation.model_validate(
            {
                "id": "named",
                "title": "T",
                "intro": "I",
                "anonymous": False,
                "about_you": ["age_band"],
                "questions": [{"id": "q", "type": "yes_no", "text": "Q?"}],
            }
        )


@pytest.mark.parametrize(
    "areas",
    [
        {"n": "North", "s": "NORTH "},
        {"n": "everyone else"},
        {"n": "Did not say"},
        {"n": "Everyone who answered"},
        {"n": "North or South"},
        {"n": "did\u00a0 not say"},  # spaces of any kind are spaces
    ],
)
def test_an_area_s_name_is_its_own(areas: dict[str, str]) -> None:
    with pytest.raises(
        AboutYouFileProblem, match="is another area's name, or reads like the tables' own rows"
    ):
        parse({"areas": areas}, "f")
