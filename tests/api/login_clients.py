"""Browsers at chosen client addresses, for the sign-in limit tests (which count per IP)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
from litestar import Litestar

from tests.conftest import ApiClient

BrowserAt = Callable[[str], ApiClient]


@asynccontextmanager
async def browsers(app: Litestar) -> AsyncIterator[BrowserAt]:
    """`browser_at("10.0.0.7")`: a new browser whose requests come from that address."""
    opened: list[httpx.AsyncClient] = []

    def browser_at(ip: str) -> ApiClient:
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(ip, 50_000)),
            base_url="http://testserver.local",
        )
        opened.append(http)
        return ApiClient(http)

    try:
        yield browser_at
    finally:
        for http in opened:
            await http.aclose()
