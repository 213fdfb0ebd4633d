"""Every screen, as the demo clinic's patients and practitioner see it, at phone and desktop size.

For each screen: it loads (its heading shows), nothing scrolls sideways, axe-core finds no
WCAG 2.0/2.1/2.2 A or AA violation, and a full-page screenshot is saved under
tests/e2e/artifacts as `screen-<who>-<screen>-<size>.png` for a person to look at.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.steps import sign_in
from tests.e2e.support import ApiClient, Server, assert_accessible, screenshot

DEMO_PASSWORD = "demo-patient-pass"
PRACTITIONER = ("practitioner@demo.afterline.test", "demo-practitioner")


def _look(page: Page, who: str, screen: str, heading: str | re.Pattern[str]) -> None:
    """The screen has loaded (its h1), fits the width, is accessible; a screenshot is kept."""
    expect(page.locator("main h1").first).to_have_text(heading)
    # Nothing still loading: no element marked busy.
    expect(page.locator("[aria-busy='true']")).to_have_count(0)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    where = f"{who} {screen} ({page.size_name})"  # type: ignore[attr-defined]
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px"
    assert_accessible(page, where)
    screenshot(page, f"screen-{who}-{screen}-{page.size_name}")  # type: ignore[attr-defined]


def _go(page: Page, hash_path: str) -> None:
    page.evaluate("(path) => { location.hash = path; }", hash_path)


def test_every_patient_screen(sized: Page, server: Server) -> None:
    server.afterline("seed-demo")
    page = sized
    page.goto("/#/sign-in")
    _look(page, "anyone", "sign-in", "Sign in")
    sign_in(page, "farid@demo.afterline.test", DEMO_PASSWORD)
    _look(page, "farid", "today", "Today")
    _go(page, "/history")
    _look(page, "farid", "history", "History")
    page.get_by_role("link", name=re.compile("^Edit")).first.click()
    _look(page, "farid", "edit-day", re.compile("^Check-in for"))
    _go(page, "/recovery")
    expect(page.locator("canvas").first).to_be_visible()
    _look(page, "farid", "recovery", "My recovery")
    _go(page, "/notifications")
    _look(page, "farid", "notifications", "Notifications")
    _go(page, "/screening")
    _look(page, "farid", "screening", re.compile("Health questions"))


def test_a_new_patients_screens(sized: Page, server: Server) -> None:
    """Grace: a week after her first session, health questions not answered yet."""
    server.afterline("seed-demo")
    clinic = ApiClient(server.base_url).sign_in(*PRACTITIONER)
    invited = clinic.call(
        "POST",
        "/api/patients",
        {"name": "Nia Evans", "email": "nia@example.org", "timezone": "Europe/London"},
    )
    page = sized
    page.goto("/" + invited["invite_url"].split("/", 3)[3])
    _look(page, "nia", "invite", re.compile("Welcome|Set up|Create|invite", re.I))
    page.goto("/#/sign-in")
    sign_in(page, "grace@demo.afterline.test", DEMO_PASSWORD)
    _look(page, "grace", "today", "Today")
    _go(page, "/screening")
    _look(page, "grace", "screening", re.compile("Health questions"))


def test_every_practitioner_screen(sized: Page, server: Server) -> None:
    server.afterline("seed-demo")
    page = sized
    sign_in(page, *PRACTITIONER)
    _look(page, "practitioner", "patients", "Patients")
    page.get_by_role("link", name=re.compile("Farid")).first.click()
    expect(page.locator("canvas").first).to_be_visible()
    _look(page, "practitioner", "patient", re.compile("Farid"))
    page.get_by_role("link", name=re.compile("Record a session")).first.click()
    _look(page, "practitioner", "new-session", re.compile("Record a session"))
    _go(page, "/patients/new")
    _look(page, "practitioner", "new-patient", re.compile("Add a patient|Add patient"))
    _go(page, "/alerts")
    _look(page, "practitioner", "alerts", re.compile("Alerts"))
    _go(page, "/clinic")
    _look(page, "practitioner", "clinic", re.compile(".+"))
