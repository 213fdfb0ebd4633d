"""Erasing patients past their clinic's retention period.

A patient is past it when whole `Clinic.retention_years` have gone by since their last
treatment session (or, with none, since they were registered), counted in the clinic's own
calendar. Erasing deletes their user: every row about them goes with it (check-ins and their
revisions, sessions, photos and their sealed images, alerts, messages, screening, results,
sessions and subscriptions all cascade from the patient and the user). The audit trail keeps
what happened (its rows name ids, never people) and gains one minimal tombstone per patient,
`patient.erase`, saying when and under which rule; its hash chain stays intact.

Each patient is erased in its own transaction, so an interrupted run leaves every patient
either whole or gone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select

from api.audit.service import record
from api.core.clock import local_today
from api.core.db import Database
from api.identity.models import Clinic, Patient, User
from api.treatments.models import TreatmentSession


@dataclass(frozen=True)
class PastRetention:
    patient_id: uuid.UUID
    user_id: uuid.UUID
    clinic_id: uuid.UUID
    clinic_name: str
    last_treated: date | None
    kept_from: date  # the last session's day, or the day they were registered
    retention_years: int


def years_after(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


async def patients_past_retention(db: Database, now: datetime) -> list[PastRetention]:
    """Everyone due for erasure now, oldest first."""
    last_session = (
        select(
            TreatmentSession.patient_id,
            func.max(TreatmentSession.performed_on).label("last_treated"),
        )
        .group_by(TreatmentSession.patient_id)
        .subquery()
    )
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(
                    Patient.id,
                    Patient.user_id,
                    Patient.clinic_id,
                    Patient.created_at,
                    Clinic.name,
                    Clinic.timezone,
                    Clinic.retention_years,
                    last_session.c.last_treated,
                )
                .join(Clinic, Clinic.id == Patient.clinic_id)
                .outerjoin(last_session, last_session.c.patient_id == Patient.id)
            )
        ).all()
    due = []
    for row in rows:
        kept_from = row.last_treated or local_today(row.created_at, row.timezone)
        if years_after(kept_from, row.retention_years) <= local_today(now, row.timezone):
            due.append(
                PastRetention(
                    patient_id=row.id,
                    user_id=row.user_id,
                    clinic_id=row.clinic_id,
                    clinic_name=row.name,
                    last_treated=row.last_treated,
                    kept_from=kept_from,
                    retention_years=row.retention_years,
                )
            )
    return sorted(due, key=lambda p: (p.kept_from, str(p.patient_id)))


async def erase_patient(db: Database, patient: PastRetention, now: datetime) -> None:
    """Delete every row about the patient and leave the tombstone, in one transaction."""
    async with db.write() as tx:
        record(
            tx,
            actor_id=None,
            clinic_id=patient.clinic_id,
            action="patient.erase",
            at=now,
            patient_id=patient.patient_id,
            detail={
                "rule": "retention",
                "retention_years": patient.retention_years,
                "kept_from": patient.kept_from.isoformat(),
            },
        )
        await tx.execute(delete(User).where(User.id == patient.user_id))
