"""Screens become Telegram messages that Telegram accepts."""

from __future__ import annotations

from bot.core.actions import Action, Kind
from bot.core.screens import Button, Screen
from bot.telegram.render import MESSAGE_MAX, fit, keyboard, split_text


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_short_text_is_one_part() -> None:
    assert split_text("hello\nthere") == ["hello\nthere"]


def test_long_text_splits_at_line_breaks_within_the_limit() -> None:
    lines = [f"line {n} " + "x" * 90 for n in range(100)]
    parts = split_text("\n".join(lines))
    assert len(parts) > 1
    assert all(utf16(p) <= MESSAGE_MAX for p in parts)
    assert "\n".join(parts) == "\n".join(lines)  # nothing lost, nothing added


def test_a_single_huge_line_of_emoji_is_cut_by_utf16_units() -> None:
    text = "🙂" * 3000  # 6000 UTF-16 units
    parts = split_text(text)
    assert [utf16(p) for p in parts] == [4096, 1904]
    assert "".join(parts) == text


def test_fit_cuts_by_utf16_units_and_says_so() -> None:
    assert fit("short", 10) == "short"
    cut = fit("😀" * 600, 1024)  # a caption of emoji: 1200 units as sent
    assert cut.endswith("…") and utf16(cut) <= 1024


def test_buttons_become_one_inline_row_each_with_encoded_data() -> None:
    screen = Screen(
        "Q",
        ((Button("Yes", Action(Kind.PICK, "c", "q", "y")),), (Button("Back", Action(Kind.BACK, "c", "q")),)),
    )
    markup = keyboard(screen)
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Yes"], ["Back"]]
    assert markup.inline_keyboard[0][0].callback_data == "p|c|q|y"
    assert keyboard(Screen("no buttons")) is None


def test_a_ten_point_scale_is_two_rows_of_five() -> None:
    from bot.core.engine import Progress
    from bot.core.models import Consultation
    from bot.core.screens import question_screen

    definition = Consultation.model_validate(
        {
            "id": "c",
            "title": "T",
            "intro": "I",
            "questions": [{"id": "s", "type": "scale", "text": "How much?", "min": 1, "max": 10}],
        }
    )
    rows = question_screen(definition, Progress(position="s")).buttons
    assert [len(row) for row in rows] == [5, 5, 1]  # and Pause on a row of its own
