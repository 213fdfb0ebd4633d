"""Raising, listing and acknowledging alerts.

Raising is `INSERT … ON CONFLICT DO NOTHING` against the alert table's two unique indexes
(see `api.alerts.models`), so a rule that fires again while its alert is open, a replayed
check-in, or two processes evaluating the same day leave exactly one alert. Only an alert
that was really inserted tells the practitioners: an urgent one becomes an inbox
notification per practitioner of the clinic (keyed by alert, user and the signs reported)
with its email and push deliveries queued in the same transaction, so the dispatcher sends
it with the outbox's retries and idempotence.

One exception to "nothing new while one is open": a warning sign the patient ticks that the
open (or that day's acknowledged) warning-sign alert does not report yet. A patient whose
calf swelling is followed by chest pain must not be hidden behind the first alert, so the
alert takes the new signs, is reopened if it was acknowledged, and the practitioners are
told again.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from api.alerts.models import Alert
from api.alerts.rules import Finding, warning_sign_reason
from api.alerts.schemas import AcknowledgeIn, AlertOut, AlertPatient, AlertStatus
from api.audit.service import record
from api.auth.models import User
from api.auth.schemas import Principal
from api.core.db import Database, WriteSession
from api.core.errors import NotFoundError
from api.core.sql import insert_or_ignore
from api.core.validation import check_text
from api.notifications.models import Notification
from api.notifications.outbox import queue_deliveries
from api.patients.models import Patient

ALERTS_URL = "/#/alerts"
LIST_LIMIT = 500


async def raise_alerts(
    session: WriteSession,
    patient_id: uuid.UUID,
    local_date: date,
    checkin_id: uuid.UUID | None,
    findings: list[Finding],
    now: datetime,
    *,
    email_on: bool,
) -> list[uuid.UUID]:
    """Insert what is not already open (or already raised for that day); returns new ids."""
    if not findings:
        return []
    row = (
        await session.execute(
            select(Patient.clinic_id, User.name)
            .join(User, User.id == Patient.user_id)
            .where(Patient.id == patient_id)
        )
    ).one()
    clinic_id, name = row.clinic_id, row.name
    raised: list[uuid.UUID] = []
    urgent: list[tuple[uuid.UUID, Finding]] = []
    for finding in findings:
        alert_id = await session.scalar(
            insert_or_ignore(session, Alert)
            .values(
                id=uuid.uuid4(),
                clinic_id=clinic_id,
                patient_id=patient_id,
                rule=finding.rule,
                severity=finding.severity,
                status="open",
                local_date=local_date,
                checkin_id=checkin_id,
                reason=finding.reason,
                warning_signs=list(finding.signs),
                created_at=now,
            )
            .returning(Alert.id)
        )
        if alert_id is not None:
            raised.append(alert_id)
            if finding.severity == "urgent":
                urgent.append((alert_id, finding))
        elif finding.signs:
            widened = await _widen_warning_alert(
                session, patient_id, local_date, checkin_id, finding, now
            )
            if widened is not None:
                urgent.append(widened)
    if urgent:
        await _tell_practitioners(session, clinic_id, str(name), local_date, urgent, now, email_on)
    return raised


async def _widen_warning_alert(
    session: WriteSession,
    patient_id: uuid.UUID,
    local_date: date,
    checkin_id: uuid.UUID | None,
    finding: Finding,
    now: datetime,
) -> tuple[uuid.UUID, Finding] | None:
    """Add signs the existing warning-sign alert does not report; what to tell, if anything."""
    candidates = (
        await session.execute(
            select(Alert)
            .where(
                Alert.patient_id == patient_id,
                Alert.rule == finding.rule,
                (Alert.status == "open") | (Alert.local_date == local_date),
            )
            .order_by((Alert.status == "open").desc())
            .limit(1)
            .with_for_update()
        )
    ).scalars()
    alert = next(iter(candidates), None)
    if alert is None or set(finding.signs) <= set(alert.warning_signs):
        return None
    signs = tuple(sorted({*alert.warning_signs, *finding.signs}))
    alert.warning_signs = list(signs)
    alert.reason = warning_sign_reason(signs)
    alert.checkin_id = checkin_id
    # Raised again: it goes back to the top of the newest-first list.
    alert.created_at = now
    if alert.status != "open":
        alert.status = "open"
        alert.acknowledged_at = alert.acknowledged_by = alert.note = None
    return alert.id, Finding(finding.rule, finding.severity, alert.reason, signs)


async def _tell_practitioners(
    session: WriteSession,
    clinic_id: uuid.UUID,
    patient_name: str,
    local_date: date,
    urgent: list[tuple[uuid.UUID, Finding]],
    now: datetime,
    email_on: bool,
) -> None:
    practitioners = list(
        await session.scalars(
            select(User.id).where(User.clinic_id == clinic_id, User.role == "practitioner")
        )
    )
    rows: list[dict[str, Any]] = [
        {
            "id": uuid.uuid4(),
            "user_id": user_id,
            # Widening only ever adds signs, so their count tells the messages apart.
            "dedupe_key": f"alert:{alert_id}:{user_id}:{len(finding.signs)}",
            "kind": "alert",
            "local_date": local_date,
            "title": f"Urgent: {patient_name} reported a warning sign",
            "body": f"{finding.reason}\nCheck-in of {local_date.isoformat()}. "
            "Contact the patient and acknowledge the alert in Afterline.",
            "url": ALERTS_URL,
            "created_at": now,
        }
        for alert_id, finding in urgent
        for user_id in practitioners
    ]
    if rows:
        await session.execute(insert_or_ignore(session, Notification).values(rows))
        await queue_deliveries(session, now, email_on=email_on)


def _alert_out(alert: Alert, name: str, acknowledged_by: str | None) -> AlertOut:
    return AlertOut(
        id=alert.id,
        patient=AlertPatient(id=alert.patient_id, name=name),
        rule=alert.rule,
        severity=alert.severity,
        status=alert.status,
        local_date=alert.local_date,
        reason=alert.reason,
        checkin_id=alert.checkin_id,
        created_at=alert.created_at,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=acknowledged_by,
        note=alert.note,
    )


async def list_alerts(
    db: Database, actor: Principal, status: AlertStatus, now: datetime
) -> list[AlertOut]:
    """The clinic's alerts in one status, newest first; the read is audited clinic-wide."""
    patient_user, acknowledger = aliased(User), aliased(User)
    async with db.write() as session:
        rows = (
            await session.execute(
                select(Alert, patient_user.name, acknowledger.name)
                .join(Patient, Patient.id == Alert.patient_id)
                .join(patient_user, patient_user.id == Patient.user_id)
                .outerjoin(acknowledger, acknowledger.id == Alert.acknowledged_by)
                .where(Alert.clinic_id == actor.clinic_id, Alert.status == status)
                .order_by(Alert.created_at.desc(), Alert.id)
                .limit(LIST_LIMIT)
            )
        ).all()
        record(
            session,
            actor_id=actor.user_id,
            action="alert.list",
            at=now,
            detail={"status": status, "count": len(rows)},
        )
        return [_alert_out(*tuple(row)) for row in rows]


