"""Engines and units of work.

Every service call runs in one explicit unit of work: `Database.write()` for anything that
changes rows (one transaction, committed at the end or rolled back on error, so nothing is
half-written) and `Database.read()` for pure reads. Services see the same awaitable
interface (`Transaction`, `DbConnection`) whichever driver is underneath.

SQLite is the embedded default and needs care to behave under concurrency:
- WAL so readers never block the writer, foreign keys on, a busy timeout for other processes;
- write transactions start with `BEGIN IMMEDIATE`, so two writers cannot both read and then
  fail to upgrade their lock (the classic "database is locked" on deferred transactions);
- writers inside one process queue on an asyncio lock before asking SQLite for the write lock,
  because SQLite's own busy handler waits by sleeping and would wreck tail latency;
- the fast paths run pysqlite directly on the event loop (see `api.core.sqlite`): right for
  a request's few short statements, wrong for long ones, which would stall every other
  request while they run. Long work asks for the same paths off the loop: the job ticks and
  the clinic export use `Database.off_loop()`, a clinic-wide scan inside a request
  `off_loop(conn)`; each of their statements (and its rows) then runs on a worker thread.
PostgreSQL uses asyncpg throughout: its statements never hold the loop.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from sqlalchemy.engine import Connection, Engine, Result, ScalarResult
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Executable

from api.core import sqlite
from api.core.changes import settle
from api.core.group_commit import GroupCommit

T = TypeVar("T")
P = ParamSpec("P")


class DbConnection(Protocol):
    """A connection as services use it; `AsyncConnection` and `SyncReadConnection` provide it.

    From `Database.read()` it is read-only; from `Transaction.connection()` it is inside
    the write transaction. On SQLite, code inside `Database.read()` must await nothing but
    this connection's own methods: the connection is synchronous underneath.
    """

    async def execute(self, statement: Executable, parameters: Any = None, /) -> Result[Any]: ...

    async def scalar(self, statement: Executable, parameters: Any = None, /) -> Any: ...

    async def scalars(
        self, statement: Executable, parameters: Any = None, /
    ) -> ScalarResult[Any]: ...


class Transaction(Protocol):
    """What write code needs; `AsyncSession` and `SyncTransaction` provide it."""

    async def execute(self, statement: Executable, parameters: Any = None, /) -> Result[Any]: ...

    async def scalar(self, statement: Executable, parameters: Any = None, /) -> Any: ...

    async def scalars(
        self, statement: Executable, parameters: Any = None, /
    ) -> ScalarResult[Any]: ...

    @property
    def info(self) -> dict[Any, Any]: ...

    def add(self, instance: object, /) -> None: ...

    async def flush(self) -> None: ...

    async def connection(self) -> DbConnection: ...

    def get_bind(self) -> Engine | Connection: ...


def create_engine(database_url: str, *, echo: bool = False) -> AsyncEngine:
    if database_url.startswith("sqlite"):
        engine = create_async_engine(
            database_url,
            echo=echo,
            pool_size=4,
            max_overflow=8,
            connect_args={"timeout": sqlite.BUSY_TIMEOUT_MS / 1000},
        )
        sqlite.install_pragmas(engine.sync_engine)
        return engine
    return create_async_engine(database_url, echo=echo, pool_size=10, max_overflow=20)


class Database:
    """The application's handle on its database, shared by routes, jobs and the CLI."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        self._write_lock = asyncio.Lock()
        self._sync_reads: Engine | None = None
        self._sync_write_engine: Engine | None = None
        self._sync_writes: sessionmaker[Session] | None = None
        self._off_loop = False
        self._together: GroupCommit[Transaction] = GroupCommit(self.write)
        if self.is_sqlite:
            url = engine.url.render_as_string(hide_password=False)
            # Reads: each statement is its own snapshot, no BEGIN/ROLLBACK round trips.
            self._sync_reads = sqlite.sync_engine(
                url, busy_timeout_ms=sqlite.READ_BUSY_TIMEOUT_MS, begin="AUTOCOMMIT"
            )
            # Writes: take the lock at once or not at all (then aiosqlite waits for it).
            self._sync_write_engine = sqlite.sync_engine(url, busy_timeout_ms=0, begin="IMMEDIATE")
            self._sync_writes = sessionmaker(
                self._sync_write_engine, expire_on_commit=False, autoflush=False
            )

    @classmethod
    def from_url(cls, database_url: str) -> Database:
        return cls(create_engine(database_url))

    def off_loop(self) -> Database:
        """This database (same engines, same write queue) for long work: on SQLite every
        statement of its units of work runs on a worker thread, so the loop stays free."""
        twin = copy.copy(self)
        twin._off_loop = True
        return twin

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Transaction]:
        """One write transaction: commits when the block ends, rolls back if it raises."""
        if self._sync_writes is None:
            async with self._sessions() as tx, tx.begin():
                yield tx
                await settle(tx)
            return
        async with self._write_lock:
            sync_session = self._sync_writes()
            try:
                sync_session.connection()  # BEGIN IMMEDIATE, failing at once if busy
                got_lock = True
            except OperationalError:
                sync_session.close()
                got_lock = False
            if got_lock:
                try:
                    sync_tx = sqlite.SyncTransaction(sync_session, off_loop=self._off_loop)
                    yield sync_tx
                    await settle(sync_tx)
                    if self._off_loop:  # a long transaction's commit writes many pages
                        await asyncio.to_thread(sync_session.commit)
                    else:
                        sync_session.commit()
                except BaseException:
                    sync_session.rollback()
                    raise
                finally:
                    sync_session.close()
                return
            # Another process holds the write lock: wait for it on aiosqlite's thread.
            async with self._sessions() as tx, tx.begin():
                yield tx
                await settle(tx)

    async def write_together(self, work: Callable[[Transaction], None]) -> None:
        """`work(tx)`, which only adds rows, in a write transaction shared with the other
        callers of the moment (`api.core.group_commit`); returns once that has committed."""
        await self._together.add(work)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[DbConnection]:
        """A connection for reads only; on SQLite it never takes the write lock."""
        if self._sync_reads is not None:
            with self._sync_reads.connect() as sync_conn:
                yield sqlite.SyncReadConnection(sync_conn, off_loop=self._off_loop)
            return
        async with self.engine.connect() as conn:
            yield conn
            await conn.rollback()

    async def reading(
        self,
        reader: Callable[Concatenate[DbConnection, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`reader(conn, *args, **kwargs)` in one read unit of work: how a route calls a
        reader (the practitioner's twin, audited, is `read_as_practitioner`)."""
        async with self.read() as conn:
            return await reader(conn, *args, **kwargs)

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._sync_reads is not None:
            self._sync_reads.dispose()
        if self._sync_write_engine is not None:
            self._sync_write_engine.dispose()


def off_loop(conn: DbConnection) -> DbConnection:
    """`conn` with its statements run off the event loop: for one long statement inside a
    request's unit of work (a clinic-wide scan). Async drivers already leave the loop free."""
    if isinstance(conn, sqlite.SyncReadConnection):
        return conn.on_a_thread()
    return conn
