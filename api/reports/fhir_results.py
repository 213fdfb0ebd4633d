"""Results in the FHIR bundle: photos as `Media`, the review outcome and the patient's rating
as `Observation`s.

- A photo is an R4 `Media` (type image): the treated area as `bodySite`, when it was taken,
  the session's `Procedure` as `partOf`, and the image by URL (`content.url`, the API's
  image route), never inlined: the bundle stays small, and the image stays behind the
  clinic's sign-in and audit.
- The review outcome is one `Observation` (category exam) of the session: the clearance
  grade as its value, hyperpigmentation and the three findings as components.
- The rating is one `Observation` (category survey, the patient as performer): the patient
  global impression of change as its value, satisfaction (0-10) as a component.
Their ids derive from the session id, so every export of the same results has the same ids.
"""

from __future__ import annotations

import uuid

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.attachment import Attachment
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.media import Media
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.reference import Reference

from api.outcomes.schemas import OutcomeOut, RatingOut
from api.photos.schemas import PhotoOut
from api.reports import codes
from api.reports.fhir_parts import concept, day


def _category(code: str, display: str) -> list[CodeableConcept]:
    return [
        CodeableConcept(
            coding=[Coding(system=codes.OBSERVATION_CATEGORY, code=code, display=display)]
        )
    ]


def _procedure(session_id: uuid.UUID | None) -> list[Reference] | None:
    return [Reference(reference=f"urn:uuid:{session_id}")] if session_id else None


def _result_id(session_id: uuid.UUID, kind: str) -> str:
    return str(uuid.uuid5(codes.OBSERVATION_NAMESPACE, f"{session_id}:{kind}"))


def image_url(base_url: str, photo_id: uuid.UUID) -> str:
    return f"{base_url}/api/photos/{photo_id}/image?size=full"


def media_resource(photo: PhotoOut, subject: Reference, base_url: str) -> Media:
    area = codes.label(codes.AREAS, photo.area)
    return Media(
        id=str(photo.id),
        status="completed",
        type=concept(codes.MEDIA_TYPE_SYSTEM, "image", "Image"),
        subject=subject,
        partOf=_procedure(photo.session_id),
        createdDateTime=photo.taken_at,
        bodySite=concept(codes.AREA_SYSTEM, photo.area, area),
        width=photo.width,
        height=photo.height,
        content=Attachment(
            contentType="image/jpeg",
            url=image_url(base_url, photo.id),
            title=f"{area}, {photo.local_date.isoformat()}",
        ),
    )


def _finding(code: str, value: bool) -> ObservationComponent:
    return ObservationComponent(
        code=concept(codes.RESULT_SYSTEM, code.replace("_", "-"), codes.FINDINGS[code]),
        valueBoolean=value,
    )


def outcome_resource(outcome: OutcomeOut, subject: Reference) -> Observation:
    grade = outcome.hyperpigmentation
    return Observation(
        id=_result_id(outcome.session_id, "outcome"),
        status="amended" if outcome.revisions > 1 else "final",
        category=_category("exam", "Exam"),
        code=concept(codes.RESULT_SYSTEM, "review-outcome", "Review of results"),
        subject=subject,
        partOf=_procedure(outcome.session_id),
        effectiveDateTime=day(outcome.assessed_on),
        issued=outcome.updated_at,
        valueCodeableConcept=concept(
            codes.CLEARANCE_SYSTEM,
            outcome.clearance,
            codes.label(codes.CLEARANCE, outcome.clearance),
        ),
        component=[
            ObservationComponent(
                code=concept(
                    codes.RESULT_SYSTEM, "hyperpigmentation", codes.FINDINGS["hyperpigmentation"]
                ),
                valueCodeableConcept=concept(
                    codes.GRADE_SYSTEM, str(grade), codes.HYPERPIGMENTATION[grade]
                ),
            ),
            _finding("matting", outcome.matting),
            _finding("trapped_blood_drained", outcome.trapped_blood_drained),
            _finding("ulceration", outcome.ulceration),
        ],
        note=[Annotation(text=outcome.notes)] if outcome.notes else None,
    )


def rating_resource(rating: RatingOut, subject: Reference) -> Observation:
    return Observation(
        id=_result_id(rating.session_id, "rating"),
        status="amended" if rating.revisions > 1 else "final",
        category=_category("survey", "Survey"),
        code=concept(codes.RESULT_SYSTEM, "pgic", "Patient global impression of change"),
        subject=subject,
        performer=[subject],
        partOf=_procedure(rating.session_id),
        effectiveDateTime=day(rating.rated_on),
        issued=rating.updated_at,
        valueCodeableConcept=concept(codes.PGIC_SYSTEM, str(rating.pgic), codes.PGIC[rating.pgic]),
        component=[
            ObservationComponent(
                code=concept(codes.RESULT_SYSTEM, "satisfaction", "Satisfaction (0-10)"),
                valueInteger=rating.satisfaction,
            )
        ],
    )
