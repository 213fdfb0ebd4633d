"""One device, many people: what the PWA keeps offline belongs to the signed-in user.

A check-in queued by one patient is never sent under the next patient's session on the same
phone, nor shown to them; it waits on the device for its owner and is sent when they sign in
again. Signing out with something unsent asks first. A queued check-in the server refuses
for good is dropped, the patient is told why, and the entries after it are still sent.

SQLite only, whatever `AFTERLINE_TEST_DATABASE_URL` says: see `conftest.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e.steps import PATIENT_PASSWORD, ZONE, fill_checkin, local_today, sign_in
from tests.e2e.support import (
    PASSWORD,
    WATCHES,
    ApiClient,
    ConsoleWatch,
    Server,
    allow_console_error,
    assert_accessible,
    on_the_tests_clock,
    screenshot,
    wait_for_service_worker_control,
)

ANN = "ann@example.org"
BEN = "ben@example.org"
# Ann's check-in: values nobody else enters in these tests, so they are recognisable.
ANN_CHECKIN = {
    "Pain": "8",
    "Swelling": "Severe",
    "Bruising": "Severe",
    "Brown marks": "Mild",
    "Firm lumps": "Moderate",
    "Itching": "None",
}
BEN_CHECKIN = {
    "Pain": "1",
    "Swelling": "None",
    "Bruising": "Mild",
    "Brown marks": "None",
    "Firm lumps": "None",
    "Itching": "None",
}
CHECKINS_BY_EMAIL = """
    SELECT u.email, c.local_date, c.pain, c.swelling, c.bruising
    FROM checkin c JOIN patient p ON p.id = c.patient_id JOIN "user" u ON u.id = p.user_id
    ORDER BY u.email, c.local_date
"""
# Every body the server ever accepted, as (email, pain): B's record never had A's values.
PAINS_RECEIVED = """
    SELECT u.email, json_extract(r.payload, '$.pain')
    FROM checkin_revision r JOIN patient p ON p.id = r.patient_id JOIN "user" u ON u.id = p.user_id
    ORDER BY u.email, r.received_at
"""
# What the outbox (IndexedDB) holds: [owner, local_date, pain] of every queued check-in.
OUTBOX_CHECKINS = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open("afterline-outbox");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const db = open.result;
        const all = db.transaction("checkins").objectStore("checkins").getAll();
        all.onsuccess = () => {
            db.close();
            resolve(all.result.map((e) => [e.owner, e.local_date, e.body.pain]));
        };
        all.onerror = () => reject(all.error);
    };
})"""
# Whether the service worker's Background Sync queue holds a check-in PUT labelled with
# the given owner (Workbox keeps its queue in the "workbox-background-sync" database).
WORKER_QUEUED_FOR = """(owner) => new Promise((resolve) => {
    const open = indexedDB.open("workbox-background-sync");
    open.onerror = () => resolve(false);
    open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains("requests")) {
            db.close();
            return resolve(false);
        }
        const all = db.transaction("requests").objectStore("requests").getAll();
        all.onsuccess = () => {
            db.close();
            const mine = (e) => e.queueName === "checkins" && e.metadata?.owner === owner;
            resolve(all.result.some(mine));
        };
        all.onerror = () => resolve(false);
    };
})"""
OFFLINE_ERRORS = r"Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|FAILED)"


SIZES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture(params=list(SIZES))
def no_worker(request: pytest.FixtureRequest, browser: Browser, server: Server) -> Iterator[Page]:
    """A page at 390x844 or 1280x800 (`page.size_name`) with no service worker: Playwright
    cannot route the requests a worker makes, and the test needs one request to fail while
    the rest go through. (The worker's own owner rule is unit-tested in
    `frontend/src/offline/background-sync.test.ts`; the test above runs with it.)"""
    context = browser.new_context(
        base_url=server.base_url,
        locale="en-GB",
        timezone_id="Europe/London",
        service_workers="block",
        **SIZES[request.param],  # type: ignore[arg-type]
    )
    on_the_tests_clock(context)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.size_name = request.param  # type: ignore[attr-defined]
    watch = WATCHES[page] = ConsoleWatch(page, request.param)
    # Registering the worker fails when workers are blocked (workbox-window says so).
    watch.allow(r"uncaught: Cannot read properties of undefined \(reading 'waiting'\)")
    try:
        yield page
    finally:
        context.close()
        WATCHES.pop(page, None)
    assert not watch.unexplained(), "console errors:\n" + "\n".join(watch.unexplained())


