"""Account and security in a real browser: signed-in devices, two-step sign-in, the password.

A practitioner sees the other browser they are signed in on and signs it out; sets up
two-step sign-in (scanning is replaced by reading the key off the page and computing the
code with `pyotp`), saves the ten recovery codes, and from then on signing in asks for a
code. A patient changes their password and is told their other devices were signed out.

Codes are computed for the server's time: the tests' one clock (`support.CLOCK`), which the
server reads too (`AFTERLINE_CLOCK_OFFSET`).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e import conftest as e2e_conftest
from tests.e2e.steps import PATIENT_PASSWORD, patient_with_session, sign_in, sign_out
from tests.e2e.support import (
    CLOCK,
    ApiClient,
    ConsoleWatch,
    Server,
    allow_console_error,
    on_the_tests_clock,
    screens,
)
from tests.serving import server_env

RECOVERY_CODE = re.compile(r"^[a-z2-9]{4}(-[a-z2-9]{4}){3}$")
NEW_PASSWORD = "a brand new patient passphrase"


def code_at(secret: str, when: datetime) -> str:
    return pyotp.TOTP(secret).at(when)


def wrong_code(secret: str) -> str:
    """Six digits the server accepts at no step near now (it allows one step either side)."""
    near = {code_at(secret, CLOCK.now() + timedelta(seconds=s)) for s in range(-90, 91, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


def open_account(page: Page) -> None:
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="More").click()
    nav.get_by_role("link", name="Account and security").click()
    expect(page.get_by_role("heading", name="Account and security", level=1)).to_be_visible()


def section(page: Page, name: str) -> Locator:
    return page.get_by_role("region", name=name)


def test_a_practitioner_signs_out_another_device_and_turns_on_two_step_sign_in(
    desktop: Page, browser: Browser, server: Server
) -> None:
    page = desktop
    email, password = server.create_practitioner()
    sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"#/patients$"))

    # The same practitioner in another browser.
    other_context = on_the_tests_clock(
        browser.new_context(
            base_url=server.base_url,
            viewport={"width": 1280, "height": 800},
            locale="en-GB",
            timezone_id="Europe/London",
        )
    )
    try:
        other = other_context.new_page()
        other_watch = ConsoleWatch(other, "other")
        other_watch.allow(r"status of 401")  # its session is ended from the first browser
        sign_in(other, email, password)
        expect(other).to_have_url(re.compile(r"#/patients$"))

        open_account(page)
        devices = section(page, "Signed-in devices")
        rows = devices.get_by_role("listitem")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("Chrome on Linux")
        expect(rows.first).to_contain_text("this device")
        expect(rows.first).to_contain_text(
            re.compile(r"Signed in \d{1,2} [A-Z][a-z]{2}, in use now")
        )
        expect(rows.first.get_by_role("button")).to_have_count(0)
        other_row = rows.nth(1)
        expect(other_row).to_contain_text(
            re.compile(r"Signed in \d{1,2} [A-Z][a-z]{2}, last active just now")
        )
        expect(devices.get_by_role("button", name="Sign out everywhere else")).to_be_visible()
        expect(section(page, "Two-step sign-in")).to_contain_text("Off")
        screens(page, "account-practitioner")

        other_row.get_by_role("button", name=re.compile(r"^Sign out Chrome on Linux")).click()
        expect(devices.get_by_role("status")).to_have_text("Signed out of Chrome on Linux.")
        expect(rows).to_have_count(1)
        expect(devices.get_by_role("button", name="Sign out everywhere else")).to_be_hidden()
        # The other browser is sent to Sign in by its next request.
        other.goto("/#/alerts")
        expect(other.get_by_role("heading", name="Sign in")).to_be_visible()
        assert not other_watch.unexplained(), other_watch.unexplained()
    finally:
        other_context.close()

    # Setting up two-step sign-in: the key, a wrong code, the right one, the recovery codes.
    two_step = section(page, "Two-step sign-in")
    two_step.get_by_role("button", name="Set up two-step sign-in").click()
    qr = two_step.get_by_role("img", name="QR code for adding Afterline to your authenticator app")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 150, f"the QR code is {box} (too small to scan)"
    expect(two_step.get_by_text("Can't scan it?")).to_be_visible()
    key = two_step.locator(".secret code")
    expect(key).to_have_text(re.compile(r"^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$"))
    secret = key.inner_text().replace(" ", "")
    code = two_step.get_by_label("6-digit code from the app")
    expect(code).to_have_attribute("autocomplete", "one-time-code")
    expect(code).to_have_attribute("inputmode", "numeric")
    screens(page, "two-step-set-up")

    allow_console_error(page, r"status of 422")  # the wrong code
    code.fill(wrong_code(secret))
    two_step.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(
        two_step.get_by_text("That code is not the code your authenticator app shows now.")
    ).to_be_visible()
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_be_focused()
    screens(page, "two-step-wrong-code")

    code.fill(code_at(secret, CLOCK.now()))
    two_step.get_by_role("button", name="Turn on two-step sign-in").click()
    codes = two_step.get_by_role("list", name="Save your recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    texts = codes.all_inner_texts()
    assert all(RECOVERY_CODE.match(text) for text in texts), texts
    assert len(set(texts)) == 10
    expect(two_step.get_by_text("This is the only time they are shown.")).to_be_visible()
    expect(two_step.get_by_role("button", name="Copy codes")).to_be_visible()
    download = two_step.get_by_role("link", name="Download as text")
    expect(download).to_have_attribute("download", "afterline-recovery-codes.txt")
    screens(page, "two-step-recovery-codes")
    two_step.get_by_role("button", name="I have saved these codes").click()
    expect(two_step.get_by_role("status")).to_contain_text("Two-step sign-in is on.")
    expect(two_step).to_contain_text("Recovery codes left: 10 of 10.")
    expect(two_step.get_by_role("button", name="Turn off two-step sign-in")).to_be_visible()
    screens(page, "two-step-on")

    # Signing in again asks for a code; the next step's code (the current one was used).
    sign_out(page)
    sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"#/sign-in/code$"))
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    expect(page.get_by_text("Enter the 6-digit code from your authenticator app.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    field = page.get_by_label("6-digit code")
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    expect(field).to_have_attribute("inputmode", "numeric")
    page.get_by_role("button", name="Use a recovery code instead").click()
    expect(page.get_by_label("Recovery code")).to_have_attribute("inputmode", "text")
    screens(page, "sign-in-recovery-code")
    page.get_by_role("button", name="Use the code from your app instead").click()
    # A reload resumes at the code, not at the password.
    page.reload()
    expect(page.get_by_label("6-digit code")).to_be_visible()
    screens(page, "sign-in-code")
    page.get_by_label("6-digit code").fill(code_at(secret, CLOCK.now() + timedelta(seconds=30)))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"#/patients$"))
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    # Turning it off takes a code: here one of the recovery codes.
    open_account(page)
    two_step = section(page, "Two-step sign-in")
    two_step.get_by_role("button", name="Turn off two-step sign-in").click()
    off_code = two_step.get_by_label("Code from your app, or a recovery code")
    expect(off_code).to_be_focused()
    screens(page, "two-step-turn-off")
    off_code.fill(texts[0])
    two_step.get_by_role("button", name="Turn off", exact=True).click()
    expect(two_step.get_by_role("status")).to_have_text(
        "Two-step sign-in is off. Other devices were signed out."
    )
    expect(two_step.get_by_role("button", name="Set up two-step sign-in")).to_be_visible()


def test_a_patient_changes_their_password(phone: Page, server: Server) -> None:
    page = phone
    elsewhere, email = patient_with_session(server)  # signed in on another device too
    sign_in(page, email, PATIENT_PASSWORD)
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    open_account(page)
    devices = section(page, "Signed-in devices")
    expect(devices.get_by_role("listitem")).to_have_count(2)
    expect(
        section(page, "Two-step sign-in").get_by_role("button", name="Set up two-step sign-in")
    ).to_be_visible()
    screens(page, "account-patient")

    form = section(page, "Change password")
    current = form.get_by_label("Current password")
    new = form.get_by_label("New password")
    current.fill(PATIENT_PASSWORD)
    new.fill("too short")
    form.get_by_role("button", name="Change password").click()
    expect(form.get_by_text("The new password must be at least 10 characters.")).to_be_visible()
    expect(new).to_have_attribute("aria-invalid", "true")

    allow_console_error(page, r"status of 422")  # the wrong current password
    current.fill("not my password at all")
    new.fill(NEW_PASSWORD)
    form.get_by_role("button", name="Change password").click()
    expect(form.get_by_text("That password is not your current password.")).to_be_visible()
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(new).not_to_have_attribute("aria-invalid", "true")
    screens(page, "change-password-wrong")

    current.fill(PATIENT_PASSWORD)
    new.fill(NEW_PASSWORD)
    form.get_by_role("button", name="Change password").click()
    expect(form.get_by_role("status")).to_have_text(
        "Your password has been changed. We signed you out on 1 other device: "
        "sign in there with your new password."
    )
    expect(current).to_have_value("")
    expect(devices.get_by_role("listitem")).to_have_count(1)
    screens(page, "change-password-done")
    # The other device was signed out; the new password works here.
    gone = elsewhere.http.get("/api/auth/me")
    elsewhere.close()
    assert gone.status_code == 401, gone.text
    sign_out(page)
    sign_in(page, email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    fresh = ApiClient(server.base_url)
    try:
        fresh.sign_in(email, NEW_PASSWORD)
    finally:
        fresh.close()


class TestWhereTheClinicRequiresTwoStepSignIn:
    """The server runs with AFTERLINE_REQUIRE_SECOND_FACTOR=1 (as production always does):
    a practitioner without two-step sign-in sets it up right after their password."""

    @pytest.fixture(autouse=True)
    def _required(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # Autouse in this class: applied before `server` starts its `afterline serve`.
        def strict_env(*args: Any, **extra: str) -> dict[str, str]:
            return server_env(*args, AFTERLINE_REQUIRE_SECOND_FACTOR="1", **extra)

        monkeypatch.setattr(e2e_conftest, "server_env", strict_env)

    def test_a_practitioner_sets_it_up_before_anything_else(
        self, desktop: Page, server: Server
    ) -> None:
        page = desktop
        email, password = server.create_practitioner()
        sign_in(page, email, password)
        expect(page).to_have_url(re.compile(r"#/sign-in/set-up-two-step$"))
        expect(page.get_by_role("heading", name="Set up two-step sign-in", level=1)).to_be_visible()
        expect(
            page.get_by_text("Your clinic requires two-step sign-in for practitioners")
        ).to_be_visible()
        expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
        # A deep link or a reload comes back to this step.
        page.goto("/#/patients")
        expect(page).to_have_url(re.compile(r"#/sign-in/set-up-two-step$"))
        key = page.locator(".secret code")
        expect(key).to_have_text(re.compile(r"^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$"))
        expect(page.get_by_role("button", name="Cancel")).to_have_count(0)
        screens(page, "enrolment")
        secret = key.inner_text().replace(" ", "")
        page.get_by_label("6-digit code from the app").fill(code_at(secret, CLOCK.now()))
        page.get_by_role("button", name="Turn on two-step sign-in").click()
        expect(
            page.get_by_role("list", name="Save your recovery codes").get_by_role("listitem")
        ).to_have_count(10)
        screens(page, "enrolment-recovery-codes")
        page.get_by_role("button", name="I have saved these codes").click()
        expect(page).to_have_url(re.compile(r"#/patients$"))

        open_account(page)
        two_step = section(page, "Two-step sign-in")
        expect(two_step).to_contain_text("On")
        expect(
            two_step.get_by_text(
                re.compile(r"^Your clinic requires two-step sign-in for practitioners, so it")
            )
        ).to_be_visible()
        expect(two_step.get_by_role("button", name="Turn off two-step sign-in")).to_have_count(0)
        screens(page, "account-two-step-required")
