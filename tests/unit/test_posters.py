"""Posters: an A4 PNG whose QR code is the link.

There is no QR decoder here (no zbar), so the tests read the code the way a scanner starts to:
they find the three finder patterns in the pixels (the 1:1:3:1:1 dark/light runs, across and
down), take the module size and the symbol's corner from them, sample every module's centre and
compare the grid with the one `qrcode` builds for the link at error correction Q. A grid that
matches module for module is that link's code (format information, data and error correction
included); the quiet zone around it is checked to be white.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import matplotlib
import pytest
import qrcode
import qrcode.constants
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from bot.posters import DEFAULT_FOOTER, PAGE_SIZE, poster, poster_layout

TITLE = "Have your say on the new youth hub"
LINE = "Five quick questions about what you want from it. Takes 3 minutes."
LINK = "https://t.me/YouthVoiceBot?start=hub-2025"
LONG_LINK = "https://t.me/YouthVoiceBot?start=" + "leaving-care-housing-and-money-" * 6 + "&from=noticeboard"
LONG_TITLE = "What should the council change about leaving care, housing, money and support when you turn 18?"
FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@pytest.fixture(scope="module")
def typical() -> bytes:
    return poster(TITLE, LINE, LINK)


def _open(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def _expected_matrix(link: str) -> list[list[bool]]:
    """The link's QR code without its quiet zone, built here independently of bot.posters."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
    code.add_data(link)
    code.make(fit=True)
    return code.get_matrix()


def _patterns(line: bytes) -> list[tuple[int, int]]:
    """(doubled centre, unit) of each dark-light-dark-light-dark run of 1:1:3:1:1 units in a line
    of 0/1 pixels."""
    runs = [(m.start(), m.end() - m.start(), line[m.start()]) for m in re.finditer(rb"\x00+|\x01+", line)]
    found = []
    for i in range(len(runs) - 4):
        five = runs[i : i + 5]
        unit = five[0][1]
        if five[0][2] == 1 and unit >= 3 and [run[1] for run in five] == [unit, unit, 3 * unit, unit, unit]:
            found.append((2 * five[2][0] + 3 * unit, unit))
    return found


def _finder_hits(dark: Image.Image) -> dict[tuple[int, int], list[int]]:
    """{(doubled centre of a 1:1:3:1:1 pattern across, unit): [rows it is on]}."""
    width, height = dark.size
    data = dark.tobytes()
    hits: dict[tuple[int, int], list[int]] = {}
    for y in range(height):
        for key in _patterns(data[y * width : (y + 1) * width]):
            hits.setdefault(key, []).append(y)
    return hits


def _consecutive(numbers: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][-1] == number - 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs


