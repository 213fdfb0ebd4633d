"""A bound on the requests one process works on at once: past it, 503 at once.

One process has one CPU's worth of work to give. Without a bound, 200 connections each get
1/200th of it and every request slows until clients time out (p99 ~8 s at 200 connections
in `afterline bench`); with one, the requests inside it finish at their usual pace and the
rest are told straight away to come back in a second. The PWA retries 5xx answers from its
queue, so a refused check-in is sent again rather than lost.

The counter is a plain integer: the process runs one event loop, and nothing awaits
between the check and the increment. `/api/health` is exempt, so a load balancer does not
take a busy but healthy process out of service, and so is signing in (see `EXEMPT`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

RETRY_AFTER_SECONDS = 1
# Health, and the two routes that run argon2: those already have their own admission (a
# bounded line, 503 with Retry-After past it: api.core.argon2_queue) and wait there without
# using the CPU. Counted here, a storm of wrong passwords would fill every place and turn a
# known device's sign-in away, which that admission exists to prevent.
EXEMPT = frozenset({"/api/health", "/api/auth/login", "/api/auth/accept-invite"})
BUSY_BODY = msgspec.json.encode(
    {"detail": "Afterline is busy right now. Please try again in a moment."}
)


@dataclass
class InFlight:
    """The requests one process is working on, shared by every route's middleware."""

    limit: int
    count: int = 0
    refused: int = 0

    def enter(self) -> bool:
        if self.count >= self.limit:
            self.refused += 1
            return False
        self.count += 1
        return True

    def leave(self) -> None:
        self.count -= 1


class OverloadGuard:
    """ASGI middleware: counts the request in while it runs, or refuses it with 503."""

    def __init__(self, app: ASGIApp, in_flight: InFlight) -> None:
        self.app = app
        self.in_flight = in_flight

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        if not self.in_flight.enter():
            await refuse(send)
            return
        counted = True

        def leave() -> None:
            nonlocal counted
            if counted:
                counted = False
                self.in_flight.leave()

        async def leave_then_send(message: Message) -> None:
            # The place is free once the answer is complete, just before its last bytes are
            # handed over: a client on a kept-alive connection sends its next request as
            # soon as it has them, and while the server waits for the socket to drain (a
            # big answer) that request would find this one still counted and be refused.
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                leave()
            await send(message)

        try:
            # Let every request that arrived with this one reach the count before any of
            # them runs: a handler that never waits (SQLite runs on the loop) would otherwise
            # finish before the next one is counted, and the queue would build up unseen in
            # the loop's ready list, where nothing refuses it.
            await asyncio.sleep(0)
            await self.app(scope, receive, leave_then_send)
        finally:
            leave()


async def refuse(send: Send) -> None:
    """503 with `Retry-After`, before the request body is read: refusing costs next to
    nothing, which is the point."""
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(BUSY_BODY)).encode()),
                (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": BUSY_BODY, "more_body": False})
