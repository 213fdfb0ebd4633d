"""When the patient is asked for a photo: once a week while in treatment.

In treatment: between the latest session and its review date. Asked on the session's weekday
from day 7 (days 7, 14, 21 …, with the weekly check-in) unless a photo was taken in the last
seven days. The Today screen asks on any day of a week without a photo. As SQL for the prompt
job and in Python for Today; `tests/api/test_results_asking.py` checks that they agree.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.sql.expression import ColumnElement

from api.core.sql import days_between
from api.photos.models import Photo

WEEK = 7


def photo_asked(
    performed_on: date, review_on: date, last_photo_on: date | None, day: date, *, weekday: bool
) -> bool:
    """Whether `day` asks for a photo (`weekday`: only on the session's weekday, the prompt)."""
    since = (day - performed_on).days
    if since < WEEK or day > review_on:
        return False
    if weekday and since % WEEK:
        return False
    return last_photo_on is None or last_photo_on <= day - timedelta(days=WEEK)


def photo_asked_sql(session: Any, day: ColumnElement[Any]) -> ColumnElement[bool]:
    """`photo_asked(..., weekday=True)` as SQL on the session in force and a local date."""
    since = days_between(day, session.performed_on)
    recent = select(Photo.id).where(
        Photo.patient_id == session.patient_id,
        days_between(day, Photo.local_date) < WEEK,
        Photo.local_date <= day,
    )
    return and_(since >= WEEK, since % WEEK == 0, day <= session.review_on, ~exists(recent))
