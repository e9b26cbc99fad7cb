"""Turn a Screen into what Telegram accepts: text within 4096 characters and inline buttons."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.screens import Screen

MESSAGE_MAX = 4096


def keyboard(screen: Screen) -> InlineKeyboardMarkup | None:
    if not screen.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button.label, callback_data=button.action.encode()) for button in row]
            for row in screen.buttons
        ]
    )


def _utf16_length(text: str) -> int:
    # Telegram counts message length in UTF-16 code units (an emoji can count as two).
    return len(text.encode("utf-16-le")) // 2


def _fitting_prefix(line: str, limit: int) -> int:
    """How many characters of `line` fit in `limit` UTF-16 units."""
    units = 0
    for index, char in enumerate(line):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(line)


def fit(text: str, limit: int) -> str:
    """`text` cut to `limit` UTF-16 units, ending in "…" when cut."""
    if _utf16_length(text) <= limit:
        return text
    return text[: _fitting_prefix(text, limit - 1)] + "…"


def split_text(text: str, limit: int = MESSAGE_MAX) -> list[str]:
    """Split at line breaks so every part fits Telegram's limit; a single huge line is cut."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if _utf16_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while _utf16_length(line) > limit:
            cut = _fitting_prefix(line, limit)
            parts.append(line[:cut])
            line = line[cut:]
        current = line
    if current or not parts:
        parts.append(current)
    return parts
