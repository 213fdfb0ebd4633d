"""The practitioner's Results screens: the review outcome form and the outcomes report.

(a) On a patient's page, "Record review outcome": a review date before the session comes
back as the server's 422 and is shown at the date field; a valid one is saved (the API then
answers it) and the page shows the grade in words. The patient's own rating shows in words.
The session's photos show as thumbnails (Day N) and, for an area photographed twice, a
before/after comparison. "Add clinic photo" under the area: no file, or a file that is not a
picture (the server's 422), is said at the file; a photo taken on day 3 goes up, shows as the
Day 3 thumbnail (focused) and the API lists it as the clinic's.
(b) The outcomes report (More → Outcomes): a cell of six assessed sessions shows the clearance
grades in words beside its bar; a cell of three says "Too few assessed (3 of 5 needed)".
Both at 390x844 and 1280x800: nothing scrolls sideways, axe-core finds nothing, screenshots
`outcome-form-{phone,desktop}`, `outcome-saved-{…}`, `outcomes-report-{…}`, and of the Results
section alone `clinic-photo-error-{…}` and `practitioner-results-{…}`.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image
from playwright.sync_api import Locator, Page, expect

from tests.e2e.steps import PATIENT_PASSWORD, local_today, sign_in
from tests.e2e.support import (
    ARTIFACTS,
    ZONE,
    ApiClient,
    Server,
    allow_console_error,
    assert_accessible,
    screenshot,
)
from tests.pictures import phone_jpeg


def fits(page: Page, where: str) -> None:
    """No sideways scrolling, and axe-core finds nothing."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px"
    assert_accessible(page, where)


def clinic_of(server: Server) -> ApiClient:
    email, password = server.create_practitioner()
    return ApiClient(server.base_url).sign_in(email, password)


def add_patient(clinic: ApiClient, name: str, email: str) -> dict[str, Any]:
    body = {"name": name, "email": email, "timezone": ZONE}
    patient: dict[str, Any] = clinic.call("POST", "/api/patients", body)
    return patient


def add_session(
    clinic: ApiClient, patient_id: str, days_ago: int, sclerosant: str, concentration: float
) -> dict[str, Any]:
    body = {
        "performed_on": (local_today() - timedelta(days=days_ago)).isoformat(),
        "areas": ["leg_left_calf"],
        "sclerosant": sclerosant,
        "concentration_pct": concentration,
        "volume_ml": 2.0,
        "injections": 6,
    }
    session: dict[str, Any] = clinic.call("POST", f"/api/patients/{patient_id}/sessions", body)
    return session


def add_clinic_photo(clinic: ApiClient, patient_id: str, taken_at: datetime, shade: int) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (shade, 90, 110)).save(buffer, "JPEG")
    response = clinic.http.post(
        f"/api/patients/{patient_id}/photos",
        files={"file": ("calf.jpg", buffer.getvalue(), "image/jpeg")},
        data={"area": "leg_left_calf", "taken_at": taken_at.isoformat()},
        headers=clinic._headers(),
    )
    assert response.status_code == 201, response.text


def rate_as_patient(server: Server, patient: dict[str, Any], session_id: str) -> None:
    """The patient accepts the invitation and rates the session: much improved, 8 of 10."""
    me = ApiClient(server.base_url)
    me.call(
        "POST",
        "/api/auth/accept-invite",
        {"token": patient["invite_token"], "password": PATIENT_PASSWORD},
    )
    me.call("PUT", f"/api/me/sessions/{session_id}/rating", {"pgic": 2, "satisfaction": 8})
    me.close()


def shot_of(part: Locator, name: str) -> None:
    """A screenshot of one part of the page (the full page is many screens long)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    part.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def words(clinic: ApiClient) -> dict[str, dict[str, str]]:
    """The product's words (never retyped in the tests either)."""
    vocabulary: dict[str, dict[str, str]] = clinic.call("GET", "/api/vocabulary")
    return vocabulary


