"""Long work runs off the event loop (`Database.off_loop()`, `off_loop(conn)`), on SQLite.

SQLite's fast path runs statements on the loop's own thread. The units of work of the job
ticks and the clinic-wide scans run each statement on a worker thread instead; these tests
watch which thread SQLite runs on, through a function registered on every connection.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select, text

from api.core.db import Database, off_loop
from api.identity.models import Clinic

THREAD = text("SELECT sqlite_thread()")


@pytest.fixture
async def sqlite_db(db: Database) -> AsyncIterator[Database]:
    # SQLite's only (the PostgreSQL pass of `make test` leaves this file out): asyncpg
    # never runs a statement on the loop's thread.
    assert db.is_sqlite
    for engine in (db._sync_reads, db._sync_write_engine):
        assert engine is not None

        @event.listens_for(engine, "connect")
        def _register(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.create_function("sqlite_thread", 0, threading.get_ident)

    yield db


async def test_a_request_reads_on_the_loop_and_a_job_off_it(sqlite_db: Database) -> None:
    loop_thread = threading.get_ident()
    async with sqlite_db.read() as conn:
        assert await conn.scalar(THREAD) == loop_thread
        assert await off_loop(conn).scalar(THREAD) != loop_thread
    async with sqlite_db.off_loop().read() as conn:
        assert await conn.scalar(THREAD) != loop_thread


async def test_rows_of_an_off_loop_read_are_all_there(sqlite_db: Database) -> None:
    now = datetime(2026, 3, 10, tzinfo=UTC)
    names = [f"Clinic {n:02}" for n in range(40)]
    async with sqlite_db.write() as session:
        rows = [{"id": uuid.uuid4(), "name": name, "created_at": now} for name in names]
        await session.execute(insert(Clinic), rows)
    async with sqlite_db.off_loop().read() as conn:
        result = await conn.execute(select(Clinic.name).order_by(Clinic.name))
        assert list(result.scalars()) == names
        assert list(await conn.scalars(select(Clinic.name).order_by(Clinic.name))) == names


async def test_an_off_loop_write_commits_or_rolls_back_whole(sqlite_db: Database) -> None:
    background = sqlite_db.off_loop()
    now = datetime(2026, 3, 10, tzinfo=UTC)
    async with background.write() as session:
        assert await session.scalar(THREAD) != threading.get_ident()
        session.add(Clinic(id=uuid.uuid4(), name="Kept", created_at=now))
        await session.flush()
    with pytest.raises(RuntimeError):
        async with background.write() as session:
            session.add(Clinic(id=uuid.uuid4(), name="Dropped", created_at=now))
            await session.flush()
            raise RuntimeError("the job failed half way")
    async with sqlite_db.read() as conn:
        assert list(await conn.scalars(select(Clinic.name))) == ["Kept"]
        assert await conn.scalar(select(func.count()).select_from(Clinic)) == 1
