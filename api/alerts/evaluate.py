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
from api.core.db import WriteSession
from api.core.errors import FieldError
from api.patients.service import lock_patient_writes
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


async def alerts_for_checkin(
    session: WriteSession, patient_id: uuid.UUID, stored: Any, now: datetime, *, email_on: bool
) -> list[Told]:
    """Evaluate the rules on a stored check-in (anything with its columns as attributes)."""
    local_date: date = stored.local_date
    params = {"patient_id": patient_id, "local_date": local_date}
    around = (await session.execute(_sessions_around, params)).one()
    performed_on, next_on = around.performed_on, around.next_on
    if performed_on is None:
        return []
    day = (local_date - performed_on).days
    pains: list[tuple[date, int]] = []
    if day >= PAIN_RISING_FROM_DAY:
        bounds = {
            "since": performed_on + timedelta(days=PAIN_RISING_FROM_DAY),
            "until": next_on or _NO_LATER_SESSION,
        }
        pains = sorted(
            tuple(row) for row in await session.execute(_pains_around, {**params, **bounds})
        )
    facts = CheckinFacts(
        pain=stored.pain,
        graded={name: getattr(stored, name) for name in GRADED_SYMPTOMS},
        warning_signs=list(stored.warning_signs or []),
        day=day,
        nearby_pains=[pain for _, pain in pains],
        position=next((i for i, (when, _) in enumerate(pains) if when == local_date), -1),
    )
    return await raise_alerts(
        session, patient_id, local_date, stored.id, evaluate(facts), now, email_on=email_on
    )


_checkins_from = (
    select(Checkin)
    .where(Checkin.patient_id == bindparam("patient_id"), Checkin.local_date >= bindparam("since"))
    .order_by(Checkin.local_date)
)
_first_session = select(func.min(TreatmentSession.performed_on)).where(
    TreatmentSession.patient_id == bindparam("patient_id")
)


async def rejudge_checkins(
    session: WriteSession, patient_id: uuid.UUID, since: date, now: datetime, *, email_on: bool
) -> list[Told]:
    """Run the rules again on the check-ins from `since`, after a session moved or was added.

    Called in the session change's own transaction: a day-10 "severe" check-in that becomes
    day 20 raises its alert with the move, or the move does not happen. Check-ins already
    reported tell nobody again (`api.alerts.raising`). A change that would leave check-ins
    before the patient's first session (their days would be lost) is refused, naming
    `performed_on`.
    """
    await lock_patient_writes(session, patient_id)
    await session.flush()
    params = {"patient_id": patient_id, "since": since}
    first = await session.scalar(_first_session, params)
    checkins = list((await session.execute(_checkins_from, params)).scalars())
    orphans = [c.local_date for c in checkins if first is None or c.local_date < first]
    if orphans:
        raise FieldError(
            "performed_on",
            f"would leave {len(orphans)} check-in(s) from {orphans[0]} before the patient's "
            f"first session on {first}; record those days' session first",
        )
    told: list[Told] = []
    for checkin in checkins:
        told += await alerts_for_checkin(session, patient_id, checkin, now, email_on=email_on)
    return told
