"""The practitioner's patient list, and one patient's row of it, with a recovery summary.

A fixed number of queries whatever the clinic's size: the clinic's distinct timezones (to
know each patient's local "today"); one statement joining every patient to their latest
check-in, open alerts and screening through index lookups; the clinic's sessions; the
check-ins of the last two weeks in one pass (their dates for adherence, their pains for the
trend); the clinic's open alerts (to name the first per patient); and the "slower than
usual" comparison with the clinic's expected course (`api.checkins.band`).

- `adherence_7d`: see `api.triage.adherence`.
- `pain_14d`: the pain of each of the patient's last 14 local days, oldest first, the last
  entry being today in the patient's own timezone; null for a day without a check-in.
- `alert`: the open alert the list names for the patient, chosen as the alert list orders
  them (urgent first, then the one that has waited longest).

The list is ordered by who needs attention first: an open urgent alert, then any open alert
(most first), then by name.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from api.alerts.models import Alert
from api.audit.service import record
from api.checkins.band import slower_than_usual
from api.checkins.models import Checkin
from api.core.clock import local_today
from api.core.db import Database, DbConnection
from api.core.errors import NotFoundError
from api.core.principal import Principal
from api.core.validation import format_hhmm
from api.identity.models import Patient, User
from api.screening.flags import screening_flags
from api.screening.models import Screening
from api.treatments.models import TreatmentSession
from api.treatments.plan import session_in_force
from api.triage.adherence import TOLERANCE_DAYS, WINDOW_DAYS, PlanSession, adherence
from api.triage.schemas import AlertBrief, LatestScores, PatientSummary

TREND_DAYS = 14
# How far back check-ins are read: the trend, or the adherence window with the tolerance
# before its oldest day (and the slack it always had, for a patient whose timezone is not
# among the zones read first), whichever reaches further.
LOOKBACK_DAYS = max(TREND_DAYS, WINDOW_DAYS + 1 + TOLERANCE_DAYS)


async def list_patients(db: Database, actor: Principal, now: datetime) -> list[PatientSummary]:
    """The clinic's patients, those who need attention first; audited as one list read."""
    async with db.read() as conn:
        summaries = await _summaries(conn, actor, now)
    async with db.write() as tx:
        record(
            tx,
            actor_id=actor.user_id,
            action="patient.list",
            at=now,
            detail={"count": len(summaries)},
        )
    summaries.sort(key=_attention_order)
    return summaries


async def patient_summary(
    db: Database, actor: Principal, patient_id: uuid.UUID, now: datetime
) -> PatientSummary:
    """One patient's row of the list (the patient page's header); 404 outside the clinic."""
    async with db.read() as conn:
        found = await _summaries(conn, actor, now, patient_id)
    if not found:
        raise NotFoundError()
    async with db.write() as tx:
        record(tx, actor_id=actor.user_id, action="patient.summary", at=now, patient_id=patient_id)
    return found[0]


async def _summaries(
    conn: DbConnection, actor: Principal, now: datetime, patient_id: uuid.UUID | None = None
) -> list[PatientSummary]:
    """The summaries of the clinic's patients (or of one of them), in no particular order."""
    zones_query = select(Patient.timezone).where(Patient.clinic_id == actor.clinic_id)
    if patient_id is not None:
        zones_query = zones_query.where(Patient.id == patient_id)
    zones = (await conn.execute(zones_query.distinct())).scalars().all()
    todays = {zone: local_today(now, zone) for zone in zones}
    if not todays:
        return []
    rows = (await conn.execute(_summary_query(actor, patient_id))).all()
    since = min(todays.values()) - timedelta(days=LOOKBACK_DAYS)
    sessions, pains = await _plans(conn, actor.clinic_id, since, patient_id)
    alerts = await _open_alerts(conn, actor.clinic_id, patient_id)
    among = None if patient_id is None else [patient_id]
    slower = await slower_than_usual(conn, actor.clinic_id, now, among) if rows else set()
    return [
        _summary(
            row,
            todays.get(row.timezone) or local_today(now, row.timezone),
            sessions.get(row.id, []),
            pains.get(row.id, {}),
            alerts.get(row.id),
            row.id in slower,
        )
        for row in rows
    ]


async def _plans(
    conn: DbConnection, clinic_id: uuid.UUID, since: date, patient_id: uuid.UUID | None
) -> tuple[dict[uuid.UUID, list[PlanSession]], dict[uuid.UUID, dict[date, int]]]:
    """Every session of the clinic's patients, and each check-in's pain since `since`."""
    sessions: dict[uuid.UUID, list[PlanSession]] = defaultdict(list)
    query = (
        select(
            TreatmentSession.patient_id,
            TreatmentSession.performed_on,
            TreatmentSession.daily_days,
            TreatmentSession.review_on,
        )
        .join(Patient, Patient.id == TreatmentSession.patient_id)
        .where(Patient.clinic_id == clinic_id)
        .order_by(TreatmentSession.performed_on, TreatmentSession.created_at, TreatmentSession.id)
    )
    if patient_id is not None:
        query = query.where(Patient.id == patient_id)
    for owner, performed_on, daily_days, review_on in await conn.execute(query):  # type: ignore[misc]
        sessions[owner].append(PlanSession(performed_on, daily_days, review_on))
    pains: dict[uuid.UUID, dict[date, int]] = defaultdict(dict)
    checkins = (
        select(Checkin.patient_id, Checkin.local_date, Checkin.pain)
        .join(Patient, Patient.id == Checkin.patient_id)
        .where(Patient.clinic_id == clinic_id, Checkin.local_date >= since)
    )
    if patient_id is not None:
        checkins = checkins.where(Patient.id == patient_id)
    for owner, local_date, pain in await conn.execute(checkins):  # type: ignore[misc]
        pains[owner][local_date] = pain
    return sessions, pains


