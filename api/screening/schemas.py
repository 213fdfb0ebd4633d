"""Screening bodies: strict JSON booleans and numbers in plausible ranges.

The bounds catch slips, not clinical judgement (that is `flags.py`'s job):
- `largest_vein_mm` 0-50: microsclerotherapy treats veins under 3 mm and large varicose
  veins rarely exceed 20-25 mm, so anything above 50 is a typing or unit slip (centimetres
  written as millimetres, or a vein *length*). 0 is allowed for "nothing visible yet".
- `vein_count_estimate` 0-1000: an estimate, so the cap only rejects nonsense.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from api.core.body import Strict

VEIN_MM_MAX = 50.0
VEIN_COUNT_MAX = 1000
NOTES_MAX = 1000

VeinMm = Annotated[
    float,
    msgspec.Meta(ge=0, le=VEIN_MM_MAX, description="largest vein to treat, estimated, in mm"),
]
VeinCount = Annotated[
    int, msgspec.Meta(ge=0, le=VEIN_COUNT_MAX, description="about how many veins to treat")
]


class ScreeningIn(Strict):
    """The patient's answers; `notes` is trimmed and at most 1000 characters (empty → null)."""

    pregnant_or_breastfeeding: bool
    sclerosant_allergy: bool
    clotting_disorder: bool
    acute_illness: bool
    largest_vein_mm: VeinMm
    vein_count_estimate: VeinCount
    notes: str | None = None


class ScreeningAnswersOut(msgspec.Struct):
    pregnant_or_breastfeeding: bool
    sclerosant_allergy: bool
    clotting_disorder: bool
    acute_illness: bool
    largest_vein_mm: float
    vein_count_estimate: int
    notes: str | None


class ScreeningOut(msgspec.Struct):
    """The stored answers and their flags; `answers` is null until the patient has answered."""

    answers: ScreeningAnswersOut | None
    flags: list[str]
    updated_at: datetime | None
