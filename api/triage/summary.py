"""A patient's recovery summary, computed from scratch from its inputs.

`api.triage.readmodel` keeps the result in `patient_triage` and the list reads that; this is
the one computation, used to write each row and, in the tests, to check it. A fixed number
of queries whatever the number of patients: one statement joining each patient to their
latest check-in, open alerts and screening through index lookups (and their timezone, for
each one's local "today"); their sessions; their check-ins of the last two weeks
in one pass (the dates for adherence, the pains for the trend); their open alerts (to name
the first); and the "slower than usual" comparison with the clinic's expected course
(`api.checkins.band`). Then `api.triage.attention` reads the facts into who needs attention
and the status in words.

- `adherence_7d`: see `api.triage.adherence`.
- `pain_14d`: the pain of each of the patient's last 14 local days, oldest first, the last
  entry being today in the patient's own timezone; null for a day without a check-in.
- `alert`: the open alert the list names for the patient, chosen as the alert list orders
  them (urgent first, then the one that has waited longest).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import BindParameter, Select, and_, bindparam, func, select
from sqlalchemy.orm import aliased

from api.alerts.models import Alert
from api.checkins.band import slower_than_usual
from api.checkins.models import Checkin
from api.core.clock import local_today
from api.core.db import DbConnection
from api.core.validation import format_hhmm
from api.identity.models import Patient, User
from api.screening.flags import screening_flags
from api.screening.models import Screening
from api.treatments.models import TreatmentSession
from api.treatments.plan import session_in_force
from api.triage.adherence import TOLERANCE_DAYS, WINDOW_DAYS, PlanSession, adherence
from api.triage.attention import assess
from api.triage.schemas import AlertBrief, LatestScores, PatientSummary

TREND_DAYS = 14
# How far back check-ins are read: the trend, or the adherence window with the tolerance
# before its oldest day (and a day of slack), whichever reaches further.
LOOKBACK_DAYS = max(TREND_DAYS, WINDOW_DAYS + 1 + TOLERANCE_DAYS)


# Built once, bound per call: a check-in's transaction recomputes its patient's row, so the
# statements' construction would otherwise cost more than running them.
_IDS: BindParameter[Any] = bindparam("patient_ids", expanding=True)
_SESSIONS = (
    select(
        TreatmentSession.patient_id,
        TreatmentSession.performed_on,
        TreatmentSession.daily_days,
        TreatmentSession.review_on,
    )
    .where(TreatmentSession.patient_id.in_(_IDS))
    .order_by(TreatmentSession.performed_on, TreatmentSession.created_at, TreatmentSession.id)
)
_PAINS = select(Checkin.patient_id, Checkin.local_date, Checkin.pain).where(
    Checkin.patient_id.in_(_IDS), Checkin.local_date >= bindparam("since")
)
_OPEN_ALERTS = (
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
    .where(Alert.patient_id.in_(_IDS), Alert.status == "open")
    .order_by((Alert.severity == "urgent").desc(), Alert.created_at, Alert.id)
)


async def summaries(
    conn: DbConnection,
    clinic_id: uuid.UUID,
    now: datetime,
    patient_ids: Collection[uuid.UUID] | None = None,
) -> list[PatientSummary]:
    """The summaries of the clinic's patients, or of `patient_ids` (who must be the
    clinic's: the caller has read them so), computed from scratch from their inputs, in no
    particular order."""
    if patient_ids is None:
        in_clinic = select(Patient.id).where(Patient.clinic_id == clinic_id)
        patient_ids = list((await conn.scalars(in_clinic)).all())
    ids = {"patient_ids": list(patient_ids)}
    rows = (await conn.execute(_SUMMARY, ids)).all()
    if not rows:
        return []
    todays = {zone: local_today(now, zone) for zone in {row.timezone for row in rows}}
    since = min(todays.values()) - timedelta(days=LOOKBACK_DAYS)
    sessions, pains = await _plans(conn, ids, since)
    alerts = await _open_alerts(conn, ids)
    slower = await slower_than_usual(conn, clinic_id, now, ids["patient_ids"]) if rows else set()
    return [
        _summary(
            row,
            todays[row.timezone],
            sessions.get(row.id, []),
            pains.get(row.id, {}),
            alerts.get(row.id),
            row.id in slower,
        )
        for row in rows
    ]


async def _plans(
    conn: DbConnection, ids: dict[str, Any], since: date
) -> tuple[dict[uuid.UUID, list[PlanSession]], dict[uuid.UUID, dict[date, int]]]:
    """Every session of these patients, and each check-in's pain since `since`."""
    sessions: dict[uuid.UUID, list[PlanSession]] = defaultdict(list)
    for owner, performed_on, daily_days, review_on in await conn.execute(_SESSIONS, ids):  # type: ignore[misc]
        sessions[owner].append(PlanSession(performed_on, daily_days, review_on))
    pains: dict[uuid.UUID, dict[date, int]] = defaultdict(dict)
    for owner, local_date, pain in await conn.execute(_PAINS, {**ids, "since": since}):  # type: ignore[misc]
        pains[owner][local_date] = pain
    return sessions, pains


async def _open_alerts(conn: DbConnection, ids: dict[str, Any]) -> dict[uuid.UUID, AlertBrief]:
    """Per patient, the open alert to name first: urgent first, then the longest waiting."""
    first: dict[uuid.UUID, AlertBrief] = {}
    for row in await conn.execute(_OPEN_ALERTS, ids):
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
    facts: dict[str, Any] = {
        "id": row.id,
        "name": row.name,
        "email": row.email,
        "timezone": row.timezone,
        "checkin_time": format_hhmm(row.checkin_time),
        "active": row.active,
        "last_session_on": plan[-1].performed_on if plan else None,
        "review_on": in_force.review_on if in_force else None,
        "daily_days": in_force.daily_days if in_force else None,
        "last_checkin_on": row.last_checkin_on,
        "adherence_7d": adherence(today, plan, set(pains)),
        "latest": latest,
        "pain_14d": pain_trend(today, pains),
        "open_alerts": row.open_alerts,
        "alert_severity": row.alert_severity,
        "alert": alert,
        "flags": screening_flags(row) if row.screened else [],
        "slower_than_usual": slower,
    }
    return PatientSummary(**facts, attention=assess(SimpleNamespace(**facts), today))


def _summary_query() -> Select[*tuple[Any, ...]]:
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
        .where(Patient.id.in_(_IDS))
    )
    return query


_SUMMARY = _summary_query()