async def acknowledge_alert(
    db: Database, actor: Principal, alert_id: uuid.UUID, data: AcknowledgeIn, now: datetime
) -> AlertOut:
    """Idempotent: acknowledging twice keeps the first acknowledgement (and its note)."""
    note = (
        check_text(data.note, "note", max_length=1000, required=False)
        if data.note is not None
        else None
    )
    async with db.write() as session:
        row = (
            await session.execute(
                select(Alert, User.name)
                .join(Patient, Patient.id == Alert.patient_id)
                .join(User, User.id == Patient.user_id)
                .where(Alert.id == alert_id, Alert.clinic_id == actor.clinic_id)
            )
        ).first()
        if row is None:
            raise NotFoundError()
        alert, name = tuple(row)
        if alert.status == "open":
            alert.status = "acknowledged"
            alert.acknowledged_at = now
            alert.acknowledged_by = actor.user_id
            alert.note = note or None
            record(
                session,
                actor_id=actor.user_id,
                action="alert.acknowledge",
                at=now,
                patient_id=alert.patient_id,
                # The note is kept here too: reopening the alert (a new warning sign) clears it.
                detail={"alert_id": str(alert.id), "rule": alert.rule, "note": alert.note},
            )
        by = await session.scalar(select(User.name).where(User.id == alert.acknowledged_by))
        return _alert_out(alert, name, by)
