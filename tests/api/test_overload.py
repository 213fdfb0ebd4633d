"""The overload guard: past the limit, a request is refused at once with 503 and Retry-After.

Deterministic, no sleeps: a test route holds each request it admits until the test releases
it, so the test knows exactly how many are in flight when it sends the next one. Every wait
has a timeout, so a request the guard fails to refuse fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from litestar import Litestar, get
from litestar.exceptions import HTTPException
from litestar.handlers import HTTPRouteHandler
from litestar.types import Message, Receive, Scope, Send

from api.app import CSRF_COOKIE, CSRF_HEADER, create_app
from api.core.clock import FrozenClock
from api.core.db import Database
from api.core.overload import InFlight, OverloadGuard
from api.core.settings import DEFAULT_MAX_CONCURRENCY, Settings, SettingsError, load_settings
from tests.conftest import PASSWORD

LIMIT = 3
WAIT = 5.0  # seconds; far more than any answer here needs


class Hold:
    """Counts the requests the held route admitted and keeps them until `release`."""

    def __init__(self, expected: int, path: str) -> None:
        self.expected = expected
        self.path = path
        self.inside = 0
        self.all_inside = asyncio.Event()
        self.release = asyncio.Event()

    def route(self) -> HTTPRouteHandler:
        @get(self.path, exclude_from_auth=True)
        async def held() -> dict[str, int]:
            self.inside += 1
            if self.inside == self.expected:
                self.all_inside.set()
            await self.release.wait()
            return {"inside": self.inside}

        return held


@get("/api/test/broken", exclude_from_auth=True, sync_to_thread=False)
def broken() -> None:
    raise HTTPException(status_code=500, detail="broken on purpose")


@pytest.fixture
def app(settings: Settings, clock: FrozenClock, db: Database) -> Litestar:
    limited = dataclasses.replace(settings, max_concurrency=LIMIT)
    return create_app(settings=limited, clock=clock, db=db)


@pytest.fixture
async def http(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        yield c


async def fill(
    app: Litestar, http: httpx.AsyncClient, path: str = "/api/test/held"
) -> tuple[Hold, list[asyncio.Task[httpx.Response]]]:
    """LIMIT requests held inside the app at `path`; returns once all of them are in."""
    hold = Hold(expected=LIMIT, path=path)
    app.register(hold.route())
    tasks = [asyncio.create_task(http.get(path)) for _ in range(LIMIT)]
    await asyncio.wait_for(hold.all_inside.wait(), WAIT)
    return hold, tasks


async def test_the_limit_admits_exactly_that_many_and_refuses_the_next_at_once(
    app: Litestar, http: httpx.AsyncClient
) -> None:
    hold, held = await fill(app, http)
    refused = await asyncio.wait_for(http.get("/api/test/held"), WAIT)
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert refused.headers["content-type"] == "application/json"
    assert refused.json() == {
        "detail": "Afterline is busy right now. Please try again in a moment."
    }
    # The security headers hook sees the refusal too.
    assert refused.headers["cache-control"] == "no-store"
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert hold.inside == LIMIT  # the refused request never reached the route
    hold.release.set()
    answers = await asyncio.wait_for(asyncio.gather(*held), WAIT)
    assert [answer.status_code for answer in answers] == [200] * LIMIT


async def test_every_route_is_bounded_but_health_and_signing_in(
    app: Litestar, http: httpx.AsyncClient
) -> None:
    hold, held = await fill(app, http)
    page = await asyncio.wait_for(http.get("/api/me/today"), WAIT)
    logout = await asyncio.wait_for(http.post("/api/auth/logout"), WAIT)
    assert (page.status_code, logout.status_code) == (503, 503)
    health = await asyncio.wait_for(http.get("/api/health"), WAIT)
    assert health.status_code == 200
    # Sign-in has its own admission (the argon2 line): the guard lets it through, so it is
    # answered by the route (here: CSRF first, then a wrong password), never the guard's 503.
    token = health.cookies[CSRF_COOKIE]
    for path, body in (
        ("/api/auth/login", {"email": "nobody@example.test", "password": PASSWORD}),
        ("/api/auth/accept-invite", {"token": "not-a-token", "password": PASSWORD}),
    ):
        response = await asyncio.wait_for(
            http.post(path, json=body, headers={CSRF_HEADER: token}), WAIT
        )
        assert response.status_code not in {403, 503}, (path, response.status_code)
        assert 400 <= response.status_code < 500, (path, response.text)
    hold.release.set()
    await asyncio.wait_for(asyncio.gather(*held), WAIT)


async def test_a_finished_request_frees_its_place(app: Litestar, http: httpx.AsyncClient) -> None:
    hold, held = await fill(app, http)
    hold.release.set()
    await asyncio.wait_for(asyncio.gather(*held), WAIT)
    # LIMIT in flight again: possible only if every earlier place was given back...
    again, held_again = await fill(app, http, "/api/test/held-again")
    # ... and no more than LIMIT.
    refused = await asyncio.wait_for(http.get("/api/test/held"), WAIT)
    assert refused.status_code == 503
    again.release.set()
    answers = await asyncio.wait_for(asyncio.gather(*held_again), WAIT)
    assert [answer.status_code for answer in answers] == [200] * LIMIT


async def test_a_failed_request_frees_its_place_too(app: Litestar, http: httpx.AsyncClient) -> None:
    app.register(broken)
    for _ in range(LIMIT + 2):
        response = await asyncio.wait_for(http.get("/api/test/broken"), WAIT)
        assert response.status_code == 500
    hold, held = await fill(app, http)  # all LIMIT places are free again
    assert hold.inside == LIMIT
    hold.release.set()
    await asyncio.wait_for(asyncio.gather(*held), WAIT)


async def test_a_burst_is_bounded_even_when_no_request_ever_waits() -> None:
    """Requests that arrive together are all counted before any of them runs: a handler that
    never awaits (SQLite runs on the event loop) cannot hide the queue behind it."""
    started: list[int] = []
    statuses: list[int] = []

    async def never_waits(scope: Scope, receive: Receive, send: Send) -> None:
        started.append(len(started))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def record(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    in_flight = InFlight(LIMIT)
    guard = OverloadGuard(never_waits, in_flight)
    scope = {"type": "http", "path": "/api/me/today", "method": "GET", "headers": []}
    burst = [guard(dict(scope), receive, record) for _ in range(LIMIT + 2)]  # type: ignore[arg-type]
    await asyncio.wait_for(asyncio.gather(*burst), WAIT)
    assert len(started) == LIMIT
    assert sorted(statuses) == [200] * LIMIT + [503, 503]
    assert (in_flight.count, in_flight.refused) == (0, 2)


async def test_the_place_is_free_before_the_last_bytes_go_out() -> None:
    """A kept-alive client sends its next request as soon as it has the answer; while the
    server still waits to hand the last bytes to the socket, that request must find the
    place free (a limit of one, and one client, is never refused)."""
    in_flight = InFlight(1)
    count_at_last_bytes: list[int] = []

    async def answers(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
        await send({"type": "http.response.body", "body": b"}"})

    async def socket(message: Message) -> None:
        if message["type"] == "http.response.body":
            count_at_last_bytes.append(in_flight.count)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "path": "/api/me/today", "method": "GET", "headers": []}
    await OverloadGuard(answers, in_flight)(scope, receive, socket)  # type: ignore[arg-type]
    assert count_at_last_bytes == [1, 0]
    assert (in_flight.count, in_flight.refused) == (0, 0)


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "AFTERLINE_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'afterline.db'}",
        **extra,
    }


def test_the_limit_is_a_setting(tmp_path: Path) -> None:
    assert load_settings(environment(tmp_path)).max_concurrency == DEFAULT_MAX_CONCURRENCY == 32
    chosen = environment(tmp_path, AFTERLINE_MAX_CONCURRENCY="8")
    assert load_settings(chosen).max_concurrency == 8


@pytest.mark.parametrize("value", ["0", "-4", "many", "2.5"])
def test_a_limit_that_is_not_a_positive_number_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(SettingsError, match="AFTERLINE_MAX_CONCURRENCY"):
        load_settings(environment(tmp_path, AFTERLINE_MAX_CONCURRENCY=value))
