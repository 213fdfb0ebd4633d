"""Test pictures made with Pillow: phone-like JPEGs with camera and GPS EXIF, a rotated shot,
PNG/WebP/HEIC, and files that are not pictures at all. No photo of a person, ever."""

from __future__ import annotations

import io

import pillow_heif
from PIL import Image, ImageDraw

# EXIF tags (TIFF/EXIF numbering).
MAKE, MODEL, ORIENTATION, DATETIME_ORIGINAL = 0x010F, 0x0110, 0x0112, 0x9003
GPS_IFD, EXIF_IFD = 0x8825, 0x8769
CAMERA = b"AfterlineTestCam"
# A wide frame whose left half is red and right half blue: where the halves end up tells
# which way up the stored picture is.
WIDE = (400, 200)


def two_tone(size: tuple[int, int] = WIDE) -> Image.Image:
    picture = Image.new("RGB", size, (200, 30, 30))
    ImageDraw.Draw(picture).rectangle((size[0] // 2, 0, size[0], size[1]), fill=(30, 30, 200))
    return picture


def phone_jpeg(orientation: int = 1, size: tuple[int, int] = WIDE) -> bytes:
    """A JPEG as a phone writes it: camera make and model, GPS position, a capture time and
    an orientation tag (6: the camera was turned, view it rotated 90° clockwise)."""
    exif = Image.Exif()
    exif[MAKE] = CAMERA.decode()
    exif[MODEL] = "Model X"
    exif[ORIENTATION] = orientation
    exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = "2026:03:01 09:30:00"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (51.0, 30.0, 12.0)
    gps[3], gps[4] = "W", (0.0, 7.0, 39.0)
    out = io.BytesIO()
    two_tone(size).save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def encoded(format_: str, size: tuple[int, int] = WIDE) -> bytes:
    out = io.BytesIO()
    picture = two_tone(size)
    if format_ == "HEIF":
        pillow_heif.from_pillow(picture).save(out, quality=80)
    else:
        picture.save(out, format_)
    return out.getvalue()


def png_bomb(side: int = 20_000) -> bytes:
    """A small PNG that claims side by side pixels (400 MP when decoded)."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG", optimize=True)
    return out.getvalue()
