"""Turning an upload into the two images Afterline keeps, with Pillow.

Every upload is decoded and drawn again, never stored as sent: the phone's orientation is
applied to the pixels, colours are converted to sRGB when the file carries another profile,
and the result is a fresh JPEG written with no metadata at all (no EXIF, GPS, camera, XMP or
ICC block), its long side at most 2,048 px, plus a 480 px thumbnail. JPEG, PNG, WebP and
HEIC/HEIF (iPhones; via pillow-heif) are read. Anything else, a corrupt file or a
decompression bomb is a 422 naming `file`.

CPU-bound (a fraction of a second for 12 MP on one core, see `python -m bench --photo`):
callers run it on a worker thread.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from api.core.errors import FieldError

pillow_heif.register_heif_opener()

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
LONG_SIDE = 2048
THUMB_SIDE = 480
# 12 MP is a phone photo; 48 MP the largest phone sensors. A file that claims more pixels
# than this is a decompression bomb, refused before a pixel is decoded.
MAX_PIXELS = 50_000_000
READABLE = ("JPEG", "PNG", "WEBP", "HEIF")
JPEG_QUALITY = 85
THUMB_QUALITY = 80
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True, slots=True)
class PreparedImages:
    full: bytes
    thumb: bytes
    width: int
    height: int


def prepare(raw: bytes) -> PreparedImages:
    """The stored images of one upload (see the module docstring); FieldError("file") if
    it is not a picture Afterline reads."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=READABLE) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise FieldError("file", "has too many pixels (over 50 megapixels)")
                _decode_smaller(opened)
                opened.load()
                picture = _upright_srgb(opened)
    except FieldError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FieldError("file", "has too many pixels (over 50 megapixels)") from exc
    except UnidentifiedImageError as exc:
        raise FieldError("file", "is not a JPEG, PNG, WebP or HEIC image") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise FieldError("file", "is damaged and cannot be read as an image") from exc
    picture.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    full = _jpeg(picture, JPEG_QUALITY)
    thumb_picture = picture.copy()
    thumb_picture.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return PreparedImages(full, _jpeg(thumb_picture, THUMB_QUALITY), *picture.size)


def _decode_smaller(opened: Image.Image) -> None:
    """A JPEG twice the kept size or more is decoded at half size (libjpeg scales while
    decoding): a 12 MP phone photo comes out 2016 px long, within `LONG_SIDE`, in a quarter
    of the memory and time of a full decode followed by a resize."""
    if opened.format == "JPEG" and max(opened.size) >= 2 * LONG_SIDE * 7 // 8:
        opened.draft("RGB", ((opened.width + 1) // 2, (opened.height + 1) // 2))


def _upright_srgb(opened: Image.Image) -> Image.Image:
    """The pixels the way the camera meant them: rotated, in sRGB, on white if transparent."""
    upright = ImageOps.exif_transpose(opened)
    profile = upright.info.get("icc_profile")
    if profile and upright.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            output_mode = "RGBA" if upright.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(upright, source, _SRGB, outputMode=output_mode)
            if converted is not None:
                upright = converted
        except ImageCms.PyCMSError:
            pass  # an unreadable profile: keep the pixels as they are, drop the profile
    if upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    ):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return upright.convert("RGB")


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    """A fresh JPEG: a new image object carries no `info`, so nothing of the upload's
    metadata can ride along."""
    clean = Image.new("RGB", picture.size)
    clean.paste(picture)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()
