"""Eligibility screening: the patient's strict upsert, the derived flags, the practitioner's read.

Every refused body is checked against the database too: nothing is written, and a stored set
of answers survives a bad PUT untouched. Flags are checked on both sides of each threshold.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from api.audit.models import AuditEvent
from api.screening.flags import LARGE_VEIN_MM, MANY_VEINS
from api.screening.models import Screening
from tests.conftest import START, ApiClient, World

ME = "/api/me/screening"
NOT_ANSWERED = {"answers": None, "flags": [], "updated_at": None}
ALL_FLAGS = [
    "pregnancy",
    "sclerosant_allergy",
    "clotting_disorder",
    "vein_3mm_or_larger",
    "acute_illness",
    "many_veins",
]


def answers(**overrides: Any) -> dict[str, Any]:
    """A good candidate: nothing to flag."""
    body: dict[str, Any] = {
        "pregnant_or_breastfeeding": False,
        "sclerosant_allergy": False,
        "clotting_disorder": False,
        "acute_illness": False,
        "largest_vein_mm": 1.5,
        "vein_count_estimate": 6,
    }
    body.update(overrides)
    return body


def stored(body: dict[str, Any]) -> dict[str, Any]:
    """What the API answers with for `body` (notes default to null)."""
    return {"notes": None, **body}


def practitioner_url(patient_id: str) -> str:
    return f"/api/patients/{patient_id}/screening"


async def rows(world: World) -> list[Any]:
    async with world.db.read() as conn:
        return list((await conn.execute(select(Screening.__table__))).all())


async def row_count(world: World) -> int:
    async with world.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(Screening)))


async def audit_actions(world: World) -> list[tuple[str, str | None]]:
    async with world.db.read() as conn:
        result = await conn.execute(
            select(AuditEvent.action, AuditEvent.patient_id).order_by(AuditEvent.at)
        )
        return [(action, str(pid) if pid else None) for action, pid in result.all()]


async def setup(world: World) -> tuple[ApiClient, str, ApiClient]:
    dr = await world.practitioner()
    patient_id, patient = await world.patient(dr)
    return dr, patient_id, patient


# --- happy path ---------------------------------------------------------------------------


async def test_not_answered_yet_is_null_answers_and_no_flags(world: World) -> None:
    dr, patient_id, patient = await setup(world)
    mine = await patient.get(ME)
    assert mine.status_code == 200, mine.text
    assert mine.json() == NOT_ANSWERED
    theirs = await dr.get(practitioner_url(patient_id))
    assert theirs.status_code == 200, theirs.text
    assert theirs.json() == NOT_ANSWERED
    assert await row_count(world) == 0


async def test_put_creates_then_replaces_one_row(world: World) -> None:
    dr, patient_id, patient = await setup(world)
    first = answers(largest_vein_mm=3.5, notes="  varicose vein on the left thigh  ")
    created = await patient.put(ME, json=first)
    assert created.status_code == 201, created.text
    assert created.json() == {
        "answers": stored({**first, "notes": "varicose vein on the left thigh"}),
        "flags": ["vein_3mm_or_larger"],
        "updated_at": START.isoformat().replace("+00:00", "Z"),
    }
    assert (await patient.get(ME)).json() == created.json()
    assert (await dr.get(practitioner_url(patient_id))).json() == created.json()

    world.clock.advance(timedelta(hours=2))
    second = answers(pregnant_or_breastfeeding=True, vein_count_estimate=30)
    replaced = await patient.put(ME, json=second)
    assert replaced.status_code == 200, replaced.text
    later = (START + timedelta(hours=2)).isoformat().replace("+00:00", "Z")
    assert replaced.json() == {
        "answers": stored(second),
        "flags": ["pregnancy", "many_veins"],
        "updated_at": later,
    }
    assert (await patient.get(ME)).json() == replaced.json()
    [row] = await rows(world)
    assert str(row.patient_id) == patient_id
    assert row.notes is None and row.pregnant_or_breastfeeding is True
    assert row.created_at == START and row.updated_at == START + timedelta(hours=2)


async def test_same_body_again_is_harmless(world: World) -> None:
    _, _, patient = await setup(world)
    body = answers(notes="same")
    assert (await patient.put(ME, json=body)).status_code == 201
    again = await patient.put(ME, json=body)
    assert again.status_code == 200
    assert again.json()["answers"] == stored(body)
    assert await row_count(world) == 1


async def test_each_patient_has_their_own_answers(world: World) -> None:
    dr = await world.practitioner()
    ada_id, ada = await world.patient(dr, email="ada@example.test")
    bo_id, bo = await world.patient(dr, email="bo@example.test")
    assert (await ada.put(ME, json=answers(acute_illness=True))).status_code == 201
    assert (await bo.get(ME)).json() == NOT_ANSWERED
    assert (await bo.put(ME, json=answers(notes="bo's"))).status_code == 201
    assert (await ada.get(ME)).json()["flags"] == ["acute_illness"]
    assert (await dr.get(practitioner_url(bo_id))).json()["answers"]["notes"] == "bo's"
    assert (await dr.get(practitioner_url(ada_id))).json()["answers"]["notes"] is None
    assert await row_count(world) == 2


# --- flags --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "flags"),
    [
        ({}, []),
        ({"pregnant_or_breastfeeding": True}, ["pregnancy"]),
        ({"sclerosant_allergy": True}, ["sclerosant_allergy"]),
        ({"clotting_disorder": True}, ["clotting_disorder"]),
        ({"acute_illness": True}, ["acute_illness"]),
        ({"largest_vein_mm": 2.9}, []),
        ({"largest_vein_mm": 2.999}, []),
        ({"largest_vein_mm": 3.0}, ["vein_3mm_or_larger"]),
        ({"largest_vein_mm": 3}, ["vein_3mm_or_larger"]),
        ({"largest_vein_mm": 50}, ["vein_3mm_or_larger"]),
        ({"largest_vein_mm": 0}, []),
        ({"vein_count_estimate": 20}, []),
        ({"vein_count_estimate": 21}, ["many_veins"]),
        ({"vein_count_estimate": 1000}, ["many_veins"]),
        ({"vein_count_estimate": 0}, []),
        (
            {
                "pregnant_or_breastfeeding": True,
                "sclerosant_allergy": True,
                "clotting_disorder": True,
                "acute_illness": True,
                "largest_vein_mm": 6.5,
                "vein_count_estimate": 40,
            },
            ALL_FLAGS,
        ),
    ],
)
async def test_flags_follow_each_answer_and_threshold(
    world: World, overrides: dict[str, Any], flags: list[str]
) -> None:
    dr, patient_id, patient = await setup(world)
    response = await patient.put(ME, json=answers(**overrides))
    assert response.status_code == 201, response.text
    assert response.json()["flags"] == flags
    assert (await patient.get(ME)).json()["flags"] == flags
    assert (await dr.get(practitioner_url(patient_id))).json()["flags"] == flags


def test_thresholds_are_the_documented_ones() -> None:
    # The parametrised cases above straddle these values; moving them must move the tests.
    assert (LARGE_VEIN_MM, MANY_VEINS) == (3.0, 20)


async def test_flags_change_when_the_answers_do(world: World) -> None:
    _, _, patient = await setup(world)
    raised = await patient.put(ME, json=answers(clotting_disorder=True, largest_vein_mm=4))
    assert raised.json()["flags"] == ["clotting_disorder", "vein_3mm_or_larger"]
    cleared = await patient.put(ME, json=answers())
    assert cleared.status_code == 200
    assert cleared.json()["flags"] == []
    assert (await patient.get(ME)).json()["flags"] == []


# --- validation ---------------------------------------------------------------------------

BOOLEANS = ("pregnant_or_breastfeeding", "sclerosant_allergy", "clotting_disorder", "acute_illness")
REFUSED: list[tuple[str, dict[str, Any], str]] = [
    *[
        (f"{name}={value!r}", {name: value}, name)
        for name in BOOLEANS
        for value in (1, "true", None)
    ],
    *[(f"{name} missing", {name: ...}, name) for name in (*BOOLEANS, "largest_vein_mm")],
    ("vein_count_estimate missing", {"vein_count_estimate": ...}, "vein_count_estimate"),
    ("vein mm as text", {"largest_vein_mm": "2.5"}, "largest_vein_mm"),
    ("vein mm boolean", {"largest_vein_mm": True}, "largest_vein_mm"),
    ("vein mm null", {"largest_vein_mm": None}, "largest_vein_mm"),
    ("vein mm negative", {"largest_vein_mm": -0.1}, "largest_vein_mm"),
    ("vein mm over 50", {"largest_vein_mm": 50.01}, "largest_vein_mm"),
    ("count as float", {"vein_count_estimate": 5.0}, "vein_count_estimate"),
    ("count as text", {"vein_count_estimate": "5"}, "vein_count_estimate"),
    ("count negative", {"vein_count_estimate": -1}, "vein_count_estimate"),
    ("count over 1000", {"vein_count_estimate": 1001}, "vein_count_estimate"),
    ("notes not text", {"notes": 12}, "notes"),
    ("notes too long", {"notes": "x" * 1001}, "notes"),
    ("unknown field", {"pregnant": True}, "pregnant"),
    ("flags are not writable", {"flags": []}, "flags"),
]


def refused_body(change: dict[str, Any]) -> dict[str, Any]:
    body = answers(notes="changed")
    for name, value in change.items():
        if value is ...:
            del body[name]
        else:
            body[name] = value
    return body


@pytest.mark.parametrize(("change", "field"), [pytest.param(c, f, id=i) for i, c, f in REFUSED])
async def test_refused_bodies_name_the_field_and_write_nothing(
    world: World, change: dict[str, Any], field: str
) -> None:
    _, _, patient = await setup(world)
    response = await patient.put(ME, json=refused_body(change))
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert response.json()["detail"].startswith(f"{field}: ")
    assert await row_count(world) == 0
    assert (await patient.get(ME)).json() == NOT_ANSWERED


@pytest.mark.parametrize(
    ("change", "field"), [pytest.param(c, f, id=i) for i, c, f in REFUSED[::3]]
)
async def test_refused_body_leaves_stored_answers_untouched(
    world: World, change: dict[str, Any], field: str
) -> None:
    _, _, patient = await setup(world)
    saved = (await patient.put(ME, json=answers(sclerosant_allergy=True))).json()
    world.clock.advance(timedelta(minutes=5))
    response = await patient.put(ME, json=refused_body(change))
    assert (response.status_code, response.json()["field"]) == (422, field)
    assert (await patient.get(ME)).json() == saved
    assert await row_count(world) == 1


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"", "body"),
        (b"[]", "body"),
        (b"{not json", "body"),
        (b'{"largest_vein_mm": 1e400}', "largest_vein_mm"),
    ],
)
async def test_malformed_bodies_are_422(world: World, raw: bytes, field: str) -> None:
    _, _, patient = await setup(world)
    response = await patient.put(ME, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert await row_count(world) == 0


@pytest.mark.parametrize(
    ("notes", "kept"),
    [
        (None, None),
        ("", None),
        ("   \n\t ", None),
        ("  had a reaction to a dye once ", "had a reaction to a dye once"),
        (" " + "x" * 1000 + " ", "x" * 1000),  # the limit applies after trimming
    ],
)
async def test_notes_are_trimmed_and_empty_is_null(
    world: World, notes: str | None, kept: str | None
) -> None:
    _, _, patient = await setup(world)
    response = await patient.put(ME, json=answers(notes=notes))
    assert response.status_code == 201, response.text
    assert response.json()["answers"]["notes"] == kept
    [row] = await rows(world)
    assert row.notes == kept


async def test_negative_zero_is_stored_as_zero(world: World) -> None:
    _, _, patient = await setup(world)
    response = await patient.put(
        ME,
        content=b'{"pregnant_or_breastfeeding": false, "sclerosant_allergy": false,'
        b' "clotting_disorder": false, "acute_illness": false,'
        b' "largest_vein_mm": -0.0, "vein_count_estimate": 0}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 201, response.text
    assert '"largest_vein_mm":0.0' in response.text
    assert '"largest_vein_mm":0.0' in (await patient.get(ME)).text


# --- concurrency --------------------------------------------------------------------------


async def test_concurrent_puts_leave_one_row(world: World) -> None:
    dr = await world.practitioner()
    patient_id, first = await world.patient(dr)
    second = await world.client()
    await second.login("pat@example.test")
    bodies = [answers(vein_count_estimate=n, notes=f"save {n}") for n in range(24)]
    clients = [first if n % 2 == 0 else second for n in range(len(bodies))]
    responses = await asyncio.gather(
        *(client.put(ME, json=body) for client, body in zip(clients, bodies, strict=True))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * (len(bodies) - 1) + [201], [r.text for r in responses]
    [row] = await rows(world)
    assert str(row.patient_id) == patient_id
    # The row holds one whole body (the last writer's), never a mix of two.
    assert row.notes == f"save {row.vein_count_estimate}"
    final = (await first.get(ME)).json()["answers"]
    assert final == stored(bodies[row.vein_count_estimate])


# --- who may read it ----------------------------------------------------------------------


async def test_practitioner_read_is_audited(world: World) -> None:
    dr, patient_id, patient = await setup(world)
    await patient.put(ME, json=answers())
    before = await audit_actions(world)
    assert (await dr.get(practitioner_url(patient_id))).status_code == 200
    assert (await dr.get(practitioner_url(patient_id))).status_code == 200
    assert (await audit_actions(world))[len(before) :] == [("screening.read", patient_id)] * 2


async def test_patient_reads_and_writes_are_not_audited(world: World) -> None:
    _, _, patient = await setup(world)
    before = await audit_actions(world)
    await patient.put(ME, json=answers())
    await patient.get(ME)
    assert await audit_actions(world) == before


async def test_other_clinic_and_unknown_ids_are_the_same_404_and_not_audited(
    world: World,
) -> None:
    dr_a = await world.practitioner("dr@clinic-a.test", "Clinic A")
    dr_b = await world.practitioner("dr@clinic-b.test", "Clinic B")
    victim_id, victim = await world.patient(dr_b, email="victim@example.test")
    await victim.put(ME, json=answers(pregnant_or_breastfeeding=True, notes="secret"))
    before = await audit_actions(world)
    responses = [
        await dr_a.get(practitioner_url(target))
        for target in (victim_id, victim_id.upper(), str(uuid.uuid4()), "not-a-uuid")
    ]
    for response in responses:
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found"}
        assert "secret" not in response.text
    assert len({(r.status_code, r.content) for r in responses}) == 1
    assert await audit_actions(world) == before


async def test_wrong_role_is_403(world: World) -> None:
    dr, patient_id, patient = await setup(world)
    for method in ("GET", "PUT"):
        refused = await dr.request(method, ME, json=answers())
        assert refused.status_code == 403, refused.text
    assert (await patient.get(practitioner_url(patient_id))).status_code == 403
    assert await row_count(world) == 0


# --- the patient list -----------------------------------------------------------------------


async def test_the_patient_list_shows_each_patients_flags(world: World) -> None:
    dr_a = await world.practitioner("dr@clinic-a.test", "Clinic A")
    dr_b = await world.practitioner("dr@clinic-b.test", "Clinic B")
    _, flagged = await world.patient(dr_a, email="flagged@example.test")
    _, clear = await world.patient(dr_a, email="clear@example.test")
    await world.patient(dr_a, email="silent@example.test")
    _, other = await world.patient(dr_b, email="other@example.test")
    await flagged.put(ME, json=answers(sclerosant_allergy=True, largest_vein_mm=3))
    await clear.put(ME, json=answers())
    await other.put(ME, json=answers(acute_illness=True))

    rows = await dr_a.patient_list()
    assert {row["email"]: row["flags"] for row in rows} == {
        "flagged@example.test": ["sclerosant_allergy", "vein_3mm_or_larger"],
        "clear@example.test": [],
        "silent@example.test": [],
    }
