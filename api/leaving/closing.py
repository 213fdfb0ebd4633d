"""A patient closing their own account.

Closing is what the patient can do alone: it ends every session, removes their push
subscriptions, second factor and password (nobody can sign in as them any more), stops every
prompt and pending message (an inactive patient is never prompted), and is audited. It does
not erase the clinical record: the clinic must keep that for its retention period (years
after the last treatment session, `Clinic.retention_years`), after which
`afterline retention --apply` erases it. The clinic can invite them back.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import delete, select, update

from api.audit.service import record
from api.core.changes import patient_changed
from api.core.db import Database
from api.core.principal import Principal, SignedInPatient
from api.identity.login_sessions import end_sessions_except
from api.identity.models import Clinic, Patient, RecoveryCode, User
from api.identity.password_change import confirm_password
from api.notifications.models import Delivery, Notification, PushSubscription


class LeavingOut(msgspec.Struct):
    """What happens to the record when the patient leaves, in the clinic's terms."""

    clinic_name: str
    clinic_phone: str | None
    retention_years: int


async def leaving_terms(db: Database, me: SignedInPatient) -> LeavingOut:
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(Clinic.name, Clinic.phone, Clinic.retention_years)
                .join(Patient, Patient.clinic_id == Clinic.id)
                .where(Patient.id == me.patient_id)
            )
        ).one()
    return LeavingOut(
        clinic_name=row.name, clinic_phone=row.phone, retention_years=row.retention_years
    )


async def close_account(
    db: Database, actor: Principal, me: SignedInPatient, password: str, ip: str, now: datetime
) -> LeavingOut:
    """Close the signed-in patient's account (their password first)."""
    await confirm_password(db, actor, password, ip, now, "password")
    terms = await leaving_terms(db, me)
    async with db.write() as tx:
        await tx.execute(
            update(Patient)
            .where(Patient.id == me.patient_id)
            .values(active=False, push_enabled=False, email_enabled=False)
        )
        await tx.execute(
            update(User)
            .where(User.id == me.user_id)
            .values(password_hash=None, totp_secret=None, totp_enabled_at=None)
        )
        await tx.execute(delete(RecoveryCode).where(RecoveryCode.user_id == me.user_id))
        await tx.execute(delete(PushSubscription).where(PushSubscription.user_id == me.user_id))
        await tx.execute(
            update(Delivery)
            .where(
                Delivery.status.in_(("pending", "failed")),
                Delivery.notification_id.in_(
                    select(Notification.id).where(Notification.user_id == me.user_id)
                ),
            )
            .values(status="gave_up", last_error="account closed")
        )
        ended = await end_sessions_except(tx, me.user_id, keep=None)
        patient_changed(tx, me.patient_id, now)
        record(
            tx,
            actor_id=me.user_id,
            clinic_id=actor.clinic_id,
            action="account.close",
            at=now,
            patient_id=me.patient_id,
            detail={"sessions_ended": ended},
        )
    return terms
