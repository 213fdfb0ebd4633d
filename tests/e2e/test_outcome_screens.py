"""The practitioner's Results screens: the review outcome form and the outcomes report.

(a) On a patient's page, "Record review outcome": a review date before the session comes
back as the server's 422 and is shown at the date field; a valid one is saved (the API then
answers it) and the page shows the grade in words. The session's photos show as thumbnails
(Day N) and, for an area photographed twice, a before/after comparison.
(b) The outcomes report (More → Outcomes): a cell of six assessed sessions shows the clearance
grades in words beside its bar; a cell of three says "Too few assessed (3 of 5 needed)".
Both at 390x844 and 1280x800: nothing scrolls sideways, axe-core finds nothing, screenshots
`outcome-form-{phone,desktop}`, `outcome-saved-{…}` and `outcomes-report-{…}`.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.steps import local_today, sign_in
from tests.e2e.support import (
    ZONE,
    ApiClient,
    Server,
    allow_console_error,
    assert_accessible,
    screenshot,
)


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

    sign_in(page, "dr.ward@example.org", "correct horse battery")
    expect(page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
    page.goto(f"/#/patients/{patient['id']}")
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_role("heading", name=re.compile(r"^Session on "))).to_be_visible()
    expect(results).to_contain_text("No review outcome yet.")
    expect(results).to_contain_text("Patient's rating: Not rated yet.")
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
    expect(results.get_by_role("status")).to_have_text("Review outcome saved.")
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
