"""Recording results: the practitioner's review outcome and the patient's own rating.

Both are upserts (one of each per session), refused with a 422 naming the field when a date
cannot be right, and every accepted body is kept in `result_revision`; outcome changes are
audited with their fields. Another clinic's session, or another patient's, is the usual 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import msgspec
from sqlalchemy import bindparam, func, select

from api.audit.service import record
from api.core.clock import local_today
from api.core.db import Database, DbConnection, Transaction
from api.core.errors import FieldError, NotFoundError
from api.core.principal import Principal, SignedInPatient
from api.core.scoping import one_in_clinic
from api.identity.models import Clinic, Patient
from api.identity.patients import lock_patient_writes
from api.outcomes.models import ResultRevision, SessionOutcome, SessionRating
from api.outcomes.schemas import OutcomeIn, OutcomeOut, RatingIn, RatingOut
from api.treatments.models import TreatmentSession

OUTCOME_FIELDS = tuple(OutcomeIn.__struct_fields__)


async def _revisions(unit: Transaction | DbConnection, session_id: uuid.UUID, kind: str) -> int:
    query = select(func.count()).where(
        ResultRevision.session_id == session_id, ResultRevision.kind == kind
    )
    return int(await unit.scalar(query))


def outcome_out(row: Any, revisions: int) -> OutcomeOut:
    return OutcomeOut(
        session_id=row.session_id,
        assessed_on=row.assessed_on,
        clearance=row.clearance,
        hyperpigmentation=row.hyperpigmentation,
        matting=row.matting,
        trapped_blood_drained=row.trapped_blood_drained,
        ulceration=row.ulceration,
        notes=row.notes,
        created_at=row.created_at,
        updated_at=row.updated_at,
        revisions=revisions,
    )


def rating_out(row: Any, revisions: int) -> RatingOut:
    return RatingOut(
        session_id=row.session_id,
        pgic=row.pgic,
        satisfaction=row.satisfaction,
        rated_on=row.rated_on,
        created_at=row.created_at,
        updated_at=row.updated_at,
        revisions=revisions,
    )


def _session_in_clinic() -> Any:
    return select(TreatmentSession, Patient).join(
        Patient, Patient.id == TreatmentSession.patient_id
    )


async def put_outcome(
    db: Database, actor: Principal, session_id: uuid.UUID, data: OutcomeIn, now: datetime
) -> tuple[OutcomeOut, bool]:
    """The session's outcome after this body, and whether it was the first."""
    async with db.write() as tx:
        query = _session_in_clinic().where(TreatmentSession.id == session_id)
        session, patient = tuple(await one_in_clinic(tx, query, Patient.clinic_id, actor))
        await lock_patient_writes(tx, patient.id)
        clinic_zone = await tx.scalar(select(Clinic.timezone).where(Clinic.id == actor.clinic_id))
        today = max(local_today(now, clinic_zone or "UTC"), local_today(now, patient.timezone))
        if data.assessed_on < session.performed_on:
            raise FieldError("assessed_on", "is before the session it assesses")
        if data.assessed_on > today:
            raise FieldError("assessed_on", "is in the future")
        values = msgspec.structs.asdict(data)
        values["notes"] = (data.notes or "").strip() or None
        row = await tx.scalar(select(SessionOutcome).where(SessionOutcome.session_id == session.id))
        created = row is None
        if row is None:
            row = SessionOutcome(session_id=session.id, created_at=now, **values)
            tx.add(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
        row.assessed_by = actor.user_id
        row.updated_at = now
        tx.add(_revision(session.id, "outcome", values, actor.user_id, now))
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="outcome.create" if created else "outcome.update",
            at=now,
            patient_id=patient.id,
            detail={"session_id": str(session.id), "clearance": data.clearance},
        )
        await tx.flush()
        return outcome_out(row, await _revisions(tx, session.id, "outcome")), created


async def get_outcome(
    db: Database, actor: Principal, session_id: uuid.UUID, now: datetime
) -> OutcomeOut:
    async with db.write() as tx:
        query = (
            select(SessionOutcome, Patient.id.label("patient_id"))
            .join(TreatmentSession, TreatmentSession.id == SessionOutcome.session_id)
            .join(Patient, Patient.id == TreatmentSession.patient_id)
            .where(SessionOutcome.session_id == session_id)
        )
        row, patient_id = tuple(await one_in_clinic(tx, query, Patient.clinic_id, actor))
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="outcome.read",
            at=now,
            patient_id=patient_id,
            detail={"session_id": str(session_id)},
        )
        return outcome_out(row, await _revisions(tx, session_id, "outcome"))


