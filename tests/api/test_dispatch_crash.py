"""What a dispatcher leaves behind when it stops mid-send, seen from inside one process.

`tests/test_worker_crash.py` kills real processes; here the dispatcher runs in the test's
loop, so the moment each push starts can be compared with what the database already holds:
a push the service has answered must be committed before its slot goes to another send, and
a write that fails must end the dispatch (not hang it) with the rest left leased for later.
The database, the push service and the channels are real; the misbehaving pieces are real
subclasses.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from api.core.db import Database, Transaction
from api.core.settings import Settings
from api.notifications import dispatch as dispatch_module
from api.notifications.channels import Channels, PushChannel, PushTarget, SendResult
from api.notifications.dispatch import dispatch_deliveries
from api.notifications.leases import LEASE
from api.notifications.models import Delivery
from api.notifications.vapid import VapidSigner, load_vapid, subject
from jobs.ticks import JobContext, fan_out_prompts_job
from tests.api.test_delivery import T, patient, subscribe
from tests.conftest import World
from tests.receivers import HoldingPushService, PushService

pytestmark = pytest.mark.channels

WAIT_S = 30.0


async def sent_pushes(db: Database) -> int:
    query = select(func.count()).where(Delivery.channel == "push", Delivery.status == "sent")
    async with db.read() as conn:
        return int(await conn.scalar(query))


async def push_states(db: Database) -> Counter[tuple[str, bool]]:
    """(status, still leased) of every push delivery."""
    query = select(Delivery.status, Delivery.claimed_until).where(Delivery.channel == "push")
    async with db.read() as conn:
        rows = await conn.execute(query)
        return Counter((row.status, row.claimed_until is not None) for row in rows)


class WatchingPush(PushChannel):
    """A real push channel that notes, as each send starts, how many pushes the dispatcher
    has seen answered and the database does not have as sent yet."""

    def __init__(self, channel_settings: Settings, db: Database) -> None:
        signer = VapidSigner(load_vapid(channel_settings), subject(channel_settings))
        super().__init__(signer, channel_settings.push_endpoint_allow)
        self.db = db
        self.answered = 0
        self.unrecorded_at_start: list[int] = []

    async def send(
        self, target: PushTarget, payload: bytes, *, topic: str, ttl_s: int
    ) -> SendResult:
        self.unrecorded_at_start.append(self.answered - await sent_pushes(self.db))
        result = await super().send(target, payload, topic=topic, ttl_s=ttl_s)
        self.answered += 1
        return result


@pytest.fixture
async def watching(channel_settings: Settings, db: Database) -> AsyncIterator[WatchingPush]:
    push = WatchingPush(channel_settings, db)
    yield push
    await push.close()


async def one_patient_with_browsers(
    world: World, jobs: JobContext, push_service: PushService, browsers: int
) -> set[str]:
    """One patient prompted at T, subscribed on `browsers` browsers: a push delivery each."""
    _, client = await patient(world)
    tokens = {await subscribe(client, push_service) for _ in range(browsers)}
    jobs.clock.set(T)  # type: ignore[attr-defined]
    assert await fan_out_prompts_job(jobs, T) == 1
    return tokens


async def test_a_push_is_committed_before_its_slot_goes_to_the_next_send(
    world: World,
    jobs: JobContext,
    push_service: PushService,
    watching: WatchingPush,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dispatch_module, "PUSH_CONCURRENCY", 4)
    await one_patient_with_browsers(world, jobs, push_service, 40)
    channels = Channels(watching, None, jobs.channels.base_url)

    report = await asyncio.wait_for(dispatch_deliveries(jobs.db, channels, T), WAIT_S)

    assert report.sent == watching.answered == 40
    assert len(watching.unrecorded_at_start) == 40
    # The send starting holds one of the 4 slots, so at most 3 answered pushes can be
    # waiting for their write (with outcomes written 50 at a time this reached 36).
    assert max(watching.unrecorded_at_start) <= 3, watching.unrecorded_at_start
    assert await sent_pushes(jobs.db) == 40
    assert len(push_service.delivered()) == 40


class FailingWrites(Database):
    """The test's database (same engine), whose `fail_at`-th write transaction fails to
    start, as when the disk fills up or the server goes away."""

    def __init__(self, db: Database, fail_at: int) -> None:
        super().__init__(db.engine)
        self.writes = 0
        self.fail_at = fail_at

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Transaction]:
        self.writes += 1
        if self.writes == self.fail_at:
            raise RuntimeError("the disk is full")
        async with super().write() as session:
            yield session


async def test_a_failed_outcome_write_ends_the_dispatch_and_leaves_the_rest_leased(
    world: World,
    jobs: JobContext,
    push_service: PushService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dispatch_module, "PUSH_CONCURRENCY", 2)
    tokens = await one_patient_with_browsers(world, jobs, push_service, 10)
    # Write 1 claims the batch, write 2 records the first outcome(s), write 3 fails.
    failing = FailingWrites(jobs.db, fail_at=3)
    push_only = Channels(jobs.channels.push, None, jobs.channels.base_url)
    try:
        with pytest.raises(RuntimeError, match="the disk is full"):
            await asyncio.wait_for(dispatch_deliveries(failing, push_only, T), WAIT_S)
    finally:
        await failing.dispose()  # its own SQLite engines; the shared pool just reconnects

    recorded = await sent_pushes(jobs.db)
    # Two slots: only the one or two outcomes of write 2 freed a slot for another send.
    assert 1 <= recorded <= 2
    assert len(push_service.received) <= recorded + 2
    assert await push_states(jobs.db) == Counter(
        {("sent", False): recorded, ("pending", True): 10 - recorded}
    )

    later = await dispatch_deliveries(jobs.db, push_only, T + LEASE + timedelta(seconds=1))
    assert later.sent == 10 - recorded
    assert await push_states(jobs.db) == Counter({("sent", False): 10})
    per_browser = Counter(push.token for push in push_service.delivered())
    assert set(per_browser) == tokens
    # Only what was answered and not yet written when the write failed went out twice.
    assert sum(per_browser.values()) - 10 <= 2


def dispatch_tasks() -> list[str]:
    """Tasks of the dispatcher's still alive on this loop (sends and outcome writes)."""
    names = ("_send_pushes.<locals>.push", "_OutcomeWriter._write_queued")
    return [
        task.get_coro().__qualname__  # type: ignore[union-attr]
        for task in asyncio.all_tasks()
        if not task.done() and getattr(task.get_coro(), "__qualname__", "") in names
    ]


