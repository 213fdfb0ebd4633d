"""The patient's Today: the day since the session in force, today's aftercare, whether today
is done, and the follow-up on a warning sign they reported.

A read model above the domains it reads (treatments, check-ins and the alerts behind the
follow-up), so none of them has to know about the screen.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func, select

from api.checkins.advice import AftercareWindows, advice_for
from api.checkins.models import Checkin
from api.checkins.schemas import TimelineSession
from api.checkins.service import checkin_out
from api.core.clock import local_today
from api.core.db import DbConnection
from api.core.validation import format_hhmm
from api.identity.models import Patient
from api.outcomes.asking import rating_due
from api.outcomes.models import SessionRating
from api.photos.asking import photo_asked
from api.photos.models import Photo
from api.today.follow_up import warning_follow_up
from api.today.schemas import RatingDue, Today
from api.treatments.models import TreatmentSession


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
    ratings = await conn.execute(
        select(SessionRating.session_id, SessionRating.rated_on).where(
            SessionRating.patient_id == patient_id
        )
    )
    rated_on: dict[uuid.UUID, date] = {row.session_id: row.rated_on for row in ratings}
    due = rating_due(sessions, rated_on, local_date)
    last_photo_on = await conn.scalar(
        select(func.max(Photo.local_date)).where(
            Photo.patient_id == patient_id, Photo.local_date <= local_date
        )
    )
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
        rating_due=RatingDue(due[0].id, due[0].performed_on, due[1]) if due else None,
        photo_due=session is not None
        and photo_asked(
            session.performed_on, session.review_on, last_photo_on, local_date, weekday=False
        ),
    )
