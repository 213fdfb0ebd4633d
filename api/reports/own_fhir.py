"""The patient's own copy (`api.reports.own_copy`) as one FHIR R4B collection.

The clinical record's bundle (`api.reports.fhir.patient_bundle`), then:
- each check-in revision as a `Basic` (code `checkin-revision`), the body as received in an
  extension, with its outcome (`accepted` or `stale`) and when it was received;
- each alert as a `Flag` (active while open, inactive once acknowledged), the reason as its
  code's text, the clinic's note as an extension;
- each message sent to them as a `Communication` (sent, read as `received`);
- the screening answers as a `QuestionnaireResponse` (one item per question);
- each reminder channel as a `Consent` (permit or deny), with the check-in time and zone.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.basic import Basic
from fhir.resources.R4B.communication import Communication, CommunicationPayload
from fhir.resources.R4B.consent import Consent, ConsentPolicy, ConsentProvision
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource

from api.reports import codes
from api.reports.fhir import entry, patient_bundle, urn
from api.reports.fhir_parts import concept, day
from api.reports.own_copy import OwnCopy, Row

OWN_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, f"{codes.CODE_SYSTEM_BASE}/own-copy")
RECORD_SYSTEM = f"{codes.CODE_SYSTEM_BASE}/own-copy"
EXTENSION_BASE = "https://afterline.app/fhir/StructureDefinition"
SCREENING_QUESTIONS = (
    ("pregnant_or_breastfeeding", "Pregnant or breastfeeding"),
    ("sclerosant_allergy", "Allergy to a sclerosant"),
    ("clotting_disorder", "A clotting disorder"),
    ("acute_illness", "Unwell at the moment"),
    ("largest_vein_mm", "Largest vein (mm)"),
    ("vein_count_estimate", "Veins to treat (estimate)"),
    ("notes", "Notes"),
)


def _extension(name: str, value: str) -> Extension:
    return Extension(url=f"{EXTENSION_BASE}/{name}", valueString=value)


def _revision(row: Row, subject: Reference) -> Basic:
    return Basic(
        id=str(row["id"]),
        code=concept(RECORD_SYSTEM, "checkin-revision", "A check-in as it was received"),
        subject=subject,
        created=day(row["local_date"]),
        author=subject,
        extension=[
            _extension("checkin", str(row["checkin_id"])),
            _extension("revision-outcome", row["outcome"]),
            _extension("received-at", row["received_at"].isoformat()),
            _extension("body", json.dumps(row["payload"], sort_keys=True)),
        ],
    )


def _flag(row: Row, subject: Reference) -> Flag:
    extensions = [_extension("severity", row["severity"])]
    if row["note"]:
        extensions.append(_extension("clinic-note", row["note"]))
    return Flag(
        id=str(row["id"]),
        status="active" if row["status"] == "open" else "inactive",
        code=concept(RECORD_SYSTEM, f"alert-{row['rule']}", row["reason"]),
        subject=subject,
        period=Period(start=row["raised_at"], end=row["acknowledged_at"]),
        extension=extensions,
    )


def _communication(row: Row, subject: Reference) -> Communication:
    return Communication(
        id=str(row["id"]),
        status="completed",
        category=[concept(RECORD_SYSTEM, f"message-{row['kind']}", row["title"])],
        subject=subject,
        recipient=[subject],
        sent=row["created_at"],
        received=row["read_at"],
        payload=[CommunicationPayload(contentString=f"{row['title']}\n{row['body']}")],
    )


def _answer(value: Any) -> QuestionnaireResponseItemAnswer:
    if isinstance(value, bool):
        return QuestionnaireResponseItemAnswer(valueBoolean=value)
    if isinstance(value, int):
        return QuestionnaireResponseItemAnswer(valueInteger=value)
    if isinstance(value, float):
        return QuestionnaireResponseItemAnswer(valueDecimal=Decimal(str(value)))
    return QuestionnaireResponseItemAnswer(valueString=str(value))


def _screening(row: Row, subject: Reference) -> QuestionnaireResponse:
    items = [
        QuestionnaireResponseItem(linkId=key, text=text, answer=[_answer(row[key])])
        for key, text in SCREENING_QUESTIONS
        if row[key] is not None
    ]
    return QuestionnaireResponse(
        id=str(row["id"]),
        status="completed",
        subject=subject,
        authored=row["updated_at"],
        author=subject,
        item=items,
    )


def _consent(channel: str, allowed: bool, copy: OwnCopy, subject: Reference) -> Consent:
    choices = copy.choices
    rule = (
        f"Check-in reminders by {channel} at {choices['checkin_time'].strftime('%H:%M')} "
        f"({choices['timezone']})"
    )
    return Consent(
        id=str(uuid.uuid5(OWN_NAMESPACE, f"{copy.record.patient.id}:{channel}")),
        status="active",
        scope=concept(
            "http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", "Privacy"
        ),
        category=[concept(codes.LOINC, "59284-0", "Patient Consent")],
        patient=subject,
        dateTime=choices["created_at"],
        policy=[ConsentPolicy(uri=f"{RECORD_SYSTEM}/reminders-by-{channel}")],
        provision=ConsentProvision(type="permit" if allowed else "deny"),
        extension=[_extension("choice", rule)],
    )


def own_bundle_json(copy: OwnCopy, now: datetime, base_url: str = "") -> bytes:
    bundle = patient_bundle(copy.record, now, base_url)
    record = copy.record
    subject = Reference(reference=urn(record.patient.id), display=record.patient.name)
    extra: list[Resource] = [_revision(row, subject) for row in copy.revisions]
    extra += [_flag(row, subject) for row in copy.alerts]
    extra += [_communication(row, subject) for row in copy.notifications]
    if copy.screening:
        extra.append(_screening(copy.screening, subject))
    extra += [
        _consent("push", copy.choices["push_enabled"], copy, subject),
        _consent("email", copy.choices["email_enabled"], copy, subject),
    ]
    bundle.entry = [*(bundle.entry or []), *(entry(resource) for resource in extra)]
    return bundle.model_dump_json().encode()
