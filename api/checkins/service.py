"""Recording a day's check-in: an idempotent, replay-safe upsert.

The PWA queues check-ins offline and replays them later, possibly more than once and
possibly after the patient edited the same day on another device. So:
- the same body again changes nothing (`unchanged`);
- a body whose client `recorded_at` is older than the stored one never overwrites it
  (`stale`, answered 200 with what is stored);
- every body that was accepted or stale is kept in `checkin_revision`, so nothing a
  patient entered is ever lost, even when it lost the race;
- concurrent PUTs for one day leave one row: SQLite serialises writers, PostgreSQL relies
  on the unique (patient_id, local_date) constraint with `ON CONFLICT DO NOTHING` and then
  locks the winner's row.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from api.checkins.models import SYMPTOMS, Checkin, CheckinRevision
from api.checkins.schemas import CheckinIn, CheckinOut, CheckinResult, Outcome
from api.core.clock import local_today
from api.core.db import Database
from api.core.errors import FieldError
from api.treatments.models import TreatmentSession

CLOCK_SKEW_ALLOWANCE = timedelta(days=1)
STORED_FIELDS = (*SYMPTOMS, "compression_worn", "warning_signs", "note")


def _values(data: CheckinIn) -> dict[str, Any]:
    note = data.note.strip() if data.note else None
    values: dict[str, Any] = {name: getattr(data, name) for name in SYMPTOMS}
    values["compression_worn"] = data.compression_worn
    values["warning_signs"] = sorted(set(data.warning_signs))
    values["note"] = note or None
    return values


def checkin_out(row: Any) -> CheckinOut:
    """From an ORM object or a Core row: both carry the columns as attributes."""
    return CheckinOut(
        id=row.id,
        local_date=row.local_date,
        pain=row.pain,
        swelling=row.swelling,
        bruising=row.bruising,
        discolouration=row.discolouration,
        hardening=row.hardening,
        itching=row.itching,
        compression_worn=row.compression_worn,
        warning_signs=list(row.warning_signs or []),
        note=row.note,
        recorded_at=row.recorded_at,
        updated_at=row.updated_at,
    )


async def first_session_on(session: AsyncSession, patient_id: uuid.UUID) -> date | None:
    return await session.scalar(
        select(func.min(TreatmentSession.performed_on)).where(
            TreatmentSession.patient_id == patient_id
        )
    )


def _check_dates(local_date: date, data: CheckinIn, today: date, now: datetime) -> None:
    if local_date > today:
        raise FieldError("local_date", f"is in the future (today is {today} in your timezone)")
    if data.recorded_at > now + CLOCK_SKEW_ALLOWANCE:
        raise FieldError("recorded_at", "is in the future; check the device clock")


async def _select_for_update(
    session: AsyncSession, patient_id: uuid.UUID, local_date: date
) -> Checkin | None:
    query = select(Checkin).where(
        Checkin.patient_id == patient_id, Checkin.local_date == local_date
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return await session.scalar(query.execution_options(populate_existing=True))


async def _insert_if_absent(session: AsyncSession, row: dict[str, Any]) -> uuid.UUID | None:
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        builder(Checkin)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["patient_id", "local_date"])
        .returning(Checkin.id)
    )
    return await session.scalar(statement)


async def put_checkin(
    db: Database,
    patient_id: uuid.UUID,
    timezone: str,
    local_date: date,
    data: CheckinIn,
    now: datetime,
) -> CheckinResult:
    _check_dates(local_date, data, local_today(now, timezone), now)
    values = _values(data)
    recorded_at = data.recorded_at.astimezone(UTC)
    async with db.write() as session:
        first = await first_session_on(session, patient_id)
        if first is None:
            raise FieldError("local_date", "no treatment session has been recorded for you yet")
        if local_date < first:
            raise FieldError("local_date", f"is before your first treatment session on {first}")
        existing = await _select_for_update(session, patient_id, local_date)
        if existing is None:
            new_id = uuid.uuid4()
            inserted = await _insert_if_absent(
                session,
                {
                    "id": new_id,
                    "patient_id": patient_id,
                    "local_date": local_date,
                    "recorded_at": recorded_at,
                    "created_at": now,
                    "updated_at": now,
                    **values,
                },
            )
            if inserted is not None:
                await _keep_revision(
                    session, inserted, patient_id, local_date, data, "created", now
                )
                return CheckinResult(
                    id=inserted,
                    local_date=local_date,
                    recorded_at=recorded_at,
                    updated_at=now,
                    outcome="created",
                    **values,
                )
            # Another request created the day between our read and our insert.
            existing = await _select_for_update(session, patient_id, local_date)
            assert existing is not None
        return await _apply_to_existing(session, existing, data, values, now)


async def _apply_to_existing(
    session: AsyncSession, existing: Checkin, data: CheckinIn, values: dict[str, Any], now: datetime
) -> CheckinResult:
    stored_values = {name: getattr(existing, name) for name in STORED_FIELDS}
    outcome: Outcome
    if data.recorded_at < existing.recorded_at:
        outcome = "stale"
    elif data.recorded_at == existing.recorded_at and stored_values == values:
        outcome = "unchanged"
    else:
        outcome = "updated"
        await session.execute(
            update(Checkin)
            .where(Checkin.id == existing.id)
            .values(recorded_at=data.recorded_at, updated_at=now, **values)
        )
        for name, value in values.items():
            setattr(existing, name, value)
        existing.recorded_at = data.recorded_at
        existing.updated_at = now
    if outcome != "unchanged":
        await _keep_revision(
            session, existing.id, existing.patient_id, existing.local_date, data, outcome, now
        )
    return CheckinResult(**msgspec.structs.asdict(checkin_out(existing)), outcome=outcome)


async def _keep_revision(
    session: AsyncSession,
    checkin_id: uuid.UUID,
    patient_id: uuid.UUID,
    local_date: date,
    data: CheckinIn,
    outcome: str,
    now: datetime,
) -> None:
    await session.execute(
        insert(CheckinRevision).values(
            id=uuid.uuid4(),
            checkin_id=checkin_id,
            patient_id=patient_id,
            local_date=local_date,
            payload=msgspec.to_builtins(data),
            outcome=outcome,
            recorded_at=data.recorded_at,
            received_at=now,
        )
    )
