"""Results in the exports: photos as FHIR Media by URL, outcome and rating Observations, and
the outcome and rating columns of the CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.media import Media
from fhir.resources.R4B.observation import Observation

from tests.api.test_reports import FIRST, export_fhir, resources, treated_patient
from tests.conftest import World
from tests.pictures import phone_jpeg


async def with_results(world: World) -> tuple[Any, str, dict[str, str]]:
    doctor, patient_id, patient = await treated_patient(world)
    [first, _] = (await patient.get("/api/me/sessions")).json()
    photo = await patient.post(
        "/api/me/photos",
        files={"file": ("calf.jpg", phone_jpeg(), "image/jpeg")},
        data={"area": "leg_left_calf", "taken_at": f"{FIRST.isoformat()}T09:00:00Z"},
    )
    assert photo.status_code == 201, photo.text
    outcome = {
        "assessed_on": "2026-03-09",
        "clearance": "good",
        "hyperpigmentation": 2,
        "matting": True,
        "trapped_blood_drained": False,
        "ulceration": False,
        "notes": "fading well",
    }
    graded = await doctor.put(f"/api/sessions/{first['id']}/outcome", json=outcome)
    assert graded.status_code == 201, graded.text
    rated = await patient.put(
        f"/api/me/sessions/{first['id']}/rating", json={"pgic": 2, "satisfaction": 8}
    )
    assert rated.status_code == 201, rated.text
    return doctor, patient_id, {"session": first["id"], "photo": photo.json()["id"]}


async def test_the_bundle_carries_photos_by_url_and_the_results(world: World) -> None:
    doctor, patient_id, ids = await with_results(world)
    bundle = await export_fhir(doctor, patient_id)
    Bundle.model_validate(bundle)
    [media] = resources(bundle, "Media")
    Media.model_validate(media)
    assert media["id"] == ids["photo"]
    assert media["content"]["url"] == (
        f"https://afterline.test/api/photos/{ids['photo']}/image?size=full"
    )
    assert "data" not in media["content"]  # referenced, never inlined
    assert media["content"]["contentType"] == "image/jpeg"
    assert media["bodySite"]["coding"][0]["code"] == "leg_left_calf"
    assert media["partOf"] == [{"reference": f"urn:uuid:{ids['session']}"}]
    results = {
        o["code"]["coding"][0]["code"]: o
        for o in resources(bundle, "Observation")
        if o["code"]["coding"][0]["system"].endswith("/result")
    }
    assert set(results) == {"review-outcome", "pgic"}
    for observation in results.values():
        Observation.model_validate(observation)
        assert observation["partOf"] == [{"reference": f"urn:uuid:{ids['session']}"}]
    review = results["review-outcome"]
    assert review["valueCodeableConcept"]["coding"][0]["code"] == "good"
    components = {c["code"]["coding"][0]["code"]: c for c in review["component"]}
    assert components["hyperpigmentation"]["valueCodeableConcept"]["coding"][0]["code"] == "2"
    assert components["matting"]["valueBoolean"] is True
    assert components["ulceration"]["valueBoolean"] is False
    assert review["note"] == [{"text": "fading well"}]
    pgic = results["pgic"]
    assert pgic["valueCodeableConcept"]["coding"][0]["code"] == "2"
    assert pgic["component"][0]["valueInteger"] == 8
    assert pgic["performer"] == [pgic["subject"]]
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert f"urn:uuid:{ids['session']}" in full_urls


async def test_the_csv_gains_the_outcome_and_rating_of_each_rows_session(world: World) -> None:
    doctor, patient_id, _ = await with_results(world)
    response = await doctor.get(f"/api/patients/{patient_id}/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    graded = [r for r in rows if r["session_date"] == FIRST.isoformat()]
    later = [r for r in rows if r["session_date"] != FIRST.isoformat()]
    assert graded and later
    for row in graded:
        assert (row["outcome_clearance"], row["outcome_hyperpigmentation"]) == ("good", "2")
        assert (row["outcome_matting"], row["outcome_ulceration"]) == ("true", "false")
        assert (row["rating_pgic"], row["rating_satisfaction"]) == ("2", "8")
    for row in later:
        assert row["outcome_clearance"] == "" and row["rating_pgic"] == ""