def _read_qr(image: Image.Image) -> tuple[list[list[bool]], tuple[int, int, int, int], int]:
    """Finds the code by its finder patterns and samples it: (modules, symbol box, module px)."""
    dark = image.convert("L").point(lambda value: 1 if value < 128 else 0)
    across = _finder_hits(dark)
    columns = dark.transpose(Image.Transpose.TRANSPOSE)
    finders = []
    for (x2, unit), rows in across.items():
        # A finder's centre square gives the pattern on 3 units of consecutive rows (the finders
        # on the left share a column, so split the rows into runs); the same must hold down each
        # column through the square.
        for band in _consecutive(rows):
            if len(band) != 3 * unit:
                continue
            y2 = 2 * band[0] + 3 * unit
            if all(
                (y2, unit) in _patterns(columns.crop((0, x, columns.width, x + 1)).tobytes())
                for x in range((x2 - 3 * unit) // 2, (x2 + 3 * unit) // 2)
            ):
                finders.append((x2 / 2, y2 / 2, unit))
    assert len(finders) == 3, finders
    unit = finders[0][2]
    assert all(finder[2] == unit for finder in finders)
    top_left = min(finders, key=lambda f: f[0] + f[1])
    top_right = max(finders, key=lambda f: f[0] - f[1])
    bottom_left = max(finders, key=lambda f: f[1] - f[0])
    assert top_left[1] == top_right[1] and top_left[0] == bottom_left[0]
    modules = round((top_right[0] - top_left[0]) / unit) + 7
    assert round((bottom_left[1] - top_left[1]) / unit) + 7 == modules
    left, top = round(top_left[0] - 3.5 * unit), round(top_left[1] - 3.5 * unit)
    grid = [
        [
            dark.getpixel((left + column * unit + unit // 2, top + row * unit + unit // 2)) == 1
            for column in range(modules)
        ]
        for row in range(modules)
    ]
    return grid, (left, top, left + modules * unit, top + modules * unit), unit


def _assert_qr_is(image: Image.Image, link: str) -> tuple[int, int, int, int]:
    grid, (left, top, right, bottom), unit = _read_qr(image)
    assert grid == _expected_matrix(link)
    # Big: the dark symbol alone is at least 45% of the page width.
    assert right - left >= 0.45 * image.width
    # Crisp: every module is a solid square (so the sampled centre is the whole module).
    expected = Image.new("L", (len(grid), len(grid)))
    expected.putdata([0 if dark else 255 for row in grid for dark in row])
    expected = expected.resize((right - left, bottom - top), Image.Resampling.NEAREST)
    assert ImageChops.difference(image.crop((left, top, right, bottom)), expected).getbbox() is None
    # A quiet zone of 4 modules, white all round.
    margin = 4 * unit
    zone = image.crop((left - margin, top - margin, right + margin, bottom + margin))
    assert zone.size == (right - left + 2 * margin, bottom - top + 2 * margin)
    for band in (
        (0, 0, zone.width, margin),
        (0, zone.height - margin, zone.width, zone.height),
        (0, 0, margin, zone.height),
        (zone.width - margin, 0, zone.width, zone.height),
    ):
        assert zone.crop(band).getextrema() == (255, 255)
    return left - margin, top - margin, right + margin, bottom + margin


def _assert_within_page(image: Image.Image) -> None:
    ink = ImageChops.invert(image.convert("L")).getbbox()
    assert ink is not None
    left, top, right, bottom = ink
    assert left >= 40 and top >= 40 and right <= image.width - 40 and bottom <= image.height - 40


def _title_text(layout) -> str:
    return " ".join(line.text for line in layout.lines if line.font == "DejaVuSans-Bold.ttf")


def test_the_poster_is_an_a4_png_mostly_white(typical):
    image = _open(typical)
    assert image.format == "PNG"
    assert image.size == PAGE_SIZE == (1240, 1754)
    assert image.height / image.width == pytest.approx(2**0.5, abs=0.01)
    assert image.info["dpi"] == pytest.approx((150, 150), abs=0.05)  # prints at A4
    histogram = image.convert("L").histogram()
    assert sum(histogram[200:]) / (image.width * image.height) > 0.7
    assert len(typical) < 300_000


def test_the_qr_code_on_the_poster_is_the_link(typical):
    image = _open(typical)
    box = _assert_qr_is(image, LINK)
    layout = poster_layout(TITLE, LINE, LINK)
    assert box == layout.qr_box  # where the layout says it is
    # In the middle: centred across, below the text at the top and above the link.
    assert abs((box[0] + box[2]) / 2 - image.width / 2) <= 1
    bold = [line for line in layout.lines if line.font == "DejaVuSans-Bold.ttf"]
    mono = [line for line in layout.lines if line.font == "DejaVuSansMono.ttf"]
    assert bold[-1].box[3] < box[1] < box[3] < mono[0].box[1]


def test_the_text_is_all_there_in_order(typical):
    layout = poster_layout(TITLE, LINE, LINK)
    texts = [line.text for line in layout.lines]
    assert _title_text(layout) == TITLE
    assert "".join(line.text for line in layout.lines if line.font == "DejaVuSansMono.ttf") == LINK
    assert texts[-1] == DEFAULT_FOOTER
    tops = [line.box[1] for line in layout.lines]
    assert tops == sorted(tops)
    assert layout.title_size >= 96  # a short title stays big
    _assert_within_page(_open(typical))


def test_the_footer_is_a_parameter():
    layout = poster_layout(TITLE, LINE, LINK, footer="Ask Sam at the desk if you need help.")
    assert layout.lines[-1].text == "Ask Sam at the desk if you need help."


@pytest.mark.parametrize(
    "title",
    [
        LONG_TITLE,
        "🎉🎉 " + LONG_TITLE[:-6] + " 🏳️‍🌈👍🏽",
        "Participationandengagementconsultationaboutsupportedaccommodationforcareleavers",
    ],
    ids=["100 characters", "emoji", "one long word"],
)
def test_long_titles_and_emoji_fit_on_the_page(title):
    layout = poster_layout(title, LINE, LINK)
    title_lines = [line for line in layout.lines if line.font == "DejaVuSans-Bold.ttf"]
    assert 1 <= len(title_lines) <= 3
    assert all(line.box[0] >= 0 and line.box[2] <= PAGE_SIZE[0] for line in layout.lines)
    assert layout.lines[-1].box[3] <= PAGE_SIZE[1]
    with TTFont(FONTS / "DejaVuSans-Bold.ttf", lazy=True) as font:
        cmap = font.getBestCmap()
    assert all(ord(char) in cmap for char in _title_text(layout) if char != " ")
    assert "".join(_title_text(layout).split()) in "".join(title.split())  # nothing else lost

    image = _open(poster(title, LINE, LINK))
    _assert_within_page(image)
    _assert_qr_is(image, LINK)


def test_emoji_are_dropped_not_drawn_as_boxes():
    layout = poster_layout("🎉 Youth club ✨ party 🏳️‍🌈", "Come along 💬", LINK)
    assert _title_text(layout) == "Youth club party"


def test_a_link_over_200_characters_still_fits():
    assert len(LONG_LINK) > 200
    layout = poster_layout(TITLE, LINE, LONG_LINK)
    assert layout.qr_version > poster_layout(TITLE, LINE, LINK).qr_version
    assert "".join(line.text for line in layout.lines if line.font == "DejaVuSansMono.ttf") == LONG_LINK
    assert layout.lines[-1].box[3] <= PAGE_SIZE[1]
    png = poster(TITLE, LINE, LONG_LINK)
    image = _open(png)
    _assert_within_page(image)
    _assert_qr_is(image, LONG_LINK)
    assert len(png) < 300_000


def test_the_same_inputs_give_the_same_bytes(typical):
    assert poster(TITLE, LINE, LINK) == typical


def test_too_much_text_for_a_page_is_refused():
    with pytest.raises(ValueError, match="too much text"):
        poster_layout("word " * 400, LINE, LINK)
    with pytest.raises(ValueError, match="link too long"):
        poster_layout(TITLE, LINE, "https://t.me/YouthVoiceBot?start=" + "x" * 3000)
