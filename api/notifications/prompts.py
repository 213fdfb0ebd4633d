"""Check-in prompts and reminders, made set-based for every patient at once.

`fan_out_prompts` runs every minute. One `INSERT … SELECT … ON CONFLICT DO NOTHING` asks
every patient who is due: active, signed up (invitation accepted), their local check-in time
has passed today, the plan of their latest session covers today (api.treatments.plan), and
no check-in for today yet. The patient's local date and wall time come from a derived table
of the zones in use (`api.core.sql.zone_clocks`), so there is no loop over patients and no
SQL timezone support needed. The unique (patient_id, local_date, kind) key makes a second
tick, or a second worker, insert nothing; a tick after downtime asks for today only,
because "today" is all it computes.

`remind_missed` adds one reminder 3 hours after a prompt the patient has not answered, on the
same local day (a reminder that would fall after midnight is not sent).

Each new prompt gets its inbox notification and its deliveries in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, literal, select
from sqlalchemy.sql.selectable import Subquery

from api.checkins.reads import checked_in_sql
from api.core.db import Database, Transaction
from api.core.sql import insert_or_ignore, new_uuid, rowcount, zone_clock_slices
from api.identity.models import Patient, User
from api.notifications.models import Notification, Prompt
from api.notifications.outbox import queue_deliveries
from api.outcomes.asking import rating_asked_sql
from api.photos.asking import photo_asked_sql
from api.treatments.models import TreatmentSession
from api.treatments.plan import due_today_sql, is_latest_session_sql

REMIND_AFTER = timedelta(hours=3)
# Given the zones' clocks and the instant: the patient id and local date columns, and the
# statement whose rows are the prompts to make (its selected columns are replaced).
PromptSource = Callable[[Subquery, datetime], tuple[Any, Any, Select[Any]]]
CHECKIN_URL = "/#/today"
# Where each kind's notification leads in the PWA.
URLS = {"checkin": CHECKIN_URL, "reminder": CHECKIN_URL, "photo": "/#/photos", "rating": "/#/today"}
COPY = {
    "checkin": (
        "Time for today's check-in",
        "How are your treated veins today? Your check-in takes less than a minute.",
    ),
    "reminder": (
        "Reminder: today's check-in",
        "You have not checked in yet today. It helps your clinic follow your recovery.",
    ),
    "photo": (
        "Time for this week's photo",
        "A photo of each treated area, same distance and daylight as last time, shows your "
        "results as they appear.",
    ),
    "rating": (
        "How are your results?",
        "Two quick questions about how your treated veins have changed since the session.",
    ),
}


async def zones_in_use(tx: Transaction) -> list[str]:
    rows = await tx.scalars(select(Patient.timezone).where(Patient.active).distinct())
    return sorted(rows)


async def _notify(tx: Transaction, clocks: Subquery, now: datetime, *, email_on: bool) -> None:
    """Inbox notifications for the prompts made at `now`, then their deliveries."""
    title = case(*((Prompt.kind == kind, text[0]) for kind, text in COPY.items()))
    body = case(*((Prompt.kind == kind, text[1]) for kind, text in COPY.items()))
    stamp = literal(now, Notification.created_at.type)
    rows = (
        select(
            new_uuid(),
            Patient.user_id,
            Prompt.id,
            Prompt.kind,
            Prompt.local_date,
            title,
            body,
            case(*((Prompt.kind == kind, url) for kind, url in URLS.items())),
            stamp,
            clocks.c.day_end,
        )
        .select_from(Prompt)
        .join(Patient, Patient.id == Prompt.patient_id)
        .outerjoin(clocks, clocks.c.timezone == Patient.timezone)
        .where(Prompt.created_at == now)
    )
    columns = (
        "id",
        "user_id",
        "prompt_id",
        "kind",
        "local_date",
        "title",
        "body",
        "url",
        "created_at",
        "expires_at",
    )
    await tx.execute(insert_or_ignore(tx, Notification).from_select(columns, rows))
    await queue_deliveries(tx, now, email_on=email_on)


async def _make_prompts(
    db: Database, now: datetime, email_on: bool, kind: str, source: PromptSource
) -> int:
    """Insert the prompts `source` selects (patient id, local date) with their notifications."""
    made = 0
    async with db.write() as tx:
        zones = await zones_in_use(tx)
        for clocks in zone_clock_slices(now, zones):
            patient_id, local_date, rows = source(clocks, now)
            prompts = rows.with_only_columns(
                new_uuid(),
                patient_id,
                local_date,
                literal(kind),
                literal(now, Prompt.created_at.type),
                maintain_column_froms=True,
            )
            insert = insert_or_ignore(tx, Prompt).from_select(
                ("id", "patient_id", "local_date", "kind", "created_at"), prompts
            )
            made_here = rowcount(await tx.execute(insert))
            if made_here:
                await _notify(tx, clocks, now, email_on=email_on)
            made += made_here
    return made


def _due_patients(clocks: Subquery, now: datetime) -> tuple[Any, Any, Select[Any]]:
    rows = (
        select(Patient.id)
        .join(clocks, clocks.c.timezone == Patient.timezone)
        .join(TreatmentSession, TreatmentSession.patient_id == Patient.id)
        .join(User, User.id == Patient.user_id)
        .where(
            Patient.active,
            # Not before the patient has accepted their invitation: a prompt would lead to a
            # sign-in they cannot complete yet.
            User.password_hash.is_not(None),
            Patient.checkin_time <= clocks.c.local_time,
            due_today_sql(TreatmentSession, clocks.c.local_date),
            ~checked_in_sql(Patient.id, clocks.c.local_date),
        )
    )
    return Patient.id, clocks.c.local_date, rows


def _unanswered_prompts(clocks: Subquery, now: datetime) -> tuple[Any, Any, Select[Any]]:
    cutoff = now - REMIND_AFTER
    rows = (
        select(Prompt.patient_id)
        .join(Patient, Patient.id == Prompt.patient_id)
        .join(
            clocks,
            (clocks.c.timezone == Patient.timezone) & (clocks.c.local_date == Prompt.local_date),
        )
        .where(
            Prompt.kind == "checkin",
            # A prompt for today was made within the last day: lets the index narrow it.
            Prompt.created_at > cutoff - timedelta(days=1),
            Prompt.created_at <= cutoff,
            Patient.active,
            ~checked_in_sql(Prompt.patient_id, Prompt.local_date),
        )
    )
    return Prompt.patient_id, Prompt.local_date, rows


def _photo_due(clocks: Subquery, now: datetime) -> tuple[Any, Any, Select[Any]]:
    return (
        Patient.id,
        clocks.c.local_date,
        _asked(clocks).where(
            is_latest_session_sql(TreatmentSession, clocks.c.local_date),
            photo_asked_sql(TreatmentSession, clocks.c.local_date),
        ),
    )


def _rating_due(clocks: Subquery, now: datetime) -> tuple[Any, Any, Select[Any]]:
    return (
        Patient.id,
        clocks.c.local_date,
        _asked(clocks).where(rating_asked_sql(TreatmentSession, clocks.c.local_date)),
    )


def _asked(clocks: Subquery) -> Select[Any]:
    """Signed-up, active patients whose check-in time has come today, with their sessions."""
    return (
        select(Patient.id)
        .join(clocks, clocks.c.timezone == Patient.timezone)
        .join(TreatmentSession, TreatmentSession.patient_id == Patient.id)
        .join(User, User.id == Patient.user_id)
        .where(
            Patient.active,
            User.password_hash.is_not(None),
            Patient.checkin_time <= clocks.c.local_time,
        )
    )


async def ask_for_results(db: Database, now: datetime, *, email_on: bool = False) -> int:
    """This week's photo (api.photos.asking) and a session's rating (api.outcomes.asking),
    at the patient's check-in time; returns how many prompts were made."""
    photos = await _make_prompts(db, now, email_on, "photo", _photo_due)
    return photos + await _make_prompts(db, now, email_on, "rating", _rating_due)


async def fan_out_prompts(db: Database, now: datetime, *, email_on: bool = False) -> int:
    """Ask every patient who is due now; returns how many prompts were made."""
    return await _make_prompts(db, now, email_on, "checkin", _due_patients)


async def remind_missed(db: Database, now: datetime, *, email_on: bool = False) -> int:
    """Remind patients who have not answered today's prompt after 3 hours."""
    return await _make_prompts(db, now, email_on, "reminder", _unanswered_prompts)