async def test_a_cancelled_dispatch_stops_its_sends_and_keeps_what_was_answered(
    world: World,
    jobs: JobContext,
    push_service: HoldingPushService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A tick cancelled mid-send (a worker stopped past its grace time) leaves no send or
    write running, the answered pushes recorded and the rest leased for a later tick."""
    monkeypatch.setattr(dispatch_module, "PUSH_CONCURRENCY", 4)
    tokens = await one_patient_with_browsers(world, jobs, push_service, 10)
    push_service.answer_first = 3
    push_only = Channels(jobs.channels.push, None, jobs.channels.base_url)

    running = asyncio.create_task(dispatch_deliveries(jobs.db, push_only, T))
    await asyncio.wait_for(push_service.wait_until(lambda: push_service.held >= 4), WAIT_S)
    # Every slot waits on the service, so the three answered pushes have been written.
    assert await sent_pushes(jobs.db) == 3
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(running, WAIT_S)
    assert dispatch_tasks() == []
    assert await push_states(jobs.db) == Counter({("sent", False): 3, ("pending", True): 7})

    push_service.answer_first = sys.maxsize
    push_service.release.set()
    later = await dispatch_deliveries(jobs.db, push_only, T + LEASE + timedelta(seconds=1))
    assert later.sent == 7
    per_browser = Counter(push.token for push in push_service.delivered())
    assert per_browser == Counter({token: 1 for token in tokens})
