"""The practitioner's patient list with a recovery summary per patient.

A fixed number of queries whatever the clinic's size: the clinic's distinct timezones (to
know each patient's local "today"); one statement joining every patient to their latest
check-in, open alerts and screening through index lookups; the clinic's sessions and last
week's check-in dates (for adherence); and the "slower than usual" comparison with the
clinic's expected course (`api.checkins.band`).

`adherence_7d` is the share of expected check-ins made in the patient's last 7 local days.
A day is expected when the check-in plan of the session in force that day asks for it
(`api.treatments.plan`: daily, then weekly until the review), so a patient in the weekly
phase is not marked down for the days in between. A weekly check-in made within one day of
its planned day counts for that week: a weekly day without its own check-in is made by one
on the day before or after, if that neighbouring day is not itself a day the plan expects
(the day-13 daily check-in does not also count for day 14; one check-in never counts
twice). Daily-phase days need their own day. Today counts only once it is done (the day is
not over yet), or, on a weekly day, once yesterday's check-in stands in for it; yesterday's
weekly day may be made by today's check-in. It is null when nothing was expected.

The list is ordered by who needs attention first: an open urgent alert, then any open alert
(most first), then by name.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from api.alerts.models import Alert
from api.audit.service import record
from api.auth.models import User
from api.auth.schemas import Principal
from api.checkins.band import slower_than_usual
from api.checkins.models import Checkin
from api.core.clock import local_today
from api.core.db import Database, DbConnection
from api.core.validation import format_hhmm
from api.patients.models import Patient
from api.patients.schemas import LatestScores, PatientSummary
from api.screening.flags import screening_flags
from api.screening.models import Screening
from api.treatments.models import TreatmentSession
from api.treatments.plan import plan_covers, session_in_force

WINDOW_DAYS = 7
# How many days early or late a weekly check-in may be and still count for its week.
TOLERANCE_DAYS = 1


class PlanSession(NamedTuple):
    """The parts of a session that decide which days its plan expects a check-in."""

    performed_on: date
    daily_days: int
    review_on: date


def _phase(sessions: list[PlanSession], day: date) -> str | None:
    """The plan's phase on `day` if it expects a check-in that day ("daily" or "weekly")."""
    session = session_in_force(sessions, day)
    if session is None or not plan_covers(
        session.performed_on, session.daily_days, session.review_on, day
    ):
        return None
    return "daily" if (day - session.performed_on).days < session.daily_days else "weekly"


def adherence(today: date, sessions: list[PlanSession], done: set[date]) -> float | None:
    """Share of the plan's expected days of the last week that have a check-in.

    The window is `today` and the `WINDOW_DAYS - 1` days before it. An expected day is made
    by a check-in on that day. A weekly-phase day without one is also made by a check-in
    within `TOLERANCE_DAYS` of it (the day before first, then the day after, never after
    `today`), provided the plan does not expect a check-in on that neighbouring day (so the
    day-13 daily check-in does not also count for day 14) and it has not already stood in for
    another day: one check-in never counts twice. Daily-phase days need their own day. The
    day before the window can stand in for the window's oldest day, so `done` must reach back
    `WINDOW_DAYS - 1 + TOLERANCE_DAYS` days.

    Today is expected only once it is made (the day is not over yet): by its own check-in,
    or, on a weekly day, by yesterday's. A weekly day yesterday is made by today's check-in.
    """
    expected = made = 0
    used: set[date] = set()
    for back in range(WINDOW_DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        phase = _phase(sessions, day)
        if phase is None:
            continue
        stand_in = None
        if day not in done and phase == "weekly":
            stand_in = next(
                (
                    near
                    for near in _neighbours(day)
                    if near <= today
                    and near in done
                    and near not in used
                    and _phase(sessions, near) is None
                ),
                None,
            )
        if day not in done and stand_in is None and day == today:
            continue
        expected += 1
        if day in done:
            made += 1
        elif stand_in is not None:
            used.add(stand_in)
            made += 1
    return round(made / expected, 3) if expected else None


def _neighbours(day: date) -> list[date]:
    """The days within `TOLERANCE_DAYS` of `day`, nearest first, the earlier before the later."""
    return [
        day + timedelta(days=sign * distance)
        for distance in range(1, TOLERANCE_DAYS + 1)
        for sign in (-1, 1)
    ]


async def _plans(
    conn: DbConnection, clinic_id: uuid.UUID, since: date
) -> tuple[dict[uuid.UUID, list[PlanSession]], dict[uuid.UUID, set[date]]]:
    """Every session of the clinic's patients, and their check-in dates since `since`."""
    sessions: dict[uuid.UUID, list[PlanSession]] = defaultdict(list)
    rows = await conn.execute(
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
    for patient_id, performed_on, daily_days, review_on in rows:  # type: ignore[misc]
        sessions[patient_id].append(PlanSession(performed_on, daily_days, review_on))
    done: dict[uuid.UUID, set[date]] = defaultdict(set)
    rows = await conn.execute(
        select(Checkin.patient_id, Checkin.local_date)
        .join(Patient, Patient.id == Checkin.patient_id)
        .where(Patient.clinic_id == clinic_id, Checkin.local_date >= since)
    )
    for patient_id, local_date in rows:  # type: ignore[misc]
        done[patient_id].add(local_date)
    return sessions, done


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
        rows = (await conn.execute(_summary_query(actor))).all() if todays else []
        # The window (with the slack it always had, for a patient whose timezone is not in
        # `todays`) and the tolerance before its oldest day: a check-in there can count.
        since = min(todays.values(), default=now.date()) - timedelta(
            days=WINDOW_DAYS + 1 + TOLERANCE_DAYS
        )
        sessions, done = await _plans(conn, actor.clinic_id, since)
        slower = await slower_than_usual(conn, actor.clinic_id, now) if rows else set()
    async with db.write() as session:
        record(
            session,
            actor_id=actor.user_id,
            action="patient.list",
            at=now,
            detail={"count": len(rows)},
        )
    summaries = [
        _summary(
            row, todays.get(row.timezone) or local_today(now, row.timezone), sessions, done, slower
        )
        for row in rows
    ]
    summaries.sort(key=_attention_order)
    return summaries


def _attention_order(summary: PatientSummary) -> tuple[bool, int, str, str]:
    return (
        summary.alert_severity != "urgent",
        -summary.open_alerts,
        summary.name.lower(),
        str(summary.id),
    )


def _summary(
    row: Any,
    today: date,
    sessions: dict[uuid.UUID, list[PlanSession]],
    done: dict[uuid.UUID, set[date]],
    slower: set[uuid.UUID],
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
    plan = sessions.get(row.id, [])
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
        adherence_7d=adherence(today, plan, done.get(row.id, set())),
        latest=latest,
        open_alerts=row.open_alerts,
        alert_severity=row.alert_severity,
        flags=screening_flags(row) if row.screened else [],
        slower_than_usual=row.id in slower,
    )


def _summary_query(actor: Principal) -> Select[*tuple[Any, ...]]:
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
    return (
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