def test_recording_a_review_outcome(sized: Page, server: Server) -> None:
    page, size = sized, sized.size_name  # type: ignore[attr-defined]
    clinic = clinic_of(server)
    said = words(clinic)
    patient = add_patient(clinic, "Ann Patel", "ann@example.org")
    session = add_session(clinic, patient["id"], 10, "polidocanol", 0.5)
    performed_on = datetime.fromisoformat(session["performed_on"]).date()
    noon = time(12, tzinfo=ZoneInfo(ZONE))
    add_clinic_photo(clinic, patient["id"], datetime.combine(performed_on, noon), 200)
    add_clinic_photo(
        clinic, patient["id"], datetime.combine(local_today(), time(9, tzinfo=ZoneInfo(ZONE))), 150
    )

    rate_as_patient(server, patient, session["id"])

    sign_in(page, "dr.ward@example.org", "correct horse battery")
    expect(page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
    page.goto(f"/#/patients/{patient['id']}")
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_role("heading", name=re.compile(r"^Session on "))).to_be_visible()
    expect(results).to_contain_text("No review outcome yet.")
    # The patient's own view, in the scale's words.
    expect(results.locator(".rating")).to_contain_text(
        f"Patient's rating: {said['pgic']['2']} · satisfaction 8/10"
    )
    expect(results.locator(".rating")).to_contain_text("Rated on ")
    # Photos along the weeks, and the two of the same area side by side.
    expect(
        results.get_by_role("img", name=re.compile(r"^Left calf, Day 0 \(clinic photo"))
    ).to_be_visible()
    expect(
        results.get_by_role("img", name=re.compile(r"^Left calf, Day 10 \(clinic photo"))
    ).to_be_visible()
    expect(results.get_by_role("slider", name="Show before or after")).to_be_visible()

    results.get_by_text("Record review outcome").click()
    form = results.locator("form.outcome-form")
    date = form.get_by_label("Review date")
    expect(date).to_have_value(local_today().isoformat())
    # A date before the session: only the server knows the rule; its 422 lands at the date.
    allow_console_error(page, r"status of 422")
    date.fill((performed_on - timedelta(days=3)).isoformat())
    form.get_by_role("group", name="Clearance").get_by_label(
        said["clearance"]["good"], exact=True
    ).check()
    staining = said["findings"]["hyperpigmentation"]
    form.get_by_role("group", name=staining).get_by_label(
        said["hyperpigmentation"]["1"], exact=True
    ).check()
    form.get_by_label(said["findings"]["matting"]).check()
    form.get_by_role("button", name="Save review outcome").click()
    expect(form.locator("[data-error-for='assessed_on']")).to_have_text(
        re.compile(r"^The review can't be before the session on ")
    )
    expect(date).to_have_attribute("aria-invalid", "true")
    expect(date).to_be_focused()
    with_outcome = clinic.http.get(f"/api/sessions/{session['id']}/outcome")
    assert with_outcome.status_code == 404, "a refused outcome was stored"
    fits(page, f"the outcome form with an error ({size})")
    screenshot(page, f"outcome-form-{size}")

    date.fill(local_today().isoformat())
    form.get_by_role("button", name="Save review outcome").click()
    grade = results.locator(".outcome-grade")
    expect(grade).to_contain_text(said["clearance"]["good"])
    expect(grade).to_contain_text(said["findings"]["matting"])
    expect(results.get_by_role("status").filter(has_text="Review")).to_have_text(
        "Review outcome saved."
    )
    expect(results.get_by_text("Edit review outcome")).to_be_visible()
    stored = clinic.call("GET", f"/api/sessions/{session['id']}/outcome")
    assert (stored["clearance"], stored["hyperpigmentation"], stored["matting"]) == (
        "good",
        1,
        True,
    )
    assert (stored["ulceration"], stored["assessed_on"]) == (False, local_today().isoformat())
    fits(page, f"the saved outcome ({size})")
    screenshot(page, f"outcome-saved-{size}")

    # Add clinic photo, under the left calf: the day starts at today (the latest session).
    file = results.get_by_label("Clinic photo of left calf", exact=True)
    taken_on = results.get_by_label("Taken on (left calf)", exact=True)
    add = results.get_by_role("button", name="Add clinic photo of left calf")
    expect(taken_on).to_have_value(local_today().isoformat())
    add.click()  # no file yet: said at the file, nothing sent
    file_error = results.locator(f"[id='clinic-photo-{session['id']}-leg_left_calf-file-error']")
    expect(file_error).to_have_text("Choose the photo to add.")
    expect(file).to_be_focused()
    # Not a picture: the server's 422, said at the file.
    file.set_input_files({"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a photo"})
    add.click()
    expect(file_error).to_have_text("This file is not a JPEG, PNG, WebP or HEIC image.")
    expect(file).to_have_attribute("aria-invalid", "true")
    expect(file).to_be_focused()
    fits(page, f"a refused clinic photo ({size})")
    shot_of(results, f"clinic-photo-error-{size}")
    assert len(clinic.call("GET", f"/api/patients/{patient['id']}/photos")) == 2

    # A photo taken on day 3: it goes up as the clinic's and shows as the Day 3 thumbnail.
    day_3 = performed_on + timedelta(days=3)
    taken_on.fill(day_3.isoformat())
    file.set_input_files({"name": "calf.jpg", "mimeType": "image/jpeg", "buffer": phone_jpeg()})
    add.click()
    thumbnail = results.get_by_role("img", name=re.compile(r"^Left calf, Day 3 \(clinic photo"))
    expect(thumbnail).to_be_visible()
    expect(results.get_by_role("status").filter(has_text="Clinic photo added")).to_have_text(
        "Clinic photo added: Left calf, Day 3."
    )
    expect(
        results.get_by_role("link", name=re.compile(r"^Left calf, Day 3 \(clinic photo"))
    ).to_be_focused()
    strip = results.get_by_role("list", name="Left calf photos, oldest first")
    expect(strip.get_by_role("listitem")).to_have_count(3)
    expect(strip.locator(".when strong")).to_have_text(["Day 0", "Day 3", "Day 10"])
    thumbnail.evaluate("(img) => img.decode()")
    assert thumbnail.evaluate("(img) => img.naturalWidth") > 0
    photos = clinic.call("GET", f"/api/patients/{patient['id']}/photos")
    added = [photo for photo in photos if photo["local_date"] == day_3.isoformat()]
    assert len(photos) == 3 and len(added) == 1, photos
    assert (added[0]["source"], added[0]["area"], added[0]["day"]) == ("clinic", "leg_left_calf", 3)
    assert added[0]["session_id"] == session["id"], added[0]
    fits(page, f"the Results with an added clinic photo ({size})")
    shot_of(results, f"practitioner-results-{size}")
    clinic.close()


