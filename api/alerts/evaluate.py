"""Running the check-in rules inside the check-in's own write transaction.

The alert is written with the check-in or not at all, so a check-in is never stored without
the alerts it should have raised. Small indexed reads give the rules their context: the
session in force on the day (and the next one, which ends its runs), and the pain of the
check-ins around the day from day 4 of that session: two before and two after, because a
day filled in late can complete a rising run in the middle.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select

from api.alerts.rules import PAIN_RISING_FROM_DAY, PAIN_RISING_RUN, CheckinFacts, evaluate
from api.alerts.service import raise_alerts
from api.checkins.models import GRADED_SYMPTOMS, Checkin
from api.core.db import WriteSession
from api.treatments.models import TreatmentSession

_latest_session = (
    select(TreatmentSession.performed_on)
    .where(
        TreatmentSession.patient_id == bindparam("patient_id"),
        TreatmentSession.performed_on <= bindparam("local_date"),
    )
    .order_by(TreatmentSession.performed_on.desc(), TreatmentSession.created_at.desc())
    .limit(1)
)
_next_session = select(func.min(TreatmentSession.performed_on)).where(
    TreatmentSession.patient_id == bindparam("patient_id"),
    TreatmentSession.performed_on > bindparam("local_date"),
)
_pains_through = (
    select(Checkin.pain)
    .where(
        Checkin.patient_id == bindparam("patient_id"),
        Checkin.local_date >= bindparam("since"),
        Checkin.local_date <= bindparam("local_date"),
    )
    .order_by(Checkin.local_date.desc())
    .limit(PAIN_RISING_RUN)
)
_pains_after = (
    select(Checkin.pain)
    .where(
        Checkin.patient_id == bindparam("patient_id"),
        Checkin.local_date > bindparam("local_date"),
        Checkin.local_date < bindparam("until"),
    )
    .order_by(Checkin.local_date)
    .limit(PAIN_RISING_RUN - 1)
)
# Ends a run when the patient has no later session.
_NO_LATER_SESSION = date.max


async def alerts_for_checkin(
    session: WriteSession, patient_id: uuid.UUID, stored: Any, now: datetime, *, email_on: bool
) -> list[uuid.UUID]:
    """Evaluate the rules on a stored check-in (anything with its columns as attributes)."""
    local_date: date = stored.local_date
    params = {"patient_id": patient_id, "local_date": local_date}
    performed_on = await session.scalar(_latest_session, params)
    if performed_on is None:
        return []
    day = (local_date - performed_on).days
    before: list[int] = []
    after: list[int] = []
    if day >= PAIN_RISING_FROM_DAY:
        since = performed_on + timedelta(days=PAIN_RISING_FROM_DAY)
        before = list(await session.scalars(_pains_through, {**params, "since": since}))
        before.reverse()
        until = await session.scalar(_next_session, params) or _NO_LATER_SESSION
        after = list(await session.scalars(_pains_after, {**params, "until": until}))
    facts = CheckinFacts(
        pain=stored.pain,
        graded={name: getattr(stored, name) for name in GRADED_SYMPTOMS},
        warning_signs=list(stored.warning_signs or []),
        day=day,
        nearby_pains=[*before, *after],
        position=len(before) - 1,
    )
    return await raise_alerts(
        session, patient_id, local_date, stored.id, evaluate(facts), now, email_on=email_on
    )
