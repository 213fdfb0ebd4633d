"""A patient's record as a FHIR R4 (R4B models) `Bundle` of type `collection`.

What goes in, and only that (nothing is inferred or invented):
- the `Patient`: our patient id, name (as text: we never split a name we were given whole),
  email, and an identifier (the id as a URI) assigned by the clinic;
- a `Procedure` per treatment session: status completed, the session date, each treated area
  as a `bodySite`, the sclerosant with its concentration, volume and number of injections as
  `usedCode`, the aftercare instructions and review date as `followUp` text, notes as `note`;
- six `Observation`s per check-in: pain as LOINC 72514-3 with `valueInteger`, the five graded
  symptoms as local codes valued by a local grade code. `effectiveDateTime` is the patient's
  local date, `issued` the instant the check-in was last changed; the patient reported it, so
  they are the `performer`, and the category is `survey`;
- the results (see `api.reports.fhir_results`): photos as `Media` referenced by URL, the
  review outcome and the patient's rating as `Observation`s.

Every entry's `fullUrl` is `urn:uuid:<id>` and references point at those, so the bundle
resolves on its own. Observation ids are derived from the check-in id and the symptom, so
two exports of the same data carry the same ids. Code systems: see `api.reports.codes`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource

from api.checkins.schemas import CheckinOut
from api.reports import codes
from api.reports.fhir_parts import concept, day
from api.reports.fhir_results import media_resource, outcome_resource, rating_resource
from api.reports.record import PatientInfo, PatientRecord
from api.treatments.schemas import SessionOut

MEDIA_TYPE = "application/fhir+json"


def urn(id_: uuid.UUID) -> str:
    return f"urn:uuid:{id_}"


def observation_id(checkin_id: uuid.UUID, symptom: str) -> uuid.UUID:
    """Stable across exports: the same check-in and symptom always give the same id."""
    return uuid.uuid5(codes.OBSERVATION_NAMESPACE, f"{checkin_id}:{symptom}")


def _number(value: float) -> str:
    """0.5 → "0.5", 4.0 → "4": how a practitioner writes a dose."""
    return f"{value:g}"


def patient_resource(patient: PatientInfo) -> Patient:
    return Patient(
        id=str(patient.id),
        identifier=[
            Identifier(
                use="usual",
                system=codes.URI_IDENTIFIER_SYSTEM,
                value=urn(patient.id),
                assigner=Reference(display=patient.clinic_name),
            )
        ],
        active=patient.active,
        name=[HumanName(text=patient.name)],
        telecom=[ContactPoint(system="email", value=patient.email)],
    )


def procedure_resource(session: SessionOut, subject: Reference) -> Procedure:
    sclerosant = codes.label(codes.SCLEROSANTS, session.sclerosant)
    injections = f"{session.injections} injection{'' if session.injections == 1 else 's'}"
    return Procedure(
        id=str(session.id),
        status="completed",
        code=concept(codes.PROCEDURE_SYSTEM, codes.PROCEDURE_CODE, codes.PROCEDURE_DISPLAY),
        subject=subject,
        performedDateTime=day(session.performed_on),
        bodySite=[
            concept(codes.AREA_SYSTEM, area, codes.label(codes.AREAS, area))
            for area in session.areas
        ],
        usedCode=[
            concept(
                codes.SCLEROSANT_SYSTEM,
                session.sclerosant,
                sclerosant,
                f"{sclerosant} {_number(session.concentration_pct)} %, "
                f"{_number(session.volume_ml)} ml, {injections}",
            )
        ],
        followUp=[
            CodeableConcept(text=f"Compression for {session.compression_days} days"),
            CodeableConcept(text=f"Activity restriction for {session.restriction_days} days"),
            CodeableConcept(text=f"Results review on {session.review_on.isoformat()}"),
        ],
        note=[Annotation(text=session.notes)] if session.notes else None,
    )


def _observation(
    checkin: CheckinOut,
    subject: Reference,
    symptom: str,
    code: CodeableConcept,
    *,
    integer: int | None = None,
    concept: CodeableConcept | None = None,
) -> Observation:
    return Observation(
        id=str(observation_id(checkin.id, symptom)),
        status="final",
        category=[
            CodeableConcept(
                coding=[Coding(system=codes.OBSERVATION_CATEGORY, code="survey", display="Survey")]
            )
        ],
        code=code,
        subject=subject,
        performer=[subject],
        effectiveDateTime=day(checkin.local_date),
        issued=checkin.updated_at,
        valueInteger=integer,
        valueCodeableConcept=concept,
    )


def observation_resources(checkin: CheckinOut, subject: Reference) -> list[Observation]:
    """The check-in's six scores, pain first, then the graded symptoms in docs/design.md order."""
    pain_code = concept(
        codes.LOINC, codes.PAIN_LOINC, codes.PAIN_LOINC_DISPLAY, "Pain, tenderness or cramping"
    )
    observations = [_observation(checkin, subject, "pain", pain_code, integer=checkin.pain)]
    for symptom, display in codes.GRADED_SYMPTOMS.items():
        grade = getattr(checkin, symptom)
        observations.append(
            _observation(
                checkin,
                subject,
                symptom,
                concept(codes.SYMPTOM_SYSTEM, symptom, display),
                concept=concept(codes.GRADE_SYSTEM, str(grade), codes.GRADES[grade]),
            )
        )
    return observations


def entry(resource: Resource) -> BundleEntry:
    assert resource.id is not None
    return BundleEntry(fullUrl=f"urn:uuid:{resource.id}", resource=resource)


def patient_bundle(record: PatientRecord, now: datetime, base_url: str = "") -> Bundle:
    """The collection: Patient, then Procedures by date, then Observations by date, then the
    results (api.reports.fhir_results): photos, outcomes and ratings. `base_url` makes the
    photos' image URLs absolute."""
    subject = Reference(reference=urn(record.patient.id), display=record.patient.name)
    resources: list[Resource] = [patient_resource(record.patient)]
    resources += [procedure_resource(session, subject) for session in record.sessions]
    for checkin in record.checkins:
        resources += observation_resources(checkin, subject)
    resources += [media_resource(photo, subject, base_url) for photo in record.photos]
    resources += [outcome_resource(outcome, subject) for outcome in record.outcomes]
    resources += [rating_resource(rating, subject) for rating in record.ratings]
    return Bundle(type="collection", timestamp=now, entry=[entry(r) for r in resources])


def bundle_json(record: PatientRecord, now: datetime, base_url: str = "") -> bytes:
    """The bundle as UTF-8 JSON, the body of an `application/fhir+json` response or file."""
    return patient_bundle(record, now, base_url).model_dump_json().encode()
