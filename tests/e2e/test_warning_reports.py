"""Warning signs are never lost, in the browser: reports on their own, and refused check-ins.

(a) A patient whose clinic has not recorded a session yet opens Today: no symptom form
(it would be refused), a plain word on when check-ins start, and "Report a warning sign".
They report calf swelling with pain, are told the clinic knows, and the practitioner's
Alerts screen shows the urgent alert.
(b) A check-in for a day before the first session is refused, but its warning sign is sent
on its own: the patient sees why the day was not saved and that the clinic has been told;
the practitioner sees one alert listing both days the sign was reported.
(c) Reported offline: the patient is told the clinic does not know yet; back online the
report is sent, and the screen says the clinic has been told.

Every screen these tests visit is checked with axe-core; screenshots at 390x844 and 1280x800
go to `tests/e2e/artifacts/`. SQLite only: see `conftest.py`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.steps import (
    PATIENT_PASSWORD,
    fill_checkin,
    local_today,
    now_iso,
    patient_with_session,
    sign_in,
    sign_out,
)
from tests.e2e.support import (
    ARTIFACTS,
    PASSWORD,
    ApiClient,
    Server,
    allow_console_error,
    assert_accessible,
    screenshot,
    wait_for_service_worker_control,
)

CLINIC_PHONE = "+44 20 7946 0000"
PRACTITIONER = ("dr.ward@example.org", PASSWORD)
SIGN = "Calf or whole-leg swelling with pain"
PHONE_SIZE = {"width": 390, "height": 844}


def set_clinic_phone(server: Server) -> None:
    clinic = ApiClient(server.base_url).sign_in(*PRACTITIONER)
    clinic.call("PATCH", "/api/clinic", {"phone": CLINIC_PHONE})
    clinic.close()


def short(day: date) -> str:
    """How the alert's report list writes a date of this year: "2 Mar"."""
    text = f"{day.day} {day:%b}"
    return text if day.year == local_today().year else f"{text} {day.year}"


