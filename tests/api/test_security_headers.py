"""Security headers on every response, no-store on the API, and no docs page in production.

The CSP is also checked against the real PWA by the browser tests, which fail on any
console error (a CSP violation is one); here it is pinned directive by directive.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from litestar import Litestar, Response, get
from litestar.testing import TestClient

from api.app import COMPRESSION, create_app, frontend_router
from api.core.clock import FrozenClock
from api.core.db import Database
from api.core.headers import security_headers
from api.core.settings import Settings
from tests.conftest import World, checkin_body, session_body

TREATED_ON = date(2026, 3, 2)
DOCS_PAGES = ("/schema/swagger", "/schema/redoc", "/schema/elements", "/schema/rapidoc")


def csp(response: httpx.Response) -> dict[str, list[str]]:
    """The Content-Security-Policy as directive -> sources."""
    policy = response.headers["content-security-policy"]
    directives = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def assert_common_headers(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert csp(response)["frame-ancestors"] == ["'none'"]


def assert_pwa_csp(response: httpx.Response) -> None:
    policy = csp(response)
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["worker-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    every_source = {source for sources in policy.values() for source in sources}
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "https:"} & every_source
    # data: only for images (the QR code's SVG), never for scripts, styles or anything else.
    assert not any("data:" in sources for name, sources in policy.items() if name != "img-src")


@pytest.fixture
async def production(
    settings: Settings, clock: FrozenClock, db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(dataclasses.replace(settings, env="production"), clock=clock, db=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://afterline.test") as http:
        yield http


async def test_every_api_response_is_no_store(world: World) -> None:
    doctor = await world.practitioner()
    patient_id, patient = await world.patient(doctor, sessions=(TREATED_ON,))
    stranger = await world.client()
    patient_paths = ("/api/me/today", "/api/me/timeline", "/api/me/checkins", "/api/auth/me")
    doctor_paths = (
        "/api/patients",
        f"/api/patients/{patient_id}/timeline",
        f"/api/patients/{patient_id}/checkins",
        f"/api/patients/{patient_id}/export.fhir.json",
        f"/api/patients/{patient_id}/export.csv",
        "/api/alerts",
    )
    answers = [
        (await patient.put("/api/me/checkins/2026-03-10", json=checkin_body()), 201),
        *[(await patient.get(path), 200) for path in patient_paths],
        *[(await doctor.get(path), 200) for path in doctor_paths],
        (
            await doctor.post(
                f"/api/patients/{patient_id}/sessions", json=session_body(date(2026, 3, 9))
            ),
            201,
        ),
        # Errors too: an id out of reach, no session, a value out of range.
        (await doctor.get("/api/patients/00000000-0000-0000-0000-000000000000"), 404),
        (await stranger.get("/api/me/today"), 401),
        (await patient.put("/api/me/checkins/2026-03-10", json={"pain": 99}), 422),
    ]
    for response, status in answers:
        assert response.status_code == status, (response.request.url, response.text)
        assert response.headers["cache-control"] == "no-store", response.request.url
        assert_common_headers(response)
        assert_pwa_csp(response)


@get("/api/cached", sync_to_thread=False)
def cached() -> Response[dict[str, str]]:
    """A route that asks to be cached: the API's no-store wins over it."""
    return Response({"ok": "yes"}, headers={"Cache-Control": "public, max-age=600"})


def test_no_store_overrides_what_an_api_route_sets(settings: Settings) -> None:
    app = Litestar(route_handlers=[cached], before_send=[security_headers(settings)])
    with TestClient(app) as http:
        response = http.get("/api/cached")
    assert response.status_code == 200
    assert response.headers.get_list("cache-control") == ["no-store"]


def built(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><script type=module src=/assets/a.js>")
    (dist / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    (dist / "assets" / "index-AbC123.js").write_text("export const calm = true;")
    return dist


def test_the_pwa_gets_the_strict_csp_and_keeps_its_caching(
    tmp_path: Path, settings: Settings
) -> None:
    app = Litestar(
        route_handlers=frontend_router(built(tmp_path)),
        compression_config=COMPRESSION,
        before_send=[security_headers(settings)],
    )
    with TestClient(app) as http:
        page, worker = http.get("/"), http.get("/sw.js")
        asset = http.get("/assets/index-AbC123.js")
    for response in (page, worker, asset):
        assert response.status_code == 200
        assert_common_headers(response)
        assert_pwa_csp(response)
    assert page.headers["cache-control"] == "no-cache"
    assert worker.headers["cache-control"] == "no-cache"
    assert asset.headers["cache-control"] == "max-age=31536000, public, immutable"
    assert "strict-transport-security" not in page.headers


async def test_paths_no_route_answers_carry_the_headers_too(world: World) -> None:
    browser = await world.client()
    missing = await browser.get("/no-such-page")
    refused = await browser.http.post("/api/auth/login", json={})  # no CSRF token
    assert (missing.status_code, refused.status_code) == (404, 403)
    for response in (missing, refused):
        assert_common_headers(response)
        assert_pwa_csp(response)
    assert refused.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in missing.headers


async def test_production_adds_hsts_everywhere(production: httpx.AsyncClient) -> None:
    for path in ("/api/health", "/no-such-page", "/schema/openapi.json", "/api/patients"):
        response = await production.get(path)
        assert response.headers["strict-transport-security"] == (
            "max-age=63072000; includeSubDomains"
        ), path
        assert_common_headers(response)
        assert_pwa_csp(response)


async def test_production_serves_the_openapi_json_and_no_docs_page(
    production: httpx.AsyncClient,
) -> None:
    described = await production.get("/schema/openapi.json")
    assert described.status_code == 200
    assert described.json()["info"]["title"] == "Afterline API"
    assert any(path.startswith("/api/me/checkins") for path in described.json()["paths"])
    root = await production.get("/schema")
    assert root.status_code == 200
    assert root.json()["openapi"].startswith("3.")
    for page in DOCS_PAGES:
        response = await production.get(page)
        assert response.status_code == 404, page
        assert b"<script" not in response.content, page
        assert_pwa_csp(response)


async def test_development_keeps_swagger_under_its_own_csp(world: World) -> None:
    browser = await world.client()
    docs = await browser.get("/schema/swagger")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.text
    policy = csp(docs)
    assert policy["frame-ancestors"] == ["'none'"]
    assert "https://cdn.jsdelivr.net" in policy["script-src"]
    # Only the docs page: the JSON beside it and everything else keep the PWA's policy.
    assert_pwa_csp(await browser.get("/schema/openapi.json"))
    assert (await browser.get("/schema/redoc")).status_code == 404
