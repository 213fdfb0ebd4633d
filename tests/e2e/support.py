"""Helpers for the browser tests: the server under test, console watching, API set-up.

The fixtures that use these live in `conftest.py`; tests import the helpers from here.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import subprocess
from collections.abc import Sequence
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import BrowserContext, ConsoleMessage, Page

from api.core.clock import ShiftedClock

REPO = Path(__file__).resolve().parents[2]
BIN = REPO / ".venv" / "bin"
DIST_INDEX = REPO / "frontend" / "dist" / "index.html"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"
ZONE = "Europe/London"
# The one clock of the browser tests: this machine's clock moved to noon in the patients'
# zone on the day the run starts, running at real speed. Every server reads the same
# (`AFTERLINE_CLOCK_OFFSET`) and every browser starts from it (`context.clock.install`), so
# the server, the test and the browser agree on the patients' date however long the run
# takes and whenever it starts: no test straddles their midnight.
_NOW = datetime.now(ZoneInfo(ZONE))
CLOCK = ShiftedClock(datetime.combine(_NOW.date(), time(12), tzinfo=ZoneInfo(ZONE)) - _NOW)

CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "X-CSRFToken"


def on_the_tests_clock(context: BrowserContext) -> BrowserContext:
    """The browser's `Date` and timers start from `CLOCK`'s present and run at real speed
    (install it before the first page opens)."""
    context.clock.install(time=CLOCK.now())
    return context


@dataclasses.dataclass
class Server:
    """A running `afterline serve` on its own fresh SQLite database."""

    base_url: str
    database_url: str
    db_path: Path
    env: dict[str, str]
    log_path: Path

    def afterline(self, *args: str, stdin: str | None = None) -> str:
        """Run the `afterline` CLI against this server's database (and clock); its stdout."""
        done = subprocess.run(
            [str(BIN / "afterline"), *args],
            input=stdin,
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(
                f"afterline {' '.join(args)} exited {done.returncode}:\n{done.stdout}{done.stderr}"
            )
        return done.stdout

    def create_practitioner(
        self,
        email: str = "dr.ward@example.org",
        name: str = "Dr Ward",
        clinic: str = "Harbour Vein Clinic",
        password: str = PASSWORD,
    ) -> tuple[str, str]:
        """`afterline create-practitioner … --password-stdin`; returns (email, password)."""
        self.afterline(
            "create-practitioner",
            "--email",
            email,
            "--name",
            name,
            "--clinic",
            clinic,
            "--password-stdin",
            stdin=password + "\n",
        )
        return email, password

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Read the server's database directly (read-only)."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        try:
            return conn.execute(sql, tuple(params)).fetchall()
        finally:
            conn.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class ApiClient:
    """The JSON API as a signed-in user sees it: session cookie plus the CSRF echo."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.http.get("/api/health").raise_for_status()

    def _headers(self) -> dict[str, str]:
        return {CSRF_HEADER: self.http.cookies.get(CSRF_COOKIE) or ""}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(method, path, json=body, headers=self._headers())
        if response.is_error:
            raise AssertionError(
                f"{method} {path} answered {response.status_code}: {response.text}"
            )
        return response.json() if response.content else None

    def sign_in(self, email: str, password: str) -> ApiClient:
        self.call("POST", "/api/auth/login", {"email": email, "password": password})
        return self

    def close(self) -> None:
        self.http.close()


class ConsoleWatch:
    """Every console error and uncaught exception of one page; none may be left unexplained.

    A test that provokes an error on purpose (a 401 for a wrong password, a failed request
    while offline) says so with `allow(pattern)`; anything else fails the test at teardown.
    """

    def __init__(self, page: Page, name: str) -> None:
        self.name = name
        self.errors: list[str] = []
        self.allowed: list[re.Pattern[str]] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.errors.append(f"console.error: {message.text} ({where})")

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def unexplained(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


WATCHES: dict[Page, ConsoleWatch] = {}


def allow_console_error(page: Page, pattern: str) -> None:
    """Expect console errors matching `pattern` (a regex) on `page`."""
    WATCHES[page].allow(pattern)


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


AXE_SCRIPT = REPO / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def assert_accessible(page: Page, where: str) -> None:
    """axe-core (pinned in frontend/package.json) on the page as it is now: no violations.

    WCAG 2.0/2.1/2.2 A and AA rules plus axe's best practices; the script is injected once
    per document (a hash route change keeps it).
    """
    if not AXE_SCRIPT.is_file():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run `npm ci` in frontend/")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a <script>: the app's CSP (script-src 'self') refuses inline
        # scripts, and an evaluation from the test driver is not the page's own script.
        page.evaluate("() => {\n" + AXE_SCRIPT.read_text() + "\n}")
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: { type: "tag", values: tags },
            });
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary),
            }));
        }""",
        AXE_TAGS,
    )
    assert not violations, f"axe found violations on {where}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )


# `page.evaluate` has no timeout of its own: a promise that never settles would hang the test.
SERVICE_WORKER_READY_MS = 15_000


def wait_for_service_worker_control(page: Page) -> None:
    """Wait until the service worker is active and controls this page (reloading once)."""
    ready = page.evaluate(
        """(ms) => Promise.race([
            navigator.serviceWorker.ready.then(() => true),
            new Promise((resolve) => setTimeout(() => resolve(false), ms)),
        ])""",
        SERVICE_WORKER_READY_MS,
    )
    assert ready, f"no service worker became active within {SERVICE_WORKER_READY_MS} ms"
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        # clients.claim() in `activate` usually takes the page over already; a reload is
        # the documented way when it has not.
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR; AssertionError when it is not a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR", "PNG without IHDR first"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# The two sizes every new screen is looked at: a phone and a desktop.
LOOK_SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


def screens(page: Page, name: str) -> None:
    """The screen as it is now at 390x844 and at 1280x800: a screenshot of each, nothing
    wider than the screen, and no axe violations; then back to the page's own size."""
    own = page.viewport_size
    assert own is not None
    for size, (width, height) in LOOK_SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}x{height}"
        screenshot(page, f"{name}-{size}")
    page.set_viewport_size(own)
    assert_accessible(page, name)
