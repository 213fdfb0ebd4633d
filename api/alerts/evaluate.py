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

from sqlalchemy import bindparam, func, select, union_all

from api.alerts.raising import Told, raise_alerts
from api.alerts.rules import PAIN_RISING_FROM_DAY, PAIN_RISING_RUN, CheckinFacts, evaluate
from api.checkins.models import GRADED_SYMPTOMS, Checkin
from api.core.db import Transaction
from api.treatments.models import TreatmentSession

# The sessions around the day, in one round trip: the one in force and the next one.
_sessions_around = select(
    select(TreatmentSession.performed_on)
    .where(
        TreatmentSession.patient_id == bindparam("patient_id"),
        TreatmentSession.performed_on <= bindparam("local_date"),
    )
    .order_by(TreatmentSession.performed_on.desc(), TreatmentSession.created_at.desc())
    .limit(1)
    .scalar_subquery()
    .label("performed_on"),
    select(func.min(TreatmentSession.performed_on))
    .where(
        TreatmentSession.patient_id == bindparam("patient_id"),
        TreatmentSession.performed_on > bindparam("local_date"),
    )
    .scalar_subquery()
    .label("next_on"),
)
# The pains around the day, also in one round trip: up to 3 through it, up to 2 after it.
_through = (
    select(Checkin.local_date, Checkin.pain)
    .where(
        Checkin.patient_id == bindparam("patient_id"),
        Checkin.local_date >= bindparam("since"),
        Checkin.local_date <= bindparam("local_date"),
    )
    .order_by(Checkin.local_date.desc())
    .limit(PAIN_RISING_RUN)
    .subquery()
)
_after = (
    select(Checkin.local_date, Checkin.pain)
    .where(
        Checkin.patient_id == bindparam("patient_id"),
        Checkin.local_date > bindparam("local_date"),
        Checkin.local_date < bindparam("until"),
    )
    .order_by(Checkin.local_date)
    .limit(PAIN_RISING_RUN - 1)
    .subquery()
)
_pains_around = union_all(select(_through), select(_after))
# Ends a run when the patient has no later session.
_NO_LATER_SESSION = date.max


async def checkin_facts(
    tx: Transaction,
    patient_id: uuid.UUID,
    stored: Any,
    performed_on: date,
    next_on: date | None,
) -> CheckinFacts:
    """What the rules see of a stored check-in, given the session it follows and the next."""
    local_date: date = stored.local_date
    day = (local_date - performed_on).days
    pains: list[tuple[date, int]] = []
    if day >= PAIN_RISING_FROM_DAY:
        params = {
            "patient_id": patient_id,
            "local_date": local_date,
            "since": performed_on + timedelta(days=PAIN_RISING_FROM_DAY),
            "until": next_on or _NO_LATER_SESSION,
        }
        pains = sorted(tuple(row) for row in await tx.execute(_pains_around, params))
    return CheckinFacts(
        pain=stored.pain,
        graded={name: getattr(stored, name) for name in GRADED_SYMPTOMS},
        warning_signs=list(stored.warning_signs or []),
        day=day,
        nearby_pains=[pain for _, pain in pains],
        position=next((i for i, (when, _) in enumerate(pains) if when == local_date), -1),
        nearby_dates=[when for when, _ in pains],
    )


async def alerts_for_checkin(
    tx: Transaction, patient_id: uuid.UUID, stored: Any, now: datetime, *, email_on: bool
) -> list[Told]:
    """Evaluate the rules on a stored check-in (anything with its columns as attributes)."""
    params = {"patient_id": patient_id, "local_date": stored.local_date}
    around = (await tx.execute(_sessions_around, params)).one()
    if around.performed_on is None:
        return []
    facts = await checkin_facts(tx, patient_id, stored, around.performed_on, around.next_on)
    return await raise_alerts(
        tx, patient_id, stored.local_date, stored.id, evaluate(facts), now, email_on=email_on
    )
