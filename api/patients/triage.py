"""The practitioner's patient list with a recovery summary per patient.

Two queries whatever the clinic's size: the clinic's distinct timezones (to know each
patient's local "today"), then one statement that joins every patient to their latest
session, latest check-in and recent check-in count through index lookups.

`adherence_7d` is the share of expected check-ins made in the patient's last 7 local days:
days before their first session are not expected, and today counts only once it is done
(the day is not over yet). It is null when nothing was expected.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, Select, and_, case, func, literal, select
from sqlalchemy.orm import aliased

from api.audit.service import record
from api.auth.models import User
from api.auth.schemas import Principal
from api.checkins.models import Checkin
from api.core.clock import local_today
from api.core.db import Database
from api.core.validation import format_hhmm
from api.patients.models import Patient
from api.patients.schemas import LatestScores, PatientSummary
from api.treatments.models import TreatmentSession

WINDOW_DAYS = 7


def adherence(
    today: date, first_session: date | None, recent: int, done_today: bool
) -> float | None:
    if first_session is None:
        return None
    start = max(today - timedelta(days=WINDOW_DAYS - 1), first_session)
    expected = max((today - start).days, 0) + (1 if done_today else 0)
    if expected <= 0:
        return None
    return round(min(recent / expected, 1.0), 3)


async def list_patients(db: Database, actor: Principal, now: datetime) -> list[PatientSummary]:
    async with db.read() as conn:
        zones = (
            (
                await conn.execute(
                    select(Patient.timezone).where(Patient.clinic_id == actor.clinic_id).distinct()
                )
            )
            .scalars()
            .all()
        )
        todays = {zone: local_today(now, zone) for zone in zones}
        rows = (await conn.execute(_summary_query(actor, todays))).all() if todays else []
    async with db.write() as session:
        record(
            session,
            actor_id=actor.user_id,
            action="patient.list",
            at=now,
            detail={"count": len(rows)},
        )
    summaries = []
    for row in rows:
        # A patient moved into a new timezone between the two statements: compute it here.
        today = todays.get(row.timezone) or local_today(now, row.timezone)
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
        summaries.append(
            PatientSummary(
                id=row.id,
                name=row.name,
                email=row.email,
                timezone=row.timezone,
                checkin_time=format_hhmm(row.checkin_time),
                active=row.active,
                last_session_on=row.last_session_on,
                last_checkin_on=row.last_checkin_on,
                adherence_7d=adherence(
                    today, row.first_session_on, row.recent, row.last_checkin_on == today
                ),
                latest=latest,
            )
        )
    # Sorted here: SQLite would sort the rows with every correlated value attached.
    summaries.sort(key=lambda summary: (summary.name.lower(), str(summary.id)))
    return summaries


def _summary_query(actor: Principal, todays: dict[str, date]) -> Select[Any]:
    # A zone missing from `todays` (a patient re-zoned after the first statement) counts
    # nothing rather than failing; its row is still listed.
    today = case(
        {zone: literal(day, Date()) for zone, day in todays.items()},
        value=Patient.timezone,
        else_=literal(None, Date()),
    )
    window_start = case(
        {
            zone: literal(day - timedelta(days=WINDOW_DAYS - 1), Date())
            for zone, day in todays.items()
        },
        value=Patient.timezone,
        else_=literal(None, Date()),
    )

    def session_bound(aggregate: Any) -> Any:
        return (
            select(aggregate(TreatmentSession.performed_on))
            .where(TreatmentSession.patient_id == Patient.id)
            .correlate(Patient)
            .scalar_subquery()
        )

    latest_date = (
        select(func.max(Checkin.local_date))
        .where(Checkin.patient_id == Patient.id)
        .correlate(Patient)
        .scalar_subquery()
    )
    # Only expected days count: a session whose date was corrected later can leave check-ins
    # before the first session, and they must not stand in for the days that are expected.
    recent = (
        select(func.count())
        .select_from(Checkin)
        .where(
            Checkin.patient_id == Patient.id,
            Checkin.local_date >= window_start,
            Checkin.local_date >= session_bound(func.min),
            Checkin.local_date <= today,
        )
        .correlate(Patient)
        .scalar_subquery()
    )
    last = aliased(Checkin)
    return (
        select(
            Patient.id,
            User.name,
            User.email,
            Patient.timezone,
            Patient.checkin_time,
            Patient.active,
            session_bound(func.min).label("first_session_on"),
            session_bound(func.max).label("last_session_on"),
            last.local_date.label("last_checkin_on"),
            last.pain,
            last.swelling,
            last.bruising,
            last.discolouration,
            last.hardening,
            last.itching,
            recent.label("recent"),
        )
        .join(User, User.id == Patient.user_id)
        .outerjoin(last, and_(last.patient_id == Patient.id, last.local_date == latest_date))
        .where(Patient.clinic_id == actor.clinic_id)
    )
