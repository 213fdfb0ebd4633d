"""Clinical safety in the browser: warning-sign advice, alerts, the demo clinic's band.

(a) A patient ticks a warning sign: the advice to call the clinic (with its number) appears
at once, then emergency advice for chest pain; the practitioner sees the patient first in
the list with an urgent alert, and acknowledges it with a note.
(b) The demo clinic: its worsening patient (Farid) heads the list with an urgent alert, and
his recovery chart draws the clinic's expected-course band, for him and for the clinic.

SQLite only, whatever `AFTERLINE_TEST_DATABASE_URL` says: see `conftest.py`.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.steps import PATIENT_PASSWORD, fill_checkin, patient_with_session, sign_in
from tests.e2e.support import PASSWORD, ApiClient, Server, allow_console_error, screenshot

CLINIC_PHONE = "+44 20 7946 0000"
DEMO_PRACTITIONER = ("practitioner@demo.afterline.test", "demo-practitioner")
DEMO_FARID = ("farid@demo.afterline.test", "demo-patient-pass")


def test_a_warning_sign_shows_advice_and_raises_an_urgent_alert(
    phone: Page, desktop: Page, server: Server
) -> None:
    patient, email = patient_with_session(server, days_ago=4)
    patient.close()
    clinic = ApiClient(server.base_url).sign_in("dr.ward@example.org", PASSWORD)
    clinic.call("PATCH", "/api/clinic", {"phone": CLINIC_PHONE})
    clinic.close()

    sign_in(phone, email, PATIENT_PASSWORD)
    expect(phone.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    fill_checkin(phone)
    # Scoped to the check-in: Today's "Report a warning sign" has the same six boxes.
    checkin = phone.locator("form.checkin")
    checkin.get_by_label("Calf or whole-leg swelling with pain").check()
    phone.get_by_role("button", name="Save check-in").click()
    advice = phone.get_by_role("alert").filter(has_text="Contact the clinic today")
    expect(advice).to_be_visible()
    expect(advice).to_be_focused()
    call = advice.get_by_role("link", name=f"Call {CLINIC_PHONE}")
    expect(call).to_have_attribute("href", "tel:+442079460000")
    screenshot(phone, "advice-contact-clinic-phone")

    # Saved: Today's done state leads with the advice; Edit reopens the day's answers.
    expect(phone.get_by_role("heading", name="Checked in for today")).to_be_visible()
    phone.get_by_role("button", name="Edit").click()
    checkin.get_by_label("Chest pain or breathlessness").check()
    phone.get_by_role("button", name="Save check-in").click()
    emergency = phone.get_by_role("alert").filter(has_text="Call emergency services now")
    expect(emergency).to_be_visible()
    expect(phone.get_by_role("alert").filter(has_text="Contact the clinic today")).to_have_count(0)
    screenshot(phone, "advice-emergency-phone")

    sign_in(desktop, "dr.ward@example.org", PASSWORD)
    first = desktop.locator("#patient-table tbody tr").first
    expect(first).to_contain_text("Ann Patel")
    # Her status in words, the emergency sign first (the signs in the vocabulary's order).
    expect(first.locator(".status-tag")).to_have_text(
        "Urgent: chest pain or breathlessness and calf or whole-leg swelling with pain"
    )
    # The tab's name carries its count of open urgent alerts: "Alerts, 1 open urgent".
    desktop.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Alerts\b")
    ).click()
    item = desktop.locator(".alert-list > li").first
    expect(item).to_contain_text("Warning sign")
    expect(item).to_contain_text("Chest pain or breathlessness")
    screenshot(desktop, "alerts-desktop")
    # The note is optional and behind its own button: no text box until asked for.
    expect(item.get_by_label("Note (optional): what you did")).to_be_hidden()
    item.get_by_role("button", name="Add a note").click()
    item.get_by_label("Note (optional): what you did").fill("Phoned Ann: sent to A&E.")
    item.get_by_role("button", name="Acknowledge").click()
    expect(item.get_by_role("status")).to_have_text("Acknowledged.")
    # It leaves the open list once the few seconds for Undo are over.
    expect(desktop.get_by_text("No open alerts.")).to_be_visible()
    assert server.query("SELECT status, note FROM alert WHERE rule = 'warning_sign'") == [
        ("acknowledged", "Phoned Ann: sent to A&E.")
    ]


def test_the_demo_clinic_puts_farid_first_and_draws_the_band(
    phone: Page, desktop: Page, server: Server
) -> None:
    server.afterline("seed-demo")

    sign_in(desktop, *DEMO_PRACTITIONER)
    first = desktop.locator("#patient-table tbody tr").first
    expect(first).to_contain_text("Farid Haddad")
    expect(first.locator(".status-tag")).to_have_text(
        "Urgent: calf or whole-leg swelling with pain"
    )
    screenshot(desktop, "demo-patients-desktop")
    first.get_by_role("link", name="Farid Haddad").click()
    alerts = desktop.get_by_role("region", name="Open alerts")
    expect(alerts.locator("li").filter(has_text="Warning sign")).to_be_visible()
    chart = desktop.get_by_role("region", name="Recovery chart for Farid Haddad")
    expect(chart.get_by_role("img")).to_have_count(6)
    assert int(chart.get_attribute("data-band-points") or "0") > 0
    # The same words as Farid reads: his pain is above the clinic's usual range.
    expect(chart.get_by_text("Pain: higher than usual since")).to_be_visible()
    screenshot(desktop, "demo-farid-timeline-desktop")

    allow_console_error(phone, r"status of 401")  # the signed-out page asks who is signed in
    sign_in(phone, *DEMO_FARID)
    expect(phone.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    phone.get_by_role("link", name="My recovery").click()
    band = phone.get_by_role("region", name="Recovery chart")
    expect(band.get_by_role("img")).to_have_count(6)
    expect(band.locator("[aria-busy='true']")).to_have_count(0)  # drawn
    assert int(band.get_attribute("data-band-points") or "0") > 0
    screenshot(phone, "demo-farid-recovery-phone")
