"""`python -m bench --photo`: what one photo upload costs, at 12 megapixels.

A 4032 x 3024 JPEG (a phone's 12 MP, with camera EXIF and an orientation tag) is re-encoded
by the same `prepare` the upload route runs, then sealed, several times in one process:
the median and slowest wall time, the process's peak resident memory before and after (the
decode of 12 MP RGB is ~36 MB by itself), and the stored size (full image + thumbnail,
sealed). The picture is made in a helper process, so its drawing does not count in the peak.

The picture is drawn, not photographed: noise over gradients, about as hard to compress as
skin in daylight. A real photo's stored size depends on its content; the README's storage
figures come from this run and say so.
"""

from __future__ import annotations

import io
import random
import resource
import statistics
import time
import uuid
from multiprocessing import get_context

from PIL import Image, ImageDraw, ImageFilter

from api.photos.imaging import prepare
from api.photos.vault import PhotoVault

SIZE = (4032, 3024)


def twelve_megapixels(seed: int = 7) -> bytes:
    rng = random.Random(seed)
    small = Image.new("RGB", (504, 378), (224, 182, 158))
    draw = ImageDraw.Draw(small)
    for _ in range(400):
        x, y = rng.uniform(0, 504), rng.uniform(0, 378)
        shade = tuple(rng.randint(120, 235) for _ in range(3))
        draw.ellipse((x, y, x + rng.uniform(4, 40), y + rng.uniform(4, 40)), fill=shade)
    big = small.resize(SIZE, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise(SIZE, 18).convert("RGB")
    picture = Image.blend(big, noise, 0.12)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "BenchCam", "Model 12", 6
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_photo_bench(rounds: int = 7) -> None:
    with get_context("spawn").Pool(1) as helper:
        upload: bytes = helper.apply(twelve_megapixels)
    vault = PhotoVault(bytes(32))
    before = _peak_mb()
    times, stored = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        images = prepare(upload)
        photo_id = uuid.uuid4()
        stored = len(vault.seal(photo_id, "full", images.full)) + len(
            vault.seal(photo_id, "thumb", images.thumb)
        )
        times.append(time.perf_counter() - started)
    after = _peak_mb()
    print(f"upload: {SIZE[0]}x{SIZE[1]} JPEG, {len(upload) / 1e6:.1f} MB")
    print(
        f"re-encode + seal: median {statistics.median(times) * 1000:.0f} ms, "
        f"slowest {max(times) * 1000:.0f} ms over {rounds}"
    )
    print(f"peak RSS: {before:.0f} MB before, {after:.0f} MB after ({after - before:+.0f} MB)")
    print(
        f"stored: {images.width}x{images.height}, {stored / 1e3:.0f} KB sealed "
        f"(full {len(images.full) / 1e3:.0f} KB, thumbnail {len(images.thumb) / 1e3:.0f} KB)"
    )
