"""Admission to argon2 work: a few runs at a time, known devices first, a short line for others.

argon2id is deliberately slow (~0.2 s of a core and 64 MiB a run), so a process can only do
a handful a second. A plain first-come limiter let 50 concurrent wrong logins from random
emails put every real user behind them (5 s and more). Here:

- `slots` runs at a time for anyone (one fewer than the CPUs, at most 4), plus `reserved`
  slots only *urgent* runs may use: a sign-in from a device that signed in to that account
  before, or setting a password after a valid invitation. Urgent runs never wait behind the
  others, and are served first when they do wait.
- everything else queues in a line that is refused as soon as its expected wait passes
  `max_wait` (or it holds `max_line`): the caller answers 503 with `Retry-After` at once
  instead of leaving the request hanging.
- the others' runs also execute on threads at the lowest CPU priority (nice 19, Linux): a
  storm of wrong logins gets the CPU nobody else wants, so neither a known device's run nor
  the event loop serving check-ins waits for it.

The expected wait comes from a moving average of how long runs actually took, so the line
adapts to the machine (and to the cheap hashing some tests use).
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
LOW_PRIORITY = 19


def default_slots() -> int:
    """One fewer than the CPUs this process may use, between 1 and 4."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 2
    return max(1, min(4, cpus - 1))


def _lower_this_threads_priority() -> None:
    """Only on Linux, where the priority is per thread (elsewhere it would be the process's)."""
    if sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOW_PRIORITY)


# Process-wide threads, made as needed (at most the slots in use at once): normal priority
# for urgent runs, the lowest for the others. Dedicated, because a thread's priority can be
# lowered but not raised back, so these threads never run anything else.
_POOL_THREADS = 8
_pools = {
    True: ThreadPoolExecutor(_POOL_THREADS, thread_name_prefix="argon2-urgent"),
    False: ThreadPoolExecutor(
        _POOL_THREADS, thread_name_prefix="argon2", initializer=_lower_this_threads_priority
    ),
}


class Busy(Exception):
    """The line for argon2 work is full; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"argon2 line full; retry after {retry_after}s")
        self.retry_after = retry_after


class Argon2Queue:
    """Runs blocking hashing functions on threads: `slots` at a time for anyone, and
    `reserved` more that only urgent runs may use. Belongs to one event loop."""

    def __init__(
        self,
        slots: int,
        *,
        reserved: int = 1,
        max_wait: float = 10.0,
        max_line: int = 32,
        estimate: float = 0.2,
    ) -> None:
        if slots + reserved > _POOL_THREADS:
            raise ValueError(f"at most {_POOL_THREADS} argon2 runs at once")
        self.slots = slots
        self.reserved = reserved
        self.max_wait = max_wait
        self.max_line = max_line
        self.seconds_per_run = estimate  # moving average of measured runs
        self._running = 0
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._normal: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._urgent) + len(self._normal)

    @property
    def slots_in_use(self) -> int:
        return self._running

    def _may_start(self, urgent: bool) -> bool:
        return self._running < self.slots + (self.reserved if urgent else 0)

    def refusal(self, urgent: bool) -> int | None:
        """Seconds to tell a caller who would be refused now, or None when it would be let in."""
        if urgent or (self._may_start(False) and not self.waiting):
            return None
        expected = self.seconds_per_run * (len(self._normal) + 1) / self.slots
        if len(self._normal) < self.max_line and expected <= self.max_wait:
            return None
        return max(1, math.ceil(expected))

    async def run(self, fn: Callable[..., T], *args: Any, urgent: bool = False) -> T:
        """`fn(*args)` on a thread once a slot is free; `Busy` when the line is full.

        The slot is held until the thread is done, even when the caller stops waiting.
        """
        await self._acquire(urgent)
        started = time.monotonic()
        pool = _pools[urgent]
        try:
            done = asyncio.get_running_loop().run_in_executor(pool, fn, *args)
        except BaseException:
            self._finished(started)
            raise
        done.add_done_callback(lambda _: self._finished(started))
        return await asyncio.shield(done)

    def _finished(self, started: float) -> None:
        self.seconds_per_run = 0.8 * self.seconds_per_run + 0.2 * (time.monotonic() - started)
        self._running -= 1
        self._hand_on()

    async def _acquire(self, urgent: bool) -> None:
        line = self._urgent if urgent else self._normal
        if not line and self._may_start(urgent) and (urgent or not self._urgent):
            self._running += 1
            return
        if (retry_after := self.refusal(urgent)) is not None:
            raise Busy(retry_after)
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        line.append(turn)
        try:
            await turn  # `_hand_on` counts us in as running before it wakes us
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._running -= 1  # handed a slot just as the caller went away: pass it on
                self._hand_on()
            elif turn in line:
                line.remove(turn)
            raise

    def _hand_on(self) -> None:
        """Start waiters while slots allow: every urgent one first, then the line in order."""
        for line, urgent in ((self._urgent, True), (self._normal, False)):
            while line and self._may_start(urgent):
                turn = line.popleft()
                if not turn.done():
                    self._running += 1
                    turn.set_result(None)
