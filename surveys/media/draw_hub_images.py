"""Draw the three outline designs shown in the hub-design consultation.

Makes outline-a.png (small flats around a garden), outline-b.png (one big family-style house) and
outline-c.png (bedrooms plus a separate activity building): simple top-down floor-plan sketches,
1000 by 750 px, with a label on every room so colour is never the only clue. The PNGs are committed,
so the bot needs nothing at run time; run this only to remake them, from the repository root:

    python surveys/media/draw_hub_images.py

It writes the PNGs next to itself. Output is deterministic: the same Pillow and FreeType give the
same bytes. It uses Pillow (which comes with matplotlib) and matplotlib's bundled DejaVu fonts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"

WIDTH, HEIGHT = 1000, 750
TITLE_HEIGHT = 84

# Soft, friendly colours. Every room also carries a label.
BACKGROUND = "#fbf7ef"
INK = "#2b2838"
WALL = "#4a4558"
WHITE = "#ffffff"
TITLE_BAND = "#2f6f73"
BEDROOM = "#ddd5f5"
LIVING = "#fde2c8"
FLAT_HEADER = "#c3b6ea"
KITCHEN = "#fff0a3"
LOUNGE = "#ffd3d3"
GARDEN = "#cdeccb"
GRASS = "#e3f3dc"
TREE = "#8cc98c"
TREE_EDGE = "#4f8f5a"
PATH = "#eadbbd"
PATH_EDGE = "#b99b6b"
HALL = "#ebe8e4"
BATHROOM = "#cfeef0"
OFFICE = "#e2e9f5"
MUSIC = "#cfe3fa"
GYM = "#ffd9b0"
GAMES = "#e4f3c3"
BLOCK_HEADER = "#b9c7e8"
DOOR = "#a9744f"

# Backgrounds that text is drawn on, so the palette keeps smooth letter edges for each.
TEXT_BACKGROUNDS = [
    BACKGROUND,
    TITLE_BAND,
    BEDROOM,
    LIVING,
    FLAT_HEADER,
    KITCHEN,
    LOUNGE,
    GARDEN,
    GRASS,
    PATH,
    HALL,
    BATHROOM,
    OFFICE,
    MUSIC,
    GYM,
    GAMES,
    BLOCK_HEADER,
]
SOLID_COLOURS = [INK, WALL, WHITE, TREE, TREE_EDGE, PATH_EDGE, DOOR, *TEXT_BACKGROUNDS]


def font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


ROOM_FONT = font(24)
SMALL_FONT = font(21)
NOTE_FONT = font(20, bold=False)

Box = tuple[int, int, int, int]


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def palette() -> list[tuple[int, int, int]]:
    """A fixed palette: every solid colour, plus a few in-between shades of each text colour over
    each background it sits on, for smooth letters."""
    colours = [rgb(colour) for colour in SOLID_COLOURS]
    for background in TEXT_BACKGROUNDS:
        for text in (INK, WHITE):
            for share in (0.25, 0.5, 0.75):
                colours.append(
                    tuple(round(b + (t - b) * share) for b, t in zip(rgb(background), rgb(text), strict=True))
                )
    return list(dict.fromkeys(colours))


def to_palette(image: Image.Image, colours: list[tuple[int, int, int]]) -> Image.Image:
    """Map every pixel to its nearest palette colour, exactly (Pillow's own palette lookup works at
    a lower precision and can shift a fill colour slightly). A fixed palette gives a small PNG."""
    pixels = np.asarray(image, dtype=np.int32).reshape(-1, 3)
    unique, inverse = np.unique(pixels, axis=0, return_inverse=True)
    choices = np.array(colours, dtype=np.int32)
    distances = ((unique[:, None, :] - choices[None, :, :]) ** 2).sum(axis=2)
    indices = distances.argmin(axis=1).astype(np.uint8)[inverse.reshape(-1)]
    result = Image.fromarray(indices.reshape(image.height, image.width), mode="P")
    result.putpalette([channel for colour in colours for channel in colour])
    return result


def label(
    draw: ImageDraw.ImageDraw, box: Box, text: str, face: ImageFont.FreeTypeFont, colour: str = INK
) -> None:
    """Centre `text` in `box`; fail loudly if it does not fit with a margin."""
    left, top, right, bottom = box
    centre = ((left + right) // 2, (top + bottom) // 2)
    x0, y0, x1, y1 = draw.multiline_textbbox(centre, text, font=face, anchor="mm", align="center", spacing=4)
    margin = 8
    if x0 < left + margin or x1 > right - margin or y0 < top + margin or y1 > bottom - margin:
        raise ValueError(f"label {text!r} does not fit in {box}")
    draw.multiline_text(centre, text, font=face, fill=colour, anchor="mm", align="center", spacing=4)


def room(
    draw: ImageDraw.ImageDraw, box: Box, text: str, fill: str, face: ImageFont.FreeTypeFont = ROOM_FONT
) -> None:
    draw.rectangle(box, fill=fill, outline=WALL, width=4)
    if text:
        label(draw, box, text, face)


def tree(draw: ImageDraw.ImageDraw, x: int, y: int, radius: int = 22) -> None:
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=TREE, outline=TREE_EDGE, width=3)


def door_h(draw: ImageDraw.ImageDraw, x: int, y: int) -> None:
    """A door in a horizontal wall, centred on (x, y)."""
    draw.rectangle((x - 22, y - 5, x + 22, y + 5), fill=DOOR)


def door_v(draw: ImageDraw.ImageDraw, x: int, y: int) -> None:
    """A door in a vertical wall, centred on (x, y)."""
    draw.rectangle((x - 5, y - 22, x + 5, y + 22), fill=DOOR)


def canvas(title: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH - 1, TITLE_HEIGHT - 1), fill=TITLE_BAND)
    size = 36  # as big as fits, never below 28 px
    while draw.textlength(title, font=font(size)) > WIDTH - 40 and size > 28:
        size -= 1
    label(draw, (0, 0, WIDTH, TITLE_HEIGHT), title, font(size), WHITE)
    return image, draw


def note(draw: ImageDraw.ImageDraw, text: str) -> None:
    draw.text((30, HEIGHT - 14), text, font=NOTE_FONT, fill=INK, anchor="ls")


def flat(draw: ImageDraw.ImageDraw, box: Box, number: int, header_on_top: bool) -> None:
    """One small flat: a name strip, then a bedroom and a living space side by side."""
    left, top, right, bottom = box
    header = 40
    if header_on_top:
        strip, rooms_top, rooms_bottom = (left, top, right, top + header), top + header, bottom
    else:
        strip, rooms_top, rooms_bottom = (left, bottom - header, right, bottom), top, bottom - header
    middle = (left + right) // 2
    room(draw, (left, rooms_top, middle, rooms_bottom), "Bedroom", BEDROOM, SMALL_FONT)
    room(draw, (middle, rooms_top, right, rooms_bottom), "Living\nspace", LIVING, SMALL_FONT)
    room(draw, strip, f"Flat {number}", FLAT_HEADER, SMALL_FONT)
    draw.rectangle(box, outline=WALL, width=6)


def design_a() -> Image.Image:
    image, draw = canvas("Design A: small flats around a garden")
    columns = [(30, 330), (350, 650), (670, 970)]
    top_row, bottom_row = (100, 285), (515, 700)
    for index, (left, right) in enumerate(columns):
        flat(draw, (left, top_row[0], right, top_row[1]), index + 1, header_on_top=True)
        door_h(draw, (left + right) // 2 + 75, top_row[1])
        flat(draw, (left, bottom_row[0], right, bottom_row[1]), index + 4, header_on_top=False)
        door_h(draw, (left + right) // 2 + 75, bottom_row[0])
    middle = (top_row[1] + 15, bottom_row[0] - 15)
    room(draw, (30, middle[0], 250, middle[1]), "Shared\nkitchen", KITCHEN)
    door_v(draw, 250, (middle[0] + middle[1]) // 2)
    room(draw, (750, middle[0], 970, middle[1]), "Way in &\nstaff office", OFFICE, SMALL_FONT)
    door_v(draw, 750, (middle[0] + middle[1]) // 2)
    garden = (270, middle[0], 730, middle[1])
    draw.rounded_rectangle(garden, radius=24, fill=GARDEN, outline=TREE_EDGE, width=4)
    for x, y in [(310, 340), (690, 340), (310, 460), (690, 460), (400, 400), (600, 400)]:
        tree(draw, x, y)
    label(draw, (430, middle[0], 570, middle[1]), "Shared\ngarden", ROOM_FONT)
    note(draw, "A simple sketch, not to scale.")
    return image


def design_b() -> Image.Image:
    image, draw = canvas("Design B: one big family-style house")
    garden = (30, 100, 970, 250)
    draw.rounded_rectangle(garden, radius=24, fill=GARDEN, outline=TREE_EDGE, width=4)
    for x in (90, 200, 800, 910):
        tree(draw, x, 150)
    for x in (145, 855):
        tree(draw, x, 205)
    label(draw, (300, 100, 700, 250), "Big back garden", ROOM_FONT)

    house_top, house_bottom = 270, 690
    # The bedroom wing along a hall (the bedrooms could be upstairs instead).
    height = (house_bottom - house_top) // 5
    for index in range(5):
        top = house_top + index * height
        room(draw, (30, top, 290, top + height), f"Bedroom {index + 1}", BEDROOM)
        door_v(draw, 290, top + height // 2)
    room(draw, (290, house_top, 400, house_bottom), "Hall", HALL)
    # The shared heart of the house.
    room(draw, (400, house_top, 700, 520), "Big shared\nkitchen\n& dining", KITCHEN)
    room(draw, (700, house_top, 970, 520), "Lounge", LOUNGE)
    room(draw, (400, 520, 580, house_bottom), "Bathroom", BATHROOM, SMALL_FONT)
    room(draw, (580, 520, 770, house_bottom), "Staff\noffice", OFFICE, SMALL_FONT)
    room(draw, (770, 520, 970, house_bottom), "Front hall", HALL, SMALL_FONT)
    draw.rectangle((30, house_top, 970, house_bottom), outline=WALL, width=6)
    door_h(draw, 550, house_top)
    door_h(draw, 835, house_top)
    door_v(draw, 400, 395)
    door_v(draw, 400, 605)
    door_v(draw, 770, 605)
    door_h(draw, 870, 520)
    door_h(draw, 870, house_bottom)
    draw.polygon([(870, house_bottom + 8), (856, house_bottom + 26), (884, house_bottom + 26)], fill=DOOR)
    draw.text((848, house_bottom + 26), "Front door", font=NOTE_FONT, fill=INK, anchor="rs")
    note(draw, "The bedrooms could be upstairs instead. Not to scale.")
    return image


def design_c() -> Image.Image:
    image, draw = canvas("Design C: bedrooms plus a separate activity building")
    draw.rounded_rectangle((15, 96, 985, 712), radius=24, fill=GRASS)
    # The bedroom block.
    left, right, top, bottom = 30, 440, 110, 690
    hall_left, hall_right = 200, 270
    room(draw, (left, top, right, top + 48), "Bedroom block", BLOCK_HEADER)
    rows_top, rows_bottom = top + 48, bottom - 130
    height = (rows_bottom - rows_top) // 3
    for row in range(3):
        y = rows_top + row * height
        room(draw, (left, y, hall_left, y + height), f"Bedroom {row * 2 + 1}", BEDROOM, SMALL_FONT)
        room(draw, (hall_right, y, right, y + height), f"Bedroom {row * 2 + 2}", BEDROOM, SMALL_FONT)
        door_v(draw, hall_left, y + height // 2)
        door_v(draw, hall_right, y + height // 2)
    room(draw, (hall_left, rows_top, hall_right, rows_bottom), "Hall", HALL, SMALL_FONT)
    room(draw, (left, rows_bottom, right, bottom), "Kitchen & lounge", KITCHEN)
    door_h(draw, (hall_left + hall_right) // 2, rows_bottom)
    draw.rectangle((left, top, right, bottom), outline=WALL, width=6)

    # The activity building.
    a_left, a_right, a_top, a_bottom = 680, 970, 150, 650
    room(draw, (a_left, a_top, a_right, a_top + 48), "Activity building", BLOCK_HEADER)
    room(draw, (a_left, a_top + 48, a_right, 290), "Music room", MUSIC)
    room(draw, (a_left, 290, a_right, 510), "Gym", GYM)
    room(draw, (a_left, 510, a_right, a_bottom), "Games room", GAMES)
    draw.rectangle((a_left, a_top, a_right, a_bottom), outline=WALL, width=6)

    # The path between them, across the grass.
    path = (440, 585, 680, 645)
    draw.rectangle(path, fill=PATH, outline=PATH_EDGE, width=3)
    label(draw, path, "Path", SMALL_FONT)
    door_v(draw, right, 615)
    door_v(draw, a_left, 615)
    trees = [(560, 145), (505, 235), (615, 265), (540, 340), (620, 430), (505, 450), (575, 520), (560, 675)]
    for x, y in trees:
        tree(draw, x, y)
    note(draw, "A simple sketch, not to scale.")
    return image


DESIGNS: dict[str, Callable[[], Image.Image]] = {
    "outline-a.png": design_a,
    "outline-b.png": design_b,
    "outline-c.png": design_c,
}


def main() -> None:
    colours = palette()
    for name, draw_design in DESIGNS.items():
        image = to_palette(draw_design(), colours)
        path = HERE / name
        image.save(path, format="PNG", optimize=True)
        print(f"{path}: {image.width}×{image.height} px, {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