def _revision(
    session_id: uuid.UUID, kind: str, values: dict[str, Any], by: uuid.UUID, now: datetime
) -> ResultRevision:
    payload = {
        name: str(value) if isinstance(value, date) else value for name, value in values.items()
    }
    return ResultRevision(
        session_id=session_id, kind=kind, payload=payload, recorded_by=by, recorded_at=now
    )


async def put_rating(
    db: Database, me: SignedInPatient, session_id: uuid.UUID, data: RatingIn, now: datetime
) -> tuple[RatingOut, bool]:
    """The patient's rating of their own session after this body, and whether it was the first."""
    async with db.write() as tx:
        session = await tx.scalar(
            select(TreatmentSession).where(
                TreatmentSession.id == session_id, TreatmentSession.patient_id == me.patient_id
            )
        )
        if session is None:
            raise NotFoundError()
        today = local_today(now, me.timezone)
        if today < session.performed_on:
            raise FieldError("session_id", "cannot be rated before it has happened")
        values = {"pgic": data.pgic, "satisfaction": data.satisfaction}
        row = await tx.scalar(select(SessionRating).where(SessionRating.session_id == session.id))
        created = row is None
        if row is None:
            row = SessionRating(
                session_id=session.id, patient_id=me.patient_id, created_at=now, **values
            )
            tx.add(row)
        else:
            row.pgic, row.satisfaction = data.pgic, data.satisfaction
        row.rated_on = today
        row.updated_at = now
        tx.add(_revision(session.id, "rating", {**values, "rated_on": today}, me.user_id, now))
        await tx.flush()
        return rating_out(row, await _revisions(tx, session.id, "rating")), created


async def get_rating(conn: DbConnection, patient_id: uuid.UUID, session_id: uuid.UUID) -> RatingOut:
    query = select(*_RATING_COLUMNS).where(
        SessionRating.session_id == session_id, SessionRating.patient_id == patient_id
    )
    row = (await conn.execute(query)).first()
    if row is None:
        raise NotFoundError()
    return rating_out(row, await _revisions(conn, session_id, "rating"))


_OUTCOME_COLUMNS = (
    SessionOutcome.session_id,
    SessionOutcome.assessed_on,
    SessionOutcome.clearance,
    SessionOutcome.hyperpigmentation,
    SessionOutcome.matting,
    SessionOutcome.trapped_blood_drained,
    SessionOutcome.ulceration,
    SessionOutcome.notes,
    SessionOutcome.created_at,
    SessionOutcome.updated_at,
)
_RATING_COLUMNS = (
    SessionRating.session_id,
    SessionRating.pgic,
    SessionRating.satisfaction,
    SessionRating.rated_on,
    SessionRating.created_at,
    SessionRating.updated_at,
)


def _revision_count(kind: str) -> Any:
    """How many versions of a session's outcome or rating were saved, as a column."""
    return (
        select(func.count())
        .where(ResultRevision.session_id == TreatmentSession.id, ResultRevision.kind == kind)
        .correlate(TreatmentSession)
        .scalar_subquery()
        .label("revisions")
    )


_outcomes_of = (
    select(*_OUTCOME_COLUMNS, _revision_count("outcome"))
    .join(TreatmentSession, TreatmentSession.id == SessionOutcome.session_id)
    .where(TreatmentSession.patient_id == bindparam("patient_id"))
    .order_by(TreatmentSession.performed_on)
)
_ratings_of = (
    select(*_RATING_COLUMNS, _revision_count("rating"))
    .join(TreatmentSession, TreatmentSession.id == SessionRating.session_id)
    .where(SessionRating.patient_id == bindparam("patient_id"))
    .order_by(TreatmentSession.performed_on)
)


async def results_of(
    conn: DbConnection, patient_id: uuid.UUID
) -> tuple[list[OutcomeOut], list[RatingOut]]:
    """A patient's outcomes and ratings, in session order (for the timelines): two queries,
    each carrying its revision count."""
    params = {"patient_id": patient_id}
    outcomes: Sequence[Any] = (await conn.execute(_outcomes_of, params)).all()
    ratings: Sequence[Any] = (await conn.execute(_ratings_of, params)).all()
    return (
        [outcome_out(row, row.revisions) for row in outcomes],
        [rating_out(row, row.revisions) for row in ratings],
    )
