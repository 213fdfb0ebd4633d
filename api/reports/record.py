"""One patient's whole record (with photos, outcomes and ratings), for the exports to render.

Reading and rendering are separate so the audited read (a write transaction, which on SQLite
holds the write lock) ends before the CPU-bound FHIR or CSV rendering starts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from api.checkins.reads import list_checkins
from api.checkins.schemas import CheckinOut
from api.core.db import DbConnection
from api.core.errors import NotFoundError
from api.identity.models import Clinic, Patient, User
from api.outcomes.schemas import OutcomeOut, RatingOut
from api.outcomes.service import results_of
from api.photos.schemas import PhotoOut
from api.photos.service import list_photos
from api.treatments.models import TreatmentSession
from api.treatments.schemas import SessionOut
from api.treatments.service import session_out


@dataclass(frozen=True)
class PatientInfo:
    id: uuid.UUID
    name: str
    email: str
    active: bool
    clinic_name: str


@dataclass(frozen=True)
class PatientRecord:
    """Sessions oldest first (ties in the order they were recorded); check-ins oldest first."""

    patient: PatientInfo
    sessions: list[SessionOut]
    checkins: list[CheckinOut]
    photos: list[PhotoOut] = field(default_factory=list)
    outcomes: list[OutcomeOut] = field(default_factory=list)
    ratings: list[RatingOut] = field(default_factory=list)


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
        select(TreatmentSession)
        .where(TreatmentSession.patient_id == patient_id)
        .order_by(TreatmentSession.performed_on, TreatmentSession.created_at)
    )
    outcomes, ratings = await results_of(conn, patient_id)
    return PatientRecord(
        patient=PatientInfo(
            id=person.id,
            name=person.name,
            email=person.email,
            active=person.active,
            clinic_name=person.clinic,
        ),
        sessions=[session_out(row) for row in sessions],
        checkins=await list_checkins(conn, patient_id),
        photos=await list_photos(conn, patient_id),
        outcomes=outcomes,
        ratings=ratings,
    )
