"""Steps the browser tests share: signing in, filling a check-in, API set-up."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.support import CLOCK, ZONE, ApiClient, Server

PATIENT_PASSWORD = "a long patient password"
# The check-in the patient makes in these tests: radiogroup name → option label.
CHECKIN = {
    "Pain": "3",
    "Swelling": "Mild",
    "Bruising": "Moderate",
    "Brown marks": "None",
    "Firm lumps": "None",
    "Itching": "Mild",
}


def local_today() -> date:
    """Today for the patients of these tests, as the server and the browser see it: by the
    tests' one clock (`support.CLOCK`), which the server and every browser start from."""
    return CLOCK.now().astimezone(ZoneInfo(ZONE)).date()


def now_iso() -> str:
    """The present instant by the tests' clock, as a `recorded_at`."""
    return CLOCK.now().isoformat()


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/#/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def fill_checkin(page: Page, answers: dict[str, str] = CHECKIN) -> None:
    for group, option in answers.items():
        radiogroup = page.get_by_role("radiogroup", name=group, exact=True)
        radiogroup.get_by_role("radio", name=option, exact=True).check()


def patient_with_session(server: Server, days_ago: int | None = 4) -> tuple[ApiClient, str]:
    """A practitioner, and a patient treated `days_ago` days ago (no session at all when
    None) who has accepted the invitation; (the patient's API client, their email)."""
    email, password = server.create_practitioner()
    clinic = ApiClient(server.base_url).sign_in(email, password)
    patient = clinic.call(
        "POST",
        "/api/patients",
        {"name": "Ann Patel", "email": "ann@example.org", "timezone": ZONE},
    )
    if days_ago is not None:
        performed_on = local_today() - timedelta(days=days_ago)
        clinic.call(
            "POST",
            f"/api/patients/{patient['id']}/sessions",
            {
                "performed_on": performed_on.isoformat(),
                "areas": ["leg_left_calf", "leg_right_calf"],
                "sclerosant": "polidocanol",
                "concentration_pct": 0.5,
                "volume_ml": 2.0,
                "injections": 6,
            },
        )
    clinic.close()
    me = ApiClient(server.base_url)
    me.call(
        "POST",
        "/api/auth/accept-invite",
        {"token": patient["invite_token"], "password": PATIENT_PASSWORD},
    )
    return me, "ann@example.org"


def sign_out(page: Page) -> None:
    """From any signed-in screen: More, then Sign out; back to the sign-in screen."""
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="More").click()
    nav.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def open_account(page: Page) -> None:
    """From any signed-in screen: More, then Account and security."""
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="More").click()
    nav.get_by_role("link", name="Account and security").click()
    expect(page.get_by_role("heading", name="Account and security", level=1)).to_be_visible()
