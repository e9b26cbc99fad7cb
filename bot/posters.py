"""Printable A4 posters with a QR code into a consultation, for the noticeboard in a hub.

`poster(title, line, link)` returns PNG bytes: 1240x1754 px (A4 portrait at 150 dpi, with the dpi
recorded in the file so it prints at A4), black text on white. From the top: the title, big and
wrapped (the font shrinks only when the title would take more than three lines); one friendly
line; a large QR code (error correction Q, the standard 4-module quiet zone, whole pixels per
module, at least 45% of the page width) encoding `link`; the link in plain text for people who
can't scan; a small footer. The same inputs give the same bytes.

Fonts are the DejaVu Sans TTFs that ship inside matplotlib, so the output doesn't depend on the
system's fonts. DejaVu has no emoji: characters a font cannot draw are dropped (a title like
"Youth club 🎉" prints as "Youth club") instead of being drawn as empty boxes. The check reads
the font's character map with fontTools (a dependency of matplotlib); if fontTools is missing,
a conservative fallback drops characters outside the Basic Multilingual Plane and the common
emoji, dingbat and joiner ranges.

Text goes through Pillow's default layout engine (libraqm when installed, which shapes and
orders right-to-left scripts); wrapping is by words, measured with the same fonts.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.constants
import qrcode.exceptions
from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "DEFAULT_FOOTER",
    "PAGE_SIZE",
    "PosterLayout",
    "TextLine",
    "poster",
    "poster_layout",
    "qr_matrix",
]

DEFAULT_FOOTER = "Scan with your phone's camera. It opens Telegram. It's anonymous."

DPI = 150
PAGE_SIZE = (1240, 1754)  # A4 (210 x 297 mm) at 150 dpi, portrait
MARGIN = 90
TEXT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN

INK = 0  # black on white, in a greyscale ("L") image
PAPER = 255

# Q recovers ~25% damage (creases, glare, a drawing-pin through it) at the cost of a slightly
# denser code than M; the quiet zone of 4 modules is what the standard asks for.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q
QUIET_ZONE = 4
QR_TARGET = round(PAGE_SIZE[0] * 0.70)  # the code with its quiet zone, when there is room
QR_MIN_SYMBOL = round(PAGE_SIZE[0] * 0.45)  # the dark part alone, never smaller than this
MIN_MODULE_PX = 3  # 0.5 mm at 150 dpi; below this phones struggle

BOLD = "DejaVuSans-Bold.ttf"
REGULAR = "DejaVuSans.ttf"
MONO = "DejaVuSansMono.ttf"

TITLE_SIZES = tuple(range(104, 23, -4))  # px; the first that fits in TITLE_MAX_LINES is used
TITLE_MAX_LINES = 3
LINE_SIZES = (46, 40, 34, 28)
LINK_SIZE = 34
FOOTER_SIZE = 30
LINE_SPACING = 1.18  # times the font's ascent + descent
TITLE_LINE_SPACING = 1.05  # big bold lines need less air

GAP_AFTER_TITLE = 36
GAP_AROUND_QR = 28
GAP_BEFORE_FOOTER = 22


Block = list[tuple[str, str, int]]  # lines of (text, font file, size) that go together


@dataclass(frozen=True)
class TextLine:
    text: str
    font: str  # file name in matplotlib's DejaVu folder
    size: int
    box: tuple[int, int, int, int]  # left, top, right, bottom of the line's slot on the page


@dataclass(frozen=True)
class PosterLayout:
    """Where everything goes; `poster` draws exactly this. Exposed so tests (and callers who want
    to check a poster) can find the QR code: `qr_box` includes the quiet zone, and each module is
    `module_px` x `module_px` pixels."""

    size: tuple[int, int]
    lines: tuple[TextLine, ...]
    qr_box: tuple[int, int, int, int]
    module_px: int
    qr_version: int
    title_size: int


def poster(title: str, line: str, link: str, footer: str = DEFAULT_FOOTER) -> bytes:
    """An A4 poster (PNG, 1240x1754 px, 150 dpi) inviting young people to scan into `link`.

    Raises ValueError when the text cannot fit on one page even at the smallest sizes, or the
    link is too long for any QR code (over ~1,600 bytes)."""
    layout = poster_layout(title, line, link, footer)
    image = Image.new("L", layout.size, PAPER)
    draw = ImageDraw.Draw(image)
    for text_line in layout.lines:
        font = _font(text_line.font, text_line.size)
        ascent, _ = font.getmetrics()
        left, top, right, _ = text_line.box
        draw.text(((left + right) / 2, top + ascent), text_line.text, font=font, fill=INK, anchor="ms")
    left, top, _, _ = layout.qr_box
    image.paste(_qr_image(qr_matrix(link), layout.module_px), (left, top))
    return _png(image)


def qr_matrix(link: str) -> list[list[bool]]:
    """The code's modules, quiet zone included (True is dark), at the smallest version that holds
    `link` with error correction Q."""
    return [list(row) for row in _qr(link)[0]]


def poster_layout(title: str, line: str, link: str, footer: str = DEFAULT_FOOTER) -> PosterLayout:
    """Fits the text and the code on the page. The title gets the biggest size at which it takes
    at most three lines; if the code would then be below its minimum size, the friendly line
    shrinks first, then the title (and only then may it take more than three lines). The link
    is printed as encoded, minus any character the font can't draw (links are ASCII in practice)."""
    width, height = PAGE_SIZE
    matrix, version = _qr(link)
    modules = len(matrix)
    min_module = max(MIN_MODULE_PX, -(-QR_MIN_SYMBOL // (modules - 2 * QUIET_ZONE)))

    title = _drawable(title, BOLD)
    line = _drawable(line, REGULAR)
    footer = _drawable(footer, REGULAR)
    link_text = _drawable(link, MONO)

    # The bottom block (link, then footer) has fixed sizes and sits on the bottom margin.
    bottom = [
        [(text, MONO, LINK_SIZE) for text in _wrap_link(link_text, LINK_SIZE)],
        [(text, REGULAR, FOOTER_SIZE) for text in _wrap(footer, REGULAR, FOOTER_SIZE)],
    ]
    bottom_top = height - MARGIN - _blocks_height(bottom, GAP_BEFORE_FOOTER)

    wrapped = [(size, _wrap(title, BOLD, size)) for size in TITLE_SIZES]
    short = [(size, lines) for size, lines in wrapped if len(lines) <= TITLE_MAX_LINES]
    # The biggest title that keeps to three lines first; smaller ones (perhaps longer) if the
    # code would not fit otherwise.
    start = wrapped.index(short[0]) if short else len(wrapped) - 1
    for title_size, title_lines in wrapped[start:]:
        for line_size in LINE_SIZES:
            top = [
                [(text, BOLD, title_size) for text in title_lines],
                [(text, REGULAR, line_size) for text in _wrap(line, REGULAR, line_size)],
            ]
            text_bottom = MARGIN + _blocks_height(top, GAP_AFTER_TITLE)
            space = bottom_top - text_bottom - 2 * GAP_AROUND_QR
            module_px = min(QR_TARGET, space, width - 2 * MARGIN) // modules
            if module_px < min_module:
                continue
            qr_side = module_px * modules
            qr_left = (width - qr_side) // 2
            qr_top = text_bottom + GAP_AROUND_QR + (space - qr_side) // 2
            return PosterLayout(
                size=PAGE_SIZE,
                lines=(*_stack(top, MARGIN, GAP_AFTER_TITLE), *_stack(bottom, bottom_top, GAP_BEFORE_FOOTER)),
                qr_box=(qr_left, qr_top, qr_left + qr_side, qr_top + qr_side),
                module_px=module_px,
                qr_version=version,
                title_size=title_size,
            )
    raise ValueError("too much text for one poster: shorten the title, the line or the link")


def _stack(blocks: list[Block], top: int, gap: int) -> list[TextLine]:
    """Places the blocks' lines one under another from `top`, `gap` between non-empty blocks."""
    placed = []
    for block in filter(None, blocks):
        if placed:
            top += gap
        for text, font, size in block:
            line_height = _line_height(font, size)
            placed.append(TextLine(text, font, size, (MARGIN, top, PAGE_SIZE[0] - MARGIN, top + line_height)))
            top += line_height
    return placed


def _blocks_height(blocks: list[Block], gap: int) -> int:
    placed = _stack(blocks, 0, gap)
    return placed[-1].box[3] if placed else 0


def _line_height(font_name: str, size: int) -> int:
    ascent, descent = _font(font_name, size).getmetrics()
    return round((ascent + descent) * (TITLE_LINE_SPACING if font_name == BOLD else LINE_SPACING))


def _wrap(text: str, font_name: str, size: int) -> list[str]:
    """Greedy word wrap to the text width; a word wider than the page is broken between letters."""
    font = _font(font_name, size)
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= TEXT_WIDTH:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while font.getlength(current) > TEXT_WIDTH:
            cut = _fit(current, font)
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def _wrap_link(link: str, size: int) -> list[str]:
    """Breaks a long link between characters, preferably just after / ? & = - _ or a dot."""
    font = _font(MONO, size)
    lines = []
    rest = link
    while rest and font.getlength(rest) > TEXT_WIDTH:
        cut = _fit(rest, font)
        nice = max(rest.rfind(mark, 0, cut) for mark in "/?&=-_.")
        if nice >= cut // 2:
            cut = nice + 1
        lines.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        lines.append(rest)
    return lines


def _fit(text: str, font: ImageFont.FreeTypeFont) -> int:
    """How many leading characters of `text` fit in the text width (at least one)."""
    count = 1
    while count < len(text) and font.getlength(text[: count + 1]) <= TEXT_WIDTH:
        count += 1
    return count


def _drawable(text: str, font_name: str) -> str:
    """`text` without the characters the font has no glyph for (emoji, mostly), with whitespace
    (newlines included) collapsed to single spaces."""
    text = unicodedata.normalize("NFC", text)
    supported = _supported(font_name)
    kept = "".join(char for char in text if char.isspace() or (_printable(char) and supported(char)))
    return re.sub(r"\s+", " ", kept).strip()


def _printable(char: str) -> bool:
    # Not: control, format (joiners, bidi marks), private use, unassigned, surrogates; nor the
    # variation selectors that ask for emoji presentation (DejaVu maps U+FE0F to an empty glyph,
    # which would leave a stray character at the edge of a line).
    point = ord(char)
    if 0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF:
        return False
    return not unicodedata.category(char).startswith("C")


@functools.cache
def _supported(font_name: str):
    try:
        from fontTools.ttLib import TTFont
    except ImportError:  # pragma: no cover - fontTools comes with matplotlib
        return _probably_drawable
    with TTFont(_font_path(font_name), lazy=True) as font:
        codepoints = frozenset(font.getBestCmap())
    return lambda char: ord(char) in codepoints


_EMOJI_RANGES = (
    (0x2190, 0x21FF),  # arrows (some emoji-styled)
    (0x2300, 0x23FF),  # misc technical (⌚ ⏰ …)
    (0x2600, 0x27BF),  # misc symbols and dingbats
    (0x2B00, 0x2BFF),  # misc symbols and arrows (⭐ …)
    (0xFE00, 0xFE0F),  # variation selectors
)


def _probably_drawable(char: str) -> bool:
    point = ord(char)
    return point <= 0xFFFF and not any(low <= point <= high for low, high in _EMOJI_RANGES)


@functools.cache
def _qr(link: str) -> tuple[tuple[tuple[bool, ...], ...], int]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(link)
    try:
        code.make(fit=True)
    except (ValueError, qrcode.exceptions.DataOverflowError) as error:  # qrcode 8 raises ValueError
        raise ValueError(f"link too long for a QR code ({len(link.encode())} bytes)") from error
    return tuple(tuple(row) for row in code.get_matrix()), code.version


def _qr_image(matrix: list[list[bool]] | tuple[tuple[bool, ...], ...], module_px: int) -> Image.Image:
    modules = len(matrix)
    small = Image.new("L", (modules, modules))
    small.putdata([INK if dark else PAPER for row in matrix for dark in row])
    return small.resize((modules * module_px, modules * module_px), Image.Resampling.NEAREST)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(DPI, DPI))
    return buffer.getvalue()


@functools.cache
def _font(font_name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_font_path(font_name)), size)


@functools.cache
def _fonts_dir() -> Path:
    # matplotlib's fonts live in its package folder; finding the folder without importing
    # matplotlib saves loading it (and numpy) just for a path.
    spec = importlib.util.find_spec("matplotlib")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            folder = Path(location) / "mpl-data" / "fonts" / "ttf"
            if (folder / "DejaVuSans.ttf").exists():
                return folder
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _font_path(font_name: str) -> Path:
    return _fonts_dir() / font_name
