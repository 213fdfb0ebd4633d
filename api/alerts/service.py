"""Listing alerts, acknowledging them, and undoing an acknowledgement made by mistake.

(Raising them is `api.alerts.raising`.) The open list puts urgent alerts first, then watch;
within a severity the alert that has waited longest comes first: ordered by when it was first
raised (`created_at`), oldest first. An alert reported again keeps its place: the repeat has
already told the clinic (inbox, email, push), and moving it would push down the ones that
have waited longer. The acknowledged list is a history: the latest acknowledgement first (so
the list's limit cuts the oldest). Each alert carries every report (the dates a warning sign
was reported, each worse reading), so the practitioner sees its whole story.

An acknowledgement can be undone for `UNDO_SECONDS` by the practitioner who made it (the
screen offers Undo for a few seconds; the margin covers a slow connection): the alert is open
again, as if never acknowledged, and the undo is audited like the acknowledgement.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

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
from api.core.changes import patient_changed
from api.core.db import Database, Transaction
from api.core.errors import ConflictError
from api.core.principal import Principal
from api.core.scoping import one_in_clinic
from api.core.validation import check_text
from api.identity.models import Patient, User

LIST_LIMIT = 500
UNDO_SECONDS = 30


async def _reports(
    tx: Transaction, alert_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[AlertReportOut]]:
    """Every report of these alerts, oldest first, in one query."""
    found: dict[uuid.UUID, list[AlertReportOut]] = {alert_id: [] for alert_id in alert_ids}
    if not alert_ids:
        return found
    rows = await tx.scalars(
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
        items=list(alert.warning_signs or alert.severe_symptoms or []),
        pain=alert.peak_pain,
        checkin_id=alert.checkin_id,
        created_at=alert.created_at,
        raised_at=alert.raised_at,
        reports=reports,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=acknowledged_by,
        note=alert.note,
    )


_ORDER = {
    # Urgent first, then the one waiting longest (first raised); the id breaks ties.
    "open": ((Alert.severity == "urgent").desc(), Alert.created_at, Alert.id),
    "acknowledged": (Alert.acknowledged_at.desc(), Alert.id),
}


async def list_alerts(
    db: Database, actor: Principal, status: AlertStatus, now: datetime
) -> list[AlertOut]:
    """The clinic's alerts in one status, in the order the module docstring gives; audited."""
    patient_user, acknowledger = aliased(User), aliased(User)
    async with db.write() as tx:
        rows = (
            await tx.execute(
                select(Alert, patient_user.name, acknowledger.name)
                .join(Patient, Patient.id == Alert.patient_id)
                .join(patient_user, patient_user.id == Patient.user_id)
                .outerjoin(acknowledger, acknowledger.id == Alert.acknowledged_by)
                .where(Alert.clinic_id == actor.clinic_id, Alert.status == status)
                .order_by(*_ORDER[status])
                .limit(LIST_LIMIT)
            )
        ).all()
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="alert.list",
            at=now,
            detail={"status": status, "count": len(rows)},
        )
        reports = await _reports(tx, [row[0].id for row in rows])
        return [
            _alert_out(alert, name, by, reports[alert.id]) for alert, name, by in map(tuple, rows)
        ]


async def _locked(tx: Transaction, actor: Principal, alert_id: uuid.UUID) -> tuple[Alert, str]:
    """The clinic's alert (and its patient's name), locked for this change; else 404.

    A report arriving at the same moment waits: it reopens the alert after this change
    rather than being acknowledged unseen.
    """
    query = (
        select(Alert, User.name)
        .join(Patient, Patient.id == Alert.patient_id)
        .join(User, User.id == Patient.user_id)
        .where(Alert.id == alert_id)
        .with_for_update(of=Alert)
    )
    alert, name = tuple(await one_in_clinic(tx, query, Alert.clinic_id, actor))
    return alert, name


async def _answer(tx: Transaction, alert: Alert, name: str) -> AlertOut:
    by = await tx.scalar(select(User.name).where(User.id == alert.acknowledged_by))
    return _alert_out(alert, name, by, (await _reports(tx, [alert.id]))[alert.id])


async def acknowledge_alert(
    db: Database, actor: Principal, alert_id: uuid.UUID, data: AcknowledgeIn, now: datetime
) -> AlertOut:
    """Idempotent: acknowledging twice keeps the first acknowledgement (and its note)."""
    note = (
        check_text(data.note, "note", max_length=1000, required=False)
        if data.note is not None
        else None
    )
    async with db.write() as tx:
        alert, name = await _locked(tx, actor, alert_id)
        if alert.status == "open":
            alert.status = "acknowledged"
            alert.acknowledged_at = now
            alert.acknowledged_by = actor.user_id
            alert.note = note or None
            patient_changed(tx, alert.patient_id, now)
            record(
                tx,
                actor_id=actor.user_id,
                clinic_id=actor.clinic_id,
                action="alert.acknowledge",
                at=now,
                patient_id=alert.patient_id,
                # The note is kept here too: reopening the alert (a new warning sign) clears it.
                detail={"alert_id": str(alert.id), "rule": alert.rule, "note": alert.note},
            )
        return await _answer(tx, alert, name)


async def undo_acknowledgement(
    db: Database, actor: Principal, alert_id: uuid.UUID, now: datetime
) -> AlertOut:
    """Reopen an alert its acknowledger acknowledged less than `UNDO_SECONDS` ago.

    Idempotent: an alert that is open already (undone twice, or reopened by a new report)
    is answered as it is, and only the read is audited (`reopened: false`). Refused (409,
    naming why) after the window, for another practitioner's acknowledgement, and while
    another alert of the same rule has been raised for the patient since (only one can be
    open at a time).
    """
    async with db.write() as tx:
        alert, name = await _locked(tx, actor, alert_id)
        detail: dict[str, Any] = {"alert_id": str(alert.id), "rule": alert.rule, "reopened": False}
        if alert.status != "open":
            _check_undo(alert, actor, now)
            newer = await tx.scalar(
                select(Alert.id).where(
                    Alert.patient_id == alert.patient_id,
                    Alert.rule == alert.rule,
                    Alert.status == "open",
                )
            )
            if newer is not None:
                raise ConflictError(
                    "status: a newer alert of the same kind is open for this patient; "
                    "this one stays acknowledged",
                    field="status",
                )
            # What the undo takes away, so the log still holds the acknowledgement.
            detail.update(
                reopened=True,
                acknowledged_at=alert.acknowledged_at.isoformat()
                if alert.acknowledged_at
                else None,
                note=alert.note,
            )
            alert.status = "open"
            alert.acknowledged_at = None
            alert.acknowledged_by = None
            alert.note = None
            patient_changed(tx, alert.patient_id, now)
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="alert.unacknowledge",
            at=now,
            patient_id=alert.patient_id,
            detail=detail,
        )
        return await _answer(tx, alert, name)


def _check_undo(alert: Alert, actor: Principal, now: datetime) -> None:
    """409 unless `actor` acknowledged `alert` within the last `UNDO_SECONDS`."""
    if alert.acknowledged_by != actor.user_id:
        raise ConflictError(
            "acknowledged_by: only the practitioner who acknowledged an alert can undo it",
            field="acknowledged_by",
        )
    acknowledged_at = alert.acknowledged_at
    if acknowledged_at is None or now - acknowledged_at > timedelta(seconds=UNDO_SECONDS):
        raise ConflictError(
            f"acknowledged_at: an acknowledgement can be undone only within {UNDO_SECONDS} seconds",
            field="acknowledged_at",
        )
