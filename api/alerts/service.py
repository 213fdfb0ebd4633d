"""Listing and acknowledging alerts (raising them is `api.alerts.raising`).

The list puts urgent alerts first, then newest first by `raised_at` (the last time the alert
was raised or reported again), and carries every report (the dates a warning sign was
reported, each worse reading), so the practitioner sees the whole story of an alert.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from api.alerts.models import Alert, AlertReport
from api.alerts.schemas import (
    AcknowledgeIn,
    AlertOut,
    AlertPatient,
    AlertReportOut,
    AlertStatus,
)
from api.audit.service import record
from api.auth.models import User
from api.auth.schemas import Principal
from api.core.db import Database, WriteSession
from api.core.errors import NotFoundError
from api.core.validation import check_text
from api.patients.models import Patient

LIST_LIMIT = 500


async def _reports(
    session: WriteSession, alert_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[AlertReportOut]]:
    """Every report of these alerts, oldest first, in one query."""
    found: dict[uuid.UUID, list[AlertReportOut]] = {alert_id: [] for alert_id in alert_ids}
    if not alert_ids:
        return found
    rows = await session.scalars(
        select(AlertReport)
        .where(AlertReport.alert_id.in_(alert_ids))
        .order_by(AlertReport.reported_at, AlertReport.local_date)
    )
    # A rising run is stored once per date of the run (so an edit of any of them is not
    # news); the practitioner reads it once, on its latest date.
    events: dict[tuple[uuid.UUID, datetime, str, object], AlertReportOut] = {}
    for report in rows:
        run = report.rule == "pain_rising"
        key = (report.alert_id, report.reported_at, report.reason, None if run else report.id)
        if key not in events or report.local_date > events[key].local_date:
            events[key] = AlertReportOut(
                local_date=report.local_date, reason=report.reason, reported_at=report.reported_at
            )
    for (alert_id, *_), event in events.items():
        found[alert_id].append(event)
    return found


def _alert_out(
    alert: Alert, name: str, acknowledged_by: str | None, reports: list[AlertReportOut]
) -> AlertOut:
    return AlertOut(
        id=alert.id,
        patient=AlertPatient(id=alert.patient_id, name=name),
        rule=alert.rule,
        severity=alert.severity,
        status=alert.status,
        local_date=alert.local_date,
        last_reported_on=alert.last_reported_on,
        reason=alert.reason,
        checkin_id=alert.checkin_id,
        created_at=alert.created_at,
        raised_at=alert.raised_at,
        reports=reports,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=acknowledged_by,
        note=alert.note,
    )


async def list_alerts(
    db: Database, actor: Principal, status: AlertStatus, now: datetime
) -> list[AlertOut]:
    """The clinic's alerts in one status, urgent first, then newest first; audited."""
    patient_user, acknowledger = aliased(User), aliased(User)
    async with db.write() as session:
        rows = (
            await session.execute(
                select(Alert, patient_user.name, acknowledger.name)
                .join(Patient, Patient.id == Alert.patient_id)
                .join(patient_user, patient_user.id == Patient.user_id)
                .outerjoin(acknowledger, acknowledger.id == Alert.acknowledged_by)
                .where(Alert.clinic_id == actor.clinic_id, Alert.status == status)
                # Urgent first, then newest raised (or reported again) first.
                .order_by((Alert.severity == "urgent").desc(), Alert.raised_at.desc(), Alert.id)
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
        reports = await _reports(session, [row[0].id for row in rows])
        return [
            _alert_out(alert, name, by, reports[alert.id]) for alert, name, by in map(tuple, rows)
        ]


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
                # A report arriving at the same moment waits: it reopens the alert after
                # this acknowledgement rather than being acknowledged unseen.
                .with_for_update(of=Alert)
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
        return _alert_out(alert, name, by, (await _reports(session, [alert.id]))[alert.id])
