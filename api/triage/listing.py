"""The practitioner's patient list, read from the triage read model a page at a time.

`GET /api/patients?filter=attention|all|review_due&q=…&limit=…&cursor=…`: one index range
scan of `patient_triage` in attention order (`attention_key`), so a page costs the same for
200 patients or 20,000. The cursor is the last row's key (opaque, base64url): the next page
starts strictly after it, so pages neither repeat nor skip a patient whose row did not move
in between (a patient whose status changed meanwhile moves to their new place, as on a
refreshed screen). "Needs attention" is a prefix of the order (an alert, missed check-ins or
worse scores rank first), so that filter stops as soon as the page is full.

Every read is audited, as one list read; the row for one patient (the patient page's
header) is read the same way. Rows still stale when read (see `api.triage.readmodel`) are
recomputed first.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Select, func, select

from api.audit.service import record
from api.core.db import Database, DbConnection
from api.core.errors import FieldError, NotFoundError
from api.core.principal import Principal
from api.triage.models import PatientTriage
from api.triage.readmodel import refresh_now, stale
from api.triage.schemas import Filter, ListCounts, PatientPage, PatientSummary

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_decode = msgspec.json.Decoder(PatientSummary).decode


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The key a cursor carries; a 422 naming `cursor` for anything this API did not issue."""
    try:
        key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise FieldError("cursor", "is not a cursor from a previous page") from None
    if not key or "\x00" in key:
        raise FieldError("cursor", "is not a cursor from a previous page")
    return key


def _like(text: str) -> str:
    """`%text%` for LIKE, with the wildcards in the text matched literally (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _page_query(
    clinic_id: uuid.UUID, show: Filter, q: str | None, limit: int, after: str | None
) -> Select[str, bytes]:
    query = select(PatientTriage.attention_key, PatientTriage.summary).where(
        PatientTriage.clinic_id == clinic_id
    )
    if show == "attention":
        query = query.where(PatientTriage.needs_attention.is_(True))
    elif show == "review_due":
        query = query.where(PatientTriage.review_due.is_(True))
    if q:
        query = query.where(PatientTriage.search_text.like(_like(q.casefold()), escape="\\"))
    if after is not None:
        query = query.where(PatientTriage.attention_key > after)
    return query.order_by(PatientTriage.attention_key).limit(limit + 1)


async def _counts(conn: DbConnection, clinic_id: uuid.UUID) -> ListCounts:
    row: Any = (
        await conn.execute(
            select(
                func.count(),
                func.count().filter(PatientTriage.needs_attention.is_(True)),
                func.count().filter(PatientTriage.review_due.is_(True)),
            ).where(PatientTriage.clinic_id == clinic_id)
        )
    ).one()
    return ListCounts(all=row[0], attention=row[1], review_due=row[2])


async def _repair(db: Database, clinic_id: uuid.UUID, now: datetime) -> None:
    """Recompute the clinic's rows the calendar has overtaken (normally none: the roll ran)."""
    while True:
        async with db.read() as conn:
            due = await stale(conn, now, clinic_id)
        if not due:
            return
        await refresh_now(db, due, now)


async def list_page(
    db: Database,
    actor: Principal,
    now: datetime,
    *,
    show: Filter = "all",
    q: str | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> PatientPage:
    """A page of the clinic's patients, those who need attention first; audited."""
    after = decode_cursor(cursor) if cursor is not None else None
    q = (q or "").strip() or None
    await _repair(db, actor.clinic_id, now)
    async with db.read() as conn:
        rows = (await conn.execute(_page_query(actor.clinic_id, show, q, limit, after))).all()
        counts = await _counts(conn, actor.clinic_id) if after is None else None
    more = len(rows) > limit
    rows = rows[:limit]
    items = [_decode(row.summary) for row in rows]
    async with db.write() as tx:
        detail = {"count": len(items), "filter": show, "first_page": after is None}
        record(tx, actor_id=actor.user_id, action="patient.list", at=now, detail=detail)
    next_cursor = encode_cursor(rows[-1].attention_key) if more else None
    return PatientPage(items=items, next_cursor=next_cursor, counts=counts)


async def patient_summary(
    db: Database, actor: Principal, patient_id: uuid.UUID, now: datetime
) -> PatientSummary:
    """One patient's row of the list (the patient page's header); 404 outside the clinic."""
    await _repair(db, actor.clinic_id, now)
    query = select(PatientTriage.summary).where(
        PatientTriage.patient_id == patient_id, PatientTriage.clinic_id == actor.clinic_id
    )
    async with db.read() as conn:
        found = await conn.scalar(query)
    if found is None:
        raise NotFoundError()
    async with db.write() as tx:
        record(tx, actor_id=actor.user_id, action="patient.summary", at=now, patient_id=patient_id)
    return _decode(found)
