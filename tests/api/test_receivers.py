"""The test push service itself: it notices what a real one would refuse, and never hangs.

The `push_service` fixture fails any test whose pushes the service found fault with; these
tests show that it does find fault (so a passing delivery test means something), and that
waiting for a push that never comes fails instead of hanging.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.receivers import PushService


@pytest.fixture
async def bare_service() -> AsyncIterator[PushService]:
    """A push service without the fixture's teardown check: these tests make problems."""
    service = PushService()
    await service.start()
    yield service
    await service.stop()


async def test_a_push_without_vapid_ttl_or_encryption_is_noted_and_refused(
    bare_service: PushService,
) -> None:
    endpoint = bare_service.subscribe()["endpoint"]
    async with httpx.AsyncClient() as client:
        response = await client.post(
            endpoint,
            content=b"not encrypted",
            headers={"Topic": "no spaces allowed here", "Urgency": "whenever"},
        )
    assert response.status_code == 400
    problems = " | ".join(bare_service.problems)
    for expected in (
        "no VAPID authorization header",
        "TTL ''",
        "Topic 'no spaces allowed here'",
        "Urgency 'whenever'",
        "content encoding is not aes128gcm",
        "does not decrypt",
    ):
        assert expected in problems, problems
    [push] = bare_service.received
    assert (push.status, push.payload) == (400, None)


async def test_waiting_for_a_push_that_never_comes_fails_in_time(
    bare_service: PushService,
) -> None:
    with pytest.raises(AssertionError, match="0 push request"):
        await bare_service.wait_for(1, timeout_s=0.05)


async def test_an_unreadable_vapid_header_is_noted_not_a_crash(bare_service: PushService) -> None:
    endpoint = bare_service.subscribe()["endpoint"]
    async with httpx.AsyncClient() as client:
        response = await client.post(
            endpoint, content=b"x", headers={"Authorization": "vapid t=garbage", "TTL": "60"}
        )
    assert response.status_code == 400
    assert any("VAPID" in problem for problem in bare_service.problems), bare_service.problems
