"""argon2 admission over HTTP: known devices first, a bounded line for everyone else.

The wall-clock figure (a known device's sign-in under 1 s during 50 concurrent wrong logins)
is `afterline bench --login-storm`'s, with the attackers in another process; here they
share the test's event loop, so the storm test counts what the speed of the machine cannot
change: how many attackers' argon2 runs finished while the known device was signing in.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import func, select

from api.core import security
from api.core.argon2_queue import Argon2Queue
from api.identity.accounts import BUSY, create_practitioner
from api.identity.models import LoginFailure
from tests.api.login_clients import BrowserAt, browsers
from tests.conftest import PASSWORD, World

EMAIL = "dr@clinic-a.test"
LOGIN = "/api/auth/login"
ATTACKERS = 50

# What is measured is how real argon2 runs are admitted: at their production cost.
pytestmark = pytest.mark.real_password_hashing


@pytest.fixture
async def browser_at(app: Litestar) -> AsyncIterator[BrowserAt]:
    async with browsers(app) as browser_at:
        yield browser_at


async def test_a_known_device_goes_ahead_of_a_login_storm(
    world: World, browser_at: BrowserAt
) -> None:
    """50 attackers keep the argon2 line full; the phone's sign-in does not wait in it.

    Measured by what cannot depend on the machine's speed: how many wrong logins the server
    finished while the phone was signing in. Queued behind the line (as before) that was
    dozens; going ahead of it, at most the runs already under way when it arrived.
    (The wall-clock figure is `afterline bench --login-storm`'s, with the attackers in
    another process; here they share the test's event loop.)
    """
    await create_practitioner(world.db, EMAIL, "Dr A", "Clinic A", PASSWORD, world.clock.now())
    phone = browser_at("10.1.0.1")
    await phone.login(EMAIL)  # the phone is now a known device of this account
    answers: Counter[int] = Counter()
    storming = asyncio.Event()
    stop = asyncio.Event()

    async def attacker(n: int) -> None:
        client = browser_at(f"10.2.{n // 250}.{n % 250 + 1}")
        while not stop.is_set():
            guess = {"email": f"{uuid.uuid4().hex}@example.test", "password": "wrong password!"}
            answer = await client.post(LOGIN, json=guess)
            answers[answer.status_code] += 1
            if answer.status_code == 503:
                assert int(answer.headers["Retry-After"]) >= 1
            if security.argon2_queue().waiting >= 10:
                storming.set()

    attackers = [asyncio.create_task(attacker(n)) for n in range(ATTACKERS)]
    overtaken, timings = [], []
    try:
        await asyncio.wait_for(storming.wait(), timeout=120)
        for _ in range(3):
            wrong_before, started = answers[401], time.perf_counter()
            await phone.login(EMAIL)
            timings.append(round(time.perf_counter() - started, 3))
            overtaken.append(answers[401] - wrong_before)
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*attackers), timeout=120)
    print(f"known device during the storm: {timings} s, overtaken by {overtaken}; {answers}")
    assert set(answers) <= {401, 503}
    assert answers[503] > 0  # the line was full: the storm really was one
    assert max(overtaken) <= security.ARGON2_CONCURRENCY + 1, overtaken


class WatchedQueue(Argon2Queue):
    """A queue that says when an urgent run has asked to get in (and is about to wait)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.urgent_asked = asyncio.Event()
        self.normal_answers: list[int | None] = []  # what to answer unknown devices, in turn

    def refusal(self, urgent: bool) -> int | None:
        if urgent:
            self.urgent_asked.set()
        elif self.normal_answers:
            return self.normal_answers.pop(0)
        return super().refusal(urgent)


async def failures(world: World) -> int:
    async with world.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(LoginFailure)) or 0)


async def test_unknown_devices_are_refused_with_503_while_known_devices_go_first(
    world: World, browser_at: BrowserAt, monkeypatch: pytest.MonkeyPatch
) -> None:
    await create_practitioner(world.db, EMAIL, "Dr A", "Clinic A", PASSWORD, world.clock.now())
    phone = browser_at("10.1.0.1")
    await phone.login(EMAIL)
    # One slot, none kept for known devices, no waiting line for unknown ones: hold the slot.
    queue = WatchedQueue(1, reserved=0, max_wait=0.0)
    monkeypatch.setitem(security._queues, asyncio.get_running_loop(), queue)
    release = threading.Event()
    holder = asyncio.create_task(queue.run(release.wait, 30))
    await asyncio.sleep(0)  # the holder takes the slot as soon as it starts
    assert queue.slots_in_use == 1

    stranger = browser_at("10.3.0.1")
    refused = await stranger.post(LOGIN, json={"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "1"
    assert refused.json()["detail"] == BUSY
    # A device known to another account only: refused too, once its cookie has been read.
    elsewhere = await phone.post(LOGIN, json={"email": "nobody@example.test", "password": "x"})
    assert elsewhere.status_code == 503
    assert await failures(world) == 0  # refused before anything was counted

    known = asyncio.create_task(phone.post(LOGIN, json={"email": EMAIL, "password": PASSWORD}))
    await asyncio.wait_for(queue.urgent_asked.wait(), timeout=30)
    assert queue.waiting == 1
    release.set()
    assert await asyncio.wait_for(holder, timeout=30) is True
    assert (await asyncio.wait_for(known, timeout=30)).status_code == 200


async def test_an_attempt_the_line_turns_away_late_is_not_counted_as_a_failure(
    world: World, browser_at: BrowserAt, monkeypatch: pytest.MonkeyPatch
) -> None:
    await create_practitioner(world.db, EMAIL, "Dr A", "Clinic A", PASSWORD, world.clock.now())
    queue = WatchedQueue(1, reserved=0)
    monkeypatch.setitem(security._queues, asyncio.get_running_loop(), queue)
    release = threading.Event()
    holder = asyncio.create_task(queue.run(release.wait, 30))
    await asyncio.sleep(0)
    # The first look says there is room; by the time argon2 is asked, the line is full.
    queue.normal_answers = [None, 4]
    answer = await browser_at("10.3.0.1").post(LOGIN, json={"email": EMAIL, "password": "x"})
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "4"
    assert await failures(world) == 0
    release.set()
    assert await asyncio.wait_for(holder, timeout=30) is True
