"""SQLite specifics: connection pragmas, and synchronous connections behind an async face.

Why synchronous: aiosqlite runs every statement on a helper thread. The statements this app
runs take tens of microseconds, and the thread hand-off around each one costs far more; a
write transaction of five statements held SQLite's write lock for five hand-offs, which
capped check-in writes at ~200/s on one process. Calling pysqlite directly from the event
loop is safe for the two cases where SQLite cannot make us wait:
- reads, because WAL readers never wait for a lock;
- writes whose `BEGIN IMMEDIATE` got the write lock at once (busy timeout 0). Once a writer
  holds that lock nothing else can block it in WAL mode. When another process holds the
  lock, `Database.write()` falls back to aiosqlite, which waits on a thread, not the loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, Result, ScalarResult
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

BUSY_TIMEOUT_MS = 30_000
# Readers never wait for the writer in WAL mode; a read that still finds the database busy
# (WAL recovery) fails fast rather than freezing the event loop it runs on.
READ_BUSY_TIMEOUT_MS = 2_000
BEGIN_OPTION = "afterline_sqlite_begin"


def install_pragmas(
    engine: Engine, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, query_only: bool = False
) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so BEGIN can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        # FULL: a commit is on disk before the patient is told it is saved (NORMAL could
        # lose the last commits on power loss). It costs ~0.4 ms of fsync per write here.
        cursor.execute("PRAGMA synchronous=FULL")
        # A deleted row's bytes are overwritten, not left in free pages: a photo the patient
        # deleted (ciphertext even then) is gone from the file, not merely unlinked.
        cursor.execute("PRAGMA secure_delete=ON")
        if query_only:  # a write through a read connection fails loudly
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(BEGIN_OPTION, "IMMEDIATE")
        if mode != "AUTOCOMMIT":
            conn.exec_driver_sql(f"BEGIN {mode}")


def sync_engine(database_url: str, *, busy_timeout_ms: int, begin: str) -> Engine:
    """A pysqlite engine on the same file as the aiosqlite URL.

    With `begin="AUTOCOMMIT"` no transaction is ever opened, so connections go back to the
    pool without the usual ROLLBACK. Past `pool_size`, extra connections are opened as
    needed and closed when given back.
    """
    engine = create_engine(
        database_url.replace("sqlite+aiosqlite:", "sqlite+pysqlite:", 1),
        pool_size=8,
        # Never a limit: a checkout happens on the event loop, so waiting for a connection
        # would stall the loop, and with it the requests that would give theirs back (say,
        # readers waiting for a clinic band another one is computing off the loop).
        max_overflow=-1,
        pool_reset_on_return=None if begin == "AUTOCOMMIT" else "rollback",
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        execution_options={BEGIN_OPTION: begin},
    )
    install_pragmas(engine, busy_timeout_ms=busy_timeout_ms, query_only=begin == "AUTOCOMMIT")
    return engine


T = TypeVar("T")


def _buffered(result: Result[Any]) -> Result[Any]:
    """Rows fetched now, on the worker thread, not later on the event loop (a statement that
    returns none keeps its result: its rowcount is all there is)."""
    if not getattr(result, "returns_rows", True):
        return result
    return result.freeze()()


class _OnThread:
    """Runs a call inline (the fast path) or on a worker thread (`off_loop`)."""

    def __init__(self, off_loop: bool) -> None:
        self.off_loop = off_loop

    async def _run(self, call: Callable[[], T]) -> T:
        if self.off_loop:
            return await asyncio.to_thread(call)
        return call()


class SyncReadConnection(_OnThread):
    """A synchronous connection behind the awaitable interface of `AsyncConnection`.

    With `off_loop`, each statement (and the fetching of its rows) runs on a worker thread:
    for the long ones (a clinic-wide scan, a tick over every patient), so the event loop
    keeps answering while SQLite works. pysqlite releases the GIL while SQLite runs.
    """

    def __init__(self, connection: Connection, *, off_loop: bool = False) -> None:
        super().__init__(off_loop)
        self._connection = connection

    def on_a_thread(self) -> SyncReadConnection:
        """The same connection (and transaction), its statements run off the event loop."""
        return SyncReadConnection(self._connection, off_loop=True)

    async def execute(self, statement: Executable, parameters: Any = None, /) -> Result[Any]:
        if self.off_loop:
            return await self._run(
                lambda: _buffered(self._connection.execute(statement, parameters))
            )
        return self._connection.execute(statement, parameters)

    async def scalar(self, statement: Executable, parameters: Any = None, /) -> Any:
        return await self._run(lambda: self._connection.scalar(statement, parameters))

    async def scalars(self, statement: Executable, parameters: Any = None, /) -> ScalarResult[Any]:
        return (await self.execute(statement, parameters)).scalars()


class SyncTransaction(_OnThread):
    """A synchronous ORM session behind the awaitable interface of `AsyncSession` (with
    `off_loop`, every statement and flush on a worker thread, as `SyncReadConnection`)."""

    def __init__(self, tx: Session, *, off_loop: bool = False) -> None:
        super().__init__(off_loop)
        self._session = tx

    async def execute(self, statement: Executable, parameters: Any = None, /) -> Result[Any]:
        run = self._session.execute
        if self.off_loop:
            return await self._run(lambda: _buffered(run(statement, parameters)))
        return run(statement, parameters)

    async def scalar(self, statement: Executable, parameters: Any = None, /) -> Any:
        return await self._run(lambda: self._session.scalar(statement, parameters))

    async def scalars(self, statement: Executable, parameters: Any = None, /) -> ScalarResult[Any]:
        return (await self.execute(statement, parameters)).scalars()

    @property
    def info(self) -> dict[Any, Any]:
        """Per-transaction scratch space, as `AsyncSession.info` (see `api.core.changes`)."""
        return self._session.info

    def add(self, instance: object) -> None:
        self._session.add(instance)

    async def flush(self) -> None:
        await self._run(self._session.flush)

    async def connection(self) -> SyncReadConnection:
        return SyncReadConnection(self._session.connection(), off_loop=self.off_loop)

    def get_bind(self) -> Engine | Connection:
        return self._session.get_bind()
