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
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import msgspec
from sqlalchemy import Select, func, select

from api.audit.service import record_read
from api.core.db import Database, DbConnection
from api.core.errors import FieldError, NotFoundError
from api.core.principal import Principal
from api.triage.models import PatientTriage
from api.triage.readmodel import refresh_now, stale
from api.triage.schemas import Filter, ListCounts, PatientSummary

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_decode = msgspec.json.Decoder(PatientSummary).decode
_encode = msgspec.json.Encoder().encode
T = TypeVar("T")


class _RawPage(msgspec.Struct):
    """`PatientPage` as sent: the stored summaries' JSON put in as it is."""

    items: list[msgspec.Raw]
    next_cursor: str | None
    counts: ListCounts | None


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


async def _read_fresh(
    db: Database,
    clinic_id: uuid.UUID,
    now: datetime,
    reader: Callable[[DbConnection], Awaitable[T]],
) -> T:
    """`reader(conn)` once none of the clinic's rows is stale, recomputing those the calendar
    has overtaken first (normally none: the roll ran); the check shares the reader's read."""
    while True:
        async with db.read() as conn:
            due = await stale(conn, now, clinic_id)
            if not due:
                return await reader(conn)
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
) -> bytes:
    """A page of the clinic's patients, those who need attention first, as the JSON of a
    `PatientPage`; audited.

    The summaries are stored as the JSON the API sends, so the page is put together from
    them as they are rather than decoded and encoded again.
    """
    after = decode_cursor(cursor) if cursor is not None else None
    q = (q or "").strip() or None

    async def page(conn: DbConnection) -> tuple[Sequence[Any], ListCounts | None]:
        rows = (await conn.execute(_page_query(actor.clinic_id, show, q, limit, after))).all()
        return rows, await _counts(conn, actor.clinic_id) if after is None else None

    rows, counts = await _read_fresh(db, actor.clinic_id, now, page)
    more = len(rows) > limit
    rows = rows[:limit]
    detail = {"count": len(rows), "filter": show, "first_page": after is None}
    await record_read(
        db,
        actor_id=actor.user_id,
        clinic_id=actor.clinic_id,
        action="patient.list",
        at=now,
        detail=detail,
    )
    return _encode(
        _RawPage(
            items=[msgspec.Raw(row.summary) for row in rows],
            next_cursor=encode_cursor(rows[-1].attention_key) if more else None,
            counts=counts,
        )
    )


async def patient_summary(
    db: Database, actor: Principal, patient_id: uuid.UUID, now: datetime
) -> PatientSummary:
    """One patient's row of the list (the patient page's header); 404 outside the clinic."""
    query = select(PatientTriage.summary).where(
        PatientTriage.patient_id == patient_id, PatientTriage.clinic_id == actor.clinic_id
    )

    async def one(conn: DbConnection) -> bytes | None:
        found: bytes | None = await conn.scalar(query)
        return found

    found = await _read_fresh(db, actor.clinic_id, now, one)
    if found is None:
        raise NotFoundError()
    await record_read(
        db,
        actor_id=actor.user_id,
        clinic_id=actor.clinic_id,
        action="patient.summary",
        at=now,
        patient_id=patient_id,
    )
    return _decode(found)
