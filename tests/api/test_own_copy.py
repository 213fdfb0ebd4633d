"""The patient's own copy: everything about them, as FHIR and as CSV, audited, theirs only."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from api.reports.own_fhir import SCREENING_QUESTIONS
from tests.api.test_reports import audit_events, put_checkin, resources, treated_patient
from tests.conftest import World, checkin_body

SCREENING = {
    "pregnant_or_breastfeeding": False,
    "sclerosant_allergy": True,
    "clotting_disorder": False,
    "acute_illness": False,
    "largest_vein_mm": 2.5,
    "vein_count_estimate": 12,
    "notes": "=HYPERLINK(bad)",
}


async def own(world: World, suffix: str) -> tuple[Any, Any, str]:
    """A treated patient with screening, a changed check-in and a stranger beside them."""
    doctor, patient_id, patient = await treated_patient(world)
    assert (await patient.put("/api/me/screening", json=SCREENING)).status_code == 201
    day = "2026-03-09"
    changed = checkin_body(pain=5, itching=3)
    await put_checkin(patient, date.fromisoformat(day), changed)
    assert (
        await patient.patch(
            "/api/me/preferences", json={"channels": {"push": False, "email": True}}
        )
    ).is_success
    stranger_id, stranger = await world.patient(
        doctor, email="zed@example.test", sessions=(date(2026, 3, 1),)
    )
    await put_checkin(stranger, date(2026, 3, 9), checkin_body(pain=9))
    response = await patient.get(f"/api/me/{suffix}")
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    assert stranger_id not in response.text and "zed@example.test" not in response.text
    return response, patient_id, stranger_id


async def test_fhir_copy_holds_revisions_alerts_screening_and_choices(world: World) -> None:
    response, patient_id, _ = await own(world, "export.fhir.json")
    assert response.headers["content-type"] == "application/fhir+json"
    bundle = response.json()
    Bundle.model_validate(bundle)  # valid FHIR R4B, every resource included

    assert resources(bundle, "Patient")[0]["id"] == patient_id
    assert len(resources(bundle, "Procedure")) == 2
    revisions = resources(bundle, "Basic")
    assert len(revisions) == 4  # three check-ins, one of them changed later
    bodies = [
        e["valueString"] for r in revisions for e in r["extension"] if e["url"].endswith("body")
    ]
    assert any('"pain": 5' in b for b in bodies) and any('"pain": 2' in b for b in bodies)
    flags = resources(bundle, "Flag")
    assert flags and all(f["status"] == "active" for f in flags)
    answers = resources(bundle, "QuestionnaireResponse")[0]["item"]
    assert [a["linkId"] for a in answers] == [key for key, _ in SCREENING_QUESTIONS]
    assert answers[1]["answer"] == [{"valueBoolean": True}]
    consents = {c["policy"][0]["uri"].rsplit("-", 1)[-1]: c for c in resources(bundle, "Consent")}
    assert consents["push"]["provision"]["type"] == "deny"
    assert consents["email"]["provision"]["type"] == "permit"


async def test_csv_copy_lists_every_field_of_every_item(world: World) -> None:
    response, patient_id, _ = await own(world, "export.csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == ["section", "item", "date", "field", "value"]
    assert {r["item"] for r in rows if r["section"] == "patient"} == {patient_id}
    sections = {row["section"] for row in rows}
    assert {"patient", "choices", "session", "checkin", "checkin_revision", "alert"} <= sections
    assert "screening" in sections
    fields = {(r["section"], r["field"]): r["value"] for r in rows}
    assert fields[("screening", "sclerosant_allergy")] == "yes"
    assert fields[("screening", "notes")] == "'=HYPERLINK(bad)"  # never a formula
    assert fields[("choices", "push_enabled")] == "no"
    assert ("patient", "email") in fields
    assert (
        sum(1 for r in rows if r["section"] == "checkin_revision" and r["field"] == "payload") == 4
    )


async def test_each_copy_is_audited_as_the_patients_own_read(world: World) -> None:
    _, patient_id, patient = await treated_patient(world)
    me = (await patient.get("/api/auth/me")).json()["id"]
    assert (await patient.get("/api/me/export.csv")).status_code == 200
    assert (await patient.get("/api/me/export.fhir.json")).status_code == 200
    events = await audit_events(world)
    assert [(a, p, action) for a, p, action, _ in events] == [
        (me, patient_id, "export.own_csv"),
        (me, patient_id, "export.own_fhir"),
    ]


async def test_a_practitioner_has_no_own_copy(world: World) -> None:
    doctor, _, _ = await treated_patient(world)
    for suffix in ("export.fhir.json", "export.csv"):
        assert (await doctor.get(f"/api/me/{suffix}")).status_code == 403
