"""Registering patients, reading and changing them, all scoped to the practitioner's clinic."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

import msgspec
from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from api.audit.service import record, record_read
from api.core.changes import patient_changed
from api.core.db import Database, DbConnection, Transaction
from api.core.errors import ConflictError
from api.core.principal import Principal
from api.core.scoping import one_in_clinic
from api.core.security import new_token, token_digest
from api.core.validation import (
    check_email,
    check_text,
    check_timezone,
    format_hhmm,
    parse_hhmm,
)
from api.identity.models import Clinic, Invitation, Patient, User
from api.identity.schemas import InviteOut, PatientCreate, PatientCreated, PatientOut, PatientUpdate

T = TypeVar("T")

INVITE_LIFETIME = timedelta(days=14)
EMAIL_TAKEN = "email: an account with this email already exists"


async def load_patient_in_clinic(
    tx: Transaction, actor: Principal, patient_id: uuid.UUID
) -> tuple[Patient, User]:
    """The patient if they belong to the actor's clinic; otherwise the same 404 as a missing id."""
    query = select(Patient, User).join(User, User.id == Patient.user_id)
    row = await one_in_clinic(tx, query.where(Patient.id == patient_id), Patient.clinic_id, actor)
    patient, user = tuple(row)
    return patient, user


_lock_patient = select(Patient.id).where(Patient.id == bindparam("patient_id")).with_for_update()


async def lock_patient_writes(tx: Transaction, patient_id: uuid.UUID) -> None:
    """Write one patient's clinical data one transaction at a time.

    SQLite's `BEGIN IMMEDIATE` already does this for every write. On PostgreSQL a row lock
    on the patient does it: the alert rules read the neighbouring days and the reports
    already made, and two writes at once (two days saved together, a check-in and a moved
    session) must see each other, or a rising run or a repeat goes unnoticed.
    """
    if tx.get_bind().dialect.name == "postgresql":
        await tx.execute(_lock_patient, {"patient_id": patient_id})


_clinic_phone = (
    select(Clinic.phone)
    .join(Patient, Patient.clinic_id == Clinic.id)
    .where(Patient.id == bindparam("patient_id"))
)


async def clinic_phone_of(tx: Transaction, patient_id: uuid.UUID) -> str | None:
    """The phone of the patient's clinic, for the advice a warning sign gets."""
    phone: str | None = await tx.scalar(_clinic_phone, {"patient_id": patient_id})
    return phone


def patient_out(patient: Patient, user: User) -> PatientOut:
    return PatientOut(
        id=patient.id,
        name=user.name,
        email=user.email,
        timezone=patient.timezone,
        checkin_time=format_hhmm(patient.checkin_time),
        active=patient.active,
        created_at=patient.created_at,
        has_password=user.password_hash is not None,
    )


def invite_url(base_url: str, token: str) -> str:
    return f"{base_url}/#/invite/{token}"


async def create_patient(
    db: Database, actor: Principal, data: PatientCreate, now: datetime, base_url: str
) -> PatientCreated:
    name = check_text(data.name, "name", max_length=200)
    email = check_email(data.email)
    timezone = check_timezone(data.timezone)
    checkin_time = parse_hhmm(data.checkin_time)
    try:
        async with db.write() as tx:
            if await tx.scalar(select(User.id).where(User.email == email)) is not None:
                raise ConflictError(EMAIL_TAKEN, field="email")
            user = User(
                email=email, name=name, role="patient", clinic_id=actor.clinic_id, created_at=now
            )
            tx.add(user)
            await tx.flush()
            patient = Patient(
                user_id=user.id,
                clinic_id=actor.clinic_id,
                timezone=timezone,
                checkin_time=checkin_time,
                active=True,
                created_at=now,
            )
            tx.add(patient)
            await tx.flush()
            token, invitation = _new_invitation(tx, patient.id, actor, now)
            patient_changed(tx, patient.id, now)  # their row on the list
            record(
                tx,
                actor_id=actor.user_id,
                clinic_id=actor.clinic_id,
                action="patient.create",
                at=now,
                patient_id=patient.id,
            )
    except IntegrityError as exc:  # a concurrent registration won the race for the email
        raise ConflictError(EMAIL_TAKEN, field="email") from exc
    return PatientCreated(
        **msgspec.structs.asdict(patient_out(patient, user)),
        invite_token=token,
        invite_url=invite_url(base_url, token),
        invite_expires_at=invitation.expires_at,
    )


