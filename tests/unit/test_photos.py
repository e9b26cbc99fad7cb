"""Photo answers: only the pixels survive cleaning (no GPS, camera, ICC, text), upright and bounded;
anything else is refused with a reason; the stored file is private and randomly named."""

from __future__ import annotations

import io
import os
import sqlite3
import stat
import struct
import warnings
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from bot.photo_answers import PhotoAnswers
from bot.photos import (
    PHOTO_MAX_BYTES,
    PIXELS_MAX,
    STORED_MAX_SIDE,
    CleanPhoto,
    PhotoRejected,
    Rejection,
    clean_photo,
    store_photo,
)

RED = (255, 0, 0)
BLUE = (0, 0, 255)
MAKE = "AcmePhoneMaker"
MODEL = "Model-X-Secret"
TAKEN = "2024:05:06 07:08:09"
COMMENT = b"taken at Oak House"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.2N" '
    b'exif:GPSLongitude="0,7.6W"/></rdf:RDF></x:xmpmeta>'
)
# What JPEG needs to hold pixels: SOI, JFIF APP0, quantisation and Huffman tables, frame header, scan.
PIXEL_ONLY_JPEG_MARKERS = {0xD8, 0xE0, 0xDB, 0xC4, 0xC0, 0xC2, 0xDA}


def encode(image: Image.Image, kind: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **params)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def with_red_corner(width: int, height: int) -> Image.Image:
    """Blue, with a 16x16 red square in the top-left corner (block-aligned so JPEG keeps it crisp)."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, 16, 16))
    return image


def rgb_at(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    pixel = image.convert("RGB").getpixel(xy)
    assert isinstance(pixel, tuple)
    return pixel


def close_to(pixel: tuple[int, ...], colour: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def phone_photo() -> bytes:
    """A JPEG as a phone writes it: GPS, camera, date, orientation 6, ICC profile, comment, XMP."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKE
    exif[ExifTags.Base.Model] = MODEL
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: turn 90° clockwise to show it
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = TAKEN
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(with_red_corner(64, 32), "JPEG", exif=exif, icc_profile=icc, comment=COMMENT)
    # An XMP packet in its own APP1 segment straight after SOI, as cameras and editors write it.
    payload = b"http://ns.adobe.com/xap/1.0/\x00" + XMP
    return data[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + data[2:]


def jpeg_markers(data: bytes) -> list[int]:
    """The marker of every segment up to the first scan."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [0xD8], 2
    while True:
        assert data[at] == 0xFF
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:
            return markers
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        at += 2 + length


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    kinds, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kinds.append(data[at + 4 : at + 8])
        at += 12 + length
    return kinds


def png_claiming(width: int, height: int) -> bytes:
    """A ~60-byte PNG whose header declares width x height RGB pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + png_chunk(b"IEND", b"")
    )


def blank_png(width: int, height: int) -> bytes:
    """A complete, valid 1-bit black PNG of width x height, compressed a row at a time: a few KB
    and little memory however big the picture (Pillow would hold a byte per pixel to make it)."""
    packer = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)  # the filter byte, then the row's bits
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", body) + png_chunk(b"IEND", b"")
    )


def rejection(data: bytes) -> Rejection:
    with pytest.raises(PhotoRejected) as caught:
        clean_photo(data)
    return caught.value.reason


# --- metadata -----------------------------------------------------------------------------------


def test_the_phone_photo_really_carries_the_metadata() -> None:
    """Guards the tests below: they would pass vacuously if the fixture held nothing."""
    original = phone_photo()
    image = Image.open(io.BytesIO(original))
    assert {"exif", "icc_profile", "comment", "xmp"} <= image.info.keys()
    exif = image.getexif()
    assert exif[ExifTags.Base.Make] == MAKE
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] == TAKEN
    assert MAKE.encode() in original
    assert b"GPS" in original


