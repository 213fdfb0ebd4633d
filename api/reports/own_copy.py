"""The patient's own copy of everything Afterline holds about them (GDPR articles 15 and 20).

The clinical record a practitioner exports (`api.reports.record`) plus what only the patient
sees or chose: every revision of every check-in as it was received, the alerts their
check-ins raised (with the clinic's acknowledgement), the messages sent to them, their
screening answers and their choices (reminder channels, check-in time, time zone).

Afterline keeps no separate consent forms: what the patient agreed to in the app are those
choices, exported as FHIR `Consent`s (a reminder channel permitted or denied). Rendered as
FHIR R4B (`own_bundle_json`) and as one long CSV (`own_csv`) that needs no schema to read:
one row per field, `section,item,date,field,value`, so nothing is dropped to fit columns.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import msgspec
from sqlalchemy import select

from api.alerts.models import Alert
from api.checkins.models import CheckinRevision
from api.core.db import DbConnection
from api.identity.models import Patient, User
from api.notifications.models import Notification
from api.reports.csv_export import safe_note
from api.reports.record import PatientRecord, load_record
from api.screening.models import Screening

Row = dict[str, Any]


@dataclass(frozen=True)
class OwnCopy:
    record: PatientRecord
    choices: Row
    revisions: list[Row]
    alerts: list[Row]
    notifications: list[Row]
    screening: Row | None


def _rows(result: Any) -> list[Row]:
    return [dict(row._mapping) for row in result]


async def load_own_copy(conn: DbConnection, patient_id: uuid.UUID) -> OwnCopy:
    """Everything about the patient; the caller has checked it is theirs."""
    record = await load_record(conn, patient_id)
    choices = (
        await conn.execute(
            select(
                Patient.timezone,
                Patient.checkin_time,
                Patient.push_enabled,
                Patient.email_enabled,
                Patient.prompts_from,
                Patient.created_at,
                User.id.label("user_id"),
                User.last_login_at,
            )
            .join(User, User.id == Patient.user_id)
            .where(Patient.id == patient_id)
        )
    ).one()
    user_id = choices.user_id
    revisions = await conn.execute(
        select(
            CheckinRevision.id,
            CheckinRevision.checkin_id,
            CheckinRevision.local_date,
            CheckinRevision.outcome,
            CheckinRevision.recorded_at,
            CheckinRevision.received_at,
            CheckinRevision.payload,
        )
        .where(CheckinRevision.patient_id == patient_id)
        .order_by(CheckinRevision.received_at, CheckinRevision.id)
    )
    alerts = await conn.execute(
        select(
            Alert.id,
            Alert.rule,
            Alert.severity,
            Alert.status,
            Alert.local_date,
            Alert.reason,
            Alert.warning_signs,
            Alert.raised_at,
            Alert.acknowledged_at,
            Alert.note,
        )
        .where(Alert.patient_id == patient_id)
        .order_by(Alert.created_at, Alert.id)
    )
    notifications = await conn.execute(
        select(
            Notification.id,
            Notification.kind,
            Notification.local_date,
            Notification.title,
            Notification.body,
            Notification.created_at,
            Notification.read_at,
        )
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at, Notification.id)
    )
    screening = (
        await conn.execute(
            select(
                Screening.id,
                Screening.pregnant_or_breastfeeding,
                Screening.sclerosant_allergy,
                Screening.clotting_disorder,
                Screening.acute_illness,
                Screening.largest_vein_mm,
                Screening.vein_count_estimate,
                Screening.notes,
                Screening.updated_at,
            ).where(Screening.patient_id == patient_id)
        )
    ).first()
    chosen = dict(choices._mapping)
    del chosen["user_id"]
    return OwnCopy(
        record=record,
        choices=chosen,
        revisions=_rows(revisions),
        alerts=_rows(alerts),
        notifications=_rows(notifications),
        screening=dict(screening._mapping) if screening else None,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _items(copy: OwnCopy) -> list[tuple[str, Row]]:
    """Every item of the copy as (section, fields), in the order the CSV lists them."""
    record = copy.record
    items: list[tuple[str, Row]] = [("patient", msgspec.to_builtins(record.patient))]
    items.append(("choices", copy.choices))
    sections: list[tuple[str, list[Any]]] = [
        ("session", record.sessions),
        ("checkin", record.checkins),
        ("photo", record.photos),
        ("outcome", record.outcomes),
        ("rating", record.ratings),
    ]
    for section, structs in sections:
        items += [(section, msgspec.to_builtins(s)) for s in structs]
    items += [("checkin_revision", row) for row in copy.revisions]
    items += [("alert", row) for row in copy.alerts]
    items += [("notification", row) for row in copy.notifications]
    if copy.screening:
        items.append(("screening", copy.screening))
    return items


_DATE_FIELDS = ("local_date", "performed_on", "assessed_on", "received_at", "created_at")


def own_csv(copy: OwnCopy) -> bytes:
    """One row per field of every item; free text is defused against spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "item", "date", "field", "value"])
    for section, fields in _items(copy):
        item = _text(fields.get("id", ""))
        when = next((_text(fields[k]) for k in _DATE_FIELDS if fields.get(k)), "")
        for name, value in fields.items():
            if name != "id":
                writer.writerow([section, item, when, name, safe_note(_text(value))])
    return out.getvalue().encode()
