"""Browser tests: Playwright driving Debian's Chromium against the real `afterline serve`.

Each test gets its own server on a fresh database: a temp dir, `afterline migrate`, then
`afterline serve --no-scheduler` on a free port, torn down after the test. The database is
always SQLite, also in `make test`'s PostgreSQL run (`AFTERLINE_TEST_DATABASE_URL` is
ignored here): these tests exercise the browser and the PWA, and the API's behaviour on
PostgreSQL is covered by the rest of the suite.

The PWA must be built first (`cd frontend && npm run build`; `make test` does it): without
`frontend/dist/index.html` the tests fail, they never skip. Chromium comes from Debian
(`make tools` installs it); `playwright install` is never used.

Fixtures: `server` (a `support.Server`), `browser`, and the pages `phone` (360x740 at 2x,
mobile, touch) and `desktop` (1280x800). Every console error and uncaught exception on a page
fails its test at teardown unless the test allowed it with `support.allow_console_error`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.e2e.support import (
    BIN,
    CHROMIUM,
    CHROMIUM_ARGS,
    CLOCK,
    DIST_INDEX,
    REPO,
    WATCHES,
    ConsoleWatch,
    Server,
    on_the_tests_clock,
)
from tests.serving import free_port, server_env, wait_healthy

SERVER_START_SECONDS = 30.0
# Playwright's defaults (30 s actions, 5 s assertions) are generous for a local server, but
# `make test` runs the PostgreSQL pass beside this one on a 2-core machine: an assertion
# waits (on the page's state, never a fixed time) up to 15 s too.
ACTION_TIMEOUT_MS = 15_000
expect.set_options(timeout=ACTION_TIMEOUT_MS)


def _require_built_frontend() -> None:
    if not DIST_INDEX.is_file():
        pytest.fail(
            f"{DIST_INDEX.relative_to(REPO)} is missing: build the PWA first "
            "(`cd frontend && npm ci && npm run build`, or `make frontend`)",
            pytrace=False,
        )


@pytest.fixture
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    _require_built_frontend()
    port = free_port()
    # Tests marked `by_name` reach it as localhost: WebAuthn needs a domain, not an address.
    by_name = request.node.get_closest_marker("by_name") is not None
    base_url = f"http://{'localhost' if by_name else '127.0.0.1'}:{port}"
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}"
    # The tests' clock (support.CLOCK): the server reads the same moved system time.
    offset = str(CLOCK.offset.total_seconds())
    env = server_env(tmp_path / "data", base_url, database_url, AFTERLINE_CLOCK_OFFSET=offset)
    srv = Server(
        base_url=base_url,
        database_url=env["DATABASE_URL"],
        db_path=tmp_path / "e2e.db",
        env=env,
        log_path=tmp_path / "server.log",
    )
    srv.afterline("migrate")
    command = [str(BIN / "afterline"), "serve", "--no-scheduler"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with srv.log_path.open("wb") as log:
        proc = subprocess.Popen(
            command,
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, srv.log_path, SERVER_START_SECONDS)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium (`make tools`, or "
            "`apt-get install -y chromium`)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _watched_page(context: BrowserContext, name: str) -> Iterator[Page]:
    on_the_tests_clock(context)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    watch = ConsoleWatch(page, name)
    WATCHES[page] = watch
    try:
        yield page
    finally:
        context.close()
        WATCHES.pop(page, None)
    unexplained = watch.unexplained()
    assert not unexplained, f"console errors on the {name} page:\n" + "\n".join(unexplained)


@pytest.fixture
def phone(browser: Browser, server: Server) -> Iterator[Page]:
    """A phone-sized page (360x740 CSS px at 2x, mobile viewport, touch)."""
    context = browser.new_context(
        base_url=server.base_url,
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    yield from _watched_page(context, "phone")


@pytest.fixture
def desktop(browser: Browser, server: Server) -> Iterator[Page]:
    """A desktop-sized page (1280x800)."""
    context = browser.new_context(
        base_url=server.base_url,
        viewport={"width": 1280, "height": 800},
        locale="en-GB",
        timezone_id="Europe/London",
    )
    yield from _watched_page(context, "desktop")


# The two sizes every screen is looked at and checked at (issue: phone first, desktop too).
SCREEN_SIZES = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture(params=list(SCREEN_SIZES))
def sized(request: pytest.FixtureRequest, browser: Browser, server: Server) -> Iterator[Page]:
    """A page at 390x844 (a phone) or 1280x800 (a desktop); the size is `page.size_name`."""
    context = browser.new_context(
        base_url=server.base_url,
        locale="en-GB",
        timezone_id="Europe/London",
        **SCREEN_SIZES[request.param],  # type: ignore[arg-type]
    )
    for page in _watched_page(context, request.param):
        page.size_name = request.param  # type: ignore[attr-defined]
        yield page
