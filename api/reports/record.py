"""One patient's whole record, read in three queries, for the exports to render.

Reading and rendering are separate so the audited read (a write transaction, which on SQLite
holds the write lock) ends before the CPU-bound FHIR or CSV rendering starts.
"""

from __future__ import annotations

import uuid
from bisect import bisect_right
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, select

from api.auth.models import User
from api.checkins.models import Checkin
from api.core.db import DbConnection
from api.core.errors import NotFoundError
from api.patients.models import Clinic, Patient
from api.treatments.models import TreatmentSession


@dataclass(frozen=True)
class PatientInfo:
    id: uuid.UUID
    name: str
    email: str
    active: bool
    clinic_name: str


@dataclass(frozen=True)
class SessionInfo:
    id: uuid.UUID
    performed_on: date
    areas: list[str]
    sclerosant: str
    concentration_pct: float
    volume_ml: float
    injections: int
    compression_days: int
    restriction_days: int
    review_on: date
    notes: str | None


@dataclass(frozen=True)
class CheckinInfo:
    id: uuid.UUID
    local_date: date
    pain: int
    swelling: int
    bruising: int
    discolouration: int
    hardening: int
    itching: int
    compression_worn: bool | None
    warning_signs: list[str]
    note: str | None
    recorded_at: datetime
    updated_at: datetime

    def score(self, symptom: str) -> int:
        value: int = getattr(self, symptom)
        return value


@dataclass(frozen=True)
class PatientRecord:
    """Sessions oldest first (ties in the order they were recorded); check-ins oldest first."""

    patient: PatientInfo
    sessions: list[SessionInfo]
    checkins: list[CheckinInfo]

    def session_before(self, day: date) -> SessionInfo | None:
        """The latest session on or before `day`: the one a check-in that day follows.

        The same rule as the timeline (`api.checkins.reads.timeline`), so a CSV's day
        numbers match the chart's.
        """
        index = bisect_right([s.performed_on for s in self.sessions], day)
        return self.sessions[index - 1] if index else None


# The columns are the dataclasses' own fields, so the two cannot drift apart.
_SESSION_COLUMNS = [getattr(TreatmentSession, f.name) for f in fields(SessionInfo)]
_CHECKIN_COLUMNS = [getattr(Checkin, f.name) for f in fields(CheckinInfo)]


def _values(row: Row[Any]) -> dict[str, Any]:
    return dict(row._mapping)


async def load_record(conn: DbConnection, patient_id: uuid.UUID) -> PatientRecord:
    """Everything an export holds; the caller has already checked who may read it."""
    person = (
        await conn.execute(
            select(Patient.id, User.name, User.email, Patient.active, Clinic.name.label("clinic"))
            .join(User, User.id == Patient.user_id)
            .join(Clinic, Clinic.id == Patient.clinic_id)
            .where(Patient.id == patient_id)
        )
    ).first()
    if person is None:
        raise NotFoundError()
    sessions = await conn.execute(
        select(*_SESSION_COLUMNS)
        .where(TreatmentSession.patient_id == patient_id)
        .order_by(TreatmentSession.performed_on, TreatmentSession.created_at)
    )
    checkins = await conn.execute(
        select(*_CHECKIN_COLUMNS)
        .where(Checkin.patient_id == patient_id)
        .order_by(Checkin.local_date)
    )
    return PatientRecord(
        patient=PatientInfo(
            id=person.id,
            name=person.name,
            email=person.email,
            active=person.active,
            clinic_name=person.clinic,
        ),
        sessions=[SessionInfo(**_values(row)) for row in sessions],
        checkins=[
            CheckinInfo(**{**_values(row), "warning_signs": list(row.warning_signs or [])})
            for row in checkins
        ],
    )