def no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def test_a_patient_with_no_session_reports_a_warning_sign_and_the_clinic_sees_it(
    phone: Page, desktop: Page, server: Server
) -> None:
    patient, email = patient_with_session(server, days_ago=None)
    patient.close()
    set_clinic_phone(server)
    phone.set_viewport_size(PHONE_SIZE)

    for size, page in (("desktop", desktop), ("phone", phone)):
        sign_in(page, email, PATIENT_PASSWORD)
        expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
        expect(
            page.get_by_text(
                "Your clinic has not recorded a treatment yet. "
                "Once they do, you'll check in here each day."
            )
        ).to_be_visible()
        # No symptom form: the server would refuse it.
        expect(page.get_by_role("button", name="Save check-in")).to_have_count(0)
        expect(page.get_by_role("radiogroup", name="Pain")).to_have_count(0)
        report = page.get_by_role("region", name="Report a warning sign")
        expect(report.get_by_role("button", name="Send to the clinic")).to_be_visible()
        assert_accessible(page, f"Today with no session ({size})")
        no_sideways_scroll(page)
        page.evaluate("() => document.fonts.ready")
        screenshot(page, f"today-no-session-{size}")

    report = phone.get_by_role("region", name="Report a warning sign")
    report.get_by_label(SIGN).check()
    report.get_by_label("Note (optional)").fill("Left calf, since this morning")
    report.get_by_role("button", name="Send to the clinic").click()
    advice = phone.get_by_role("alert").filter(has_text="Contact the clinic today")
    expect(advice).to_be_visible()
    expect(advice).to_be_focused()
    expect(advice).to_contain_text("The clinic has also been told")
    expect(advice.get_by_role("link", name=f"Call {CLINIC_PHONE}")).to_have_attribute(
        "href", "tel:+442079460000"
    )
    expect(report.get_by_role("status")).to_have_text(f"Sent to the clinic: {SIGN}.")
    expect(report.get_by_label(SIGN)).not_to_be_checked()  # a second press is a new report
    assert_accessible(phone, "Today after a report (phone)")
    screenshot(phone, "today-no-session-reported-phone")
    assert server.query("SELECT warning_signs, note FROM warning_report") == [
        ('["leg_swelling_with_pain"]', "Left calf, since this morning")
    ]
    assert server.query("SELECT count(*) FROM checkin") == [(0,)]

    sign_out(desktop)
    sign_in(desktop, *PRACTITIONER)
    expect(desktop.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
    desktop.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts").click()
    item = desktop.locator(".alert-list > li").first
    expect(item).to_contain_text("Urgent")
    expect(item).to_contain_text("Ann Patel")
    expect(item).to_contain_text("Warning sign")
    expect(item).to_contain_text("Calf or whole-leg swelling with pain")
    expect(item).to_contain_text("The patient's note: “Left calf, since this morning”")
    assert_accessible(desktop, "Alerts (desktop)")


def test_a_refused_checkin_still_sends_its_warning_signs(
    phone: Page, desktop: Page, server: Server
) -> None:
    patient, email = patient_with_session(server, days_ago=4)
    session_day = local_today() - timedelta(days=4)
    first_day = local_today() - timedelta(days=2)
    # Two days ago, a check-in with the sign: the alert is raised then.
    patient.call(
        "PUT",
        f"/api/me/checkins/{first_day.isoformat()}",
        {
            "pain": 5,
            "swelling": 2,
            "bruising": 1,
            "discolouration": 0,
            "hardening": 0,
            "itching": 0,
            "warning_signs": ["leg_swelling_with_pain"],
            "recorded_at": now_iso(),
        },
    )
    patient.close()
    set_clinic_phone(server)
    phone.set_viewport_size(PHONE_SIZE)

    # Today, the patient fills in a day before their first session (History's day editor
    # takes any date): the server refuses the day, the sign still reaches the clinic.
    before = session_day - timedelta(days=1)
    allow_console_error(phone, r"status of 422 .*/api/me/checkins/")  # the refused PUT
    sign_in(phone, email, PATIENT_PASSWORD)
    expect(phone.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    # With a session, the report is a collapsed section under the check-in.
    details = phone.locator("details.report")
    expect(details.get_by_role("button", name="Send to the clinic")).to_be_hidden()
    details.locator("summary").click()
    expect(details.get_by_role("button", name="Send to the clinic")).to_be_visible()
    assert_accessible(phone, "Today with a session, the report open (phone)")
    details.screenshot(path=str(ARTIFACTS / "today-report-open-phone.png"))
    phone.goto(f"/#/checkin/{before.isoformat()}")
    expect(phone.get_by_role("heading", name=re.compile("^Check-in for"))).to_be_visible()
    fill_checkin(phone)
    phone.get_by_label(SIGN).check()
    phone.get_by_role("button", name="Save check-in").click()
    advice = phone.get_by_role("alert").filter(has_text="Contact the clinic today")
    expect(advice).to_be_visible()
    expect(advice).to_be_focused()
    expect(advice).to_contain_text("The clinic has also been told")
    expect(
        phone.get_by_text(
            re.compile(
                r"could not be saved: it is before your first treatment session"
                r" on \w{3}, \d+ \w{3} \d{4}\.$"
            )
        )
    ).to_be_visible()
    expect(phone.get_by_role("status")).to_have_text(
        "Check-in not saved. Your warning signs were sent to the clinic."
    )
    assert_accessible(phone, "a refused check-in with a warning sign (phone)")
    screenshot(phone, "checkin-refused-sign-sent-phone")
    assert server.query("SELECT local_date FROM checkin") == [(first_day.isoformat(),)]
    assert server.query("SELECT count(*) FROM warning_report") == [(1,)]

    # The practitioner: one alert, both days listed, on a phone and on a desktop.
    sign_out(phone)
    for size, page in (("phone", phone), ("desktop", desktop)):
        sign_in(page, *PRACTITIONER)
        expect(page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts").click()
        expect(page.get_by_role("status").filter(has_text="1 open alert")).to_be_visible()
        item = page.locator(".alert-list > li")
        expect(item).to_have_count(1)
        # The line names the latest date reported (today), not the first.
        expect(item.locator(".alert-when")).to_contain_text(
            f"Warning sign · last reported {local_today():%a}"
        )
        expect(item.locator(".alert-when")).to_contain_text(
            f"{local_today().day} {local_today():%b %Y}"
        )
        expect(item).to_contain_text("Reported 2 times")
        reports = item.locator(".reports li")
        expect(reports).to_have_count(2)
        sign = "calf or whole-leg swelling with pain."
        expect(reports.nth(0)).to_have_text(f"{short(first_day)}: {sign}")
        expect(reports.nth(1)).to_have_text(f"{short(local_today())}: {sign}")
        assert_accessible(page, f"Alerts with a report list ({size})")
        no_sideways_scroll(page)
        page.evaluate("() => document.fonts.ready")
        screenshot(page, f"alerts-multi-report-{size}")

    # The patient's page lists the same alert with its reports.
    desktop.locator(".alert-list > li").get_by_role("link", name="Ann Patel").click()
    open_alerts = desktop.get_by_role("region", name="Open alerts")
    expect(open_alerts.locator(".reports li")).to_have_count(2)
    assert_accessible(desktop, "the patient's page with open alerts (desktop)")


def test_a_warning_sign_reported_offline_is_kept_and_sent_when_back_online(
    phone: Page, server: Server
) -> None:
    patient, email = patient_with_session(server, days_ago=None)
    patient.close()
    phone.set_viewport_size(PHONE_SIZE)
    sign_in(phone, email, PATIENT_PASSWORD)
    expect(phone.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    wait_for_service_worker_control(phone)
    report = phone.get_by_role("region", name="Report a warning sign")
    expect(report.get_by_role("button", name="Send to the clinic")).to_be_visible()

    # The browser logs the POST that fails while offline.
    allow_console_error(phone, r"Failed to load resource: net::ERR_\w+ \(.*/api/me/warning-signs")
    phone.context.set_offline(True)
    report.get_by_label("Spreading redness, heat or fever").check()
    report.get_by_role("button", name="Send to the clinic").click()
    advice = phone.get_by_role("alert").filter(has_text="Contact the clinic today")
    expect(advice).to_be_focused()
    expect(advice).to_contain_text("Until then the clinic has not been told.")
    expect(report.get_by_role("status")).to_have_text(
        "Queued: it will be sent to the clinic when you're back online."
    )
    assert server.query("SELECT count(*) FROM warning_report") == [(0,)]

    phone.context.set_offline(False)
    # Sent on the `online` event: the status and the advice now say the clinic knows.
    expect(report.get_by_role("status")).to_have_text("Sent: the clinic has been told.")
    expect(advice).to_contain_text("The clinic has also been told")
    assert server.query("SELECT warning_signs FROM warning_report") == [
        ('["spreading_redness_or_fever"]',)
    ]
    assert server.query("SELECT count(*) FROM alert WHERE rule = 'warning_sign'") == [(1,)]


def test_today_follows_up_a_reported_sign_until_the_clinic_has_seen_it(
    phone: Page, server: Server
) -> None:
    patient, email = patient_with_session(server, days_ago=3)
    patient.call(
        "POST",
        "/api/me/warning-signs",
        {
            "warning_signs": ["leg_swelling_with_pain"],
            "recorded_at": now_iso(),
        },
    )
    patient.close()
    set_clinic_phone(server)
    phone.set_viewport_size(PHONE_SIZE)

    sign_in(phone, email, PATIENT_PASSWORD)
    expect(phone.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    # Today leads with it: what to do, the Call button, before the day's check-in.
    box = phone.locator("[data-follow-up=open]")
    expect(box).to_contain_text("Contact the clinic today")
    expect(box).to_contain_text(f"You reported: {SIGN.lower()}")
    expect(box.get_by_role("link", name=f"Call {CLINIC_PHONE}")).to_be_visible()
    top, aftercare = (
        locator.bounding_box() or {"y": -1.0}
        for locator in (box, phone.get_by_role("heading", name="Aftercare for today"))
    )
    assert 0 <= top["y"] < aftercare["y"]
    assert_accessible(phone, "Today with an open warning sign (phone)")
    screenshot(phone, "today-follow-up-open-phone")

    clinic = ApiClient(server.base_url).sign_in(*PRACTITIONER)
    [alert] = clinic.call("GET", "/api/alerts")
    clinic.call("POST", f"/api/alerts/{alert['id']}/acknowledge", {"note": "Called her"})
    clinic.close()
    phone.reload()
    seen = phone.locator("[data-follow-up=acknowledged]")
    expect(seen).to_contain_text("The clinic has seen your report")
    expect(phone.locator("[data-follow-up=open]")).to_have_count(0)
    assert_accessible(phone, "Today after the clinic saw the report (phone)")
    screenshot(phone, "today-follow-up-seen-phone")
