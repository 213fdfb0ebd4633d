"""Raising alerts, and reporting them again when there is news.

Every finding of the rules (`api.alerts.rules`) for a patient's local date goes through
`raise_alerts`, inside the write transaction of whatever produced it (a check-in, a warning
sign sent on its own, a moved session). One patient's writes are serialised (SQLite's
`BEGIN IMMEDIATE`; a row lock on the patient on PostgreSQL), so the reads below see every
earlier report.

1. **Is it news for that date?** The reports already made for the patient, rule and date
   (`alert_report`, whichever alert they went to) hold the signs, severe symptoms and pain
   the clinic has been told about. A finding that adds nothing to them is a replay or an
   edit of an already reported day: nothing happens. (A warning sign sent on its own, as
   an explicit act of the patient, is always news.)
2. **Where does the news go?** To the rule's open alert if there is one; otherwise a new
   alert dated that day (`INSERT … ON CONFLICT DO NOTHING`); if that day already has an
   acknowledged alert of the rule, that one is reopened.
3. **Does the clinic hear of it?** A new urgent alert tells the practitioners at once. An
   open alert that gets news takes the new reason and date (`raised_at`; it keeps its place
   in the list, see `api.alerts.service`) and tells the practitioners again: a warning sign
   reported again (on another day, or a sign not yet reported), or a worse reading for a
   score rule (a higher pain, a new severe symptom). An equal or better reading for a score
   rule tells nobody. A first `watch` alert is silent (the alert and patient lists show
   it), but one that gets worse while nobody has acknowledged it is told like an urgent
   one: it is worse and nobody has acted on it.

Telling is an inbox notification per practitioner, keyed by the report, with email and push
deliveries queued in the same transaction through the outbox (`queue_deliveries`), so the
dispatcher sends it with the outbox's retries, and a rolled-back check-in tells nobody.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from api.alerts.models import Alert, AlertReport
from api.alerts.rules import Finding, warning_sign_reason
from api.core.db import Transaction
from api.core.sql import insert_or_ignore
from api.identity.models import Patient, User
from api.notifications.models import Notification
from api.notifications.outbox import queue_deliveries

ALERTS_URL = "/#/alerts"


@dataclass(frozen=True)
class Reported:
    """What the clinic already holds for one patient, rule and date (or one alert)."""

    items: frozenset[str]
    pain: int | None

    def adds(self, finding: Finding) -> bool:
        """Whether `finding` tells more than this: a new sign or severe symptom, more pain."""
        new_items = set(finding.signs or finding.symptoms) - self.items
        more_pain = finding.pain is not None and (self.pain is None or finding.pain > self.pain)
        return bool(new_items) or more_pain


@dataclass(frozen=True)
class Told:
    """An alert raised or reported again by one finding."""

    alert_id: uuid.UUID
    report_id: uuid.UUID
    reason: str
    severity: str
    again: bool
    # Whether the practitioners are told now (see the module docstring, 3).
    notify: bool


async def raise_alerts(
    tx: Transaction,
    patient_id: uuid.UUID,
    local_date: date,
    checkin_id: uuid.UUID | None,
    findings: list[Finding],
    now: datetime,
    *,
    email_on: bool,
    always_news: bool = False,
) -> list[Told]:
    """Raise or report each finding for `local_date`; what was raised or reported again.

    `always_news`: the findings come from an explicit report by the patient (a warning
    sign sent on its own), which tells the clinic even when that date already reported it.
    """
    if not findings:
        return []
    row = (
        await tx.execute(
            select(Patient.clinic_id, User.name)
            .join(User, User.id == Patient.user_id)
            .where(Patient.id == patient_id)
        )
    ).one()
    told: list[Told] = []
    for finding in findings:
        if not always_news and not await _is_news(tx, patient_id, local_date, finding):
            continue
        raised = await _raise_one(
            tx, row.clinic_id, patient_id, local_date, checkin_id, finding, now
        )
        if raised is not None:
            told.append(raised)
    to_tell = [item for item in told if item.notify]
    if to_tell:
        await _tell_practitioners(tx, row.clinic_id, str(row.name), local_date, to_tell, now)
        await queue_deliveries(tx, now, email_on=email_on)
    return told


async def _is_news(
    tx: Transaction, patient_id: uuid.UUID, local_date: date, finding: Finding
) -> bool:
    reports = (
        await tx.execute(
            select(AlertReport.items, AlertReport.pain).where(
                AlertReport.patient_id == patient_id,
                AlertReport.rule == finding.rule,
                AlertReport.local_date == local_date,
            )
        )
    ).all()
    if not reports:
        return True
    pains = [report.pain for report in reports if report.pain is not None]
    held = Reported(
        items=frozenset(item for report in reports for item in report.items or []),
        pain=max(pains) if pains else None,
    )
    return held.adds(finding)


async def _raise_one(
    tx: Transaction,
    clinic_id: uuid.UUID,
    patient_id: uuid.UUID,
    local_date: date,
    checkin_id: uuid.UUID | None,
    finding: Finding,
    now: datetime,
) -> Told | None:
    same_rule = (Alert.patient_id == patient_id, Alert.rule == finding.rule)
    target = await tx.scalar(
        select(Alert).where(*same_rule, Alert.status == "open").with_for_update()
    )
    if target is None:
        new_id = await tx.scalar(
            insert_or_ignore(tx, Alert)
            .values(
                id=uuid.uuid4(),
                clinic_id=clinic_id,
                patient_id=patient_id,
                rule=finding.rule,
                severity=finding.severity,
                status="open",
                local_date=local_date,
                last_reported_on=local_date,
                checkin_id=checkin_id,
                reason=finding.reason,
                warning_signs=list(finding.signs),
                peak_pain=finding.pain,
                severe_symptoms=list(finding.symptoms),
                created_at=now,
                raised_at=now,
            )
            .returning(Alert.id)
        )
        if new_id is not None:
            report_id = await _report(tx, new_id, patient_id, local_date, checkin_id, finding, now)
            return Told(
                new_id,
                report_id,
                finding.reason,
                finding.severity,
                again=False,
                notify=finding.severity == "urgent",
            )
        # That day already has an acknowledged alert of this rule: the news reopens it.
        target = await tx.scalar(
            select(Alert).where(*same_rule, Alert.local_date == local_date).with_for_update()
        )
        assert target is not None  # the insert conflicted with it, in this transaction
    held = Reported(frozenset(target.warning_signs or target.severe_symptoms), target.peak_pain)
    # A warning sign is news whenever its date was (step 1); a score is news for an alert
    # that already holds a worse reading only if it is worse than that too.
    worse = finding.rule == "warning_sign" or held.adds(finding)
    if not worse:
        return None
    _take_news(target, local_date, checkin_id, finding, now)
    report_id = await _report(tx, target.id, patient_id, local_date, checkin_id, finding, now)
    # The message says what this report brought (with the patient's note, if any); the
    # alert's own reason sums up every report.
    return Told(target.id, report_id, finding.reason, target.severity, again=True, notify=True)


def _take_news(
    alert: Alert, local_date: date, checkin_id: uuid.UUID | None, finding: Finding, now: datetime
) -> None:
    if finding.signs:
        signs = sorted({*alert.warning_signs, *finding.signs})
        alert.warning_signs = signs
        alert.reason = warning_sign_reason(signs)
    else:
        alert.reason = finding.reason
    if finding.symptoms:
        alert.severe_symptoms = sorted({*alert.severe_symptoms, *finding.symptoms})
    if finding.pain is not None:
        alert.peak_pain = max(finding.pain, alert.peak_pain or 0)
    alert.last_reported_on = max(alert.last_reported_on, local_date)
    alert.checkin_id = checkin_id or alert.checkin_id
    # Reported again: open, with the time of this report (its place in the list stays).
    alert.raised_at = now
    if alert.status != "open":
        alert.status = "open"
        alert.acknowledged_at = alert.acknowledged_by = alert.note = None


async def _report(
    tx: Transaction,
    alert_id: uuid.UUID,
    patient_id: uuid.UUID,
    local_date: date,
    checkin_id: uuid.UUID | None,
    finding: Finding,
    now: datetime,
) -> uuid.UUID:
    # A rising run is reported on each of its dates: an edit of any of them is not news.
    reports = {
        day: AlertReport(
            alert_id=alert_id,
            patient_id=patient_id,
            rule=finding.rule,
            local_date=day,
            checkin_id=checkin_id if day == local_date else None,
            reason=finding.reason,
            items=list(finding.signs or finding.symptoms),
            pain=finding.pain,
            reported_at=now,
        )
        for day in sorted({local_date, *finding.dates})
    }
    for report in reports.values():
        tx.add(report)
    await tx.flush()
    return reports[local_date].id


def _message(patient_name: str, told: Told) -> tuple[str, str]:
    if told.severity == "urgent":
        title = f"Urgent: {patient_name} reported a warning sign" + (" again" if told.again else "")
        action = "Contact the patient and acknowledge the alert in Afterline."
    else:
        title = f"Getting worse: {patient_name}"
        action = "The alert is still open; review it in Afterline."
    return title, action


async def _tell_practitioners(
    tx: Transaction,
    clinic_id: uuid.UUID,
    patient_name: str,
    local_date: date,
    told: list[Told],
    now: datetime,
) -> None:
    practitioners = list(
        await tx.scalars(
            select(User.id).where(User.clinic_id == clinic_id, User.role == "practitioner")
        )
    )
    rows: list[dict[str, Any]] = []
    for item in told:
        title, action = _message(patient_name, item)
        rows += [
            {
                "id": uuid.uuid4(),
                "user_id": user_id,
                "dedupe_key": f"alert-report:{item.report_id}:{user_id}",
                "kind": "alert",
                "local_date": local_date,
                "title": title,
                "body": f"{item.reason}\nReported for {local_date.isoformat()}. {action}",
                "url": ALERTS_URL,
                "created_at": now,
            }
            for user_id in practitioners
        ]
    if rows:
        await tx.execute(insert_or_ignore(tx, Notification).values(rows))
