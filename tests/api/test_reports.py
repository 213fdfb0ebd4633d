"""Records out: the FHIR R4 bundle and the CSV of one patient, as the practitioner downloads them.

The bundle is checked with the `fhir.resources` models themselves and against what the JSON
API says about the same patient; the CSV is parsed back with `csv.DictReader` and compared
row by row to `GET /api/patients/{id}/checkins`.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any, get_args

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from sqlalchemy import select

from api.audit.models import AuditEvent
from api.checkins.models import GRADED_SYMPTOMS
from api.reports import codes
from api.reports.csv_export import COLUMNS
from api.treatments.schemas import Area, Sclerosant
from tests.conftest import START, ApiClient, World, checkin_body, session_body

FIRST, SECOND = date(2026, 3, 1), date(2026, 3, 5)
# A note the CSV must keep in one cell: a comma, a quote and a line break.
TRICKY_NOTE = 'Sore, "burning" at night\nbetter by morning'
RESOURCE_MODELS = {"Patient": Patient, "Procedure": Procedure, "Observation": Observation}


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


async def put_checkin(patient: ApiClient, day: date, body: dict[str, Any]) -> dict[str, Any]:
    response = await patient.put(f"/api/me/checkins/{day.isoformat()}", json=body)
    assert response.status_code in {200, 201}, response.text
    result: dict[str, Any] = response.json()
    return result


async def treated_patient(world: World) -> tuple[ApiClient, str, ApiClient]:
    """Two sessions (the second with notes and other areas) and three varied check-ins."""
    doctor = await world.practitioner()
    patient_id, patient = await world.patient(doctor, email="ruth@example.test")
    for body in (
        session_body(FIRST),
        session_body(
            SECOND,
            areas=["face_nose", "leg_right_ankle"],
            sclerosant="sodium_tetradecyl_sulfate",
            concentration_pct=0.25,
            volume_ml=1.5,
            injections=8,
            notes="Reticular veins, right ankle; tolerated well",
        ),
    ):
        created = await doctor.post(f"/api/patients/{patient_id}/sessions", json=body)
        assert created.status_code == 201, created.text
    await put_checkin(
        patient,
        date(2026, 3, 2),
        checkin_body(at(-60 * 24 * 8), pain=7, swelling=3, bruising=2, compression_worn=True),
    )
    await put_checkin(
        patient,
        SECOND,
        checkin_body(
            at(-60 * 24 * 5),
            pain=0,
            swelling=0,
            bruising=1,
            discolouration=2,
            hardening=3,
            itching=1,
            compression_worn=False,
            warning_signs=["leg_swelling_with_pain", "spreading_redness_or_fever"],
            note=TRICKY_NOTE,
        ),
    )
    await put_checkin(patient, date(2026, 3, 9), checkin_body(at(-60), pain=2, itching=3))
    return doctor, patient_id, patient


async def export_fhir(doctor: ApiClient, patient_id: str) -> dict[str, Any]:
    response = await doctor.get(f"/api/patients/{patient_id}/export.fhir.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/fhir+json"
    body: dict[str, Any] = response.json()
    return body


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


async def audit_events(world: World) -> list[tuple[str | None, str | None, str, datetime]]:
    async with world.db.read() as conn:
        rows = (
            await conn.execute(
                select(
                    AuditEvent.actor_user_id,
                    AuditEvent.patient_id,
                    AuditEvent.action,
                    AuditEvent.at,
                ).where(AuditEvent.action.like("export.%"))
            )
        ).all()
    return [
        (str(a) if a else None, str(p) if p else None, action, when) for a, p, action, when in rows
    ]


# --- FHIR ------------------------------------------------------------------------------------


async def test_fhir_bundle_validates_and_holds_the_whole_record(world: World) -> None:
    doctor, patient_id, _ = await treated_patient(world)
    bundle = await export_fhir(doctor, patient_id)

    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        RESOURCE_MODELS[resource["resourceType"]].model_validate(resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Patient"] + ["Procedure"] * 2 + ["Observation"] * 6 * 3
    # Every reference resolves inside the bundle.
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    references = [
        ref["reference"]
        for resource in resources(bundle, "Procedure") + resources(bundle, "Observation")
        for ref in [resource["subject"], *resource.get("performer", [])]
    ]
    assert set(references) == {f"urn:uuid:{patient_id}"} <= full_urls

    [patient] = resources(bundle, "Patient")
    assert patient["id"] == patient_id
    assert patient["name"] == [{"text": "Ruth"}]
    assert patient["telecom"] == [{"system": "email", "value": "ruth@example.test"}]
    assert patient["identifier"][0]["value"] == f"urn:uuid:{patient_id}"
    assert patient["identifier"][0]["system"] == "urn:ietf:rfc:3986"
    assert patient["active"] is True

    sessions = (await doctor.get(f"/api/patients/{patient_id}/sessions")).json()
    by_id = {s["id"]: s for s in sessions}
    procedures = resources(bundle, "Procedure")
    assert [p["performedDateTime"] for p in procedures] == ["2026-03-01", "2026-03-05"]
    for procedure in procedures:
        session = by_id[procedure["id"]]
        assert procedure["status"] == "completed"
        assert procedure["performedDateTime"] == session["performed_on"]
        assert [site["coding"][0]["code"] for site in procedure["bodySite"]] == session["areas"]
        assert all(
            site["coding"][0]["system"] == codes.AREA_SYSTEM for site in procedure["bodySite"]
        )
        assert all(site["text"] for site in procedure["bodySite"])
        [used] = procedure["usedCode"]
        assert used["coding"][0] == {
            "system": codes.SCLEROSANT_SYSTEM,
            "code": session["sclerosant"],
            "display": codes.SCLEROSANTS[session["sclerosant"]],
        }
        assert f"{session['concentration_pct']:g} %" in used["text"]
        assert f"{session['volume_ml']:g} ml" in used["text"]
    assert "note" not in procedures[0]
    assert procedures[1]["note"] == [{"text": "Reticular veins, right ankle; tolerated well"}]
    assert [s["coding"][0]["display"] for s in procedures[1]["bodySite"]] == [
        "Nose",
        "Right ankle",
    ]
    assert procedures[1]["usedCode"][0]["text"] == (
        "Sodium tetradecyl sulfate 0.25 %, 1.5 ml, 8 injections"
    )

    checkins = (await doctor.get(f"/api/patients/{patient_id}/checkins")).json()
    observations = resources(bundle, "Observation")
    for checkin, six in zip(
        checkins, [observations[i : i + 6] for i in range(0, 18, 6)], strict=True
    ):
        for observation in six:
            assert observation["status"] == "final"
            assert observation["effectiveDateTime"] == checkin["local_date"]
            assert datetime.fromisoformat(observation["issued"]) == datetime.fromisoformat(
                checkin["updated_at"]
            )
            assert "derivedFrom" not in observation
        pain, *graded = six
        assert pain["code"]["coding"] == [
            {
                "system": "http://loinc.org",
                "code": "72514-3",
                "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
            }
        ]
        assert pain["valueInteger"] == checkin["pain"]
        assert "valueCodeableConcept" not in pain
        for observation, symptom in zip(graded, GRADED_SYMPTOMS, strict=True):
            assert observation["code"]["coding"][0]["system"] == codes.SYMPTOM_SYSTEM
            assert observation["code"]["coding"][0]["code"] == symptom
            value = observation["valueCodeableConcept"]
            grade = checkin[symptom]
            assert value["coding"] == [
                {
                    "system": codes.GRADE_SYSTEM,
                    "code": str(grade),
                    "display": ["None", "Mild", "Moderate", "Severe"][grade],
                }
            ]
            assert value["text"] == ["None", "Mild", "Moderate", "Severe"][grade]
            assert "valueInteger" not in observation
    # The stored values really differ across check-ins, so the mapping above was exercised.
    assert {c["hardening"] for c in checkins} == {1, 3}


async def test_fhir_ids_are_stable_across_exports_and_edits(world: World) -> None:
    doctor, patient_id, patient = await treated_patient(world)
    first = await export_fhir(doctor, patient_id)
    world.clock.advance(timedelta(hours=2))
    # The patient corrects a day: same check-in, new values.
    await put_checkin(patient, date(2026, 3, 9), checkin_body(at(30), pain=5, itching=0))
    second = await export_fhir(doctor, patient_id)

    ids = [entry["fullUrl"] for entry in first["entry"]]
    assert ids == [entry["fullUrl"] for entry in second["entry"]]
    assert len(set(ids)) == len(ids)
    assert first["timestamp"] != second["timestamp"]
    pains = [
        [o["valueInteger"] for o in resources(bundle, "Observation") if "valueInteger" in o]
        for bundle in (first, second)
    ]
    assert pains == [[7, 0, 2], [7, 0, 5]]
    latest = resources(second, "Observation")[-6:]
    assert {datetime.fromisoformat(o["issued"]) for o in latest} == {world.clock.now()}


async def test_a_patient_with_nothing_recorded_exports_just_the_patient(world: World) -> None:
    doctor = await world.practitioner()
    patient_id, _ = await world.patient(doctor, email="new@example.test")
    bundle = await export_fhir(doctor, patient_id)
    Bundle.model_validate(bundle)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]

    response = await doctor.get(f"/api/patients/{patient_id}/export.csv")
    assert response.status_code == 200
    assert response.text == ",".join(COLUMNS) + "\r\n"


def test_local_code_systems_name_every_domain_code() -> None:
    assert set(codes.AREAS) == set(get_args(Area))
    assert set(codes.SCLEROSANTS) == set(get_args(Sclerosant))
    assert tuple(codes.GRADED_SYMPTOMS) == GRADED_SYMPTOMS
    assert all(
        system.startswith(codes.CODE_SYSTEM_BASE + "/")
        for system in (
            codes.PROCEDURE_SYSTEM,
            codes.AREA_SYSTEM,
            codes.SCLEROSANT_SYSTEM,
            codes.SYMPTOM_SYSTEM,
            codes.GRADE_SYSTEM,
        )
    )


# --- CSV -------------------------------------------------------------------------------------


async def test_csv_round_trips_every_checkin(world: World) -> None:
    doctor, patient_id, _ = await treated_patient(world)
    response = await doctor.get(f"/api/patients/{patient_id}/export.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="{patient_id}.csv"'

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
    assert rows and list(rows[0]) == list(COLUMNS)
    checkins = (await doctor.get(f"/api/patients/{patient_id}/checkins")).json()
    timeline = (await doctor.get(f"/api/patients/{patient_id}/timeline")).json()
    assert len(rows) == len(checkins) == 3
    for row, checkin, point in zip(rows, checkins, timeline["points"], strict=True):
        assert row["local_date"] == checkin["local_date"]
        for symptom in ("pain", *GRADED_SYMPTOMS):
            assert int(row[symptom]) == checkin[symptom]
        assert (
            row["compression_worn"]
            == {None: "", True: "true", False: "false"}[checkin["compression_worn"]]
        )
        assert (row["warning_signs"].split(";") if row["warning_signs"] else []) == checkin[
            "warning_signs"
        ]
        assert row["note"] == (checkin["note"] or "")
        assert row["recorded_at"] == checkin["recorded_at"]
        assert row["updated_at"] == checkin["updated_at"]
        assert int(row["day"]) == point["day"]
    assert [(r["day"], r["session_date"]) for r in rows] == [
        ("1", "2026-03-01"),
        ("0", "2026-03-05"),  # the day of the second session counts from it
        ("4", "2026-03-05"),
    ]
    assert rows[1]["note"] == TRICKY_NOTE
    assert rows[1]["warning_signs"] == "leg_swelling_with_pain;spreading_redness_or_fever"


async def test_csv_keeps_a_formula_like_note_as_text(world: World) -> None:
    doctor = await world.practitioner()
    patient_id, patient = await world.patient(doctor, sessions=(FIRST,))
    note = '=HYPERLINK("http://evil.test","click")'
    await put_checkin(patient, date(2026, 3, 2), checkin_body(at(-60), note=note))
    await put_checkin(patient, date(2026, 3, 3), checkin_body(at(-50), note="fine, no pain"))
    response = await doctor.get(f"/api/patients/{patient_id}/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    assert [r["note"] for r in rows] == ["'" + note, "fine, no pain"]


# --- who may export, and the audit log ---------------------------------------------------------


@pytest.mark.parametrize("suffix", ["export.fhir.json", "export.csv"])
async def test_only_the_patients_clinic_can_export_and_every_export_is_audited(
    world: World, suffix: str
) -> None:
    doctor, patient_id, _ = await treated_patient(world)
    other = await world.practitioner("dr@clinic-b.test", "Clinic B")

    refused = [
        await other.get(f"/api/patients/{patient_id}/{suffix}"),
        await other.get(f"/api/patients/{patient_id.upper()}/{suffix}"),
        await doctor.get(f"/api/patients/{uuid.uuid4()}/{suffix}"),
        await doctor.get(f"/api/patients/not-a-uuid/{suffix}"),
    ]
    for response in refused:
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found"}
        assert "Ruth" not in response.text
    assert await audit_events(world) == []

    assert (await doctor.get(f"/api/patients/{patient_id}/{suffix}")).status_code == 200
    doctor_id = (await doctor.get("/api/auth/me")).json()["id"]
    action = "export.fhir" if suffix.endswith("json") else "export.csv"
    assert await audit_events(world) == [(doctor_id, patient_id, action, world.clock.now())]


async def test_a_patient_cannot_export_even_their_own_record(world: World) -> None:
    _, patient_id, patient = await treated_patient(world)
    for suffix in ("export.fhir.json", "export.csv"):
        response = await patient.get(f"/api/patients/{patient_id}/{suffix}")
        assert response.status_code == 403
    assert await audit_events(world) == []


def test_bundle_json_is_compact_fhir_without_nulls() -> None:
    """The serialisation settings: no nulls, FHIR names (`fullUrl`), resourceType first."""
    from api.reports.fhir import bundle_json
    from api.reports.record import PatientInfo, PatientRecord

    record = PatientRecord(
        PatientInfo(uuid.uuid4(), "Ada", "ada@example.test", False, "Clinic A"), [], []
    )
    text = bundle_json(record, START).decode()
    body = json.loads(text)
    assert next(iter(body)) == "resourceType"
    assert "null" not in text and "full_url" not in text and "fullUrl" in text
    assert body["timestamp"] == "2026-03-10T12:00:00Z"
    assert body["entry"][0]["resource"]["active"] is False