def test_no_metadata_survives_in_a_cleaned_photo() -> None:
    photo = clean_photo(phone_photo())

    assert photo.extension == "jpg"
    cleaned = opened(photo.data)
    assert cleaned.format == "JPEG"
    assert len(cleaned.getexif()) == 0
    assert not {"exif", "icc_profile", "comment", "xmp"} & cleaned.info.keys()
    for secret in (MAKE.encode(), MODEL.encode(), TAKEN.encode(), COMMENT, b"GPS", b"Exif", b"xmpmeta"):
        assert secret not in photo.data
    # Stronger than a list of fields: the file holds nothing but what pixels need.
    assert set(jpeg_markers(photo.data)) <= PIXEL_ONLY_JPEG_MARKERS


def test_the_photo_is_turned_the_right_way_up() -> None:
    photo = clean_photo(phone_photo())

    # Stored 64x32 with orientation 6: shown 32 wide and 64 high, the stored top-left at the top right.
    assert (photo.width, photo.height) == (32, 64)
    cleaned = opened(photo.data)
    assert cleaned.size == (32, 64)
    assert close_to(rgb_at(cleaned, (31, 0)), RED)
    assert close_to(rgb_at(cleaned, (0, 0)), BLUE)
    assert close_to(rgb_at(cleaned, (31, 63)), BLUE)


def test_png_text_chunks_go_and_transparency_stays() -> None:
    image = Image.new("RGBA", (40, 30), (0, 128, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 20, 30))  # left half see-through
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Jamie at Oak House")
    text.add_text("Comment", "compressed secret", zip=True)
    text.add_itxt("Description", "international secret", lang="en", tkey="Description")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKE
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = encode(image, "PNG", pnginfo=text, exif=exif, icc_profile=icc)
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"} <= set(png_chunks(original))

    photo = clean_photo(original)

    assert photo.extension == "png"
    assert set(png_chunks(photo.data)) <= {b"IHDR", b"IDAT", b"IEND"}
    cleaned = opened(photo.data)
    assert isinstance(cleaned, PngImagePlugin.PngImageFile)
    assert cleaned.mode == "RGBA"
    assert cleaned.text == {}
    assert not {"exif", "icc_profile"} & cleaned.info.keys()
    assert cleaned.getpixel((5, 5)) == (0, 0, 0, 0)
    assert cleaned.getpixel((30, 5)) == (0, 128, 0, 255)
    for secret in (b"Jamie", b"secret", MAKE.encode()):
        assert secret not in photo.data


@pytest.mark.parametrize("params", [{}, {"transparency": 3}], ids=["plain", "transparent-index-unused"])
def test_a_palette_drawing_is_stored_as_png(params: dict[str, object]) -> None:
    drawing = with_red_corner(48, 48).quantize(colors=4)
    photo = clean_photo(encode(drawing, "PNG", **params))

    assert photo.extension == "png"
    assert rgb_at(opened(photo.data), (0, 0)) == RED


def test_a_gif_keeps_only_its_first_frame() -> None:
    frames = [Image.new("RGB", (24, 24), colour) for colour in (RED, BLUE)]
    original = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert getattr(Image.open(io.BytesIO(original)), "n_frames", 1) == 2

    photo = clean_photo(original)

    assert photo.extension == "png"
    cleaned = opened(photo.data)
    assert getattr(cleaned, "n_frames", 1) == 1
    assert rgb_at(cleaned, (12, 12)) == RED


