"""A dispatcher killed mid-send repeats at most the pushes it had in flight (issue 12).

Real `afterline jobs tick` processes send 100 due check-in prompts to the test's push service
and are killed with SIGKILL part-way, at a moment chosen by what the service has seen (never
by a timer). After the killed tick's lease has run out a second tick sends the rest, and the
service counts what each device accepted: a device that accepted the same prompt twice is a
repeat. Each push outcome is committed as soon as the service has answered, and a send keeps
its slot among the dispatcher's `PUSH_CONCURRENCY` until then, so the repeats can only be
pushes that were in flight when the process died.

The service answers the first requests and then holds every later one open, so the kill
always lands mid-dispatch (a process that had finished could not show anything). A held
request whose client died was never answered: the service did not accept it.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import timedelta

import pytest

from api.core.db import Database
from api.core.settings import Settings
from api.notifications.dispatch import PUSH_CONCURRENCY
from api.notifications.leases import LEASE
from tests.conftest import World
from tests.receivers import HoldingPushService, SmtpSink
from tests.test_worker import (
    DUE,
    PROCESS_TIMEOUT_S,
    accepted_per_token,
    delivery_states,
    due_patients,
    emails_per_recipient,
    process_env,
    start,
    tick,
    until,
)

pytestmark = pytest.mark.channels

PUSHES = 100
# `afterline jobs tick` with the dispatcher's concurrency set to argv[1] (the rest is the CLI's).
WITH_CONCURRENCY = (
    "import sys; from api.notifications import dispatch; "
    "dispatch.PUSH_CONCURRENCY = int(sys.argv.pop(1)); "
    "from api.cli import main; main(prog_name='afterline')"
)


async def start_tick(env: dict[str, str], concurrency: int) -> asyncio.subprocess.Process:
    """`afterline jobs tick` at the due instant, its dispatcher sending `concurrency` at once."""
    at = DUE.isoformat()
    if concurrency == PUSH_CONCURRENCY:
        return await start(env, "jobs", "tick", "--at", at)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        WITH_CONCURRENCY,
        str(concurrency),
        *("jobs", "tick", "--at", at),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def kill_and_release(
    process: asyncio.subprocess.Process, push_service: HoldingPushService
) -> None:
    """SIGKILL the tick, then let the held requests go: the service accepts none of them."""
    process.kill()
    assert await asyncio.wait_for(process.wait(), PROCESS_TIMEOUT_S) == -signal.SIGKILL
    held = push_service.held
    push_service.answer_first = sys.maxsize
    push_service.release.set()
    await asyncio.wait_for(
        push_service.wait_until(lambda: len(push_service.abandoned) == held), PROCESS_TIMEOUT_S
    )


async def pushes_recorded_sent(db: Database) -> int:
    return sum(
        1
        for channel, status, _, _ in await delivery_states(db)
        if (channel, status) == ("push", "sent")
    )


def repeats(push_service: HoldingPushService) -> int:
    """Pushes a device accepted beyond the first (each device has one prompt here)."""
    return sum(count - 1 for count in accepted_per_token(push_service).values())


async def finish_after_the_lease(
    env: dict[str, str],
    push_service: HoldingPushService,
    smtp_server: SmtpSink,
    db: Database,
    tokens: set[str],
    emails: set[str],
) -> None:
    """The next tick after the lease sends the rest; every device and inbox has its prompt."""
    after = await tick(env, DUE + LEASE + timedelta(minutes=1))
    assert after["prompts"] == 0
    assert after["retrying"] == after["gave_up"] == 0
    assert set(accepted_per_token(push_service)) == tokens
    assert push_service.problems == []
    assert {(c, s) for c, s, _, _ in await delivery_states(db)} == {
        ("push", "sent"),
        ("email", "sent"),
    }
    assert emails_per_recipient(smtp_server) == {email: 1 for email in emails}


@pytest.mark.parametrize("concurrency", [PUSH_CONCURRENCY, 8], ids=["default", "eight"])
async def test_a_dispatcher_killed_mid_send_repeats_at_most_its_concurrency(
    concurrency: int,
    world: World,
    channel_settings: Settings,
    push_service: HoldingPushService,
    smtp_server: SmtpSink,
    db: Database,
) -> None:
    patients = await due_patients(world, push_service, PUSHES)
    env = process_env(channel_settings)
    push_service.answer_first = 60  # answers stream in freely, and the tick cannot finish

    process = await start_tick(env, concurrency)
    await until(push_service.wait_until(lambda: len(push_service.received) >= 40), process)
    await kill_and_release(process, push_service)
    accepted = len(push_service.delivered())
    recorded = await pushes_recorded_sent(db)
    assert 40 <= accepted <= 60
    assert recorded <= accepted
    assert smtp_server.messages == []  # emails go after the pushes: none was reached

    await finish_after_the_lease(
        env, push_service, smtp_server, db, {p.token for p in patients}, {p.email for p in patients}
    )
    # Exactly the accepted pushes the killed tick had not recorded were sent again.
    assert repeats(push_service) == accepted - recorded
    assert repeats(push_service) <= concurrency, (
        f"{repeats(push_service)} devices got the prompt twice; at most {concurrency} "
        "pushes were in flight"
    )
    assert max(accepted_per_token(push_service).values()) <= 2
    print(f"killed after {accepted} accepted, {recorded} recorded: {repeats(push_service)} repeats")


async def test_a_dispatcher_killed_while_every_send_waits_on_the_service_repeats_nothing(
    world: World,
    channel_settings: Settings,
    push_service: HoldingPushService,
    smtp_server: SmtpSink,
    db: Database,
) -> None:
    """All `PUSH_CONCURRENCY` slots are taken by requests the service has not answered: so
    every push it did answer has been recorded, and nothing may be sent twice."""
    patients = await due_patients(world, push_service, PUSHES)
    env = process_env(channel_settings)
    push_service.answer_first = 30  # not a round number of a batch or a group
    assert push_service.answer_first + PUSH_CONCURRENCY <= PUSHES

    process = await start_tick(env, PUSH_CONCURRENCY)
    await until(push_service.wait_until(lambda: push_service.held >= PUSH_CONCURRENCY), process)
    await kill_and_release(process, push_service)
    assert len(push_service.delivered()) == 30
    assert push_service.held == PUSH_CONCURRENCY
    states = await delivery_states(db)
    pushes = sorted(
        (status, attempts) for channel, status, attempts, _ in states if channel == "push"
    )
    # 30 answered and recorded; 64 sent but never answered and 6 never sent, all still leased.
    assert pushes == [("pending", 1)] * (PUSHES - 30) + [("sent", 1)] * 30

    await finish_after_the_lease(
        env, push_service, smtp_server, db, {p.token for p in patients}, {p.email for p in patients}
    )
    assert repeats(push_service) == 0
    assert len(push_service.delivered()) == PUSHES
