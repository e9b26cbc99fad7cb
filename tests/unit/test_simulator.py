"""The terminal simulator behaves like the chat: every button shown has a number of its own (the
safeguarding contact choice first, and kept to hand until answered), a ranking's options keep
their numbers as others are placed, nothing is numbered twice, and Arabic readers are told which
consultations are only in English."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core import i18n, texts
from bot.core.actions import Action, Kind
from bot.core.screens import Button, Picture, Screen
from bot.simulator import format_screen
from tests.conftest import E2E_SURVEYS, TEST_KEY
from tests.unit.test_logs_and_simulator import simulate as simulate_e2e

SHIPPED = Path(__file__).resolve().parents[2] / "surveys"
# Invented for the test (the phrase list's "hits me"), not anyone's real words.
DISCLOSURE = "my uncle hits me at weekends"
# Pets (tests/e2e/surveys): agree, Yes, Cat, Next, 3 on the scale; then the last question, typed.
TO_THE_LAST_PETS_QUESTION = ["1", "1", "1", "4", "3"]


async def simulate(
    tmp_path: Path, lines: list[str], consultation: str = "", surveys: Path = E2E_SURVEYS
) -> tuple[str, list[tuple[int | None, str | None]]]:
    """The whole transcript for someone typing `lines`, and each alert's (wants_contact, state)."""
    from bot.config import load_settings
    from bot.conversation import open_conversation
    from bot.simulator import Simulator

    settings = load_settings(surveys_dir=surveys, pseudonym_key=TEST_KEY)
    typed = iter(lines)
    said: list[str] = []

    async def ask(prompt: str) -> str:
        try:
            line = next(typed)
        except StopIteration:
            raise EOFError from None
        said.append(f"> {line}")
        return line

    async with open_conversation(settings, tmp_path / "sim.sqlite3") as conversation:
        await Simulator(conversation, ask=ask, say=said.append).run(consultation)
        alerts = await conversation.db.fetch_all(
            "SELECT wants_contact, state FROM safeguarding_alerts ORDER BY id"
        )
    return "\n".join(said), [(row["wants_contact"], row["state"]) for row in alerts]


def replies(transcript: str) -> list[tuple[str, str]]:
    """Each line typed, with what the simulator said to it."""
    parts = re.split(r"^> (.*)$", transcript, flags=re.MULTILINE)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def after(transcript: str, typed: str) -> str:
    """What the simulator said to the last time `typed` was typed."""
    return [said for line, said in replies(transcript) if line == typed][-1]


async def test_after_the_signposting_1_asks_the_team_to_get_in_touch(tmp_path: Path) -> None:
    transcript, alerts = await simulate(tmp_path, [*TO_THE_LAST_PETS_QUESTION, DISCLOSURE, "1"], "pets")
    shown = after(transcript, DISCLOSURE)
    # The signposting comes first, as in Telegram, and its buttons are numbered first.
    assert shown.index(texts.SIGNPOST) < shown.index(texts.REVIEW_TITLE)
    assert f"[1] {texts.CONTACT_YES_BUTTON}" in shown and f"[2] {texts.CONTACT_NO_BUTTON}" in shown
    # The review screen under it has numbers of its own, never a second [1].
    assert f"[3] {texts.SUBMIT_BUTTON}" in shown and shown.count("[1] ") == 1
    assert [wants for wants, _ in alerts] == [1]
    assert after(transcript, "1").strip().startswith("Thank you. Someone from the team will get in touch")


