"""The built PWA is served at `/` beside the API (`make test` builds it before pytest)."""

from __future__ import annotations

import json

from api.app import FRONTEND_DIST
from tests.conftest import World


async def test_the_app_shell_manifest_and_service_worker_are_served(world: World) -> None:
    assert (FRONTEND_DIST / "index.html").exists(), "build the PWA first: make frontend"
    browser = await world.client()
    shell = await browser.get("/")
    assert shell.status_code == 200
    assert shell.headers["content-type"].startswith("text/html")
    assert '<div id="app"' in shell.text

    manifest = await browser.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    data = json.loads(manifest.text)
    assert (data["name"], data["display"], data["start_url"]) == ("Afterline", "standalone", "/#/")
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in data["icons"]:
        image = await browser.get("/" + icon["src"])
        assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"

    worker = await browser.get("/sw.js")
    assert worker.status_code == 200
    assert "javascript" in worker.headers["content-type"]


async def test_the_api_is_untouched_by_the_static_files(world: World) -> None:
    browser = await world.client()
    assert (await browser.get("/api/auth/me")).status_code == 401
    missing = await browser.get("/api/no-such-route")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/json"
