"""Engines and units of work.

Every service call runs in one explicit unit of work: `Database.write()` for anything that
changes rows (one transaction, committed at the end or rolled back on error, so nothing is
half-written) and `Database.read()` for pure reads.

SQLite is the embedded default and needs care to behave under concurrency:
- WAL so readers never block the writer, foreign keys on, a busy timeout for other processes;
- write transactions start with `BEGIN IMMEDIATE`, so two writers cannot both read and then
  fail to upgrade their lock (the classic "database is locked" on deferred transactions);
- writers inside one process queue on an asyncio lock before asking SQLite for the write lock,
  because SQLite's own busy handler waits by sleeping and would wreck tail latency.
Reads use deferred transactions and run concurrently.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 30_000
_BEGIN_OPTION = "afterline_sqlite_begin"


def _install_sqlite_pragmas(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so BEGIN can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


def create_engine(database_url: str, *, echo: bool = False) -> AsyncEngine:
    if database_url.startswith("sqlite"):
        engine = create_async_engine(
            database_url,
            echo=echo,
            pool_size=8,
            max_overflow=24,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        _install_sqlite_pragmas(engine)
        return engine
    return create_async_engine(database_url, echo=echo, pool_size=10, max_overflow=20)


class Database:
    """The application's handle on its database, shared by routes, jobs and the CLI."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._read_engine = (
            engine.execution_options(**{_BEGIN_OPTION: "DEFERRED"}) if self.is_sqlite else engine
        )
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    @classmethod
    def from_url(cls, database_url: str) -> Database:
        return cls(create_engine(database_url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One write transaction: commits when the block ends, rolls back if it raises."""
        lock = self._write_lock if self._write_lock is not None else nullcontext()
        async with lock, self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only connection in a deferred transaction (never takes SQLite's write lock)."""
        async with self._read_engine.connect() as conn:
            yield conn
            await conn.rollback()

    async def dispose(self) -> None:
        await self.engine.dispose()
