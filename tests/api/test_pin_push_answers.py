"""What the dispatcher does with a push service's Retry-After and redirects, at the edges.

- `Retry-After` (seconds) delays the next attempt when it is longer than the backoff, up to
  a day; shorter, negative or an HTTP date, the backoff stands.
- A redirect is never followed: the endpoint is client-supplied and was checked against the
  allow-list, so the server's POST (with the encrypted message and the VAPID signature)
  must not be led anywhere else. The delivery gives up, naming the status.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.core.clock import FrozenClock
from jobs.ticks import JobContext, fan_out_prompts_job
from tests.api.test_delivery import T, deliveries, dispatch, nothing, patient, subscribe
from tests.conftest import World
from tests.receivers import Answer, PushService

pytestmark = pytest.mark.channels

BACKOFF_S = 30  # the wait after a first failure


def secs(seconds: int) -> timedelta:
    return timedelta(seconds=seconds)


async def prompt_with_answers(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService, *answers: Answer
) -> str:
    """A subscribed patient whose push service answers `answers` first; prompted at T and
    dispatched once. Returns the subscription's token."""
    _, client = await patient(world)
    token = await subscribe(client, push_service, answers=answers)
    clock.set(T)
    assert await fan_out_prompts_job(jobs, T) == 1
    await dispatch(jobs, T)
    return token


@pytest.mark.parametrize(
    ("status", "retry_after", "wait_s"),
    [
        (503, "120", 120),  # longer than the backoff: the service's wait
        (429, "120", 120),
        (503, "31", 31),  # one second past the backoff already counts
        (503, "5", BACKOFF_S),  # shorter: the backoff
        (503, "-5", BACKOFF_S),
        (503, "Wed, 21 Oct 2026 07:28:00 GMT", BACKOFF_S),  # an HTTP date: the backoff
        (503, "soon", BACKOFF_S),
        (503, "86400", 86400),  # at most a day
        (503, "86401", 86400),
    ],
)
async def test_retry_after_sets_the_next_attempt(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    status: int,
    retry_after: str,
    wait_s: int,
) -> None:
    await prompt_with_answers(
        world, jobs, clock, push_service, (status, {"Retry-After": retry_after})
    )
    [push] = await deliveries(jobs.db, "push")
    assert (push.status, push.attempts) == ("failed", 1)
    assert push.next_attempt_at == T + secs(wait_s)
    assert push.last_error is not None and str(status) in push.last_error


async def test_nothing_is_sent_before_the_retry_after_and_it_is_sent_then(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService
) -> None:
    token = await prompt_with_answers(
        world, jobs, clock, push_service, (503, {"Retry-After": "120"})
    )
    assert nothing(await dispatch(jobs, T + secs(BACKOFF_S)))
    assert nothing(await dispatch(jobs, T + secs(119)))
    assert len(push_service.for_token(token)) == 1
    report = await dispatch(jobs, T + secs(120))
    assert (report.sent, report.retrying, report.gave_up) == (1, 0, 0)
    assert [p.status for p in push_service.for_token(token)] == [503, 201]
    [push] = await deliveries(jobs.db, "push")
    assert (push.status, push.attempts, push.sent_at) == ("sent", 2, T + secs(120))


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_is_not_followed_and_the_push_gives_up(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService, status: int
) -> None:
    elsewhere = push_service.subscribe()  # a subscription the redirect points at
    elsewhere_token = str(elsewhere["endpoint"]).rsplit("/", 1)[1]
    token = await prompt_with_answers(
        world, jobs, clock, push_service, (status, {"Location": elsewhere["endpoint"]})
    )
    assert [(p.token, p.status) for p in push_service.received] == [(token, status)]
    assert push_service.for_token(elsewhere_token) == []
    [push] = await deliveries(jobs.db, "push")
    assert (push.status, push.attempts, push.sent_at) == ("gave_up", 1, None)
    assert push.last_error is not None and str(status) in push.last_error
    assert nothing(await dispatch(jobs, T + timedelta(minutes=30)))
    assert len(push_service.received) == 1


async def test_a_redirect_off_the_allow_list_reaches_nothing(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService
) -> None:
    """The Location is another server, one the allow-list does not name."""
    other = PushService()
    await other.start()
    try:
        target = other.subscribe()
        await prompt_with_answers(
            world, jobs, clock, push_service, (307, {"Location": target["endpoint"]})
        )
        assert other.received == []
    finally:
        await other.stop()
    [push] = await deliveries(jobs.db, "push")
    assert push.status == "gave_up"
