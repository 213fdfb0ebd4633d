"""The practitioner's screens on the demo clinic: the patient list, a patient's page, Alerts.

(a) At 1280x800, 820x1180 and 390x844: nothing scrolls sideways; the list names Farid's
status in words ("Urgent: calf or whole-leg swelling with pain"); his page reads top-down
(facts, alerts, charts, sessions, check-ins); Alerts lists urgent before watch; axe-core finds
nothing; screenshots `practitioner-{list,patient,alerts}-{desktop,tablet,phone}`.
(b) Acknowledge, then Undo: the alert is still open. Acknowledge and let the undo window
close: the line leaves the list (the test waits on the page's state, never a fixed time).
(c) The list's filters and search, answered by the server.
(d) Add patient and Record a session show every error at once, next to its field.
(e) A list longer than a page: the first 50 rows, then the rest as the practitioner scrolls
(desktop) or presses "Show more patients" (a phone without IntersectionObserver, where a
failed page says so and the button tries again); the search finds patients not loaded yet.

SQLite only, whatever `AFTERLINE_TEST_DATABASE_URL` says: see `conftest.py`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.steps import sign_in
from tests.e2e.support import (
    WATCHES,
    ApiClient,
    ConsoleWatch,
    Server,
    allow_console_error,
    assert_accessible,
    on_the_tests_clock,
    screenshot,
)

PRACTITIONER = ("practitioner@demo.afterline.test", "demo-practitioner")
FARID_STATUS = "Urgent: calf or whole-leg swelling with pain"
SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "tablet": {"viewport": {"width": 820, "height": 1180}, "has_touch": True},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


def _page(browser: Browser, server: Server, size: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=server.base_url,
        locale="en-GB",
        timezone_id="Europe/London",
        **SIZES[size],  # type: ignore[arg-type]
    )
    on_the_tests_clock(context)
    context.set_default_timeout(15_000)
    page = context.new_page()
    WATCHES[page] = watch = ConsoleWatch(page, size)
    try:
        yield page
    finally:
        context.close()
        WATCHES.pop(page, None)
    assert not watch.unexplained(), "\n".join(watch.unexplained())


@pytest.fixture(params=list(SIZES))
def at_size(request: pytest.FixtureRequest, browser: Browser, server: Server) -> Iterator[Page]:
    """A page at one of the three sizes; the size's name is `page.size_name`."""
    for page in _page(browser, server, request.param):
        page.size_name = request.param  # type: ignore[attr-defined]
        yield page


@pytest.fixture
def wide(browser: Browser, server: Server) -> Iterator[Page]:
    yield from _page(browser, server, "desktop")


@pytest.fixture
def narrow(browser: Browser, server: Server) -> Iterator[Page]:
    yield from _page(browser, server, "phone")


def fits(page: Page, where: str) -> None:
    """No sideways scrolling, and axe-core finds nothing."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5)
            .map((e) => `${e.tagName}.${e.className} ${e.getBoundingClientRect().right}`)"""
    )
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px: {wide}"
    assert_accessible(page, where)


def stored(server: Server, alert_id: str | None) -> list[tuple[object, ...]]:
    """The alert's status and note in the database (SQLite keeps UUIDs as 32 hex digits)."""
    assert alert_id is not None
    return server.query("SELECT status, note FROM alert WHERE id = ?", [uuid.UUID(alert_id).hex])


def alert_lines(page: Page) -> Locator:
    return page.locator(".alert-list > li")