def two_patients(server: Server, days_ago: int = 4) -> tuple[dict[str, str], ApiClient, str]:
    """Ann and Ben, both treated `days_ago` days ago and signed up: ({email: user id}, the
    practitioner's API client, Ann's session id)."""
    email, _ = server.create_practitioner()
    clinic = ApiClient(server.base_url).sign_in(email, PASSWORD)
    performed_on = (local_today() - timedelta(days=days_ago)).isoformat()
    ids: dict[str, str] = {}
    sessions: dict[str, str] = {}
    for name, address in (("Ann Patel", ANN), ("Ben Okafor", BEN)):
        patient = clinic.call(
            "POST", "/api/patients", {"name": name, "email": address, "timezone": ZONE}
        )
        session = clinic.call(
            "POST",
            f"/api/patients/{patient['id']}/sessions",
            {
                "performed_on": performed_on,
                "areas": ["leg_left_calf"],
                "sclerosant": "polidocanol",
                "concentration_pct": 0.5,
                "volume_ml": 2.0,
                "injections": 4,
            },
        )
        sessions[address] = session["id"]
        me = ApiClient(server.base_url)
        user = me.call(
            "POST",
            "/api/auth/accept-invite",
            {"token": patient["invite_token"], "password": PATIENT_PASSWORD},
        )
        ids[address] = user["id"]
        me.close()
    return ids, clinic, sessions[ANN]


def open_today(page: Page, email: str) -> None:
    sign_in(page, email, PATIENT_PASSWORD)
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()


def sign_out_from_menu(page: Page) -> None:
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="More").click()
    nav.get_by_role("button", name="Sign out", exact=True).click()


def save_checkin(page: Page, answers: dict[str, str]) -> None:
    fill_checkin(page, answers)
    page.get_by_role("button", name="Save check-in").click()


def queued_line(page: Page) -> None:
    done = page.get_by_role("region", name="Checked in for today")
    expect(done.get_by_role("status")).to_have_text(
        "Saved on this phone — it will be sent when you're back online."
    )


def test_a_checkin_queued_by_one_patient_is_never_sent_under_the_next(
    phone: Page, server: Server
) -> None:
    ids, clinic, _ = two_patients(server)
    clinic.close()
    today = local_today().isoformat()
    open_today(phone, ANN)
    wait_for_service_worker_control(phone)
    expect(phone.get_by_role("button", name="Save check-in")).to_be_visible()

    allow_console_error(phone, OFFLINE_ERRORS)
    allow_console_error(phone, r"status of 401")
    phone.context.set_offline(True)
    save_checkin(phone, ANN_CHECKIN)
    queued_line(phone)
    assert phone.evaluate(OUTBOX_CHECKINS) == [[ids[ANN], today, 8]]
    # The service worker keeps its own copy for Background Sync, labelled as Ann's.
    phone.wait_for_function(WORKER_QUEUED_FOR, arg=ids[ANN])

    # Ann's session ends while the phone is offline (it expired, or she signed out on her
    # laptop); back online, the phone is handed to Ben, who opens the app and signs in.
    phone.context.clear_cookies()
    phone.context.set_offline(False)
    phone.goto("/")
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    open_today(phone, BEN)
    # Ben sees nothing of Ann's: no "checked in", no queued day, an empty History.
    expect(phone.get_by_role("button", name="Save check-in")).to_be_visible()
    expect(phone.get_by_role("region", name="Checked in for today")).to_have_count(0)
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    expect(phone.get_by_text("No check-ins yet.")).to_be_visible()
    expect(phone.locator(".history .badge")).to_have_count(0)

    # Ben checks in himself: saving sends whatever is queued first, and only his is.
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    save_checkin(phone, BEN_CHECKIN)
    expect(phone.get_by_role("region", name="Checked in for today")).to_be_visible()
    expect(
        phone.get_by_role("region", name="Checked in for today").get_by_role("status")
    ).to_have_text("Saved.")
    assert server.query(CHECKINS_BY_EMAIL) == [(BEN, today, 1, 0, 1)]
    assert server.query(PAINS_RECEIVED) == [(BEN, 1)]
    assert phone.evaluate(OUTBOX_CHECKINS) == [[ids[ANN], today, 8]]

    # Ben signs out (nothing of his is waiting: no question), Ann signs in again.
    sign_out_from_menu(phone)
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    open_today(phone, ANN)
    done = phone.get_by_role("region", name="Checked in for today")
    expect(done.get_by_role("status")).to_have_text("Sent to the clinic.")
    assert server.query(CHECKINS_BY_EMAIL) == [(ANN, today, 8, 3, 3), (BEN, today, 1, 0, 1)]
    assert (BEN, 8) not in server.query(PAINS_RECEIVED)
    assert phone.evaluate(OUTBOX_CHECKINS) == []


