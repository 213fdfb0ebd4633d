"""The audit trail's hash chain: any edit, deletion or reordering of events shows.

Each clinic has one chain (`record` says whose; events of no clinic share `SYSTEM`'s).
An event's `hash` is SHA-256 over the previous event's hash and the
event's own canonical content (`content`: its id, clinic, place, instant, actor, patient,
action and detail); the first event's previous hash is `GENESIS`. `audit_chain_head` holds
each chain's last place and hash. So:
- editing an event changes its recomputed hash;
- deleting one leaves a gap in `seq` (or, the last one, a head that points past the end);
- reordering changes `seq` or the links, which the hashes cover.
A per-row checksum alone would miss a deleted row; the chain and its head do not.

Events are chained as their transaction flushes them (a `before_flush` hook on every ORM
session), the chain's head locked for it on PostgreSQL until the commit (SQLite writers are
one at a time already), so concurrent transactions append one after another.
The content's encoding is part of every stored hash: it must never change.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy import event as orm_events
from sqlalchemy.orm import Session

from api.audit.models import AuditChainHead, AuditEvent
from api.core.db import DbConnection, Transaction
from api.core.sql import insert_or_ignore

SYSTEM = uuid.UUID(int=0)
GENESIS = "0" * 64
_PENDING = "afterline.audit_events"


def content(event: Any) -> bytes:
    """The canonical bytes an event's hash covers (frozen: stored hashes depend on it)."""
    at: datetime = event.at
    fields = {
        "id": str(event.id),
        "clinic_id": str(event.clinic_id),
        "seq": event.seq,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_user_id": str(event.actor_user_id) if event.actor_user_id else None,
        "patient_id": str(event.patient_id) if event.patient_id else None,
        "action": event.action,
        "detail": event.detail,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(prev_hash: str, event: Any) -> str:
    """The hash of `event` following `prev_hash`."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + content(event)).hexdigest()


def pending(tx: Transaction, event: AuditEvent) -> None:
    """Hold `event` (added to `tx`) to be chained when `tx` flushes it."""
    tx.info.setdefault(_PENDING, []).append(event)


def _locked_head(session: Session, clinic_id: uuid.UUID) -> tuple[int, str]:
    start = insert_or_ignore(session, AuditChainHead)
    session.execute(start.values(clinic_id=clinic_id, seq=0, hash=GENESIS))
    query = (
        select(AuditChainHead.seq, AuditChainHead.hash)
        .where(AuditChainHead.clinic_id == clinic_id)
        .with_for_update()
    )
    row = session.execute(query).one()
    return int(row.seq), str(row.hash)


def _seal(session: Session, events: list[AuditEvent]) -> None:
    chained: dict[uuid.UUID, list[AuditEvent]] = defaultdict(list)
    for event in events:
        chained[event.clinic_id].append(event)
    for clinic_id in sorted(chained):  # one order for every transaction: no deadlock
        seq, last = _locked_head(session, clinic_id)
        for event in chained[clinic_id]:
            seq += 1
            event.seq, event.prev_hash = seq, last
            event.hash = last = link(last, event)
        session.execute(
            update(AuditChainHead)
            .where(AuditChainHead.clinic_id == clinic_id)
            .values(seq=seq, hash=last)
        )


@orm_events.listens_for(Session, "before_flush")
def _seal_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Chain the events recorded since the last flush, in the order recorded. Every flush
    (a service's own, or the commit's) goes through here, so no event is stored unchained;
    inside an async session this runs in its greenlet, where sync statements are allowed."""
    events: list[AuditEvent] | None = session.info.pop(_PENDING, None)
    if events:
        _seal(session, events)


_EVENT = cast(Table, AuditEvent.__table__)


async def chains(conn: DbConnection) -> list[uuid.UUID]:
    """Every chain's clinic: those with a head and those with events."""
    heads = set((await conn.scalars(select(AuditChainHead.clinic_id))).all())
    named = set((await conn.scalars(select(_EVENT.c.clinic_id).distinct())).all())
    return sorted(heads | named)


@dataclass(frozen=True)
class Break:
    """The first broken link of a chain."""

    clinic_id: uuid.UUID
    seq: int
    event_id: uuid.UUID | None
    problem: str


async def verify(conn: DbConnection, clinic_id: uuid.UUID) -> Break | None:
    """Walk one clinic's chain from the start; the first broken link, or None."""
    head = (
        await conn.execute(
            select(AuditChainHead.seq, AuditChainHead.hash).where(
                AuditChainHead.clinic_id == clinic_id
            )
        )
    ).one_or_none()
    rows = await conn.execute(
        select(*_EVENT.c).where(_EVENT.c.clinic_id == clinic_id).order_by(_EVENT.c.seq)
    )
    expected, last = 1, GENESIS
    for event in rows:
        if event.seq != expected:
            gap = "missing" if event.seq > expected else "repeated"
            return Break(clinic_id, expected, event.id, f"event {expected} is {gap}")
        if event.prev_hash != last:
            return Break(clinic_id, event.seq, event.id, "does not follow the event before it")
        if link(last, event) != event.hash:
            return Break(clinic_id, event.seq, event.id, "was changed after it was recorded")
        expected, last = expected + 1, event.hash
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != expected - 1 or head_hash != last:
        return Break(clinic_id, expected, None, "the chain ends before its last event")
    return None


async def verify_all(conn: DbConnection) -> list[tuple[uuid.UUID, int, Break | None]]:
    """Every chain: (clinic, how many events it holds, its first broken link or None)."""
    found = []
    for clinic_id in await chains(conn):
        count = await conn.scalar(
            select(func.count()).select_from(_EVENT).where(_EVENT.c.clinic_id == clinic_id)
        )
        found.append((clinic_id, int(count), await verify(conn, clinic_id)))
    return found