def signed_in_demo(page: Page, server: Server) -> None:
    server.afterline("seed-demo")
    sign_in(page, *PRACTITIONER)
    expect(page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()


# --- (a) the three screens at three sizes ---------------------------------------------------


def test_the_list_farids_page_and_alerts_fit_and_read_at_every_size(
    at_size: Page, server: Server
) -> None:
    page, size = at_size, at_size.size_name  # type: ignore[attr-defined]
    signed_in_demo(page, server)

    first = page.locator("#patient-table tbody tr").first
    expect(first.get_by_role("link", name="Farid Haddad")).to_be_visible()
    expect(first.locator(".status-tag")).to_have_text(FARID_STATUS)
    # The 14-day pain trend has words for those who cannot see the line.
    expect(first.get_by_role("img", name=re.compile(r"^Pain, last 14 days: \d"))).to_be_visible()
    # Symptom levels are words, not 0-3 codes.
    expect(first.locator(".symptoms")).to_contain_text(re.compile(r": (mild|moderate|severe)"))
    fits(page, f"the patient list ({size})")
    screenshot(page, f"practitioner-list-{size}")

    first.get_by_role("link", name="Farid Haddad").click()
    expect(page.get_by_role("heading", name="Farid Haddad", level=1)).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(re.compile(r"Since the last session\s*Day \d+"))
    expect(facts).to_contain_text("Next review")
    expect(facts).to_contain_text(re.compile(r"Open alerts\s*\d+ \(\d+ urgent\)"))
    expect(page.locator("[aria-busy='true']")).to_have_count(0)
    # Top-down: alerts, then the charts, then sessions, then check-ins.
    order = page.evaluate(
        """() => [...document.querySelectorAll('main h2')].map((h) => h.textContent)"""
    )
    wanted = ["Open alerts", "Recovery", "Sessions", "Check-ins"]
    assert [h for h in order if h in wanted] == wanted, order
    expect(alert_lines(page).first.get_by_role("button", name="Acknowledge")).to_be_visible()
    # One note box per alert at most, and none until asked for.
    expect(page.locator("textarea:visible")).to_have_count(0)
    fits(page, f"Farid's page ({size})")
    screenshot(page, f"practitioner-patient-{size}")

    page.goto("/#/alerts")
    expect(page.get_by_role("heading", name="Alerts", level=1)).to_be_visible()
    expect(alert_lines(page).first).to_have_class(re.compile(r"\burgent\b"))
    severities = alert_lines(page).evaluate_all(
        "(lines) => lines.map((li) => li.classList.contains('urgent') ? 'urgent' : 'watch')"
    )
    assert severities == sorted(severities, key=lambda s: s != "urgent"), severities
    assert "watch" in severities, severities
    fits(page, f"Alerts ({size})")
    screenshot(page, f"practitioner-alerts-{size}")


# --- (b) acknowledge, undo, and the undo window ----------------------------------------------


def test_acknowledge_then_undo_leaves_the_alert_open(wide: Page, server: Server) -> None:
    signed_in_demo(wide, server)
    wide.goto("/#/alerts")
    line = alert_lines(wide).first
    expect(line).to_be_visible()
    alert_id = line.get_attribute("data-alert-id")
    line.get_by_role("button", name="Acknowledge").click()
    expect(line.get_by_role("status")).to_have_text("Acknowledged.")
    undo = line.get_by_role("button", name="Undo")
    expect(undo).to_be_focused()
    assert stored(server, alert_id) == [("acknowledged", None)]
    undo.click()
    expect(line.get_by_role("status")).to_have_text("Open again.")
    expect(line.get_by_role("button", name="Acknowledge")).to_be_focused()
    assert_accessible(wide, "Alerts after an undo")
    # Still open, on the server too, and still in the list after a reload.
    assert stored(server, alert_id) == [("open", None)]
    wide.reload()
    expect(wide.locator(f"[data-alert-id='{alert_id}']")).to_be_visible()


def test_an_acknowledged_alert_leaves_the_list_when_the_undo_window_closes(
    wide: Page, server: Server
) -> None:
    signed_in_demo(wide, server)
    wide.goto("/#/alerts")
    expect(alert_lines(wide).first).to_be_visible()
    count = alert_lines(wide).count()
    assert count >= 2
    line = alert_lines(wide).first
    alert_id = line.get_attribute("data-alert-id")
    line.get_by_role("button", name="Add a note").click()
    line.get_by_label("Note (optional): what you did").fill("Phoned Farid: seen in clinic today.")
    screenshot(wide, "practitioner-alert-note-desktop")
    line.get_by_role("button", name="Acknowledge").click()
    expect(line.get_by_role("button", name="Undo")).to_be_visible()
    screenshot(wide, "practitioner-alert-acknowledged-desktop")
    # The line leaves once the undo window closes (Playwright waits on the page's state).
    expect(wide.locator(f"[data-alert-id='{alert_id}']")).to_have_count(0)
    expect(alert_lines(wide)).to_have_count(count - 1)
    expect(wide.get_by_role("status").filter(has_text="open alert")).to_contain_text(
        f"{count - 1} open alert"
    )
    assert stored(server, alert_id) == [("acknowledged", "Phoned Farid: seen in clinic today.")]
    wide.goto("/#/alerts/acknowledged")
    expect(alert_lines(wide).first).to_contain_text("Phoned Farid: seen in clinic today.")


def test_on_the_patient_page_the_header_follows_an_acknowledgement(
    wide: Page, server: Server
) -> None:
    signed_in_demo(wide, server)
    wide.get_by_role("link", name="Farid Haddad").click()
    status = wide.locator(".patient-status .status-tag")
    expect(status).to_have_text(FARID_STATUS)
    urgent = alert_lines(wide).filter(has=wide.locator(".badge.urgent"))
    alert_id = urgent.get_attribute("data-alert-id")
    open_before = alert_lines(wide).count()
    urgent.get_by_role("button", name="Acknowledge").click()
    expect(wide.locator(f"[data-alert-id='{alert_id}']")).to_have_count(0)
    facts = wide.locator("dl.facts")
    expect(facts).to_contain_text(f"Open alerts{open_before - 1}")
    # The status now names the next alert to act on, no longer the urgent one.
    expect(status).not_to_have_text(re.compile("^Urgent"))
    expect(status).to_have_class(re.compile(r"\balert\b"))
    assert stored(server, alert_id)[0][0] == "acknowledged"


# --- (c) filters and search ------------------------------------------------------------------


def name_links(page: Page) -> Locator:
    return page.locator("#patient-table tbody tr th a")


def visible_names(page: Page) -> list[str]:
    """The names listed once the list has its answer: filters and search ask the server."""
    expect(page.locator("#patient-table[aria-busy='true']")).to_have_count(0)
    return page.locator("#patient-table tbody tr:visible th a").all_inner_texts()


def list_status(page: Page) -> Locator:
    return page.locator(".list-status")


def test_the_lists_filters_and_search(wide: Page, server: Server) -> None:
    signed_in_demo(wide, server)
    everyone = visible_names(wide)
    assert len(everyone) >= 7 and everyone[0] == "Farid Haddad", everyone
    expect(list_status(wide)).to_have_text(
        re.compile(rf"^{len(everyone)} patients, \d+ needing attention\.$")
    )
    expect(wide.get_by_role("button", name="Show more patients")).to_be_hidden()

    wide.get_by_role("radio", name=re.compile("^Needs attention")).check()
    expect(list_status(wide)).to_contain_text(": needs attention")
    attention = visible_names(wide)
    assert "Farid Haddad" in attention and 0 < len(attention) < len(everyone), attention
    expect(list_status(wide)).to_have_text(
        f"Showing {len(attention)} of {len(everyone)} patients: needs attention."
    )
    # The filter's count is the server's, and agrees with the rows.
    expect(wide.get_by_role("radio", name=f"Needs attention ({len(attention)})")).to_be_checked()
    rows = wide.locator("#patient-table tbody tr:visible .status-tag")
    assert all(t not in ("On track", "No session yet") for t in rows.all_inner_texts())

    wide.get_by_role("radio", name=re.compile("^Review due")).check()
    expect(list_status(wide)).to_contain_text(": review due")
    due = visible_names(wide)
    assert all(
        re.search("Review (due|was due)", text)
        for text in wide.locator("#patient-table tbody tr:visible td.state").all_inner_texts()
    ), due
    assert_accessible(wide, "the patient list filtered to reviews due")

    wide.get_by_role("radio", name=re.compile("^All")).check()
    search = wide.get_by_label("Search by name or email")
    search.fill("grace")
    expect(name_links(wide)).to_have_text(["Grace Liu"])
    # The server matches the email address too.
    search.fill("farid@demo")
    expect(name_links(wide)).to_have_text(["Farid Haddad"])
    search.fill("nobody like this")
    expect(wide.get_by_text("No patient matches that search.")).to_be_visible()
    expect(wide.locator("#patient-table")).to_be_hidden()
    search.fill("")
    expect(name_links(wide)).to_have_text(everyone)


# --- (d) forms report every error at once ----------------------------------------------------


def test_add_patient_and_record_a_session_show_every_error_at_once(
    wide: Page, server: Server
) -> None:
    signed_in_demo(wide, server)
    wide.get_by_role("link", name="Add patient").click()
    expect(wide.get_by_role("heading", name="Add patient")).to_be_visible()
    wide.get_by_label("Email").fill("not an email")
    wide.get_by_label("Check-in time").fill("")
    wide.get_by_role("button", name="Add patient").click()
    for label, message in (
        ("Name", "Enter the patient's name."),
        ("Email", "Enter an email address like name@example.com."),
        ("Check-in time", "Enter a time like 19:00."),
    ):
        control = wide.get_by_label(label, exact=True)
        expect(control).to_have_attribute("aria-invalid", "true")
        expect(control).to_have_accessible_description(re.compile(re.escape(message)))
    expect(wide.get_by_label("Name", exact=True)).to_be_focused()
    expect(wide.get_by_role("alert")).to_have_text(
        "3 fields need fixing: see the messages next to them."
    )
    assert_accessible(wide, "Add patient with errors")
    screenshot(wide, "new-patient-errors-desktop")

    # A server refusal still lands next to its field: an email already in use.
    allow_console_error(wide, r"status of 409 \(Conflict\) \(.*/api/patients\)")
    wide.get_by_label("Name", exact=True).fill("Farid Again")
    wide.get_by_label("Email").fill("farid@demo.afterline.test")
    wide.get_by_label("Check-in time").fill("19:00")
    wide.get_by_role("button", name="Add patient").click()
    email = wide.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    expect(wide.locator("#email-error")).not_to_be_empty()
    expect(wide.get_by_label("Name", exact=True)).not_to_have_attribute("aria-invalid", "true")

    wide.goto("/#/patients")
    wide.get_by_role("link", name="Farid Haddad").click()
    wide.get_by_role("link", name="Record a session").click()
    expect(wide.get_by_role("heading", name="Record a session")).to_be_visible()
    wide.get_by_label("Injections").fill("2.5")
    wide.get_by_role("button", name="Record session").click()
    areas = wide.get_by_role("group", name="Treated areas").get_by_role("checkbox")
    expect(areas.first).to_be_focused()  # the first field to fix
    expect(areas.first).to_have_accessible_description("Choose at least one treated area.")
    for box in areas.all():
        expect(box).to_have_attribute("aria-invalid", "true")
    for label in ("Sclerosant", "Concentration (%)", "Volume (ml)", "Injections"):
        expect(wide.get_by_label(label, exact=True)).to_have_attribute("aria-invalid", "true")
    expect(wide.locator("#areas-error")).to_have_text("Choose at least one treated area.")
    expect(wide.get_by_role("alert")).to_have_text(
        "5 fields need fixing: see the messages next to them."
    )
    assert_accessible(wide, "Record a session with errors")
    screenshot(wide, "new-session-errors-desktop")


# --- (e) a list longer than a page ----------------------------------------------------------

PAGE = 50  # the API's default page, which the list asks for
EXTRA = 55  # patients added to the demo clinic's, so the list has a second page


def with_many_patients(server: Server) -> tuple[int, int]:
    """The demo clinic plus EXTRA patients, one POST each (no session: they sort last, by
    name); (patients in all, how many need attention), as the list's first page counts them."""
    server.afterline("seed-demo")
    clinic = ApiClient(server.base_url).sign_in(*PRACTITIONER)
    for n in range(1, EXTRA + 1):
        body = {"name": f"Paging Patient {n:02d}", "email": f"paging{n:02d}@example.org"}
        clinic.call("POST", "/api/patients", {**body, "timezone": "Europe/London"})
    counts = clinic.call("GET", "/api/patients")["counts"]
    clinic.close()
    assert counts["all"] > PAGE, counts
    return counts["all"], counts["attention"]


def test_a_long_list_comes_a_page_at_a_time_and_searches_on_the_server(
    wide: Page, narrow: Page, server: Server
) -> None:
    total, attention = with_many_patients(server)
    first_page = f"Showing the first {PAGE} of {total} patients, {attention} needing attention."

    # Desktop: the first page, then the rest as the practitioner scrolls to the end.
    sign_in(wide, *PRACTITIONER)
    rows = wide.locator("#patient-table tbody tr")
    expect(rows).to_have_count(PAGE)
    expect(list_status(wide)).to_have_text(first_page)
    more = wide.get_by_role("button", name="Show more patients")
    expect(more).to_be_visible()
    fits(wide, "the first page of a long list (desktop)")
    screenshot(wide, "practitioner-list-paged-desktop")

    # The search asks the server: it finds patients the first page did not bring.
    expect(wide.get_by_role("link", name="Paging Patient 55")).to_have_count(0)
    search = wide.get_by_label("Search by name or email")
    search.fill("paging patient 5")
    expect(name_links(wide)).to_have_count(6)
    found = sorted(name_links(wide).all_inner_texts())
    assert found == [f"Paging Patient {n}" for n in range(50, 56)], found
    expect(list_status(wide)).to_have_text(f"Showing 6 of {total} patients.")
    expect(more).to_be_hidden()
    search.fill("")
    expect(rows).to_have_count(PAGE)
    expect(list_status(wide)).to_have_text(first_page)

    wide.mouse.wheel(0, 100_000)
    expect(rows).to_have_count(total)
    names = name_links(wide).all_inner_texts()
    assert len(set(names)) == total, "a page came twice"
    expect(more).to_be_hidden()
    expect(list_status(wide)).to_have_text(f"{total} patients, {attention} needing attention.")
    assert_accessible(wide, "a long list, every page loaded")

    # Phone, without IntersectionObserver: the button is the way to the next page, by keyboard.
    narrow.add_init_script("delete window.IntersectionObserver;")
    sign_in(narrow, *PRACTITIONER)
    rows = narrow.locator("#patient-table tbody tr")
    expect(rows).to_have_count(PAGE)
    more = narrow.get_by_role("button", name="Show more patients")
    expect(more).to_be_visible()
    fits(narrow, "the first page of a long list (phone)")
    screenshot(narrow, "practitioner-list-paged-phone")
    more.scroll_into_view_if_needed()
    expect(rows).to_have_count(PAGE)  # nothing loads by itself here

    # A next page that fails says so next to the button, which then tries again.
    next_page = re.compile(r"/api/patients\?.*cursor=")
    allow_console_error(narrow, r"Failed to load resource")
    narrow.route(next_page, lambda route: route.abort())
    more.focus()
    narrow.keyboard.press("Enter")
    problem = narrow.locator(".list-more [role=alert]")
    offline = re.compile(r"^Couldn't load more patients: you seem to be offline")
    expect(problem).to_have_text(offline)
    again = narrow.get_by_role("button", name="Try again")
    expect(again).to_be_focused()
    expect(rows).to_have_count(PAGE)
    assert_accessible(narrow, "a long list whose next page failed (phone)")
    screenshot(narrow, "practitioner-list-page-failed-phone")
    narrow.unroute(next_page)
    narrow.keyboard.press("Enter")
    expect(rows).to_have_count(total)
    expect(problem).to_be_empty()
    expect(narrow.locator(".list-more")).to_be_hidden()
    # The button has gone: focus moves to the first patient it added.
    expect(rows.nth(PAGE).locator("th a")).to_be_focused()