def test_signing_out_with_a_checkin_not_sent_asks_first_and_keeps_it_for_its_owner(
    no_worker: Page, server: Server
) -> None:
    page, size = no_worker, no_worker.size_name  # type: ignore[attr-defined]
    ids, clinic, _ = two_patients(server)
    clinic.close()
    today = local_today().isoformat()
    open_today(page, ANN)

    # The clinic's server cannot be reached for check-ins (a flaky connection): the
    # check-in stays queued while everything else works.
    allow_console_error(page, r"Failed to load resource: net::ERR_FAILED")

    def unreachable(route: Route) -> None:
        route.abort("failed")

    page.context.route("**/api/me/checkins/**", unreachable)
    save_checkin(page, ANN_CHECKIN)
    queued_line(page)

    sign_out_from_menu(page)
    question = page.get_by_text(
        "You have 1 check-in not sent yet. If you sign out now it stays on this phone "
        "and is sent when you sign in again."
    )
    expect(question).to_be_focused()
    screenshot(page, f"shared-device-sign-out-question-{size}")
    assert_accessible(page, f"sign-out question ({size})")
    page.get_by_role("button", name="Stay signed in").click()
    expect(question).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_focused()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()

    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(question).to_be_visible()
    page.get_by_role("button", name="Sign out anyway").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate(OUTBOX_CHECKINS) == [[ids[ANN], today, 8]]

    # The connection is fine again; Ben signs in: Ann's check-in is not his to send.
    page.context.unroute("**/api/me/checkins/**", unreachable)
    open_today(page, BEN)
    save_checkin(page, BEN_CHECKIN)
    expect(
        page.get_by_role("region", name="Checked in for today").get_by_role("status")
    ).to_have_text("Saved.")
    assert server.query(CHECKINS_BY_EMAIL) == [(BEN, today, 1, 0, 1)]
    assert server.query(PAINS_RECEIVED) == [(BEN, 1)]
    sign_out_from_menu(page)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    open_today(page, ANN)
    expect(
        page.get_by_role("region", name="Checked in for today").get_by_role("status")
    ).to_have_text("Sent to the clinic.")
    assert server.query(CHECKINS_BY_EMAIL) == [(ANN, today, 8, 3, 3), (BEN, today, 1, 0, 1)]


def test_a_queued_checkin_the_server_refuses_is_dropped_and_the_patient_told(
    sized: Page, server: Server
) -> None:
    page, size = sized, sized.size_name  # type: ignore[attr-defined]
    _, clinic, session_id = two_patients(server)
    today, yesterday = local_today(), local_today() - timedelta(days=1)
    open_today(page, ANN)
    wait_for_service_worker_control(page)

    # Offline, Ann saves yesterday's check-in (from History's day editor) and today's.
    page.goto(f"/#/checkin/{yesterday.isoformat()}")
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()
    allow_console_error(page, OFFLINE_ERRORS)
    allow_console_error(page, r"status of 422")
    page.context.set_offline(True)
    save_checkin(page, ANN_CHECKIN)
    expect(page.get_by_role("status").filter(has_text="Queued")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    save_checkin(page, BEN_CHECKIN)
    queued_line(page)

    # Meanwhile the clinic corrects the session's date to today: yesterday's check-in is
    # now before the first session, and the server will refuse it whenever it is sent.
    clinic.call("PATCH", f"/api/sessions/{session_id}", {"performed_on": today.isoformat()})
    clinic.close()
    page.context.set_offline(False)

    # Yesterday's is refused (and dropped), today's still goes: one never blocks the other.
    notice = page.get_by_role("region", name="Not sent to the clinic")
    expect(notice).to_contain_text(
        re.compile(
            r"Your check-in for .+ could not be saved: it is before your first treatment "
            r"session on .+\."
        )
    )
    assert server.query(CHECKINS_BY_EMAIL) == [(ANN, today.isoformat(), 1, 0, 1)]
    screenshot(page, f"shared-device-refused-notice-{size}")
    assert_accessible(page, f"Today with a refused check-in ({size})")
    assert page.evaluate(OUTBOX_CHECKINS) == []

    # Read, and gone for good (it was kept on the device until then).
    page.reload()
    expect(notice).to_be_visible()
    notice.get_by_role("button", name="OK").click()
    expect(notice).to_have_count(0)
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_focused()
    page.reload()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(notice).to_have_count(0)
