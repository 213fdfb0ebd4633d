"""The words Afterline speaks: one name for every symptom, grade, warning sign, area and drug.

One fact in one place. The patient's form, the practitioner's screens, the alert reasons, the
advice, the exports and the PWA (through the generated `frontend/src/vocabulary.ts`, written
by `afterline vocabulary`) all take their wording from here, so the patient who ticks "Calf or
whole-leg swelling with pain" and the practitioner who reads the alert see the same words.

The names are the patient's words, not clinical shorthand: "Firm lumps" rather than
"hardening", "Brown marks" rather than "discolouration" (the API codes stay as they are).
Each grade says what it means in daily life, the way validated symptom scales anchor theirs,
so "Moderate" means the same to every patient.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final, Literal, get_args

# --- symptoms ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Symptom:
    name: str  # as a label: "Swelling"
    hint: str  # one line saying what is meant, shown under the question


SYMPTOMS: Final[dict[str, Symptom]] = {
    "pain": Symptom("Pain", "In or around the treated areas."),
    "swelling": Symptom("Swelling", "Puffiness around the treated areas or the ankle."),
    "bruising": Symptom("Bruising", "Blue, purple or yellow marks around injection sites."),
    "discolouration": Symptom(
        "Brown marks", "Brownish staining along treated veins (it can appear after weeks)."
    ),
    "hardening": Symptom("Firm lumps", "Firm or tender lumps along treated veins."),
    "itching": Symptom("Itching", "Itchy skin over the treated areas."),
}

# 0-10 numeric rating scale: only the ends carry words, as on the validated scale.
PAIN_ANCHORS: Final[dict[int, str]] = {0: "No pain", 10: "Worst pain you can imagine"}


@dataclass(frozen=True)
class Grade:
    name: str  # "Mild"
    meaning: str  # what it means in daily life


GRADES: Final[dict[int, Grade]] = {
    0: Grade("None", "Not there at all."),
    1: Grade("Mild", "You notice it, but it does not bother you."),
    2: Grade("Moderate", "It bothers you, but you can do your usual things."),
    3: Grade("Severe", "It stops you doing your usual things."),
}

# --- warning signs ----------------------------------------------------------------------

WarningSign = Literal[
    "chest_pain_or_breathless",
    "vision_speech_or_weakness",
    "allergic_reaction",
    "leg_swelling_with_pain",
    "ulcer_blister_or_blackening",
    "spreading_redness_or_fever",
]


@dataclass(frozen=True)
class Sign:
    name: str
    # Emergency services now (a clot in the lung or brain, anaphylaxis), not the clinic.
    emergency: bool


WARNING_SIGNS: Final[dict[str, Sign]] = {
    "chest_pain_or_breathless": Sign("Chest pain or breathlessness", emergency=True),
    "vision_speech_or_weakness": Sign(
        "Sudden change in vision, speech or strength", emergency=True
    ),
    "allergic_reaction": Sign("Hives, facial swelling or trouble breathing", emergency=True),
    "leg_swelling_with_pain": Sign("Calf or whole-leg swelling with pain", emergency=False),
    "ulcer_blister_or_blackening": Sign(
        "Ulcer, blister or dark skin at an injection site", emergency=False
    ),
    "spreading_redness_or_fever": Sign("Spreading redness, heat or fever", emergency=False),
}
assert tuple(WARNING_SIGNS) == get_args(WarningSign)


def sign_name(code: str) -> str:
    """A warning sign's name; an unknown code (one added later) shows as itself."""
    sign = WARNING_SIGNS.get(code)
    return sign.name if sign else code


# --- treatment --------------------------------------------------------------------------

Area = Literal[
    "leg_left_thigh",
    "leg_left_knee",
    "leg_left_calf",
    "leg_left_ankle",
    "leg_left_foot",
    "leg_right_thigh",
    "leg_right_knee",
    "leg_right_calf",
    "leg_right_ankle",
    "leg_right_foot",
    "face_nose",
    "face_cheeks",
    "chest",
    "arm_left",
    "arm_right",
    "abdomen",
]
Sclerosant = Literal[
    "polidocanol", "sodium_tetradecyl_sulfate", "hypertonic_saline", "glycerin", "other"
]

