"""My recovery answers "am I recovering normally?", for the patient and for the clinic.

The demo clinic's Farid is three weeks after his second session, and his pain and swelling
have been rising for five days. On a 390 px phone he reads one sentence per symptom (his
pain "higher than usual since" the day it rose above the clinic's usual range), six small
charts whose accessible names carry those sentences, and the same numbers as a table; the
screen fits the width and passes axe. On a desktop the charts sit three to a row, and the
practitioner's page for Farid shows the same charts. Offline, the screen shows this
device's last copy and says so.

SQLite only, whatever `AFTERLINE_TEST_DATABASE_URL` says: see `conftest.py`.
"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Locator, Page, expect

from tests.e2e.steps import local_today, sign_in
from tests.e2e.support import Server, allow_console_error, assert_accessible, screenshot

FARID = ("farid@demo.afterline.test", "demo-patient-pass")
PRACTITIONER = ("practitioner@demo.afterline.test", "demo-practitioner")
SYMPTOMS = ("Pain", "Swelling", "Bruising", "Brown marks", "Firm lumps", "Itching")
SENTENCES = "How each symptom compares with the usual range"


def _drawn(page: Page, name: str) -> Locator:
    """The charts region once Chart.js has drawn all six charts."""
    charts = page.get_by_role("region", name=name)
    expect(charts.get_by_role("img")).to_have_count(6)
    expect(charts.locator("[aria-busy='true']")).to_have_count(0)
    return charts


def _fits(page: Page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def _columns(charts: Locator) -> int:
    template = charts.locator(".panels").evaluate(
        "(grid) => getComputedStyle(grid).gridTemplateColumns"
    )
    return len(template.split())


def _farids_checkins_since_his_last_session(server: Server) -> int:
    [(count,)] = server.query(
        """SELECT count(*) FROM checkin c JOIN patient p ON c.patient_id = p.id
           JOIN "user" u ON p.user_id = u.id
           WHERE u.email = ? AND c.local_date >= (
               SELECT max(s.performed_on) FROM treatment_session s WHERE s.patient_id = p.id)""",
        (FARID[0],),
    )
    return int(count)


def test_farid_reads_his_recovery_in_words_charts_and_numbers(
    phone: Page, desktop: Page, server: Server
) -> None:
    server.afterline("seed-demo")
    phone.set_viewport_size({"width": 390, "height": 844})
    allow_console_error(phone, r"status of 401")  # the signed-out page asks who is signed in
    sign_in(phone, *FARID)
    expect(phone.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    phone.goto("/#/recovery")
    expect(phone.get_by_role("heading", name="My recovery")).to_be_visible()
    charts = _drawn(phone, "Recovery chart")

    # One sentence per symptom, in the charts' order.
    sentences = charts.get_by_role("list", name=SENTENCES).get_by_role("listitem")
    expect(sentences).to_have_count(6)
    for index, symptom in enumerate(SYMPTOMS):
        expect(sentences.nth(index)).to_have_text(re.compile(rf"^{symptom}: "))
    # His pain rose above the usual range 5 days ago (day 16 after a session 21 days ago).
    rose = local_today() - timedelta(days=5)
    since = f"{rose:%a} {rose.day} {rose:%b}"
    expect(sentences.first).to_have_text(f"Pain: higher than usual since {since} (day 16).")
    pain_chart = charts.get_by_role("img", name=re.compile(r"^Pain chart, days 0 to 28 after"))
    expect(pain_chart).to_have_accessible_name(
        re.compile(rf"\. Pain: higher than usual since {since} \(day 16\)\.$")
    )
    assert _columns(charts) == 1
    _fits(phone)
    assert_accessible(phone, "My recovery (phone)")
    screenshot(phone, "recovery-phone")

    # The same data as a table: a row per check-in since his latest session.
    charts.get_by_text("Show the numbers").click()
    table = charts.get_by_role("table", name="Check-ins after session 2")
    expect(table.get_by_role("columnheader")).to_have_text(["Date", "Day", *SYMPTOMS])
    rows = _farids_checkins_since_his_last_session(server)
    expect(table.locator("tbody tr")).to_have_count(rows)
    expect(table.locator("tbody tr").last).to_contain_text("8 ▲ above usual")  # day 20's pain
    _fits(phone)
    assert_accessible(phone, "My recovery, numbers open (phone)")

    # His first session's course, with its own days and words.
    charts.get_by_label(re.compile(r"^Session 1 ")).check()
    expect(charts).to_have_attribute("data-session", "1")
    expect(charts.get_by_text(re.compile(r"^Session 1 on "))).to_be_visible()
    first_course = re.compile(r"^Pain chart, days 0 to \d+ after session 1\.")
    expect(charts.get_by_role("img", name=first_course)).to_be_visible()
    expect(charts.get_by_role("list", name=SENTENCES).get_by_role("listitem")).to_have_count(6)

    sign_in(desktop, *FARID)
    expect(desktop.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    desktop.goto("/#/recovery")
    charts = _drawn(desktop, "Recovery chart")
    assert _columns(charts) == 3
    _fits(desktop)
    screenshot(desktop, "recovery-desktop")


def test_the_practitioner_sees_the_same_charts_for_farid(desktop: Page, server: Server) -> None:
    server.afterline("seed-demo")
    sign_in(desktop, *PRACTITIONER)
    expect(desktop.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
    desktop.get_by_role("link", name="Farid Haddad").first.click()
    expect(desktop.get_by_role("heading", name="Farid Haddad")).to_be_visible()
    charts = _drawn(desktop, "Recovery chart for Farid Haddad")
    expect(charts.get_by_role("list", name=SENTENCES).get_by_role("listitem").first).to_have_text(
        re.compile(r"^Pain: higher than usual since ")
    )
    assert _columns(charts) == 3
    _fits(desktop)
    charts.scroll_into_view_if_needed()
    screenshot(desktop, "recovery-practitioner-farid-desktop")


def test_offline_my_recovery_is_the_last_copy_seen(phone: Page, server: Server) -> None:
    server.afterline("seed-demo")
    allow_console_error(phone, r"status of 401")
    allow_console_error(phone, r"Failed to load resource: net::ERR_\w+")
    sign_in(phone, *FARID)
    expect(phone.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    phone.goto("/#/recovery")
    _drawn(phone, "Recovery chart")
    expect(phone.get_by_text("You are offline")).to_have_count(0)

    phone.context.set_offline(True)
    phone.get_by_role("link", name="Today").click()
    expect(phone.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    phone.get_by_role("link", name="My recovery").click()
    note = re.compile(r"^As last seen on .+ you are offline\.$")
    expect(phone.get_by_text(note)).to_be_visible()
    charts = _drawn(phone, "Recovery chart")
    expect(charts.get_by_role("list", name=SENTENCES).get_by_role("listitem").first).to_have_text(
        re.compile(r"^Pain: higher than usual since ")
    )
