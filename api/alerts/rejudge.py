"""Judging check-ins again when a treatment session is recorded late or moved.

A check-in's day since its session decides two rules (severe from day 15, pain rising from
day 4 within one session's run), so a session recorded or moved in the past can turn a day-10
"severe" into day 20. Called in the session change's own transaction (the treatments
service takes it as a callback, see `api.treatments.service.Rejudge`), so the alert is raised
with the change or the change does not happen.

Only what the change created is news: the check-ins whose session in force or next session
changed are evaluated with the old and the new sessions, and only the rules that fire now
and did not before are raised (a pain 8 the clinic already saw inside an open pain alert is
not "getting worse" because the session moved a day). A change that would leave check-ins
before the patient's first session (their day lost, and no longer editable) is refused with
a 422 naming `performed_on`.
"""

from __future__ import annotations

import uuid
from bisect import bisect_right
from datetime import date, datetime

from sqlalchemy import bindparam, select

from api.alerts.evaluate import checkin_facts
from api.alerts.raising import Told, raise_alerts
from api.alerts.rules import evaluate
from api.checkins.models import Checkin
from api.core.db import Transaction
from api.core.errors import FieldError
from api.treatments.models import TreatmentSession

_checkins_from = (
    select(Checkin)
    .where(Checkin.patient_id == bindparam("patient_id"), Checkin.local_date >= bindparam("since"))
    .order_by(Checkin.local_date)
)
_session_dates = select(TreatmentSession.id, TreatmentSession.performed_on).where(
    TreatmentSession.patient_id == bindparam("patient_id")
)


def _around(dates: list[date], day: date) -> tuple[date | None, date | None]:
    """From sorted session dates: the session in force on `day` and the next one after it."""
    index = bisect_right(dates, day)
    return (dates[index - 1] if index else None), (dates[index] if index < len(dates) else None)


async def rejudge_checkins(
    tx: Transaction,
    patient_id: uuid.UUID,
    moved_id: uuid.UUID,
    moved_from: date | None,
    now: datetime,
    *,
    email_on: bool,
) -> list[Told]:
    """After session `moved_id` was recorded (`moved_from` None) or moved from `moved_from`.

    The caller holds the patient's write lock (`lock_patient_writes`) from before it wrote.
    """
    await tx.flush()
    params = {"patient_id": patient_id}
    rows = (await tx.execute(_session_dates, params)).all()
    new_dates = sorted(row.performed_on for row in rows)
    moved_to = next(row.performed_on for row in rows if row.id == moved_id)
    old_dates = sorted(
        [row.performed_on for row in rows if row.id != moved_id]
        + ([moved_from] if moved_from is not None else [])
    )
    since = min(moved_to, moved_from or moved_to)
    checkins = list((await tx.execute(_checkins_from, {**params, "since": since})).scalars())
    orphans = [c.local_date for c in checkins if c.local_date < new_dates[0]]
    if orphans:
        raise FieldError(
            "performed_on",
            f"would leave {len(orphans)} check-in(s) from {orphans[0]} before the patient's "
            f"first session on {new_dates[0]}; record those days' session first",
        )
    told: list[Told] = []
    for checkin in checkins:
        performed_on, next_on = _around(new_dates, checkin.local_date)
        was_on, was_next = _around(old_dates, checkin.local_date)
        if (performed_on, next_on) == (was_on, was_next):
            continue
        assert performed_on is not None  # no orphans
        facts = await checkin_facts(tx, patient_id, checkin, performed_on, next_on)
        found = evaluate(facts)
        if was_on is not None:
            before = await checkin_facts(tx, patient_id, checkin, was_on, was_next)
            fired_before = {finding.rule for finding in evaluate(before)}
            found = [finding for finding in found if finding.rule not in fired_before]
        told += await raise_alerts(
            tx, patient_id, checkin.local_date, checkin.id, found, now, email_on=email_on
        )
    return told