async def test_the_contact_choice_stays_to_hand_until_it_is_answered(tmp_path: Path) -> None:
    # Send the answers first (3), then ask to be contacted from the line kept under the new screen.
    lines = [*TO_THE_LAST_PETS_QUESTION, DISCLOSURE, "3"]
    transcript, alerts = await simulate(tmp_path, lines, "pets")
    sent = after(transcript, "3")
    assert texts.THANK_YOU in sent
    kept = re.search(r"\(Still there above: \[(\d+)\] (.+?)   \[(\d+)\] (.+)\)", sent)
    assert kept is not None, sent
    assert (kept[2], kept[4]) == (texts.CONTACT_YES_BUTTON, texts.CONTACT_NO_BUTTON)
    assert alerts[0][0] is None  # not chosen yet

    (tmp_path / "again").mkdir()
    transcript, alerts = await simulate(tmp_path / "again", [*lines, kept[1]], "pets")
    assert alerts[0][0] == 1
    assert "Still there above" not in after(transcript, kept[1])  # answered: no longer kept


async def test_a_rankings_options_keep_their_numbers_as_they_are_placed(tmp_path: Path) -> None:
    # Hub design: agree, picture 1, a face (4), Music (1) and Next (8), then rank.
    lines = ["1", "1", "4", "1", "8", "3", "1", "3"]
    (tmp_path / "hub").mkdir()
    transcript, _ = await simulate(tmp_path / "hub", lines, "hub-design", SHIPPED)
    ranking = after(transcript, "8")
    assert "[1] 🛏️ A bedroom of my own" in ranking and "[3] 🤝 Staff I can talk to" in ranking
    placed_one = replies(transcript)[5][1]  # Staff placed first
    assert "[3] 🤝" not in placed_one
    assert "[1] 🛏️ A bedroom of my own" in placed_one and "[5] 🌳 Space outside" in placed_one
    placed_two = after(transcript, "1")  # then the bedroom: the others keep their numbers
    assert "[2] 🔒 Privacy" in placed_two and "[4] 👫 Friends can visit" in placed_two
    assert "[5] 🌳 Space outside" in placed_two
    # Typing the number of one already placed says so, and is not taken as words.
    said = after(transcript, "3").strip()
    assert said.startswith("(You placed [3] already")
    assert "send it to the team" not in said


async def test_pictures_and_their_buttons_are_numbered_once(tmp_path: Path) -> None:
    transcript, _ = await simulate(tmp_path, ["1"], "hub-design", SHIPPED)
    first = after(transcript, "1")
    assert "[1] A: small flats around a garden" in first
    assert "[picture 1. A: small flats around a garden]" in first
    assert "[1] 1." not in first and "[2] 2." not in first


def test_a_picture_follows_its_buttons_number_when_the_screen_is_numbered_later() -> None:
    option = Button("✅ 1. A: flats", Action(Kind.PICK, "c", "q", "flats"))
    other = Button("2. B: house", Action(Kind.PICK, "c", "q", "house"))
    screen = Screen("Which?", ((option,), (other,)), album=(Picture("a.png", "1. A: flats"),))
    shown = format_screen(screen, [[3], [4]])
    assert "[picture 3. A: flats]" in shown and "[3] ✅ A: flats" in shown
    assert "[4] 2. B: house" in shown  # no picture of its own here: its label is left as it is


async def test_arabic_readers_see_which_consultations_are_only_in_english(tmp_path: Path) -> None:
    transcript, _ = await simulate(tmp_path, ["/language", "2", "1", "1"])  # Arabic, agree, open day
    with i18n.speaking("ar"):
        marked = texts.ENGLISH_ONLY_LABEL.format(title="Come to our open day")
        note = texts.ENGLISH_ONLY_INTRO
    listing = replies(transcript)[2][1]
    assert marked in listing and "بالإنجليزية فقط" in marked
    assert "الحيوانات الأليفة في المركز\n" in listing  # pets is in Arabic: no mark
    opened = replies(transcript)[3][1]
    assert opened.index(note) < opened.index("Not anonymous, so we can invite you.")


async def test_english_readers_get_no_mark(tmp_path: Path) -> None:
    said, _ = await simulate_e2e(tmp_path, ["1"])
    transcript = "\n".join(said)
    assert "Come to our open day" in transcript and "English only" not in transcript
