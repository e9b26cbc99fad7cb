"""Photos and drawings sent as answers: checked, cleaned of everything but their pixels, stored privately.

A photo file carries far more than the picture. A phone photo's EXIF block usually holds the GPS
position where it was taken (for a young person in care that can be their placement's address), the
date and time, and the phone's make and model; XMP and IPTC blocks can repeat all of it, an embedded
thumbnail can still show what was cropped out, and PNG text chunks or JPEG comments can hold names.
So nothing of the file as sent is kept:

- `clean_photo` refuses anything over `PHOTO_MAX_BYTES`, anything Pillow cannot open *and fully
  decode* as one of a few ordinary raster formats (JPEG, PNG, GIF, WebP, BMP; a GIF or other
  animation keeps its first frame), and anything declaring more than `PIXELS_MAX` pixels, before
  decoding it (a tiny file can claim a huge picture and take all the memory: a decompression bomb).
  Refusals raise `PhotoRejected`, whose `reason` lets the caller pick a kind message and whose text
  never contains anything from the file.
- The picture is turned the right way up (the EXIF orientation is applied before EXIF is dropped),
  shrunk so neither side exceeds `STORED_MAX_SIDE`, and its pixels alone are copied into a brand-new
  image, which is encoded with nothing but those pixels: JPEG for photos, PNG for pictures with
  transparency and palette drawings (which JPEG would smear). No EXIF (so no GPS, camera, date or
  thumbnail), XMP, IPTC, ICC profile, comments or text chunks survive; rebuilding from the raw pixels,
  rather than trusting a list of fields to drop, means new kinds of metadata cannot slip through
  either, including the ones Pillow copies along by default (its JPEG writer re-uses the source's
  comment, its PNG writer the ICC profile, and `copy`, `convert` and `resize` carry `info` along).
- `store_photo` writes the cleaned bytes atomically under a random, unguessable name in a folder
  only the bot's user can read. The bytes as sent are only ever held in memory, never written out.

`clean_photo` is CPU-bound (decoding can take a few hundred milliseconds); call it from the event
loop via `asyncio.to_thread`.
"""

from __future__ import annotations

import io
import logging
import math
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from PIL import Image, ImageOps

from bot.durable import sync_dir

log = logging.getLogger(__name__)

PHOTO_MAX_BYTES = 10 * 1024 * 1024
# Suited to phones: a 48 MP (8064 x 6048) or 50 MP (8160 x 6144) photo sent as a file fits; the
# 64 to 200 MP modes are refused kindly (phones save 12 MP unless asked, and Telegram shrinks a
# picture sent as a photo to 2560 px). Checked on the header, before a pixel is decoded. Cleaning
# one this big peaks at ~450 MB as an RGBA PNG and ~90 MB as a JPEG (decoded at reduced scale).
PIXELS_MAX = 51_000_000
# Pillow's own decompression-bomb limit (~89 MP by default), set to the same for any picture this
# process opens: Pillow warns above it and raises DecompressionBombError above twice it.
Image.MAX_IMAGE_PIXELS = PIXELS_MAX
STORED_MAX_SIDE = 2048
JPEG_QUALITY = 85

# Pillow can open dozens of formats, several through rarely exercised decoders (and EPS through
# Ghostscript); photos and drawings come in these few. "JPEG" also covers multi-picture (MPO) files,
# which Pillow opens through its JPEG plugin.
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP")


class Rejection(StrEnum):
    """Why a file was refused, for the caller to pick a kind message by."""

    NOT_AN_IMAGE = "not_an_image"
    TOO_LARGE = "too_large"
    TOO_MANY_PIXELS = "too_many_pixels"


class PhotoRejected(Exception):
    """The file cannot be taken as a photo; `reason` says why. The text never quotes the file."""

    def __init__(self, reason: Rejection) -> None:
        super().__init__(f"photo rejected: {reason.value}")
        self.reason = reason


@dataclass(frozen=True)
class CleanPhoto:
    """A re-encoded picture holding nothing but its pixels."""

    data: bytes = field(repr=False)  # kept out of repr so logging a CleanPhoto never dumps the picture
    extension: str  # "jpg" or "png"
    width: int
    height: int


