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

from api.checkins.band import (
    ClinicBand,
    band_cache,
    band_for,
    earlier_scores,
    own_contributions,
    stamp_columns,
)
from api.checkins.models import Checkin
from api.checkins.schemas import (
    BandPoint,
    CheckinOut,
    SymptomTimeline,
    TimelinePoint,
    TimelineSession,
)
from api.checkins.service import checkin_out
from api.core.db import DbConnection
from api.core.errors import FieldError
from api.identity.models import Patient
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
        # What the patient contributed to the band (see `own_contributions`).
        *stamp_columns(bindparam("cutoff")),
    )
    .where(Checkin.patient_id == bindparam("patient_id"))
    .order_by(Checkin.local_date)
)


async def symptom_timeline(
    conn: DbConnection, patient_id: uuid.UUID, now: datetime
) -> SymptomTimeline:
    params = {"patient_id": patient_id}
    session_rows = (await conn.execute(_sessions_query, params)).all()
    sessions = [
        TimelineSession(id=s.id, performed_on=s.performed_on, review_on=s.review_on, areas=s.areas)
        for s in session_rows
    ]
    # The band first: the points are stamped against its cutoff.
    clinic: ClinicBand | None = None
    if session_rows:  # no session, no chart (and no day to place a band on)
        changed = max(s.updated_at for s in session_rows)  # the points' days as of then
        clinic = await band_cache.get(conn, session_rows[0].clinic_id, now, after=changed)
    cutoff = clinic.cutoff if clinic else now
    rows = (await conn.execute(_points_query, {**params, "cutoff": cutoff})).all()
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
    band: list[BandPoint] = []
    if clinic:
        mine = list(zip(points, rows, strict=True))  # each row has the `Stamp` fields
        earlier = await earlier_scores(conn, mine, clinic.cutoff)
        band = band_for(clinic, own_contributions(mine, earlier))
    return SymptomTimeline(sessions=sessions, points=points, band=band)


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


def checked_in_sql(patient_id: Any, day: Any) -> ColumnElement[bool]:
    """SQL: the patient has a check-in for that local date (prompts, dispatch, digest)."""
    return exists(
        select(Checkin.id).where(Checkin.patient_id == patient_id, Checkin.local_date == day)
    )
