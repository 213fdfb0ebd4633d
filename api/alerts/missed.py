"""The missed-check-in rule, run as a job: 2 or more missed days in a session's daily phase.

Set-based like the prompt tick: one `INSERT … SELECT … ON CONFLICT DO NOTHING` per slice of
timezones, each patient's local "today" from `api.core.sql.zone_clocks`. For each active,
signed-up patient, over the daily phase of their latest session (days 0 to `daily_days - 1`,
never past the review date) up to yesterday (today is not over), the days without a check-in
are counted, from the day the patient could first be prompted (`patient.prompts_from`, the
local date they accepted their invitation: a patient invited five days after their session
has missed nothing). Two or more raise a `watch` alert dated today. Only while it can still
be acted on: during the daily phase and on the day after it ends, never weeks later after
downtime or on a fresh start (the prompt tick, likewise, catches up only today).

Counting starts again after the last missed-check-in alert of that session (the days before
its date were already reported), so a practitioner who acknowledges it hears again only after
two more missed days, not every morning about the same ones. The alert table's unique indexes
make the job idempotent: it runs every 15 minutes, and twice or from two workers it raises
one alert.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, func, literal, literal_column, null, select
from sqlalchemy.sql.selectable import Subquery

from api.alerts.models import Alert
from api.alerts.rules import MISSED_LIMIT
from api.checkins.models import Checkin
from api.core.changes import patients_changed
from api.core.db import Database
from api.core.sql import (
    days_between,
    greatest,
    insert_or_ignore,
    least,
    new_uuid,
    zone_clock_slices,
)
from api.identity.models import Patient, User
from api.notifications.prompts import zones_in_use
from api.treatments.models import TreatmentSession
from api.treatments.plan import is_latest_session_sql

RULE = "missed_checkins"
_COLUMNS = (
    "id",
    "clinic_id",
    "patient_id",
    "rule",
    "severity",
    "status",
    "local_date",
    "last_reported_on",
    "checkin_id",
    "reason",
    "warning_signs",
    "severe_symptoms",
    "created_at",
    "raised_at",
)


def _missed_alerts(clocks: Subquery, now: datetime) -> Any:
    session = TreatmentSession
    today = clocks.c.local_date
    performed = session.performed_on
    # Day indexes since the session (day 0 = the session day).
    phase_last_day = least(session.daily_days - 1, days_between(session.review_on, performed))
    last_day = least(days_between(today, performed) - 1, phase_last_day)
    reported_until = (
        select(func.max(Alert.local_date))
        .where(Alert.patient_id == Patient.id, Alert.rule == RULE, Alert.local_date > performed)
        .scalar_subquery()
    )
    # Days before the patient could first be prompted (they had not accepted their
    # invitation yet) are not theirs to miss.
    first_day = greatest(
        func.coalesce(days_between(reported_until, performed), 0),
        func.coalesce(days_between(Patient.prompts_from, performed), 0),
    )
    since = days_between(Checkin.local_date, performed)
    done = (
        select(func.count())
        .select_from(Checkin)
        .where(
            Checkin.patient_id == Patient.id,
            Checkin.local_date >= performed,
            Checkin.local_date < today,
            since >= first_day,
            since <= last_day,
        )
        .scalar_subquery()
    )
    missed = last_day - first_day + 1 - done
    reason = (
        literal("Missed ")
        + cast(missed, String)
        + literal(" daily check-ins after the session on ")
        + cast(performed, String)
        + literal(".")
    )
    return (
        select(
            new_uuid(),
            Patient.clinic_id,
            Patient.id,
            literal(RULE),
            literal("watch"),
            literal("open"),
            today,
            today,
            null(),
            reason,
            # Empty JSON lists, written as SQL text: both databases cast them on insert.
            literal_column("'[]'"),
            literal_column("'[]'"),
            literal(now, Alert.created_at.type),
            literal(now, Alert.raised_at.type),
        )
        .select_from(Patient)
        .join(clocks, clocks.c.timezone == Patient.timezone)
        .join(User, User.id == Patient.user_id)
        .join(session, session.patient_id == Patient.id)
        .where(
            Patient.active,
            User.password_hash.is_not(None),
            performed < today,
            # Still actionable: the daily phase runs, or ended yesterday (its last day is
            # counted the morning after). A phase that ended earlier is history: after
            # downtime or on a fresh start nothing is raised about it.
            days_between(today, performed) <= phase_last_day + 1,
            is_latest_session_sql(session, today),
            missed >= MISSED_LIMIT,
        )
    )


async def raise_missed_checkin_alerts(db: Database, now: datetime) -> int:
    """Raise the missed-check-in alerts due at `now`; returns how many were raised."""
    raised = 0
    async with db.write() as tx:
        zones = await zones_in_use(tx)
        for clocks in zone_clock_slices(now, zones):
            insert = insert_or_ignore(tx, Alert).from_select(_COLUMNS, _missed_alerts(clocks, now))
            patients = (await tx.scalars(insert.returning(Alert.patient_id))).all()
            patients_changed(tx, patients, now)
            raised += len(patients)
    return raised
