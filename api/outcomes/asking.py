"""When the patient is asked to rate a session: 4 weeks after it, and again at its review.

The rule exists twice, as SQL for the set-based prompt job (api.notifications.prompts) and in
Python for the Today screen; `tests/api/test_results_asking.py` checks that they agree.

- At 4 weeks (`session + 28 days`): asked if the session has no rating yet.
- At the review date: asked if the session has no rating given on or after that date (the
  patient's view at the review is the one trials compare with the practitioner's grade).
The prompt comes on the day itself; the Today screen keeps asking for `ASK_FOR` days after.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.sql.expression import ColumnElement

from api.core.sql import days_between
from api.outcomes.models import SessionRating

FOUR_WEEKS = timedelta(days=28)
ASK_FOR = timedelta(days=14)
Reason = Literal["four_weeks", "review"]


def rating_asked(
    performed_on: date, review_on: date, rated_on: date | None, day: date, window: timedelta
) -> Reason | None:
    """Why a session is asked about on `day` (None: it is not), within `window` of the ask
    (`timedelta(0)`: the day itself only, as the prompt job asks)."""
    at_review = review_on <= day <= review_on + window
    if at_review and (rated_on is None or rated_on < review_on):
        return "review"
    four_weeks = performed_on + FOUR_WEEKS
    if four_weeks <= day <= four_weeks + window and rated_on is None:
        return "four_weeks"
    return None


def rating_due(
    sessions: Sequence[Any], rated_on: dict[Any, date], day: date
) -> tuple[Any, Reason] | None:
    """The latest session the Today screen asks the patient to rate, and why."""
    for session in reversed(sessions):
        reason = rating_asked(
            session.performed_on, session.review_on, rated_on.get(session.id), day, ASK_FOR
        )
        if reason is not None:
            return session, reason
    return None


def rating_asked_sql(session: Any, day: ColumnElement[Any]) -> ColumnElement[bool]:
    """`rating_asked(..., window=0)` as SQL on a `TreatmentSession` and a local-date column."""
    rated = select(SessionRating.id).where(SessionRating.session_id == session.id)
    rated_at_review = rated.where(SessionRating.rated_on >= session.review_on)
    return or_(
        and_(session.review_on == day, ~exists(rated_at_review)),
        and_(days_between(day, session.performed_on) == FOUR_WEEKS.days, ~exists(rated)),
    )
