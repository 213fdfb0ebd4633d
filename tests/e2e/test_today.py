"""Today and the daily check-in, in a real browser.

(a) On a 390x844 phone the first question (pain) shows without scrolling; pain 0-10 is two
even rows (6 + 5, no orphan) on a phone and one row of eleven on a desktop, with its end
anchors in words; the grades' meanings are shown once; every option is a 44 px target.
(b) Save with nothing answered marks all six questions at once, each with its message, and
focuses the first question's first option, in view.
(c) A full check-in (seven taps, timed) ends in the done state at the top: "Checked in for
today", the answers, the next reminder, Edit; a reload opens on it; Edit reopens the form
prefilled, and a change saved shows in the done state.
(d) A patient whose clinic has recorded no session sees a calm card, no symptom form.
(e) Offline, Today is the copy this device last saw, said so: after a check-in, the done state.

Every state is checked with axe-core; screenshots go to `tests/e2e/artifacts/`
(today-phone, today-errors-phone, today-done-phone, today-desktop, today-done-desktop).
SQLite only: see `conftest.py`.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import Locator, Page, ViewportSize, expect

from tests.e2e.steps import CHECKIN, PATIENT_PASSWORD, fill_checkin, patient_with_session, sign_in
from tests.e2e.support import (
    Server,
    allow_console_error,
    assert_accessible,
    screenshot,
    wait_for_service_worker_control,
)

PHONE_SIZE: ViewportSize = {"width": 390, "height": 844}
QUESTIONS = ["Pain", "Swelling", "Bruising", "Brown marks", "Firm lumps", "Itching"]
MEANINGS = [
    "You notice it, but it does not bother you.",
    "It bothers you, but you can do your usual things.",
    "It stops you doing your usual things.",
]


def open_today(page: Page, server: Server, days_ago: int | None = 4) -> None:
    _, email = patient_with_session(server, days_ago=days_ago)
    sign_in(page, email, PATIENT_PASSWORD)
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()


def group(page: Page, name: str) -> Locator:
    return page.get_by_role("radiogroup", name=name, exact=True)


def no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def row_sizes(options: Locator) -> list[int]:
    """How many options sit on each visual row, top to bottom."""
    tops: dict[int, int] = {}
    for box in (option.bounding_box() for option in options.all()):
        assert box is not None
        tops[round(box["y"])] = tops.get(round(box["y"]), 0) + 1
    return [tops[y] for y in sorted(tops)]


def test_the_first_question_shows_without_scrolling_and_the_scales_read_plainly(
    phone: Page, desktop: Page, server: Server
) -> None:
    phone.set_viewport_size(PHONE_SIZE)
    open_today(phone, server)
    expect(phone.get_by_text(re.compile(r"^Day 4 after your session on"))).to_be_visible()
    pain = group(phone, "Pain")
    first = pain.get_by_role("radio", name="0", exact=True)
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE_SIZE["height"], box
    assert phone.evaluate("() => window.scrollY") == 0

    # Pain: 6 + 5 on a phone, anchored in words; each answer tile is a 44 px target.
    tiles = pain.locator("label")
    assert row_sizes(tiles) == [6, 5]
    expect(pain).to_contain_text("0 = No pain")
    expect(pain).to_contain_text("10 = Worst pain you can imagine")
    expect(first).to_have_accessible_description(re.compile("No pain"))
    for tile in phone.locator("form.checkin .option").all():
        size = tile.bounding_box()
        assert size is not None and size["width"] >= 44 and size["height"] >= 44, size
    # The graded symptoms: four plain grades, and what they mean said once above them.
    key = phone.get_by_text("What do Mild, Moderate and Severe mean?")
    expect(key).to_have_count(1)
    for meaning in MEANINGS:
        expect(phone.locator(".grade-key")).to_contain_text(meaning)
    swelling = group(phone, "Swelling")
    assert row_sizes(swelling.locator("label")) == [4]
    expect(swelling.get_by_role("radio", name="Mild", exact=True)).to_have_accessible_description(
        re.compile(MEANINGS[0])
    )
    # A treated patient is not told about "your first session".
    expect(
        phone.get_by_role("link", name="Answer a few health questions for your clinic")
    ).to_be_visible()
    expect(phone.get_by_text(re.compile("before your first session"))).to_have_count(0)
    # Advice stays, short: the rest folded.
    expect(phone.get_by_role("heading", name="Aftercare for today")).to_be_visible()
    assert phone.locator(".advice > ul > li").count() <= 3
    expect(phone.locator("details.more-advice summary")).to_have_text("More aftercare advice")
    assert_accessible(phone, "Today, the check-in (phone)")
    no_sideways_scroll(phone)
    screenshot(phone, "today-phone")
    phone.set_viewport_size({"width": 360, "height": 740})
    no_sideways_scroll(phone)

    sign_in(desktop, "ann@example.org", PATIENT_PASSWORD)
    expect(desktop.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    assert row_sizes(group(desktop, "Pain").locator("label")) == [11]
    assert_accessible(desktop, "Today, the check-in (desktop)")
    no_sideways_scroll(desktop)
    screenshot(desktop, "today-desktop")


def test_saving_with_nothing_answered_marks_every_question_and_goes_to_the_first(
    phone: Page, server: Server
) -> None:
    phone.set_viewport_size(PHONE_SIZE)
    open_today(phone, server)
    phone.get_by_role("button", name="Save check-in").click()

    expect(
        phone.get_by_role("alert").filter(has_text="6 questions still need an answer.")
    ).to_be_visible()
    for name in QUESTIONS:
        expect(group(phone, name)).to_have_attribute("aria-invalid", "true")
        expect(group(phone, name)).to_have_accessible_description(re.compile(r"Choose .+"))
    expect(group(phone, "Pain")).to_contain_text("Choose a number from 0 to 10 for pain.")
    expect(group(phone, "Firm lumps")).to_contain_text(
        "Choose None, Mild, Moderate or Severe for firm lumps."
    )
    first = group(phone, "Pain").get_by_role("radio", name="0", exact=True)
    expect(first).to_be_focused()
    expect(first).to_be_in_viewport()
    assert_accessible(phone, "Today, six questions unanswered (phone)")
    screenshot(phone, "today-errors-phone")

    # Answering some clears their marks; the rest stay marked, focus goes to the next one.
    group(phone, "Pain").get_by_role("radio", name="2", exact=True).check()
    group(phone, "Bruising").get_by_role("radio", name="None", exact=True).check()
    phone.get_by_role("button", name="Save check-in").click()
    expect(
        phone.get_by_role("alert").filter(has_text="4 questions still need an answer.")
    ).to_be_visible()
    expect(group(phone, "Pain")).not_to_have_attribute("aria-invalid", "true")
    expect(group(phone, "Bruising")).not_to_have_attribute("aria-invalid", "true")
    expect(group(phone, "Itching")).to_have_attribute("aria-invalid", "true")
    swelling = group(phone, "Swelling").get_by_role("radio", name="None", exact=True)
    expect(swelling).to_be_focused()
    expect(swelling).to_be_in_viewport()
    assert server.query("SELECT count(*) FROM checkin") == [(0,)]


def test_a_full_checkin_ends_in_a_done_state_that_stays_and_can_be_edited(
    phone: Page, desktop: Page, server: Server
) -> None:
    phone.set_viewport_size(PHONE_SIZE)
    open_today(phone, server)
    # Count real taps (pointer presses) and time it, from loading Today to the done state.
    phone.add_init_script(
        "window.__taps = 0; addEventListener('pointerdown', () => window.__taps++, true);"
    )
    started = time.perf_counter()
    phone.reload()
    fill_checkin(phone)
    phone.get_by_role("button", name="Save check-in").click()
    done = phone.get_by_role("heading", name="Checked in for today")
    expect(done).to_be_focused()
    seconds = time.perf_counter() - started
    taps = phone.evaluate("() => window.__taps")
    print(f"\nfull check-in: {taps} taps, {seconds:.2f} s from loading Today to the done state")
    assert taps == len(CHECKIN) + 1  # one per question, and Save

    expect(phone.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(phone.get_by_role("button", name="Save check-in")).to_have_count(0)
    section = phone.get_by_role("region", name="Checked in for today")
    answers = section.locator("dl.answers")
    for label, value in [("Pain", "3 of 10"), *((k, v) for k, v in CHECKIN.items() if k != "Pain")]:
        expect(
            answers.locator("div").filter(has=phone.locator("dt", has_text=label))
        ).to_contain_text(value)
    expect(section).to_contain_text("Next reminder: tomorrow at 19:00")
    expect(section.get_by_role("button", name="Edit")).to_be_visible()
    # How today compares with the clinic's usual range: this clinic has no other patients.
    expect(section.locator(".comparison")).to_have_text(re.compile("no usual range for day 4"))
    # The done state is at the top: its heading in view without scrolling back.
    heading_box = done.bounding_box()
    assert heading_box is not None and heading_box["y"] < 400, heading_box
    assert_accessible(phone, "Today, checked in (phone)")
    no_sideways_scroll(phone)
    screenshot(phone, "today-done-phone")

    phone.reload()
    expect(phone.get_by_role("heading", name="Checked in for today")).to_be_visible()
    expect(phone.get_by_role("button", name="Save check-in")).to_have_count(0)
    expect(phone.locator("dl.answers")).to_contain_text("3 of 10")

    phone.get_by_role("button", name="Edit").click()
    form_heading = phone.get_by_role("heading", name="How are you today?")
    expect(form_heading).to_be_focused()
    for name, option in CHECKIN.items():
        expect(group(phone, name).get_by_role("radio", name=option, exact=True)).to_be_checked()
    group(phone, "Pain").get_by_role("radio", name="5", exact=True).check()
    phone.get_by_role("button", name="Save check-in").click()
    expect(phone.get_by_role("heading", name="Checked in for today")).to_be_focused()
    expect(phone.locator("dl.answers")).to_contain_text("5 of 10")
    assert server.query("SELECT pain, swelling, bruising FROM checkin") == [(5, 1, 2)]

    sign_in(desktop, "ann@example.org", PATIENT_PASSWORD)
    expect(desktop.get_by_role("heading", name="Checked in for today")).to_be_visible()
    assert_accessible(desktop, "Today, checked in (desktop)")
    no_sideways_scroll(desktop)
    screenshot(desktop, "today-done-desktop")


def test_a_patient_with_no_session_sees_no_symptom_form(phone: Page, server: Server) -> None:
    phone.set_viewport_size(PHONE_SIZE)
    open_today(phone, server, days_ago=None)
    expect(
        phone.get_by_text(
            "Your clinic has not recorded a treatment yet. "
            "Once they do, you'll check in here each day."
        )
    ).to_be_visible()
    expect(phone.get_by_role("radiogroup")).to_have_count(0)
    expect(phone.get_by_role("button", name="Save check-in")).to_have_count(0)
    expect(phone.get_by_text(re.compile(r"^Day \d+ after"))).to_have_count(0)
    expect(phone.get_by_role("heading", name="Aftercare for today")).to_have_count(0)
    # Before any session, "your first session" is the right words.
    expect(
        phone.get_by_role(
            "link", name="Please answer a few health questions before your first session"
        )
    ).to_be_visible()
    report = phone.get_by_role("region", name="Report a warning sign")
    expect(report.get_by_role("button", name="Send to the clinic")).to_be_visible()
    assert_accessible(phone, "Today with no session (phone)")
    no_sideways_scroll(phone)

    # The report form shows its problem too: next to the signs, focus on the first box.
    report.get_by_role("button", name="Send to the clinic").click()
    signs = report.get_by_role("group", name="Which have you noticed?")
    expect(signs).to_have_attribute("aria-invalid", "true")
    expect(signs).to_contain_text("Tick the sign or signs you have noticed.")
    first = report.get_by_role("checkbox").first
    expect(first).to_be_focused()
    expect(first).to_be_in_viewport()
    expect(first).to_have_accessible_description(
        re.compile("Tick the sign or signs you have noticed.")
    )
    assert_accessible(phone, "Today with no session, the report unanswered (phone)")
    assert server.query("SELECT count(*) FROM warning_report") == [(0,)]


def test_offline_today_is_the_last_copy_seen_and_says_so(phone: Page, server: Server) -> None:
    phone.set_viewport_size(PHONE_SIZE)
    open_today(phone, server)
    wait_for_service_worker_control(phone)
    fill_checkin(phone)
    phone.get_by_role("button", name="Save check-in").click()
    expect(phone.get_by_role("heading", name="Checked in for today")).to_be_focused()
    expect(phone.get_by_text(re.compile(r"^As last seen on .+ you are offline\.$"))).to_have_count(
        0
    )
    # After saving, Today's stored copy is taken again (it now says checked in).
    phone.wait_for_function(
        """() => Object.keys(localStorage).some((k) => k.endsWith("/api/me/today")
            && localStorage.getItem(k).includes('"checked_in":true'))"""
    )

    # Every request the reloaded page makes fails while offline, and the browser logs it.
    allow_console_error(phone, r"Failed to load resource: net::ERR_\w+")
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.get_by_text(re.compile(r"^As last seen on .+ you are offline\.$"))).to_be_visible()
    # The copy was taken after saving: it knows today is done.
    expect(phone.get_by_role("heading", name="Checked in for today")).to_be_visible()
    expect(phone.locator("dl.answers")).to_contain_text("3 of 10")
    expect(phone.get_by_role("button", name="Save check-in")).to_have_count(0)
    assert_accessible(phone, "Today offline, the last copy (phone)")