def test_a_multi_picture_jpeg_keeps_only_its_first_picture() -> None:
    second = Image.new("RGB", (24, 24), BLUE)
    original = encode(Image.new("RGB", (24, 24), RED), "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(original)).format == "MPO"

    photo = clean_photo(original)

    cleaned = opened(photo.data)
    assert cleaned.format == "JPEG"
    assert close_to(rgb_at(cleaned, (12, 12)), RED)
    assert photo.data.count(b"\xff\xd8\xff") == 1  # the second picture is not tucked away in it


@pytest.mark.parametrize(
    ("image", "kind", "extension"),
    [
        (with_red_corner(32, 32), "WEBP", "jpg"),
        (with_red_corner(32, 32), "BMP", "jpg"),
        (with_red_corner(32, 32), "PNG", "jpg"),  # opaque: a photo saved as PNG
        (with_red_corner(32, 32).convert("RGBA"), "PNG", "jpg"),  # an alpha channel, nothing see-through
        (with_red_corner(32, 32).convert("L"), "JPEG", "jpg"),
    ],
)
def test_other_pictures_are_accepted(image: Image.Image, kind: str, extension: str) -> None:
    photo = clean_photo(encode(image, kind))

    assert photo.extension == extension
    assert (photo.width, photo.height) == (32, 32)
    assert opened(photo.data).format == ("JPEG" if extension == "jpg" else "PNG")


def test_16_bit_grey_is_scaled_not_clipped_to_white() -> None:
    photo = clean_photo(encode(Image.new("I;16", (16, 16), 0x8000), "PNG"))

    grey = opened(photo.data).getpixel((8, 8))
    assert isinstance(grey, int)
    assert abs(grey - 128) <= 2


# --- size ---------------------------------------------------------------------------------------


def test_a_large_picture_is_scaled_down_keeping_its_shape() -> None:
    photo = clean_photo(encode(Image.new("RGB", (4000, 3000), BLUE), "JPEG", quality=50))

    assert (photo.width, photo.height) == (STORED_MAX_SIDE, 1536)
    assert opened(photo.data).size == (STORED_MAX_SIDE, 1536)


def test_a_small_picture_keeps_its_size() -> None:
    photo = clean_photo(encode(with_red_corner(300, 200), "JPEG"))

    assert (photo.width, photo.height) == (300, 200)


# --- refusals -----------------------------------------------------------------------------------


def truncated_jpeg() -> bytes:
    data = encode(Image.effect_noise((64, 64), 60).convert("RGB"), "JPEG")
    return data[: len(data) // 2]


def truncated_png() -> bytes:
    data = encode(Image.effect_noise((64, 64), 60), "PNG")
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"Hello, this is my idea: more youth clubs.\n",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="9" height="9"/></svg>',
        truncated_jpeg(),
        truncated_png(),
        b"\xff\xd8\xff\xe0" + b"\0" * 100,  # a JPEG's first bytes, then nothing
        encode(Image.new("RGB", (8, 8)), "EPS"),  # Pillow reads EPS through Ghostscript: not taken
        encode(Image.new("RGB", (8, 8)), "TIFF"),
    ],
    ids=["empty", "text", "pdf", "svg", "truncated-jpeg", "truncated-png", "jpeg-header", "eps", "tiff"],
)
def test_what_is_not_a_picture_is_refused(data: bytes) -> None:
    assert rejection(data) is Rejection.NOT_AN_IMAGE


def test_a_file_over_the_limit_is_refused_before_it_is_read() -> None:
    assert rejection(b"\xff\xd8" + b"\0" * (PHOTO_MAX_BYTES - 1)) is Rejection.TOO_LARGE


def test_a_file_at_the_limit_is_read() -> None:
    # Same bytes one shorter: size is not the reason any more, so it gets as far as decoding.
    assert rejection(b"\xff\xd8" + b"\0" * (PHOTO_MAX_BYTES - 2)) is Rejection.NOT_AN_IMAGE


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (8_000, 7_000),  # over PIXELS_MAX, Pillow's limit too: Pillow warns (an error here)
        (10_000, 10_000),
        (100_000, 100_000),  # over twice Pillow's limit: Pillow raises DecompressionBombError
        (PIXELS_MAX + 1, 1),
    ],
)
def test_a_tiny_file_declaring_a_huge_picture_is_refused(width: int, height: int) -> None:
    data = png_claiming(width, height)
    assert len(data) < 100
    # pytest turns warnings into errors here, so nothing escaping means no warning either.
    assert rejection(data) is Rejection.TOO_MANY_PIXELS


def test_the_pixel_cap_suits_phones_and_is_pillows_own_limit_too() -> None:
    assert Image.MAX_IMAGE_PIXELS == PIXELS_MAX
    # A 50 MP phone photo (8160 x 6144) sent as a file gets past the cap to decoding (this one is
    # only a header, so decoding is where it fails); a 64 MP one (9248 x 6936) does not.
    assert rejection(png_claiming(8160, 6144)) is Rejection.NOT_AN_IMAGE
    assert rejection(png_claiming(9248, 6936)) is Rejection.TOO_MANY_PIXELS


