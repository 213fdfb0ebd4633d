"""A patient leaving, in a real browser: downloading their data (FHIR and CSV), then closing
their account with their password, after which nothing of them stays on the device and the
password no longer signs in.
"""

from __future__ import annotations

import csv
import io
import json
import re

from playwright.sync_api import Page, expect

from tests.e2e.steps import PATIENT_PASSWORD, open_account, patient_with_session, sign_in
from tests.e2e.support import ApiClient, Server, allow_console_error, screens

LAST_SEEN_KEYS = "() => Object.keys(localStorage).filter((k) => k.startsWith('afterline.'))"


def test_a_patient_downloads_their_data_then_closes_their_account(
    phone: Page, server: Server
) -> None:
    page = phone
    elsewhere, email = patient_with_session(server)  # signed in on another device too
    sign_in(page, email, PATIENT_PASSWORD)
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    assert page.evaluate(LAST_SEEN_KEYS), "nothing kept on the device to forget (test set-up)"
    open_account(page)

    # Your data: the two downloads.
    data = page.get_by_role("region", name="Your data")
    expect(data).to_contain_text("check-ins and every change to them")
    with page.expect_download() as fhir_download:
        data.get_by_role("link", name="Download as FHIR (for another clinic or health app)").click()
    fhir = fhir_download.value
    assert fhir.suggested_filename.endswith(".json"), fhir.suggested_filename
    bundle = json.loads(fhir.path().read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle", bundle.get("resourceType")
    assert bundle["entry"], "the bundle holds nothing"
    with page.expect_download() as csv_download:
        data.get_by_role("link", name="Download as a spreadsheet (CSV)").click()
    sheet = csv_download.value
    assert sheet.suggested_filename.endswith(".csv"), sheet.suggested_filename
    rows = list(csv.reader(io.StringIO(sheet.path().read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["section", "item", "date", "field", "value"], rows[0]
    assert len(rows) > 1, "the spreadsheet holds nothing"
    # Still on the account screen: a download does not navigate.
    expect(page.get_by_role("heading", name="Account and security", level=1)).to_be_visible()

    # Leaving: said plainly before anything is asked.
    leaving = page.get_by_role("region", name="Leaving Afterline")
    expect(leaving).to_contain_text("signs you out on every device")
    expect(leaving).to_contain_text("stops every reminder and message from Afterline")
    expect(leaving).to_contain_text("removes your password, two-step sign-in and notifications")
    expect(leaving).to_contain_text(
        "Harbour Vein Clinic keeps your clinical record for 8 years after your last treatment, "
        "as health records law requires; after that it is erased."
    )
    expect(leaving).to_contain_text("Harbour Vein Clinic can invite you back")
    expect(leaving.get_by_label("Your password")).to_have_count(0)
    screens(page, "leaving")
    leaving.get_by_role("link", name="download your data").click()
    expect(page.get_by_role("heading", name="Your data")).to_be_focused()

    leaving.get_by_role("button", name="Close my account…").click()
    password = leaving.get_by_label("Your password")
    expect(password).to_be_focused()
    close = leaving.get_by_role("button", name="Close my account", exact=True)
    expect(close).to_have_class(re.compile(r"\bdanger\b"))
    screens(page, "leaving-confirm")
    # "Keep my account" goes back; nothing is closed.
    leaving.get_by_role("button", name="Keep my account").click()
    expect(leaving.get_by_label("Your password")).to_have_count(0)
    expect(leaving.get_by_role("button", name="Close my account…")).to_be_focused()
    leaving.get_by_role("button", name="Close my account…").click()

    close.click()
    expect(leaving.get_by_text("Enter your password.", exact=True)).to_be_visible()

    allow_console_error(page, r"status of 422")  # the wrong password
    password.fill("not my password at all")
    close.click()
    expect(leaving.get_by_text("That password is not your current password.")).to_be_visible()
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_be_focused()
    screens(page, "leaving-wrong-password")
    assert elsewhere.http.get("/api/auth/me").status_code == 200  # nothing closed yet

    password.fill(PATIENT_PASSWORD)
    close.click()
    expect(page.get_by_role("heading", name="Your account is closed", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"#/account-closed$"))
    expect(page.get_by_role("main")).to_contain_text(
        "Harbour Vein Clinic keeps your clinical record for 8 years after your last treatment"
    )
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    assert page.evaluate(LAST_SEEN_KEYS) == []
    screens(page, "account-closed")

    # Signed out everywhere; the password signs in nowhere any more.
    gone = elsewhere.http.get("/api/auth/me")
    elsewhere.close()
    assert gone.status_code == 401, gone.text
    allow_console_error(page, r"status of 401")
    page.goto("/#/today")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    sign_in(page, email, PATIENT_PASSWORD)
    expect(page.get_by_text("Email or password is incorrect")).to_be_visible()
    expect(page).to_have_url(re.compile(r"#/sign-in$"))
    fresh = ApiClient(server.base_url)
    try:
        refused = fresh.http.post(
            "/api/auth/login",
            json={"email": email, "password": PATIENT_PASSWORD},
            headers={"X-CSRFToken": fresh.http.cookies.get("csrftoken") or ""},
        )
    finally:
        fresh.close()
    assert refused.status_code == 401, refused.text


def test_the_closed_screen_needs_no_sign_in(desktop: Page, server: Server) -> None:
    """Reloaded (or opened later), it still says the account is closed, without the clinic's
    terms it no longer has, and asks nobody to sign in."""
    allow_console_error(desktop, r"status of 401")
    desktop.goto("/#/account-closed")
    expect(desktop.get_by_role("heading", name="Your account is closed", level=1)).to_be_visible()
    expect(desktop.get_by_role("main")).to_contain_text("your clinic can invite you back")
    expect(desktop).to_have_url(re.compile(r"#/account-closed$"))
