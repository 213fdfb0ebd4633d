"""Reading check-ins: lists, the chart-ready timeline and the patient's "today".

The timeline is the hot read of the app (the PWA's chart): two indexed queries on a read
connection, the day-since-session computed with a bisect over the few sessions, encoded
straight from msgspec structs. Its expected-course band comes from the per-process clinic
band cache (`api.checkins.band`) plus the patient's own points, so no clinic-wide scan runs
on a cache hit.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, exists, select
from sqlalchemy.sql.expression import ColumnElement

from api.checkins.advice import AftercareWindows, advice_for
from api.checkins.band import band_cache, band_for, earlier_scores, own_contributions
from api.checkins.follow_up import warning_follow_up
from api.checkins.models import Checkin
from api.checkins.schemas import (
    BandPoint,
    CheckinOut,
    Timeline,
    TimelinePoint,
    TimelineSession,
    Today,
)
from api.checkins.service import checkin_out
from api.core.clock import local_today
from api.core.db import DbConnection
from api.core.errors import FieldError
from api.core.validation import format_hhmm
from api.patients.models import Patient
from api.treatments.models import TreatmentSession

# Built once with a bind parameter: constructing the expression per request costs more
# than running it.
_sessions_query = (
    select(
        TreatmentSession.id,
        TreatmentSession.performed_on,
        TreatmentSession.review_on,
        TreatmentSession.areas,
        TreatmentSession.updated_at,  # a band older than this dated the points otherwise
        Patient.clinic_id,  # whose band the timeline carries
    )
    .join(Patient, Patient.id == TreatmentSession.patient_id)
    .where(TreatmentSession.patient_id == bindparam("patient_id"))
    .order_by(TreatmentSession.performed_on, TreatmentSession.created_at)
)

_points_query = (
    select(
        Checkin.local_date,
        Checkin.pain,
        Checkin.swelling,
        Checkin.bruising,
        Checkin.discolouration,
        Checkin.hardening,
        Checkin.itching,
        # What the patient contributed to a band (see `own_contributions`).
        Checkin.id,
        Checkin.created_at,
        Checkin.updated_at,
    )
    .where(Checkin.patient_id == bindparam("patient_id"))
    .order_by(Checkin.local_date)
)


async def timeline(conn: DbConnection, patient_id: uuid.UUID, now: datetime) -> Timeline:
    params = {"patient_id": patient_id}
    session_rows = (await conn.execute(_sessions_query, params)).all()
    sessions = [
        TimelineSession(id=s.id, performed_on=s.performed_on, review_on=s.review_on, areas=s.areas)
        for s in session_rows
    ]
    rows = (await conn.execute(_points_query, params)).all()
    points: list[TimelinePoint] = []
    # Points come sorted by date, so the session each follows only ever moves forward.
    index, follows = -1, None
    for local_date, pain, swelling, bruising, discolouration, hardening, itching, *_ in rows:  # type: ignore[misc]
        while index + 1 < len(sessions) and sessions[index + 1].performed_on <= local_date:
            index += 1
            follows = sessions[index]
        session_id, day = (
            (follows.id, (local_date - follows.performed_on).days) if follows else (None, None)
        )
        points.append(
            TimelinePoint(
                pain,
                swelling,
                bruising,
                discolouration,
                hardening,
                itching,
                local_date,
                session_id,
                day,
            )
        )
    # No session, no chart (and no day to place a band on).
    band: list[BandPoint] = []
    if session_rows:
        changed = max(s.updated_at for s in session_rows)  # the points' days as of then
        clinic = await band_cache.get(conn, session_rows[0].clinic_id, now, after=changed)
        mine = list(zip(points, rows, strict=True))
        earlier = await earlier_scores(conn, mine, clinic.cutoff)
        band = band_for(clinic, own_contributions(mine, clinic.cutoff, earlier))
    return Timeline(sessions=sessions, points=points, band=band)


async def list_checkins(
    conn: DbConnection,
    patient_id: uuid.UUID,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[CheckinOut]:
    if date_from and date_to and date_from > date_to:
        raise FieldError("from", "must not be after 'to'")
    query = select(Checkin).where(Checkin.patient_id == patient_id).order_by(Checkin.local_date)
    if date_from:
        query = query.where(Checkin.local_date >= date_from)
    if date_to:
        query = query.where(Checkin.local_date <= date_to)
    return [checkin_out(row) for row in await conn.execute(query)]


async def today(conn: DbConnection, patient_id: uuid.UUID, timezone: str, now: datetime) -> Today:
    """The day since the session in force, today's aftercare and whether today is done.

    Every session so far counts for the compression and restriction windows (the latest end
    wins, see `AftercareWindows`); the session in force (the latest; of two on one date the
    one recorded last) gives the day number, the phase and the review date.
    """
    local_date = local_today(now, timezone)
    sessions = (
        await conn.execute(
            select(TreatmentSession)
            .where(
                TreatmentSession.patient_id == patient_id,
                TreatmentSession.performed_on <= local_date,
            )
            .order_by(TreatmentSession.performed_on, TreatmentSession.created_at)
        )
    ).all()
    checkin = (
        await conn.execute(
            select(Checkin).where(
                Checkin.patient_id == patient_id, Checkin.local_date == local_date
            )
        )
    ).first()
    session = sessions[-1] if sessions else None
    windows = AftercareWindows.of(sessions, local_date)
    reminder = await conn.scalar(select(Patient.checkin_time).where(Patient.id == patient_id))
    return Today(
        local_date=local_date,
        timezone=timezone,
        day=(local_date - session.performed_on).days if session else None,
        session=TimelineSession(
            id=session.id,
            performed_on=session.performed_on,
            review_on=session.review_on,
            areas=session.areas,
        )
        if session
        else None,
        checked_in=checkin is not None,
        checkin=checkin_out(checkin) if checkin else None,
        advice=advice_for(local_date, session.performed_on, session.review_on, windows)
        if session is not None
        else [],
        ask_compression=session is not None and windows.compression_on(local_date),
        follow_up=await warning_follow_up(conn, patient_id, now),
        reminder_time=format_hhmm(reminder) if reminder else "19:00",
    )


def checked_in_sql(patient_id: Any, day: Any) -> ColumnElement[bool]:
    """SQL: the patient has a check-in for that local date (prompts, dispatch, digest)."""
    return exists(
        select(Checkin.id).where(Checkin.patient_id == patient_id, Checkin.local_date == day)
    )
