"""Recording and correcting treatment sessions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

import msgspec
from sqlalchemy import select

from api.audit.service import record
from api.core.changes import patient_changed
from api.core.clock import local_today
from api.core.db import Database, Transaction
from api.core.errors import FieldError
from api.core.principal import Principal
from api.core.rows import to_struct
from api.core.scoping import one_in_clinic
from api.identity.models import Clinic, Patient
from api.identity.patients import load_patient_in_clinic, lock_patient_writes
from api.treatments.models import TreatmentSession
from api.treatments.schemas import SessionCreate, SessionOut, SessionUpdate

DEFAULT_REVIEW_AFTER = timedelta(weeks=8)


@runtime_checkable
class Rejudge(Protocol):
    """Re-runs the alert rules on the check-ins a session change re-dates (same transaction).

    Given by the app (the alert rules sit above treatments): recording a session in the past
    or moving one changes the day-since-session of the check-ins after it, and with it what
    the rules say about them. `moved_from` is the old date of a moved session, None for a new
    one. It may refuse the change with a `FieldError`.
    """

    async def __call__(
        self,
        tx: Transaction,
        patient_id: uuid.UUID,
        session_id: uuid.UUID,
        moved_from: date | None,
    ) -> Any: ...


def session_out(row: Any) -> SessionOut:
    """From an ORM object or a Core row: both carry the columns as attributes."""
    return to_struct(SessionOut, row)


OLDEST_RECORDABLE = timedelta(days=3653)  # ten years: older records are typos (0202 for 2022)


async def _today(tx: Transaction, actor: Principal, patient: Patient, now: datetime) -> date:
    """The later of the clinic's and the patient's local dates.

    The session happens on the clinic's calendar; the patient may live hours behind it,
    where "today" has not started yet.
    """
    clinic_zone = await tx.scalar(select(Clinic.timezone).where(Clinic.id == actor.clinic_id))
    return max(local_today(now, patient.timezone), local_today(now, clinic_zone or "UTC"))


# A review is weeks or months after its session; years later is a typo (2062 for 2026).
LATEST_REVIEW = timedelta(days=731)


def _check_dates(performed_on: date, review_on: date | None, today: date) -> date:
    """The session's review date (the default when `review_on` is None), once both dates are
    plausible. `performed_on` is checked first: only then is it safe to add weeks to it (a
    client's date can be 9999-12-31, where any addition overflows)."""
    if performed_on > today:
        raise FieldError("performed_on", "a session cannot be recorded for a future date")
    if performed_on < today - OLDEST_RECORDABLE:
        raise FieldError("performed_on", "is more than ten years ago; check the year")
    if review_on is None:
        return performed_on + DEFAULT_REVIEW_AFTER
    if review_on <= performed_on:
        raise FieldError("review_on", "must be after the session date")
    if review_on > performed_on + LATEST_REVIEW:
        raise FieldError("review_on", "is more than two years after the session; check the year")
    return review_on


def _clean_notes(notes: str | None) -> str | None:
    return (notes or "").strip() or None


def _check_areas(areas: Sequence[str]) -> list[str]:
    if len(set(areas)) != len(areas):
        raise FieldError("areas", "lists the same area twice")
    return list(areas)


async def create_session(
    db: Database,
    actor: Principal,
    patient_id: uuid.UUID,
    data: SessionCreate,
    now: datetime,
    rejudge: Rejudge,
) -> SessionOut:
    async with db.write() as tx:
        patient, _ = await load_patient_in_clinic(tx, actor, patient_id)
        # Before writing anything: on PostgreSQL the session's foreign key would otherwise
        # share-lock the patient first, and two changes for one patient would deadlock.
        await lock_patient_writes(tx, patient.id)
        today = await _today(tx, actor, patient, now)
        review_on = _check_dates(data.performed_on, data.review_on, today)
        row = TreatmentSession(
            patient_id=patient.id,
            performed_on=data.performed_on,
            areas=_check_areas(data.areas),
            sclerosant=data.sclerosant,
            concentration_pct=data.concentration_pct,
            volume_ml=data.volume_ml,
            injections=data.injections,
            compression_days=data.compression_days,
            restriction_days=data.restriction_days,
            review_on=review_on,
            daily_days=data.daily_days,
            notes=_clean_notes(data.notes),
            created_by=actor.user_id,
            created_at=now,
            updated_at=now,
        )
        tx.add(row)
        await tx.flush()
        await rejudge(tx, patient.id, row.id, None)
        patient_changed(tx, patient.id, now)
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="session.create",
            at=now,
            patient_id=patient.id,
            detail={"session_id": str(row.id)},
        )
        return session_out(row)


async def list_sessions(
    db: Database, actor: Principal, patient_id: uuid.UUID, now: datetime
) -> list[SessionOut]:
    async with db.write() as tx:
        patient, _ = await load_patient_in_clinic(tx, actor, patient_id)
        rows = await tx.scalars(
            select(TreatmentSession)
            .where(TreatmentSession.patient_id == patient.id)
            .order_by(TreatmentSession.performed_on, TreatmentSession.created_at)
        )
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="session.list",
            at=now,
            patient_id=patient.id,
        )
        return [session_out(row) for row in rows]


async def update_session(
    db: Database,
    actor: Principal,
    session_id: uuid.UUID,
    data: SessionUpdate,
    now: datetime,
    rejudge: Rejudge,
) -> SessionOut:
    async with db.write() as tx:
        query = select(TreatmentSession, Patient).join(
            Patient, Patient.id == TreatmentSession.patient_id
        )
        query = query.where(TreatmentSession.id == session_id)
        row, patient = tuple(await one_in_clinic(tx, query, Patient.clinic_id, actor))
        await lock_patient_writes(tx, patient.id)
        changes = {
            name: value
            for name, value in msgspec.structs.asdict(data).items()
            if value is not msgspec.UNSET
        }
        if "areas" in changes:
            changes["areas"] = _check_areas(changes["areas"])
        if "notes" in changes:
            changes["notes"] = _clean_notes(changes["notes"])
        moved_from = row.performed_on
        for name, value in changes.items():
            setattr(row, name, value)
        _check_dates(row.performed_on, row.review_on, await _today(tx, actor, patient, now))
        row.updated_at = now
        if row.performed_on != moved_from:
            await rejudge(tx, patient.id, row.id, moved_from)
        patient_changed(tx, patient.id, now)
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="session.update",
            at=now,
            patient_id=patient.id,
            detail={"session_id": str(row.id), "fields": sorted(changes)},
        )
        return session_out(row)


async def list_own_sessions(db: Database, patient_id: uuid.UUID) -> list[SessionOut]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(TreatmentSession)
            .where(TreatmentSession.patient_id == patient_id)
            .order_by(TreatmentSession.performed_on, TreatmentSession.created_at)
        )
        return [session_out(row) for row in rows]