AREAS: Final[dict[str, str]] = {
    "leg_left_thigh": "Left thigh",
    "leg_left_knee": "Left knee",
    "leg_left_calf": "Left calf",
    "leg_left_ankle": "Left ankle",
    "leg_left_foot": "Left foot",
    "leg_right_thigh": "Right thigh",
    "leg_right_knee": "Right knee",
    "leg_right_calf": "Right calf",
    "leg_right_ankle": "Right ankle",
    "leg_right_foot": "Right foot",
    "face_nose": "Nose",
    "face_cheeks": "Cheeks",
    "chest": "Chest",
    "arm_left": "Left arm",
    "arm_right": "Right arm",
    "abdomen": "Abdomen",
}

SCLEROSANTS: Final[dict[str, str]] = {
    "polidocanol": "Polidocanol",
    "sodium_tetradecyl_sulfate": "Sodium tetradecyl sulfate",
    "hypertonic_saline": "Hypertonic saline",
    "glycerin": "Glycerin",
    "other": "Other sclerosant",
}
assert tuple(AREAS) == get_args(Area) and tuple(SCLEROSANTS) == get_args(Sclerosant)

# The outcomes report groups areas the way results differ: leg veins, facial veins, the rest.
AreaGroup = Literal["legs", "face", "other"]
AREA_GROUPS: Final[dict[str, str]] = {"legs": "Legs", "face": "Face", "other": "Other areas"}


def area_group(area: str) -> AreaGroup:
    """The report group of a treated-area code."""
    if area.startswith("leg_"):
        return "legs"
    if area.startswith("face_"):
        return "face"
    return "other"


# --- results ----------------------------------------------------------------------------

# The practitioner's grade at the review, from standardised photos of the same area.
Clearance = Literal["worse", "none", "partial", "good", "excellent"]
CLEARANCE: Final[dict[str, str]] = {
    "worse": "Worse",
    "none": "Under 25% cleared",
    "partial": "25-50% cleared",
    "good": "51-75% cleared",
    "excellent": "Over 75% cleared",
}
HYPERPIGMENTATION: Final[dict[int, str]] = {0: "None", 1: "Mild", 2: "Moderate", 3: "Severe"}
# The review's yes/no findings, worded for the outcomes report.
FINDINGS: Final[dict[str, str]] = {
    "hyperpigmentation": "Brown staining",
    "matting": "Matting (new fine red veins)",
    "trapped_blood_drained": "Trapped blood drained",
    "ulceration": "Skin ulcer",
}
# The patient's global impression of change, 1 (best) to 7 (worst), as the scale asks it.
PGIC: Final[dict[int, str]] = {
    1: "Very much improved",
    2: "Much improved",
    3: "A little improved",
    4: "No change",
    5: "A little worse",
    6: "Much worse",
    7: "Very much worse",
}
SATISFACTION_ANCHORS: Final[dict[int, str]] = {
    0: "Not at all satisfied",
    10: "Completely satisfied",
}
assert tuple(CLEARANCE) == get_args(Clearance)

# --- screening --------------------------------------------------------------------------

SCREENING_FLAGS: Final[dict[str, str]] = {
    "pregnancy": "Pregnant or breast-feeding",
    "sclerosant_allergy": "Sclerosant allergy or reaction",
    "clotting_disorder": "Blood clots or clotting disorder",
    "vein_3mm_or_larger": "Vein 3 mm or larger",
    "acute_illness": "Currently unwell",
    "many_veins": "More than 20 veins",
}


def document() -> dict[str, Any]:
    """Every word above as plain JSON: what `GET /api/vocabulary` answers and what
    `frontend/src/vocabulary.ts` embeds (so the PWA has it offline, from its first load)."""
    return {
        "symptoms": {code: asdict(symptom) for code, symptom in SYMPTOMS.items()},
        "pain_anchors": {str(score): words for score, words in PAIN_ANCHORS.items()},
        "grades": [asdict(GRADES[grade]) for grade in sorted(GRADES)],
        "warning_signs": {code: asdict(sign) for code, sign in WARNING_SIGNS.items()},
        "areas": dict(AREAS),
        "sclerosants": dict(SCLEROSANTS),
        "screening_flags": dict(SCREENING_FLAGS),
        "area_groups": dict(AREA_GROUPS),
        "clearance": dict(CLEARANCE),
        "hyperpigmentation": {str(grade): words for grade, words in HYPERPIGMENTATION.items()},
        "findings": dict(FINDINGS),
        "pgic": {str(point): words for point, words in PGIC.items()},
        "satisfaction_anchors": {
            str(score): words for score, words in SATISFACTION_ANCHORS.items()
        },
    }
