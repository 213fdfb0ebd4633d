"""The code systems an export speaks, and the human text for each of our fixed codes.

Our own codes (treated areas, sclerosants, symptoms, grades) have no standard code we can be
sure of, so they go out under Afterline's local code systems rather than as guessed SNOMED
codes. The URIs are identifiers, not addresses anyone needs to resolve, and they are fixed
here rather than derived from a deployment's base URL: every clinic's exports then agree on
them, and a receiving system can map them once. Never change one in place; a new meaning
needs a new URI.

Under `https://afterline.app/fhir/CodeSystem/`:
- `procedure`      `microsclerotherapy`
- `treated-area`   the docs/design.md area codes, e.g. `leg_left_calf`
- `sclerosant`     `polidocanol`, `sodium_tetradecyl_sulfate`, `hypertonic_saline`, …
- `symptom`        `swelling`, `bruising`, `discolouration`, `hardening`, `itching`
- `symptom-grade`  `0` none, `1` mild, `2` moderate, `3` severe
- `result`         what a results Observation records: `review-outcome`, `pgic`,
                   `satisfaction`, `hyperpigmentation`, `matting`, `trapped-blood-drained`,
                   `ulceration`
- `clearance`      `worse`, `none` (< 25 %), `partial` (25-50 %), `good` (51-75 %),
                   `excellent` (> 75 %)
- `pgic`           `1` very much improved … `7` very much worse
- `audit-action`   an audit event's action as Afterline names it, e.g. `patient.read`
- `audit-chain`    the chain details of an exported audit event: `seq`, `prev-hash`, `hash`
- `audit-chain-head` the bundle identifier of an audit export: `<seq>:<hash>` of the head

Pain alone has a standard code, LOINC 72514-3, and goes out as that.
"""

from __future__ import annotations

import uuid
from typing import Final

from api.core import vocabulary

CODE_SYSTEM_BASE: Final = "https://afterline.app/fhir/CodeSystem"
PROCEDURE_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/procedure"
AREA_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/treated-area"
SCLEROSANT_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/sclerosant"
SYMPTOM_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/symptom"
GRADE_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/symptom-grade"
RESULT_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/result"
CLEARANCE_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/clearance"
PGIC_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/pgic"
AUDIT_ACTION_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/audit-action"
AUDIT_CHAIN_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/audit-chain"
AUDIT_EVENT_TYPE_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/audit-event-type"
MEDIA_TYPE_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/media-type"

LOINC: Final = "http://loinc.org"
PAIN_LOINC: Final = "72514-3"
PAIN_LOINC_DISPLAY: Final = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
# A UUID written as a URI: how FHIR spells an identifier that needs no issuer's namespace.
URI_IDENTIFIER_SYSTEM: Final = "urn:ietf:rfc:3986"

# Observation ids are uuid5(OBSERVATION_NAMESPACE, "<checkin id>:<symptom>"), so the same
# check-in exports as the same Observation ids every time. Fixed forever, like the URIs.
OBSERVATION_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, f"{CODE_SYSTEM_BASE}/observation")

PROCEDURE_CODE: Final = "microsclerotherapy"
PROCEDURE_DISPLAY: Final = "Microsclerotherapy"

# The displays are the vocabulary's names: an export says what the screens say.
AREAS: Final[dict[str, str]] = vocabulary.AREAS
SCLEROSANTS: Final[dict[str, str]] = vocabulary.SCLEROSANTS
GRADED_SYMPTOMS: Final[dict[str, str]] = {
    code: symptom.name for code, symptom in vocabulary.SYMPTOMS.items() if code != "pain"
}
GRADES: Final[dict[int, str]] = {grade: g.name for grade, g in vocabulary.GRADES.items()}
CLEARANCE: Final[dict[str, str]] = vocabulary.CLEARANCE
PGIC: Final[dict[int, str]] = vocabulary.PGIC
HYPERPIGMENTATION: Final[dict[int, str]] = vocabulary.HYPERPIGMENTATION
FINDINGS: Final[dict[str, str]] = vocabulary.FINDINGS


def label(table: dict[str, str], code: str) -> str:
    """The text for a code; an unknown one (a code added later) shows as itself."""
    return table.get(code, code)
