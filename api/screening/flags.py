"""The screening flags a practitioner sees, derived from the patient's answers.

docs/design.md: good candidates have veins under 3 mm, few veins and good health; pregnancy or
breast-feeding, sclerosant allergy, clotting disorders and large varicose veins make a
patient unsuitable or need a closer look. The flags inform; they never block.
"""

from __future__ import annotations

from typing import Protocol

LARGE_VEIN_MM = 3.0
# Above this many veins the treatment plan is likely to need several sessions: worth a
# conversation, not a refusal.
MANY_VEINS = 20

FLAGS = (
    "pregnancy",
    "sclerosant_allergy",
    "clotting_disorder",
    "vein_3mm_or_larger",
    "acute_illness",
    "many_veins",
)


class ScreeningAnswers(Protocol):
    pregnant_or_breastfeeding: bool
    sclerosant_allergy: bool
    clotting_disorder: bool
    acute_illness: bool
    largest_vein_mm: float
    vein_count_estimate: int


def screening_flags(answers: ScreeningAnswers) -> list[str]:
    """Flag codes in the fixed order of `FLAGS`."""
    raised = {
        "pregnancy": answers.pregnant_or_breastfeeding,
        "sclerosant_allergy": answers.sclerosant_allergy,
        "clotting_disorder": answers.clotting_disorder,
        "vein_3mm_or_larger": answers.largest_vein_mm >= LARGE_VEIN_MM,
        "acute_illness": answers.acute_illness,
        "many_veins": answers.vein_count_estimate > MANY_VEINS,
    }
    return [flag for flag in FLAGS if raised[flag]]
