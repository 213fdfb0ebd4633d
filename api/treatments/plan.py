"""The check-in plan of a treatment session: when the patient is asked to check in.

Day 0 is the session day. The patient is asked every day while `day < daily_days` (the acute
phase, default 14 days: days 0 to 13), then weekly on the session's weekday (days 14, 21, …),
up to and including the review date. `daily_days = 0` means weekly only, from day 7. Only the
patient's latest session (the latest on or before the date) decides; a new session restarts
the plan. The rule exists twice, as SQL for the set-based jobs and in Python for readers;
`tests/api/test_plan.py` checks that the two agree.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement

from api.core.sql import days_between
from api.treatments.models import TreatmentSession

WEEK = 7


class Dated(Protocol):
    @property
    def performed_on(self) -> date: ...


S = TypeVar("S", bound=Dated)


def session_in_force(sessions: Sequence[S], day: date) -> S | None:
    """The latest session on or before `day`, from sessions sorted by date and then by when
    they were recorded (so of two on one date the one recorded last wins, as in SQL)."""
    index = bisect_right([session.performed_on for session in sessions], day)
    return sessions[index - 1] if index else None


def plan_covers(performed_on: date, daily_days: int, review_on: date, day: date) -> bool:
    """Whether the plan of a session performed on `performed_on` asks for a check-in on `day`."""
    if day < performed_on or day > review_on:
        return False
    since = (day - performed_on).days
    return since < daily_days or (since >= WEEK and since % WEEK == 0)


def plan_covers_sql(session: Any, day: ColumnElement[Any]) -> ColumnElement[bool]:
    """`plan_covers` as a SQL condition on a `TreatmentSession` (or alias) and a date column."""
    since = days_between(day, session.performed_on)
    return and_(
        session.performed_on <= day,
        day <= session.review_on,
        or_(since < session.daily_days, and_(since >= WEEK, since % WEEK == 0)),
    )


def is_latest_session_sql(session: Any, day: ColumnElement[Any]) -> ColumnElement[bool]:
    """No later session of the same patient has happened by `day`.

    Two sessions on one date: the one recorded last decides (its plan is the current one).
    """
    later = aliased(TreatmentSession)
    return ~exists(
        select(later.id).where(
            later.patient_id == session.patient_id,
            later.performed_on <= day,
            or_(
                later.performed_on > session.performed_on,
                and_(
                    later.performed_on == session.performed_on,
                    or_(
                        later.created_at > session.created_at,
                        and_(later.created_at == session.created_at, later.id > session.id),
                    ),
                ),
            ),
        )
    )


def due_today_sql(session: Any, day: ColumnElement[Any]) -> ColumnElement[bool]:
    """The session is the patient's latest by `day` and its plan asks for that day."""
    return and_(is_latest_session_sql(session, day), plan_covers_sql(session, day))
