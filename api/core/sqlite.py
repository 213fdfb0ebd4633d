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

from typing import Any

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
    pool without the usual ROLLBACK.
    """
    engine = create_engine(
        database_url.replace("sqlite+aiosqlite:", "sqlite+pysqlite:", 1),
        pool_size=4,
        max_overflow=4,
        pool_reset_on_return=None if begin == "AUTOCOMMIT" else "rollback",
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        execution_options={BEGIN_OPTION: begin},
    )
    install_pragmas(engine, busy_timeout_ms=busy_timeout_ms, query_only=begin == "AUTOCOMMIT")
    return engine


class SyncReadConnection:
    """A synchronous connection behind the awaitable interface of `AsyncConnection`."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def execute(self, statement: Executable, parameters: Any = None, /) -> Result[Any]:
        return self._connection.execute(statement, parameters)

    async def scalar(self, statement: Executable, parameters: Any = None, /) -> Any:
        return self._connection.scalar(statement, parameters)

    async def scalars(self, statement: Executable, parameters: Any = None, /) -> ScalarResult[Any]:
        return self._connection.scalars(statement, parameters)


class SyncWriteSession:
    """A synchronous ORM session behind the awaitable interface of `AsyncSession`."""

    def __init__(self, session: Session) -> None:
        self._session = session

    async def execute(self, statement: Executable, parameters: Any = None, /) -> Result[Any]:
        return self._session.execute(statement, parameters)

    async def scalar(self, statement: Executable, parameters: Any = None, /) -> Any:
        return self._session.scalar(statement, parameters)

    async def scalars(self, statement: Executable, parameters: Any = None, /) -> ScalarResult[Any]:
        return self._session.scalars(statement, parameters)

    def add(self, instance: object) -> None:
        self._session.add(instance)

    async def flush(self) -> None:
        self._session.flush()

    async def connection(self) -> SyncReadConnection:
        return SyncReadConnection(self._session.connection())

    def get_bind(self) -> Engine | Connection:
        return self._session.get_bind()
