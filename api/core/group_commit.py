"""Group commit: small writes that read nothing share one transaction.

A read the clinic must audit (a practitioner opening the list or a timeline) writes one
audit row. A transaction each would be a commit each (an fsync on SQLite, a round trip on
PostgreSQL), and on SQLite every one of them queues for the single write lock, ahead of
the patients' check-ins. Instead each caller hands its rows to `GroupCommit.add` and waits:
the first caller starts a flush; everything handed in before the flush runs goes into its
transaction, and whatever arrives while it commits goes into the next. A caller returns
only once its rows are committed, and raises if they were not, so no answer goes out
before its audit row is stored.

One failing piece of work fails its whole batch, so the work must be what cannot fail on
its own: adding rows whose references the caller has just read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Generic, TypeVar

Tx = TypeVar("Tx")


class GroupCommit(Generic[Tx]):
    """Batches `add`ed work into shared write transactions opened by `write`."""

    def __init__(self, write: Callable[[], AbstractAsyncContextManager[Tx]]) -> None:
        self._write = write
        self._waiting: list[tuple[Callable[[Tx], None], asyncio.Future[None]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def add(self, work: Callable[[Tx], None]) -> None:
        """Run `work(tx)` in the next shared transaction; return once it has committed."""
        loop = asyncio.get_running_loop()
        flushing = self._flushing
        if flushing is not None and flushing.get_loop() is not loop:
            # A new event loop (a test's, a CLI run's): what the old one left cannot run.
            self._waiting, flushing = [], None
        future: asyncio.Future[None] = loop.create_future()
        self._waiting.append((work, future))
        if flushing is None or flushing.done():
            self._flushing = loop.create_task(self._flush())
        await future

    async def _flush(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                async with self._write() as tx:
                    for work, _ in batch:
                        work(tx)
            except Exception as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
            except BaseException:  # the loop is shutting down: nobody will commit these
                for _, future in batch + self._waiting:
                    future.cancel()
                self._waiting = []
                raise
            else:
                for _, future in batch:
                    if not future.done():
                        future.set_result(None)
