"""The journeys of the PWA issue, end to end in a real browser on a fresh database.

(a) A practitioner signs in, adds a patient and records a session; the patient accepts the
invitation on a phone, checks in and sees the recovery chart; the practitioner sees the
patient in the list and the check-in on their timeline.
(b) A check-in saved offline is queued, and sent exactly once when the phone is back online.
(c) Screenshots of Today, the recovery chart and the practitioner's list, phone and desktop.

SQLite only, whatever `AFTERLINE_TEST_DATABASE_URL` says: see `conftest.py`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.steps import (
    PATIENT_PASSWORD,
    ZONE,
    fill_checkin,
    local_today,
    now_iso,
    patient_with_session,
    sign_in,
)
from tests.e2e.support import (
    PASSWORD,
    Server,
    allow_console_error,
    screenshot,
    wait_for_service_worker_control,
)

# --- steps, as a person does them ------------------------------------------------------------


def add_patient(page: Page, name: str, email: str) -> str:
    """From the patient list: add a patient; the invite link's path (`/#/invite/…`)."""
    page.get_by_role("link", name="Add patient").click()
    expect(page.get_by_role("heading", name="Add patient")).to_be_visible()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Timezone").select_option(ZONE)
    page.get_by_label("Check-in time").fill("19:00")
    page.get_by_role("button", name="Add patient").click()
    invite = page.get_by_label("Invite link")
    expect(invite).to_have_value(re.compile(r"/#/invite/\S+$"))
    url = invite.input_value()
    base = page.evaluate("() => location.origin")
    assert url.startswith(f"{base}/#/invite/"), url
    return url.removeprefix(base)


def record_session(page: Page, performed_on: date) -> None:
    """From the invite panel or the timeline: record a session on the left calf."""
    page.get_by_role("link", name="Record a session").click()
    expect(page.get_by_role("heading", name="Record a session")).to_be_visible()
    page.get_by_label("Session date").fill(performed_on.isoformat())
    page.get_by_label("Left calf").check()
    page.get_by_label("Sclerosant").select_option(label="Polidocanol")
    page.get_by_label("Concentration (%)").fill("0.5")
    page.get_by_label("Volume (ml)").fill("2")
    page.get_by_label("Injections").fill("6")
    page.get_by_role("button", name="Record session").click()


def accept_invite(page: Page, invite_path: str, password: str) -> None:
    page.goto(invite_path)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Set password").click()
    expect(page).to_have_url(re.compile(r"#/today$"))
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()


# --- set-up through the API, for the tests about something else ------------------------------


# --- the journeys ----------------------------------------------------------------------------


def test_practitioner_adds_and_treats_a_patient_who_checks_in(
    desktop: Page, phone: Page, server: Server
) -> None:
    email, password = server.create_practitioner()
    sign_in(desktop, email, password)
    expect(desktop).to_have_url(re.compile(r"#/patients$"))
    expect(desktop.get_by_role("heading", name="Patients", exact=True)).to_be_visible()

    invite_path = add_patient(desktop, "Ann Patel", "ann@example.org")
    treated_on = local_today() - timedelta(days=2)
    record_session(desktop, treated_on)
    expect(desktop.get_by_role("heading", name="Ann Patel")).to_be_visible()

    accept_invite(phone, invite_path, PATIENT_PASSWORD)
    expect(phone.get_by_text(re.compile(r"^Day 2 after your session on"))).to_be_visible()
    fill_checkin(phone)
    phone.get_by_role("button", name="Save check-in").click()
    expect(phone.get_by_role("status").filter(has_text="Saved")).to_be_visible()

    phone.goto("/#/recovery")
    expect(phone.get_by_role("heading", name="My recovery")).to_be_visible()
    charts = phone.get_by_role("region", name="Recovery chart")
    expect(charts.get_by_role("img")).to_have_count(6)
    # A new clinic has no history yet: no usual range to compare with, and it says so.
    expect(charts.get_by_role("listitem").first).to_have_text(
        "Pain: not enough data for a usual range on day 2 yet."
    )

    desktop.goto("/#/patients")
    desktop.get_by_role("link", name="Ann Patel").click()
    expect(desktop.get_by_role("heading", name="Ann Patel")).to_be_visible()
    chart = desktop.get_by_role("region", name="Recovery chart for Ann Patel")
    expect(chart.get_by_role("img")).to_have_count(6)
    checkins = desktop.get_by_role("table", name="Check-ins, newest first")
    expect(checkins.get_by_role("row")).to_have_count(2)  # the header and today's check-in
    sessions = desktop.get_by_role("table", name="Treatment sessions, newest first")
    expect(sessions).to_contain_text("Left calf")
    expect(sessions).to_contain_text("Polidocanol")

    rows = server.query("SELECT local_date, pain, swelling, bruising FROM checkin")
    assert rows == [(local_today().isoformat(), 3, 1, 2)]