async def _open_alerts(
    conn: DbConnection, clinic_id: uuid.UUID, patient_id: uuid.UUID | None
) -> dict[uuid.UUID, AlertBrief]:
    """Per patient, the open alert to name first: urgent first, then the longest waiting."""
    query = (
        select(
            Alert.id,
            Alert.patient_id,
            Alert.rule,
            Alert.severity,
            Alert.warning_signs,
            Alert.severe_symptoms,
            Alert.peak_pain,
            Alert.local_date,
        )
        .where(Alert.clinic_id == clinic_id, Alert.status == "open")
        .order_by((Alert.severity == "urgent").desc(), Alert.created_at, Alert.id)
    )
    if patient_id is not None:
        query = query.where(Alert.patient_id == patient_id)
    first: dict[uuid.UUID, AlertBrief] = {}
    for row in await conn.execute(query):
        if row.patient_id not in first:
            first[row.patient_id] = AlertBrief(
                id=row.id,
                rule=row.rule,
                severity=row.severity,
                items=list(row.warning_signs or row.severe_symptoms or []),
                pain=row.peak_pain,
                local_date=row.local_date,
            )
    return first


def _attention_order(summary: PatientSummary) -> tuple[bool, int, str, str]:
    return (
        summary.alert_severity != "urgent",
        -summary.open_alerts,
        summary.name.lower(),
        str(summary.id),
    )


def pain_trend(today: date, pains: dict[date, int]) -> list[int | None]:
    """Pain on each of the `TREND_DAYS` days ending `today`, oldest first (None: no check-in)."""
    return [pains.get(today - timedelta(days=back)) for back in range(TREND_DAYS - 1, -1, -1)]


def _summary(
    row: Any,
    today: date,
    plan: list[PlanSession],
    pains: dict[date, int],
    alert: AlertBrief | None,
    slower: bool,
) -> PatientSummary:
    latest = None
    if row.last_checkin_on is not None:
        latest = LatestScores(
            local_date=row.last_checkin_on,
            pain=row.pain,
            swelling=row.swelling,
            bruising=row.bruising,
            discolouration=row.discolouration,
            hardening=row.hardening,
            itching=row.itching,
        )
    in_force = session_in_force(plan, today)
    return PatientSummary(
        id=row.id,
        name=row.name,
        email=row.email,
        timezone=row.timezone,
        checkin_time=format_hhmm(row.checkin_time),
        active=row.active,
        last_session_on=plan[-1].performed_on if plan else None,
        review_on=in_force.review_on if in_force else None,
        daily_days=in_force.daily_days if in_force else None,
        last_checkin_on=row.last_checkin_on,
        adherence_7d=adherence(today, plan, set(pains)),
        latest=latest,
        pain_14d=pain_trend(today, pains),
        open_alerts=row.open_alerts,
        alert_severity=row.alert_severity,
        alert=alert,
        flags=screening_flags(row) if row.screened else [],
        slower_than_usual=slower,
    )


def _summary_query(actor: Principal, patient_id: uuid.UUID | None) -> Select[*tuple[Any, ...]]:
    latest_date = (
        select(func.max(Checkin.local_date))
        .where(Checkin.patient_id == Patient.id)
        .correlate(Patient)
        .scalar_subquery()
    )

    def open_alerts(column: Any) -> Any:
        return (
            select(column)
            .where(Alert.patient_id == Patient.id, Alert.status == "open")
            .correlate(Patient)
            .scalar_subquery()
        )

    # "urgent" sorts after "watch": min() picks urgent when there is one.
    severity = open_alerts(func.min(Alert.severity))
    last = aliased(Checkin)
    query = (
        select(
            Patient.id,
            User.name,
            User.email,
            Patient.timezone,
            Patient.checkin_time,
            Patient.active,
            last.local_date.label("last_checkin_on"),
            last.pain,
            last.swelling,
            last.bruising,
            last.discolouration,
            last.hardening,
            last.itching,
            open_alerts(func.count()).label("open_alerts"),
            severity.label("alert_severity"),
            Screening.id.is_not(None).label("screened"),
            Screening.pregnant_or_breastfeeding,
            Screening.sclerosant_allergy,
            Screening.clotting_disorder,
            Screening.acute_illness,
            Screening.largest_vein_mm,
            Screening.vein_count_estimate,
        )
        .join(User, User.id == Patient.user_id)
        .outerjoin(last, and_(last.patient_id == Patient.id, last.local_date == latest_date))
        .outerjoin(Screening, Screening.patient_id == Patient.id)
        .where(Patient.clinic_id == actor.clinic_id)
    )
    return query if patient_id is None else query.where(Patient.id == patient_id)