def _new_invitation(
    tx: Transaction, patient_id: uuid.UUID, actor: Principal, now: datetime
) -> tuple[str, Invitation]:
    token = new_token()
    invitation = Invitation(
        patient_id=patient_id,
        token_hash=token_digest(token),
        created_by=actor.user_id,
        created_at=now,
        expires_at=now + INVITE_LIFETIME,
    )
    tx.add(invitation)
    return token, invitation


async def _revoke_unused_invitations(tx: Transaction, patient_id: uuid.UUID) -> None:
    await tx.execute(
        delete(Invitation).where(Invitation.patient_id == patient_id, Invitation.used_at.is_(None))
    )


async def reissue_invite(
    db: Database, actor: Principal, patient_id: uuid.UUID, now: datetime, base_url: str
) -> InviteOut:
    """A new set-password link; earlier unused ones stop working.

    It also serves as the clinic-assisted password reset: accepting it replaces the password
    and signs the patient out everywhere else.
    """
    async with db.write() as tx:
        patient, _ = await load_patient_in_clinic(tx, actor, patient_id)
        await _revoke_unused_invitations(tx, patient.id)
        token, invitation = _new_invitation(tx, patient.id, actor, now)
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="invite.issue",
            at=now,
            patient_id=patient.id,
        )
    return InviteOut(
        invite_token=token,
        invite_url=invite_url(base_url, token),
        invite_expires_at=invitation.expires_at,
    )


async def get_patient(
    db: Database, actor: Principal, patient_id: uuid.UUID, now: datetime
) -> PatientOut:
    async with db.write() as tx:
        patient, user = await load_patient_in_clinic(tx, actor, patient_id)
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="patient.read",
            at=now,
            patient_id=patient.id,
        )
        return patient_out(patient, user)


async def update_patient(
    db: Database, actor: Principal, patient_id: uuid.UUID, data: PatientUpdate, now: datetime
) -> PatientOut:
    changes: dict[str, object] = {}
    try:
        async with db.write() as tx:
            patient, user = await load_patient_in_clinic(tx, actor, patient_id)
            if data.name is not msgspec.UNSET:
                user.name = changes["name"] = check_text(data.name, "name", max_length=200)
            if data.email is not msgspec.UNSET:
                email = check_email(data.email)
                if email != user.email:
                    taken = await tx.scalar(select(User.id).where(User.email == email))
                    if taken is not None:
                        raise ConflictError(EMAIL_TAKEN, field="email")
                    user.email = changes["email"] = email
                    # A link sent to the old address must not open the corrected account.
                    await _revoke_unused_invitations(tx, patient.id)
            if data.timezone is not msgspec.UNSET:
                patient.timezone = changes["timezone"] = check_timezone(data.timezone)
            if data.checkin_time is not msgspec.UNSET:
                patient.checkin_time = parse_hhmm(data.checkin_time)
                changes["checkin_time"] = data.checkin_time
            if data.active is not msgspec.UNSET:
                patient.active = changes["active"] = data.active
            patient_changed(tx, patient.id, now)
            record(
                tx,
                actor_id=actor.user_id,
                clinic_id=actor.clinic_id,
                action="patient.update",
                at=now,
                patient_id=patient.id,
                detail={"fields": sorted(changes)},
            )
    except IntegrityError as exc:
        raise ConflictError(EMAIL_TAKEN, field="email") from exc
    return patient_out(patient, user)


async def read_as_practitioner(
    db: Database,
    actor: Principal,
    patient_id: uuid.UUID,
    action: str,
    now: datetime,
    reader: Callable[[DbConnection, uuid.UUID], Awaitable[T]],
) -> T:
    """Run `reader` on one of the clinic's patients (else 404); the read is audited before
    the answer is returned."""
    async with db.read() as conn:
        await _in_clinic(conn, actor, patient_id)
        answer = await reader(conn, patient_id)
    await record_read(
        db,
        actor_id=actor.user_id,
        clinic_id=actor.clinic_id,
        action=action,
        at=now,
        patient_id=patient_id,
    )
    return answer


async def check_in_clinic(db: Database, actor: Principal, patient_id: uuid.UUID) -> uuid.UUID:
    """The id, once it is one of the actor's clinic's patients (else 404): checked before
    work too costly to do for someone else's patient, such as re-encoding an upload."""
    async with db.read() as conn:
        await _in_clinic(conn, actor, patient_id)
    return patient_id


async def _in_clinic(conn: DbConnection, actor: Principal, patient_id: uuid.UUID) -> None:
    query = select(Patient.id).where(Patient.id == patient_id)
    await one_in_clinic(conn, query, Patient.clinic_id, actor)
