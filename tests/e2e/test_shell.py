"""The app shell in a real browser: offline for real, one-row navigation, errors with Retry,
focus you can see, and a first load that stays small.

SQLite only, whatever `AFTERLINE_TEST_DATABASE_URL` says: see `conftest.py`.
"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.e2e.steps import (
    PATIENT_PASSWORD,
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
    assert_accessible,
    on_the_tests_clock,
    screenshot,
    wait_for_service_worker_control,
)

# The JavaScript the sign-in page may download (compressed): before this budget the whole
# app, Chart.js included, came as one uncompressed 230 KB file.
SIGN_IN_JS_BUDGET = 60_000
OFFLINE_ERRORS = r"Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|FAILED)"
LAST_SEEN_KEYS = "() => Object.keys(localStorage).filter((k) => k.startsWith('afterline.'))"
# WCAG contrast of an element's text on the first opaque background behind it.
CONTRAST = """(el) => {
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    let node = el, bg = [255, 255, 255];
    for (; node; node = node.parentElement) {
        const c = rgb(getComputedStyle(node).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) { bg = c.slice(0, 3); break; }
    }
    const [hi, lo] = [lum(rgb(getComputedStyle(el).color)), lum(bg)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
}"""


def nav_of(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def checkin_body(pain: int) -> dict[str, object]:
    scores = {s: 1 for s in ("swelling", "bruising", "discolouration", "hardening", "itching")}
    return {"pain": pain, "recorded_at": now_iso(), **scores}


def no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def test_a_signed_in_patient_opens_reads_and_checks_in_offline(sized: Page, server: Server) -> None:
    page, size = sized, sized.size_name  # type: ignore[attr-defined]
    patient, email = patient_with_session(server, days_ago=4)
    earlier = [local_today() - timedelta(days=n) for n in (3, 2)]
    for pain, day in enumerate(earlier, start=5):
        patient.call("PUT", f"/api/me/checkins/{day.isoformat()}", checkin_body(pain))
    patient.close()
    sign_in(page, email, PATIENT_PASSWORD)
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    wait_for_service_worker_control(page)
    # Read online once: the device keeps what it last saw.
    nav_of(page).get_by_role("link", name="History").click()
    expect(page.locator(".history li")).to_have_count(2)
    nav_of(page).get_by_role("link", name="My recovery").click()
    expect(page.get_by_role("heading", name="My recovery")).to_be_visible()

    allow_console_error(page, OFFLINE_ERRORS)
    page.context.set_offline(True)
    page.goto("/")  # opening the app with no connection
    expect(page).to_have_url(re.compile(r"#/today$"))
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="You are offline")).to_be_visible()
    fill_checkin(page)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status").filter(has_text="when you're back online")).to_be_visible()
    screenshot(page, f"shell-offline-today-{size}")
    assert_accessible(page, f"Today offline ({size})")

    nav_of(page).get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    note = page.get_by_text(re.compile(r"^As last seen on .+ you are offline\.$"))
    expect(note).to_be_visible()
    # Every stored day stays, with today's queued check-in on top.
    expect(page.locator(".history li")).to_have_count(3)
    expect(page.locator(".history li").first.locator(".badge")).to_have_text("Queued")
    screenshot(page, f"shell-offline-history-{size}")
    assert_accessible(page, f"History offline ({size})")

    nav_of(page).get_by_role("link", name="My recovery").click()
    expect(page.get_by_role("heading", name="My recovery")).to_be_visible()
    expect(page.get_by_text(re.compile(r"as last seen", re.IGNORECASE))).to_be_visible()

    nav_of(page).get_by_role("link", name="History").click()
    expect(note).to_be_visible()
    assert server.query("SELECT count(*) FROM checkin") == [(2,)]
    page.context.set_offline(False)
    # The app notices by itself: the banner goes, the queue is sent, the screen is redrawn.
    expect(page.get_by_role("status").filter(has_text="You are offline")).to_have_count(0)
    expect(note).to_have_count(0)
    expect(page.locator(".history .badge")).to_have_count(0)
    expect(page.locator(".history li")).to_have_count(3)
    rows = server.query("SELECT local_date FROM checkin ORDER BY local_date")
    assert rows == [(d.isoformat(),) for d in [*earlier, local_today()]]


def test_a_session_that_ended_goes_to_sign_in_and_leaves_nothing_behind(
    phone: Page, server: Server
) -> None:
    _, email = patient_with_session(server)
    sign_in(phone, email, PATIENT_PASSWORD)
    expect(phone.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    wait_for_service_worker_control(phone)
    nav_of(phone).get_by_role("link", name="History").click()
    expect(phone.get_by_role("heading", name="History")).to_be_visible()
    assert phone.evaluate(LAST_SEEN_KEYS), "History keeps a copy for reading offline"

    allow_console_error(phone, r"status of 401")
    phone.context.clear_cookies()  # the session ended (signed out elsewhere, or expired)
    nav_of(phone).get_by_role("link", name="Today").click()
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    assert phone.evaluate(LAST_SEEN_KEYS) == []

    # Offline now, the device no longer knows anyone: it opens on Sign in.
    allow_console_error(phone, OFFLINE_ERRORS)
    phone.context.set_offline(True)
    phone.goto("/#/today")
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()


def test_navigation_is_one_row_and_more_holds_the_rare_screens(sized: Page, server: Server) -> None:
    page, size = sized, sized.size_name  # type: ignore[attr-defined]
    patient, email = patient_with_session(server)
    sign_in(page, email, PATIENT_PASSWORD)
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    nav = nav_of(page)
    today = nav.get_by_role("link", name="Today")
    expect(today).to_have_attribute("aria-current", "page")
    assert today.evaluate(CONTRAST) >= 4.5
    box = nav.bounding_box()
    assert box is not None
    assert box["height"] <= 64, f"the navigation takes {box['height']}px"
    if size == "phone":
        viewport = page.viewport_size
        assert viewport is not None
        assert box["y"] + box["height"] == viewport["height"], "a bottom tab bar"
        # Scrolled to the end, nothing of the screen stays under the bar.
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        bottom = page.evaluate(
            "() => document.querySelector('main').getBoundingClientRect().bottom"
        )
        assert bottom <= box["y"] + 1
    for target in [*nav.get_by_role("link").all(), nav.get_by_role("button", name="More")]:
        target_box = target.bounding_box()
        assert target_box is not None and target_box["height"] >= 44
    no_sideways_scroll(page)
    screenshot(page, f"shell-nav-{size}")
    assert_accessible(page, f"navigation ({size})")

    more = nav.get_by_role("button", name="More")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("button", name="Sign out")).to_be_hidden()
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Notifications")).to_be_visible()
    expect(nav.get_by_role("link", name="Health questions")).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, f"shell-more-open-{size}")
    assert_accessible(page, f"More open ({size})")

    # The keyboard: Escape closes and returns to More; Enter opens; Tab goes into the menu.
    page.keyboard.press("Escape")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(more).to_be_focused()
    page.keyboard.press("Enter")
    expect(more).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Notifications")).to_be_focused()
    # The focus ring: dark, 3px, around the link (>= 3:1 on white and on the teal bar).
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    assert ring == ["solid", "3px", "rgb(20, 33, 61)"]
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(more).to_have_attribute("aria-expanded", "false")

    # Health questions leave the navigation once they are answered.
    patient.call(
        "PUT",
        "/api/me/screening",
        {
            "pregnant_or_breastfeeding": False,
            "sclerosant_allergy": False,
            "clotting_disorder": False,
            "acute_illness": False,
            "largest_vein_mm": 2,
            "vein_count_estimate": 10,
        },
    )
    patient.close()
    page.reload()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    more.click()
    expect(nav.get_by_role("link", name="Notifications")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Health questions")).to_have_count(0)
    nav.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate(LAST_SEEN_KEYS) == []


def test_a_choice_pill_shows_focus_around_the_whole_option(phone: Page, server: Server) -> None:
    _, email = patient_with_session(server)
    sign_in(phone, email, PATIENT_PASSWORD)
    expect(phone.get_by_role("button", name="Save check-in")).to_be_visible()
    for _ in range(60):  # Tab through the page to the first choice
        phone.keyboard.press("Tab")
        if phone.evaluate("() => document.activeElement.type === 'radio'"):
            break
    option = phone.locator(".option:has(input:focus-visible)")
    expect(option).to_have_count(1)
    ring = option.evaluate(
        "(el) => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert ring == ["solid", "3px"]


def test_the_practitioner_navigation_counts_open_urgent_alerts(phone: Page, server: Server) -> None:
    patient, _ = patient_with_session(server)
    patient.call(
        "POST",
        "/api/me/warning-signs",
        {
            "warning_signs": ["leg_swelling_with_pain"],
            "recorded_at": now_iso(),
        },
    )
    patient.close()
    sign_in(phone, "dr.ward@example.org", PASSWORD)
    nav = nav_of(phone)
    expect(phone.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Patients")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Alerts")).to_have_accessible_name(
        re.compile(r"^Alerts\W+1 open urgent$")
    )
    expect(nav.get_by_role("link", name="Clinic")).to_be_visible()
    nav.get_by_role("button", name="More").click()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(phone, "practitioner navigation with More open")


def test_a_screen_that_fails_to_load_says_so_and_retries(sized: Page, server: Server) -> None:
    page, size = sized, sized.size_name  # type: ignore[attr-defined]
    patient, email = patient_with_session(server)
    patient.call("PUT", f"/api/me/checkins/{local_today().isoformat()}", checkin_body(4))
    patient.close()
    sign_in(page, email, PATIENT_PASSWORD)
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()

    allow_console_error(page, r"status of 500")

    def fail(route: Route) -> None:
        route.fulfill(status=500, json={"detail": "The server answered 500"})

    page.route("**/api/me/checkins", fail)
    nav_of(page).get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="This screen didn't load")).to_be_focused()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Something went wrong on our side")
    expect(main).not_to_contain_text("500")
    expect(main).not_to_contain_text("No check-ins yet")
    retry = page.get_by_role("button", name="Retry")
    expect(retry).to_be_visible()
    screenshot(page, f"shell-error-retry-{size}")
    assert_accessible(page, f"error screen ({size})")

    page.unroute("**/api/me/checkins", fail)
    retry.click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.locator(".history li")).to_have_count(1)


def test_the_sign_in_page_loads_little_javascript_compressed_and_cached(
    browser: Browser, server: Server
) -> None:
    # No service worker: only what the page itself downloads (the worker precaches the rest).
    context = on_the_tests_clock(
        browser.new_context(base_url=server.base_url, service_workers="block")
    )
    try:
        page = context.new_page()
        scripts: dict[str, int] = {}
        page.on(
            "requestfinished",
            lambda request: (
                scripts.__setitem__(request.url, request.sizes()["responseBodySize"])
                if request.resource_type == "script"
                else None
            ),
        )
        page.goto("/#/sign-in")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert scripts, "the page loaded no script"
        total = sum(scripts.values())
        assert total < SIGN_IN_JS_BUDGET, f"{total} bytes of JavaScript: {scripts}"

        for url in scripts:
            response = context.request.get(url, headers={"Accept-Encoding": "gzip, br"})
            assert response.ok
            assert re.search(r"/assets/[^/]+\.js$", url), url
            assert response.headers["content-encoding"] in {"gzip", "br"}, url
            cache = response.headers["cache-control"]
            assert "immutable" in cache and "max-age=31536000" in cache, cache
        for path in ("/", "/sw.js", "/manifest.webmanifest"):
            response = context.request.get(path)
            assert response.ok and response.headers["cache-control"] == "no-cache", path
    finally:
        context.close()