def test_a_whole_picture_over_the_cap_is_refused_before_it_is_decoded() -> None:
    data = blank_png(10_000, 10_000)  # 100 megapixels in a few KB
    assert len(data) < 50_000
    with pytest.warns(Image.DecompressionBombWarning):  # a real picture, but Pillow's limit says so too
        assert Image.open(io.BytesIO(data)).size == (10_000, 10_000)
    assert rejection(data) is Rejection.TOO_MANY_PIXELS
    assert clean_photo(blank_png(2_000, 1_000)).width == 2_000  # the same, smaller, is taken


def test_a_huge_picture_is_refused_with_warnings_shown_as_in_production() -> None:
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        assert rejection(png_claiming(10_000, 10_000)) is Rejection.TOO_MANY_PIXELS
    # Pillow's own warning is only shown, never raised; PIXELS_MAX refuses the picture anyway.
    assert all(issubclass(warning.category, Image.DecompressionBombWarning) for warning in shown)


def test_the_refusal_says_nothing_about_the_file() -> None:
    with pytest.raises(PhotoRejected) as caught:
        clean_photo(b"Jamie, 14, lives at 12 Oak Road")

    assert str(caught.value) == "photo rejected: not_an_image"
    assert caught.value.reason == "not_an_image"


def test_a_clean_photo_does_not_print_its_bytes() -> None:
    photo = CleanPhoto(data=b"\xff\xd8secret pixels", extension="jpg", width=1, height=1)

    assert "secret" not in repr(photo)


# --- storing ------------------------------------------------------------------------------------


@pytest.fixture
def photo() -> CleanPhoto:
    return clean_photo(encode(with_red_corner(32, 32), "JPEG"))


def test_a_photo_is_stored_privately_under_a_random_name(tmp_path: Path, photo: CleanPhoto) -> None:
    directory = tmp_path / "data" / "photos"

    names = [store_photo(directory, photo) for _ in range(3)]

    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert len(set(names)) == 3
    for name in names:
        stem, extension = name.split(".")
        assert extension == "jpg"
        assert len(stem) == 32
        int(stem, 16)
        path = directory / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_bytes() == photo.data
    assert sorted(os.listdir(directory)) == sorted(names)  # no temporary file left behind


def test_the_modes_do_not_depend_on_the_umask(tmp_path: Path, photo: CleanPhoto) -> None:
    directory = tmp_path / "photos"
    previous = os.umask(0o277)  # would leave the folder 0500: not even writable by the bot
    try:
        name = store_photo(directory, photo)
    finally:
        os.umask(previous)

    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600


def test_a_png_is_stored_with_its_extension(tmp_path: Path) -> None:
    transparent = clean_photo(encode(Image.new("RGBA", (8, 8)), "PNG"))

    assert store_photo(tmp_path, transparent).endswith(".png")


def test_an_existing_folder_is_used_as_it_is(tmp_path: Path, photo: CleanPhoto) -> None:
    tmp_path.chmod(0o750)

    name = store_photo(tmp_path, photo)

    assert (tmp_path / name).read_bytes() == photo.data
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o750


def test_a_failed_write_leaves_nothing_behind(
    tmp_path: Path, photo: CleanPhoto, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)

    with pytest.raises(OSError, match="disk full"):
        store_photo(tmp_path, photo)
    assert os.listdir(tmp_path) == []


def test_the_start_up_sweep_deletes_only_stray_photos_of_ours(tmp_path: Path) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE photos (name TEXT PRIMARY KEY)")
    kept, stray = "a" * 32 + ".jpg", "b" * 32 + ".png"
    db.execute("INSERT INTO photos VALUES (?)", (kept,))
    for name in (kept, stray, ".incoming-x.part", "youthvoice.sqlite3", "pseudonym.key", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    assert PhotoAnswers(tmp_path, lambda: datetime.now(UTC)).sweep(db) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [kept, "youthvoice.sqlite3", "pseudonym.key", "notes.txt"]
    )
