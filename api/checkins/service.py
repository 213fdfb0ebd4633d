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

This is the write hot path, so its statements are SQLAlchemy Core, built once at import
with bind parameters (building ORM statements per request cost more than running them).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, Protocol, cast, runtime_checkable

import msgspec
from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from api.checkins.advice import warning_advice
from api.checkins.models import SYMPTOMS, Checkin, CheckinRevision
from api.checkins.schemas import NOTE_MAX, CheckinIn, CheckinOut, CheckinResult, Outcome
from api.core.changes import patient_changed
from api.core.clock import local_today
from api.core.db import Database, DbConnection, Transaction
from api.core.errors import FieldError
from api.core.rows import to_struct
from api.core.validation import check_recorded_at, check_text
from api.identity.patients import clinic_phone_of, lock_patient_writes
from api.treatments.models import TreatmentSession

STORED_FIELDS = (*SYMPTOMS, "compression_worn", "warning_signs", "note")

_checkin = cast(Table, Checkin.__table__)
_first_session = select(func.min(TreatmentSession.performed_on)).where(
    TreatmentSession.patient_id == bindparam("patient_id")
)
_existing = select(_checkin).where(
    _checkin.c.patient_id == bindparam("patient_id"),
    _checkin.c.local_date == bindparam("local_date"),
)
_existing_locked = _existing.with_for_update()
_inserts = {
    name: dialect.insert(_checkin)
    .on_conflict_do_nothing(index_elements=["patient_id", "local_date"])
    .returning(_checkin.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_update = (
    update(_checkin)
    .where(_checkin.c.id == bindparam("checkin_id"))
    .values({name: bindparam(name) for name in (*STORED_FIELDS, "recorded_at", "updated_at")})
)
_revision = insert(cast(Table, CheckinRevision.__table__))
_stale_payloads = select(CheckinRevision.payload).where(
    CheckinRevision.checkin_id == bindparam("checkin_id"),
    CheckinRevision.recorded_at == bindparam("recorded_at"),
    CheckinRevision.outcome == "stale",
)


@runtime_checkable
class JudgeCheckin(Protocol):
    """The red-flag rules, run on a stored check-in inside its transaction.

    The alerts domain sits above check-ins (its rules read them), so it cannot be imported
    here: the app hands it down (`api.app.provide_judge`), as it hands treatments `Rejudge`.
    """

    async def __call__(
        self, tx: Transaction, patient_id: uuid.UUID, stored: CheckinResult, now: datetime
    ) -> object: ...


def _values(data: CheckinIn) -> dict[str, Any]:
    note = check_text(data.note, "note", max_length=NOTE_MAX, required=False) if data.note else None
    values: dict[str, Any] = {name: getattr(data, name) for name in SYMPTOMS}
    values["compression_worn"] = data.compression_worn
    values["warning_signs"] = sorted(set(data.warning_signs))
    values["note"] = note or None
    return values


def checkin_out(row: Any) -> CheckinOut:
    """From an ORM object or a Core row: both carry the columns as attributes."""
    return to_struct(CheckinOut, row)


def _check_dates(local_date: date, data: CheckinIn, today: date, now: datetime) -> None:
    if local_date > today:
        raise FieldError("local_date", f"is in the future (today is {today} in your timezone)")
    check_recorded_at(data.recorded_at, now)


async def _locked_existing(
    conn: DbConnection, dialect: str, patient_id: uuid.UUID, local_date: date
) -> Any:
    query = _existing_locked if dialect == "postgresql" else _existing
    params = {"patient_id": patient_id, "local_date": local_date}
    return (await conn.execute(query, params)).first()


async def put_checkin(
    db: Database,
    patient_id: uuid.UUID,
    timezone: str,
    local_date: date,
    data: CheckinIn,
    now: datetime,
    judge: JudgeCheckin,
) -> CheckinResult:
    """Store the day; on a real change, run the red-flag rules (`judge`) in the same transaction."""
    _check_dates(local_date, data, local_today(now, timezone), now)
    async with db.write() as tx:
        await lock_patient_writes(tx, patient_id)
        result = await _upsert(tx, patient_id, local_date, data, now)
        patient_changed(tx, patient_id, now)
        # A stale body is not stored, but a warning sign in it is never ignored: a device
        # with a slow clock can send the newest news with the oldest timestamp.
        signs = sorted({*result.warning_signs, *data.warning_signs})
        if result.outcome in ("created", "updated") or signs != result.warning_signs:
            judged = msgspec.structs.replace(result, warning_signs=signs)
            await judge(tx, patient_id, judged, now)
        if signs:
            result.advice = warning_advice(signs, await clinic_phone_of(tx, patient_id))
        return result


async def _upsert(
    tx: Transaction, patient_id: uuid.UUID, local_date: date, data: CheckinIn, now: datetime
) -> CheckinResult:
    values = _values(data)
    recorded_at = data.recorded_at.astimezone(UTC)
    conn = await tx.connection()
    dialect = tx.get_bind().dialect.name
    first = await conn.scalar(_first_session, {"patient_id": patient_id})
    if first is None:
        raise FieldError("local_date", "no treatment session has been recorded for you yet")
    if local_date < first:
        raise FieldError("local_date", f"is before your first treatment session on {first}")
    existing = await _locked_existing(conn, dialect, patient_id, local_date)
    if existing is None:
        new_row = {
            "id": uuid.uuid4(),
            "patient_id": patient_id,
            "local_date": local_date,
            "recorded_at": recorded_at,
            "created_at": now,
            "updated_at": now,
            **values,
        }
        inserted = await conn.scalar(_inserts[dialect], new_row)
        if inserted is not None:
            await _keep_revision(conn, inserted, patient_id, local_date, data, "created", now)
            return CheckinResult(
                id=inserted,
                local_date=local_date,
                recorded_at=recorded_at,
                updated_at=now,
                outcome="created",
                **values,
            )
        # Another request created the day between our read and our insert.
        existing = await _locked_existing(conn, dialect, patient_id, local_date)
    return await _apply_to_existing(conn, existing, data, values, now)


async def _apply_to_existing(
    conn: DbConnection, existing: Any, data: CheckinIn, values: dict[str, Any], now: datetime
) -> CheckinResult:
    stored = checkin_out(existing)
    stored_values = {name: getattr(existing, name) for name in STORED_FIELDS}
    stored_values["warning_signs"] = list(stored_values["warning_signs"] or [])
    outcome: Outcome
    if data.recorded_at < existing.recorded_at:
        outcome = "stale"
    elif data.recorded_at == existing.recorded_at and stored_values == values:
        outcome = "unchanged"
    else:
        outcome = "updated"
        recorded_at = data.recorded_at.astimezone(UTC)
        await conn.execute(
            _update,
            {"checkin_id": existing.id, "recorded_at": recorded_at, "updated_at": now, **values},
        )
        stored = CheckinOut(
            id=existing.id,
            local_date=existing.local_date,
            recorded_at=recorded_at,
            updated_at=now,
            **values,
        )
    already_kept = outcome == "unchanged" or (
        outcome == "stale" and await _stale_already_kept(conn, existing.id, data)
    )
    if not already_kept:
        await _keep_revision(
            conn, existing.id, existing.patient_id, existing.local_date, data, outcome, now
        )
    return CheckinResult(**msgspec.structs.asdict(stored), outcome=outcome)


async def _stale_already_kept(conn: DbConnection, checkin_id: uuid.UUID, data: CheckinIn) -> bool:
    """An offline queue may replay the same old body many times: keep it once."""
    payload = msgspec.to_builtins(data)
    params = {"checkin_id": checkin_id, "recorded_at": data.recorded_at}
    kept = (await conn.execute(_stale_payloads, params)).scalars().all()
    return payload in kept


async def _keep_revision(
    conn: DbConnection,
    checkin_id: uuid.UUID,
    patient_id: uuid.UUID,
    local_date: date,
    data: CheckinIn,
    outcome: str,
    now: datetime,
) -> None:
    await conn.execute(
        _revision,
        {
            "id": uuid.uuid4(),
            "checkin_id": checkin_id,
            "patient_id": patient_id,
            "local_date": local_date,
            "payload": msgspec.to_builtins(data),
            "outcome": outcome,
            "recorded_at": data.recorded_at,
            "received_at": now,
        },
    )