def test_the_outcomes_report(sized: Page, server: Server) -> None:
    page, size = sized, sized.size_name  # type: ignore[attr-defined]
    clinic = clinic_of(server)
    said = words(clinic)
    grades = ["excellent", "excellent", "good", "good", "partial", "none"]
    today = local_today().isoformat()
    for index, grade in enumerate(grades):
        patient = add_patient(clinic, f"Patient {index}", f"p{index}@example.org")
        session = add_session(clinic, patient["id"], 20, "polidocanol", 0.5)
        outcome = {
            "assessed_on": today,
            "clearance": grade,
            "hyperpigmentation": 1 if index < 3 else 0,
            "matting": False,
            "trapped_blood_drained": False,
            "ulceration": False,
        }
        clinic.call("PUT", f"/api/sessions/{session['id']}/outcome", outcome)
    for index in range(3):
        patient = add_patient(clinic, f"Few {index}", f"few{index}@example.org")
        session = add_session(clinic, patient["id"], 20, "sodium_tetradecyl_sulfate", 1.0)
        outcome = {
            "assessed_on": today,
            "clearance": "good",
            "hyperpigmentation": 0,
            "matting": True,
            "trapped_blood_drained": False,
            "ulceration": False,
        }
        clinic.call("PUT", f"/api/sessions/{session['id']}/outcome", outcome)
    clinic.close()

    sign_in(page, "dr.ward@example.org", "correct horse battery")
    expect(page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="More").click()
    nav.get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", name="Outcomes", level=1)).to_be_visible()

    enough = page.get_by_role("region", name="Polidocanol 0.5%")
    everywhere = enough.get_by_role("row", name=re.compile(r"^All areas"))
    clearance = said["clearance"]
    expect(everywhere.locator(".clearance-words")).to_have_text(
        f"{clearance['excellent']}: 2 of 6; {clearance['good']}: 2 of 6; "
        f"{clearance['partial']}: 1 of 6; {clearance['none']}: 1 of 6"
    )
    # Brown staining in 3 of 6, nothing else seen.
    cells = everywhere.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("6")  # sessions
    expect(cells.nth(1)).to_have_text("6")  # assessed
    expect(cells.nth(4)).to_have_text("50%")  # brown staining
    expect(cells.nth(5)).to_have_text("0%")  # matting
    expect(enough.get_by_role("row", name=re.compile(r"^Legs"))).to_be_visible()

    few = page.get_by_role("region", name="Sodium tetradecyl sulfate 1%")
    expect(few.get_by_role("row", name=re.compile(r"^All areas"))).to_contain_text(
        "Too few assessed (3 of 5 needed)"
    )
    expect(few.locator(".clearance-bar")).to_have_count(0)
    expect(page.get_by_role("link", name="Download CSV")).to_have_attribute(
        "href", "/api/reports/outcomes.csv"
    )
    fits(page, f"the outcomes report ({size})")
    screenshot(page, f"outcomes-report-{size}")
