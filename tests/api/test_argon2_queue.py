"""The argon2 admission queue: urgent runs first, a bounded line, slots held until done."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest

from api.core.argon2_queue import LOW_PRIORITY, Argon2Queue, Busy

WAIT = 10  # seconds any test may wait for a thread; never reached when the code is right


def holder(queue: Argon2Queue, gate: threading.Event) -> asyncio.Task[bool]:
    """A run that keeps its slot until `gate` is set."""
    return asyncio.create_task(queue.run(gate.wait, WAIT))


async def test_an_urgent_run_takes_the_reserved_slot_while_the_others_are_busy() -> None:
    queue = Argon2Queue(1, reserved=1)
    gate = threading.Event()
    busy = holder(queue, gate)
    await asyncio.sleep(0)  # let it take the shared slot
    assert queue.slots_in_use == 1
    assert await asyncio.wait_for(queue.run(lambda: "urgent", urgent=True), WAIT) == "urgent"
    assert not busy.done()
    gate.set()
    assert await asyncio.wait_for(busy, WAIT) is True


async def test_waiting_urgent_runs_go_before_the_line() -> None:
    queue = Argon2Queue(1, reserved=0, max_wait=100)
    gate = threading.Event()
    busy = holder(queue, gate)
    await asyncio.sleep(0)
    order: list[str] = []
    normal = asyncio.create_task(queue.run(order.append, "normal"))
    urgent = asyncio.create_task(queue.run(order.append, "urgent", urgent=True))
    await asyncio.sleep(0)
    assert queue.waiting == 2
    gate.set()
    await asyncio.wait_for(asyncio.gather(busy, normal, urgent), WAIT)
    assert order == ["urgent", "normal"]
    assert queue.slots_in_use == 0


async def test_the_line_is_refused_past_its_expected_wait_or_length() -> None:
    queue = Argon2Queue(1, reserved=0, max_wait=1.0, max_line=10, estimate=0.5)
    gate = threading.Event()
    busy = holder(queue, gate)
    await asyncio.sleep(0)
    # Waits of 0.5 s and 1.0 s are let in; the third would wait 1.5 s.
    waiting = [asyncio.create_task(queue.run(int, "1")) for _ in range(2)]
    await asyncio.sleep(0)
    assert queue.refusal(urgent=False) == 2
    with pytest.raises(Busy) as refused:
        await queue.run(int, "1")
    assert refused.value.retry_after == 2
    assert queue.refusal(urgent=True) is None  # urgent runs are never refused
    short = Argon2Queue(1, reserved=0, max_wait=100, max_line=1, estimate=0.5)
    short_busy = holder(short, gate)
    await asyncio.sleep(0)
    assert short.refusal(urgent=False) is None
    short_waiting = asyncio.create_task(short.run(int, "1"))
    await asyncio.sleep(0)
    assert short.refusal(urgent=False) == 1  # the line is full, however fast it moves
    gate.set()
    await asyncio.wait_for(asyncio.gather(busy, short_busy, short_waiting, *waiting), WAIT)


async def test_a_cancelled_waiter_leaves_the_line_and_a_cancelled_run_keeps_its_slot() -> None:
    queue = Argon2Queue(1, reserved=0, max_wait=100)
    gate = threading.Event()
    busy = holder(queue, gate)
    await asyncio.sleep(0)
    waiter = asyncio.create_task(queue.run(int, "1"))
    await asyncio.sleep(0)
    assert queue.waiting == 1
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert queue.waiting == 0
    # The caller of the running one goes away: its thread still runs, so its slot stays taken.
    busy.cancel()
    with pytest.raises(asyncio.CancelledError):
        await busy
    assert queue.slots_in_use == 1
    after = asyncio.create_task(queue.run(int, "7"))
    await asyncio.sleep(0)
    assert queue.waiting == 1
    gate.set()  # the thread ends, and hands its slot on
    assert await asyncio.wait_for(after, WAIT) == 7
    assert queue.slots_in_use == 0


async def test_the_lines_runs_get_the_cpu_nobody_else_wants() -> None:
    queue = Argon2Queue(1, reserved=1)

    def priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert await asyncio.wait_for(queue.run(priority), WAIT) == LOW_PRIORITY
    assert await asyncio.wait_for(queue.run(priority, urgent=True), WAIT) == ours