def clean_photo(data: bytes) -> CleanPhoto:
    """Check `data` is a picture and re-encode its pixels alone, upright and at most STORED_MAX_SIDE.

    Raises PhotoRejected (TOO_LARGE, NOT_AN_IMAGE or TOO_MANY_PIXELS).
    """
    if len(data) > PHOTO_MAX_BYTES:
        raise PhotoRejected(Rejection.TOO_LARGE)
    image = _decode(data)
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except Exception:  # damaged EXIF should not cost a young person their answer
        log.info("A photo's EXIF orientation could not be read; keeping it as stored")
    image, extension = _pixels_for_storage(image)
    image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE), Image.Resampling.LANCZOS)
    # A brand-new image from the raw pixels: no `info`, palette or metadata of the original can follow.
    fresh = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if extension == "png":
        fresh.save(out, "PNG")
    else:
        fresh.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanPhoto(data=out.getvalue(), extension=extension, width=fresh.width, height=fresh.height)


def store_photo(directory: Path, photo: CleanPhoto) -> str:
    """Write `photo` atomically as `<random>.<extension>` (mode 0600) in `directory`; returns the name.

    The folder is created with mode 0700 if missing.
    """
    _make_private_dir(directory)
    name = f"{secrets.token_hex(16)}.{photo.extension}"
    descriptor, partial = tempfile.mkstemp(dir=directory, prefix=".incoming-", suffix=".part")
    try:
        with open(descriptor, "wb") as out:
            os.fchmod(out.fileno(), 0o600)  # mkstemp's 0600 is filtered by the umask too
            out.write(photo.data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, directory / name)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    sync_dir(directory)
    return name


def _decode(data: bytes) -> Image.Image:
    """Open and fully decode `data` (first frame), refusing bombs before any pixel is decoded."""
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
        if image.width * image.height > PIXELS_MAX:
            raise PhotoRejected(Rejection.TOO_MANY_PIXELS)
        # Let libjpeg decode a big photo at 1/2, 1/4 or 1/8 scale, never below the size it will be
        # stored at: a fraction of the memory and time. A no-op for other formats.
        image.draft(None, _stored_size(image.size))
        image.load()  # truncated or corrupt data fails here (Pillow's LOAD_TRUNCATED_IMAGES is off)
    except PhotoRejected:
        raise
    # Pillow raises the Error above twice its own limit and warns above it; the warning arrives here as
    # an exception only when warnings are errors (as in the tests), otherwise PIXELS_MAX caught it.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoRejected(Rejection.TOO_MANY_PIXELS) from error
    # Decoders fail on hostile input in many ways (OSError, ValueError, SyntaxError, EOFError,
    # struct.error, ...); whichever it is, the file is not a picture we can take.
    except Exception as error:
        raise PhotoRejected(Rejection.NOT_AN_IMAGE) from error
    return image


def _pixels_for_storage(image: Image.Image) -> tuple[Image.Image, str]:
    """The image in the mode it will be stored in, and "png" or "jpg"."""
    drawing = image.mode in ("P", "PA", "1")  # flat colours and lines, which JPEG would smear
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        if rgba.getchannel("A").getextrema() != (255, 255):
            return rgba, "png"
        # An alpha channel with nothing see-through in it (many screenshots): store as if opaque.
        image = rgba.convert("RGB")
    if drawing:
        return (image if image.mode == "RGB" else image.convert("RGB")), "png"
    if image.mode.startswith("I") or image.mode == "F":
        # 16-bit grey (e.g. some PNGs): scale to 8 bits; a plain convert would clip it to white.
        return image.convert("I").point(lambda value: value / 256).convert("L"), "jpg"
    if image.mode in ("RGB", "L"):
        return image, "jpg"  # convert() would copy it anyway
    return image.convert("RGB"), "jpg"


def _stored_size(size: tuple[int, int]) -> tuple[int, int]:
    """`size` shrunk, keeping its shape, so that neither side exceeds STORED_MAX_SIDE."""
    scale = min(1.0, STORED_MAX_SIDE / max(size))
    return max(1, math.ceil(size[0] * scale)), max(1, math.ceil(size[1] * scale))


def _make_private_dir(directory: Path) -> None:
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)  # mkdir's mode is filtered by the umask
    elif stat.S_IMODE(directory.stat().st_mode) & 0o077:
        log.warning("The photo folder %s can be read by other users; chmod 700 it", directory)
