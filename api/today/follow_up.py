"""Follow-up on a warning sign the patient reported: what Today leads with.

A patient who reported a warning sign must not find only generic advice the next day. While
the alert raised by their own warning sign is open, Today leads with what to do now (the same
advice the report gave, with the clinic's phone); once a practitioner acknowledges it, Today
says the clinic has seen it, for `SEEN_FOR` after the acknowledgement, then stops.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from api.alerts.models import Alert
from api.checkins.advice import warning_advice
from api.core.db import DbConnection
from api.identity.models import Clinic, Patient
from api.today.schemas import WarningFollowUp

SEEN_FOR = timedelta(days=7)


async def warning_follow_up(
    conn: DbConnection, patient_id: uuid.UUID, now: datetime
) -> WarningFollowUp | None:
    """The patient's own warning-sign alert still worth showing, newest first; None if none."""
    row = (
        await conn.execute(
            select(
                Alert.status,
                Alert.warning_signs,
                Alert.last_reported_on,
                Alert.acknowledged_at,
                Clinic.phone,
            )
            .join(Patient, Patient.id == Alert.patient_id)
            .join(Clinic, Clinic.id == Patient.clinic_id)
            .where(
                Alert.patient_id == patient_id,
                Alert.rule == "warning_sign",
                or_(
                    Alert.status == "open",
                    and_(Alert.status == "acknowledged", Alert.acknowledged_at > now - SEEN_FOR),
                ),
            )
            # An open one first; otherwise the latest acknowledged.
            .order_by((Alert.status == "open").desc(), Alert.raised_at.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    signs = list(row.warning_signs or [])
    return WarningFollowUp(
        status=row.status,
        warning_signs=signs,
        last_reported_on=row.last_reported_on,
        acknowledged_at=row.acknowledged_at,
        advice=warning_advice(signs, row.phone) if row.status == "open" else None,
    )