def test_a_checkin_saved_offline_is_sent_once_when_back_online(phone: Page, server: Server) -> None:
    _, email = patient_with_session(server)
    sign_in(phone, email, PATIENT_PASSWORD)
    expect(phone.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    wait_for_service_worker_control(phone)
    expect(phone.get_by_role("button", name="Save check-in")).to_be_visible()

    # The browser logs the PUT that fails while offline.
    allow_console_error(phone, r"Failed to load resource: net::ERR_\w+ \(.*/api/me/checkins/")
    phone.context.set_offline(True)
    fill_checkin(phone)
    phone.get_by_role("button", name="Save check-in").click()
    # Today's done state, saying where the check-in is.
    done = phone.get_by_role("region", name="Checked in for today")
    expect(done.get_by_role("status")).to_have_text(
        "Saved on this phone — it will be sent when you're back online."
    )
    assert server.query("SELECT count(*) FROM checkin") == [(0,)]

    today = local_today().isoformat()
    phone.context.set_offline(False)
    # The queue is sent on the `online` event and the status says it has gone.
    expect(done.get_by_role("status")).to_have_text("Sent to the clinic.")

    assert server.query("SELECT local_date, count(*) FROM checkin GROUP BY local_date") == [
        (today, 1)
    ]
    phone.reload()
    expect(phone.get_by_role("heading", name="Checked in for today")).to_be_visible()
    expect(phone.get_by_role("button", name="Save check-in")).to_have_count(0)
    assert server.query("SELECT count(*) FROM checkin") == [(1,)]


def test_screenshots_of_today_the_chart_and_the_patient_list(
    phone: Page, desktop: Page, server: Server
) -> None:
    patient, email = patient_with_session(server, days_ago=6)
    now = now_iso()
    for days_ago, pain, grade in ((5, 6, 2), (4, 5, 2), (3, 4, 1), (2, 3, 1), (1, 2, 0)):
        day = (local_today() - timedelta(days=days_ago)).isoformat()
        scores = {s: grade for s in ("swelling", "bruising", "discolouration", "hardening")}
        patient.call(
            "PUT",
            f"/api/me/checkins/{day}",
            {"pain": pain, "itching": 0, "recorded_at": now, **scores},
        )
    patient.close()

    for size, page in (("phone", phone), ("desktop", desktop)):
        sign_in(page, email, PATIENT_PASSWORD)
        expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Save check-in")).to_be_visible()
        screenshot(page, f"journey-today-{size}")  # test_today.py keeps today-{size}
        page.goto("/#/recovery")
        charts = page.get_by_role("region", name="Recovery chart")
        expect(charts.get_by_role("img")).to_have_count(6)
        expect(charts.locator("[aria-busy='true']")).to_have_count(0)  # drawn
        screenshot(page, f"recovery-ann-{size}")

    practitioner = ("dr.ward@example.org", PASSWORD)
    for size, page in (("phone", phone), ("desktop", desktop)):
        sign_in(page, *practitioner)
        expect(page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="Ann Patel")).to_be_visible()
        screenshot(page, f"patients-{size}")
