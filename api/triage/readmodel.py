"""Keeping `patient_triage` (`api.triage.models`) in step with each patient's inputs.

Three ways a row moves, all through `refresh`, the one writer:
- in the transaction that changes an input: the domains mark the patient
  (`api.core.changes.patient_changed`: a check-in, a treatment session, an alert raised or
  acknowledged, screening answers, preferences, the patient's details) and `refresh`, the
  settler `install` registers, recomputes their rows just before it commits;
- at each patient's local midnight, when the calendar alone moves the summary (a missed
  day, a phase ending, a review coming due, the trend's window): `roll_forward`, a job tick,
  recomputes every row whose `fresh_until` has passed, in batches, set-wise per clinic;
- on read, should a row still be stale (the worker behind, or a patient added by a bulk
  load), the list refreshes it first (`api.triage.listing`): a row read is never older
  than the patient's day.

"Slower than usual" compares the patient with the clinic's band, a statistic of everyone's
check-ins kept up to an hour (`api.checkins.band.BandCache`); it is recomputed with the rest
of the row, so it follows the band within a day.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import Table, delete, insert, select

from api.core.changes import on_patients_changed, patients_changed
from api.core.clock import local_today
from api.core.db import Database, DbConnection, Transaction
from api.core.sql import day_end
from api.identity.models import Patient
from api.triage.attention import attention_key
from api.triage.models import PatientTriage
from api.triage.schemas import PatientSummary
from api.triage.summary import summaries

# Core statements on the table, not ORM ones: their results carry no rows to buffer when a
# job runs them off the event loop (`api.core.sqlite`).
_TABLE = cast(Table, PatientTriage.__table__)
# Patients recomputed per transaction by the midnight roll and the read repair.
BATCH = 500
_encode = msgspec.json.Encoder().encode


def install() -> None:
    """Register `refresh` as the settler of every write transaction (once per process)."""
    on_patients_changed(refresh)


async def refresh(tx: Transaction, patient_ids: frozenset[uuid.UUID], now: datetime) -> None:
    """Recompute the rows of `patient_ids` from their inputs, within `tx`."""
    clinics: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    owners = select(Patient.id, Patient.clinic_id).where(Patient.id.in_(patient_ids))
    for row in await tx.execute(owners):
        clinics[row.clinic_id].append(row.id)
    await tx.execute(delete(_TABLE).where(_TABLE.c.patient_id.in_(patient_ids)))
    rows = []
    for clinic_id, ids in clinics.items():
        for summary in await summaries(tx, clinic_id, now, ids):
            rows.append(row_of(summary, clinic_id, now))
    if rows:
        await tx.execute(insert(_TABLE), rows)


def row_of(summary: PatientSummary, clinic_id: uuid.UUID, now: datetime) -> dict[str, object]:
    """The table row for `summary`, computed at `now`."""
    attention = summary.attention
    zone = ZoneInfo(summary.timezone)
    return {
        "patient_id": summary.id,
        "clinic_id": clinic_id,
        "attention_key": attention_key(
            attention, summary.open_alerts, summary.last_session_on, summary.name, summary.id
        ),
        "needs_attention": attention.needs_attention,
        "review_due": attention.review_due,
        "search_text": f"{summary.name.casefold()} {summary.email.casefold()}",
        "fresh_until": day_end(local_today(now, summary.timezone), zone),
        "summary": _encode(summary),
        "computed_at": now,
    }


async def stale(
    conn: DbConnection, now: datetime, clinic_id: uuid.UUID | None = None, limit: int = BATCH
) -> list[uuid.UUID]:
    """Patients whose row the calendar has overtaken (their local midnight has passed)."""
    query = select(PatientTriage.patient_id).where(PatientTriage.fresh_until <= now)
    if clinic_id is not None:
        query = query.where(PatientTriage.clinic_id == clinic_id)
    return list((await conn.scalars(query.limit(limit))).all())


async def refresh_now(db: Database, patient_ids: Collection[uuid.UUID], now: datetime) -> None:
    """Recompute these patients' rows in a transaction of their own."""
    if patient_ids:
        async with db.write() as tx:
            patients_changed(tx, patient_ids, now)


async def rebuild(db: Database, now: datetime) -> int:
    """Recompute every patient's row, `BATCH` at a time: after a bulk load that went around
    the services (the benchmark's seed). Returns how many rows it wrote."""
    async with db.read() as conn:
        everyone = list((await conn.scalars(select(Patient.id).order_by(Patient.id))).all())
    for start in range(0, len(everyone), BATCH):
        await refresh_now(db, everyone[start : start + BATCH], now)
    return len(everyone)


async def roll_forward(db: Database, now: datetime) -> int:
    """The midnight roll: recompute every row whose day has ended, `BATCH` at a time.

    Set-wise: each batch is one transaction and a fixed number of queries per clinic in it,
    not a query per patient. Returns how many rows it recomputed.
    """
    rolled = 0
    while True:
        async with db.read() as conn:
            due = await stale(conn, now)
        if not due:
            return rolled
        await refresh_now(db, due, now)
        rolled += len(due)
        if len(due) < BATCH:
            return rolled
