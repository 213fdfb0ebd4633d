"""Audited reads commit together (`Database.write_together`, `api.core.group_commit`), and
SQLite's read connections never make the event loop wait for one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from api.audit.models import AuditEvent
from api.audit.service import record, record_read
from api.core.db import Database, Transaction

AT = datetime(2026, 12, 4, 9, tzinfo=UTC)


def _write_engine(db: Database) -> Engine:
    return db._sync_write_engine or db.engine.sync_engine


@pytest.fixture
def commits(db: Database) -> Iterator[list[None]]:
    """One entry per write transaction committed on `db`."""
    seen: list[None] = []

    def _count(_conn: Any) -> None:
        seen.append(None)

    engine = _write_engine(db)
    event.listen(engine, "commit", _count)
    yield seen
    event.remove(engine, "commit", _count)


async def _read(db: Database, action: str) -> None:
    await record_read(db, actor_id=None, clinic_id=None, action=action, at=AT)


async def _audited(db: Database, action: str) -> int:
    async with db.read() as conn:
        found = await conn.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )
    return int(found)


async def test_reads_arriving_together_share_one_commit(db: Database, commits: list[None]) -> None:
    await asyncio.gather(*(_read(db, "test.read") for _ in range(40)))
    assert await _audited(db, "test.read") == 40
    assert len(commits) == 1


async def test_a_failing_batch_fails_every_caller_in_it_and_writes_nothing(db: Database) -> None:
    def broken(tx: Transaction) -> None:
        record(tx, actor_id=None, clinic_id=None, action="test.read", at=AT)
        raise ValueError("no")

    calls = [_read(db, "test.read") for _ in range(3)]
    outcomes = await asyncio.gather(db.write_together(broken), *calls, return_exceptions=True)
    assert [type(outcome) for outcome in outcomes] == [ValueError] * 4
    assert await _audited(db, "test.read") == 0
    # The next batch is a new transaction.
    await _read(db, "test.read")
    assert await _audited(db, "test.read") == 1


async def test_a_caller_that_goes_away_still_has_its_read_audited(db: Database) -> None:
    gone = asyncio.ensure_future(_read(db, "test.gone"))

    def leave_then_record(tx: Transaction) -> None:
        gone.cancel()  # its read is in this batch: the client hung up while it committed
        record(tx, actor_id=None, clinic_id=None, action="test.stays", at=AT)

    await db.write_together(leave_then_record)
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert (await _audited(db, "test.gone"), await _audited(db, "test.stays")) == (1, 1)


async def test_more_readers_than_pooled_connections_all_get_one(db: Database) -> None:
    """Readers that wait (say, for a clinic band another is computing) while holding their
    connection: on SQLite a checkout happens on the loop, so one that waited for a
    connection back would stall the loop and the readers that would give theirs back."""
    everyone_in = asyncio.Event()
    inside: list[int] = []

    async def reader(n: int) -> int:
        async with db.read() as conn:
            inside.append(n)
            if len(inside) == 24:
                everyone_in.set()
            await everyone_in.wait()
            return int(await conn.scalar(select(func.count()).select_from(AuditEvent)))

    counts = await asyncio.wait_for(asyncio.gather(*(reader(n) for n in range(24))), 20)
    assert counts == [counts[0]] * 24
