"""Treatment sessions: the practitioner records and corrects them, the patient reads their own.

A refused body names its field and leaves the database exactly as it was.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from api.audit.models import AuditEvent
from api.treatments.models import TreatmentSession
from tests.conftest import START, ApiClient, World, session_body

SESSION_KEYS = {
    "id",
    "patient_id",
    "performed_on",
    "areas",
    "sclerosant",
    "concentration_pct",
    "volume_ml",
    "injections",
    "compression_days",
    "restriction_days",
    "review_on",
    "daily_days",
    "notes",
    "created_at",
    "updated_at",
}
# START is 2026-03-10 12:00 UTC: 2026-03-10 in London.
TODAY = date(2026, 3, 10)
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def minimal(performed_on: date = TODAY, **overrides: Any) -> dict[str, Any]:
    """Only the required fields, so the defaults apply."""
    body: dict[str, Any] = {
        "performed_on": performed_on.isoformat(),
        "areas": ["leg_left_calf"],
        "sclerosant": "polidocanol",
        "concentration_pct": 0.5,
        "volume_ml": 2.0,
        "injections": 10,
    }
    body.update(overrides)
    return body


async def session_rows(world: World) -> list[tuple[Any, ...]]:
    async with world.db.read() as conn:
        result = await conn.execute(
            select(
                TreatmentSession.id,
                TreatmentSession.performed_on,
                TreatmentSession.areas,
                TreatmentSession.sclerosant,
                TreatmentSession.concentration_pct,
                TreatmentSession.volume_ml,
                TreatmentSession.injections,
                TreatmentSession.compression_days,
                TreatmentSession.restriction_days,
                TreatmentSession.review_on,
                TreatmentSession.notes,
                TreatmentSession.updated_at,
            ).order_by(TreatmentSession.performed_on, TreatmentSession.created_at)
        )
        return [tuple(row) for row in result.all()]


async def audit_actions(world: World, prefix: str) -> list[str]:
    async with world.db.read() as conn:
        actions = await conn.scalars(
            select(AuditEvent.action).where(AuditEvent.action.startswith(prefix))
        )
        return list(actions)


def assert_names_field(response: Any, field: str) -> None:
    """422 naming `field`; a list item may be named by its index (`areas[1]`)."""
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["field"] == field or body["field"].startswith(f"{field}["), body
    assert field in body["detail"], body


async def practitioner_and_patient(
    world: World, timezone: str = "Europe/London"
) -> tuple[ApiClient, str, ApiClient]:
    doctor = await world.practitioner()
    patient_id, patient = await world.patient(doctor, timezone=timezone)
    return doctor, patient_id, patient


async def create(doctor: ApiClient, patient_id: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await doctor.post(f"/api/patients/{patient_id}/sessions", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# --- POST /api/patients/{id}/sessions -----------------------------------------------------


async def test_create_with_defaults(world: World) -> None:
    doctor, patient_id, _ = await practitioner_and_patient(world)
    response = await doctor.post(
        f"/api/patients/{patient_id}/sessions", json=minimal(date(2026, 3, 2))
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == SESSION_KEYS
    assert body["patient_id"] == patient_id
    assert body["performed_on"] == "2026-03-02"
    assert body["areas"] == ["leg_left_calf"]
    assert body["sclerosant"] == "polidocanol"
    assert body["concentration_pct"] == 0.5
    assert body["volume_ml"] == 2.0
    assert body["injections"] == 10
    assert body["compression_days"] == 3
    assert body["restriction_days"] == 3
    assert body["review_on"] == (date(2026, 3, 2) + timedelta(days=56)).isoformat()
    assert body["review_on"] == "2026-04-27"
    assert body["notes"] is None
    assert datetime.fromisoformat(body["created_at"]) == START
    assert datetime.fromisoformat(body["updated_at"]) == START

    rows = await session_rows(world)
    assert len(rows) == 1
    assert str(rows[0][0]) == body["id"]
    assert rows[0][1:11] == (
        date(2026, 3, 2),
        ["leg_left_calf"],
        "polidocanol",
        0.5,
        2.0,
        10,
        3,
        3,
        date(2026, 4, 27),
        None,
    )
    assert await audit_actions(world, "session.") == ["session.create"]


async def test_create_with_every_field_given(world: World) -> None:
    doctor, patient_id, _ = await practitioner_and_patient(world)
    areas = ["leg_right_thigh", "leg_right_knee", "face_nose", "arm_left", "abdomen"]
    body = await create(
        doctor,
        patient_id,
        {
            "performed_on": TODAY.isoformat(),
            "areas": areas,
            "sclerosant": "sodium_tetradecyl_sulfate",
            "concentration_pct": 100,
            "volume_ml": 0.25,
            "injections": 1,
            "compression_days": 7,
            "restriction_days": 0,
            "review_on": "2026-03-11",
            "notes": "n" * 2000,
        },
    )
    assert body["areas"] == areas
    assert body["sclerosant"] == "sodium_tetradecyl_sulfate"
    assert body["concentration_pct"] == 100
    assert body["volume_ml"] == 0.25
    assert body["injections"] == 1
    assert (body["compression_days"], body["restriction_days"]) == (7, 0)
    assert body["review_on"] == "2026-03-11"
    assert body["notes"] == "n" * 2000


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"areas": ["leg_left_shin"]}, "areas"),
        ({"areas": ["leg_left_calf", "elbow"]}, "areas"),
        ({"areas": []}, "areas"),
        ({"areas": ["leg_left_calf", "face_nose", "leg_left_calf"]}, "areas"),
        ({"areas": "leg_left_calf"}, "areas"),
        ({"sclerosant": "bleach"}, "sclerosant"),
        ({"sclerosant": "Polidocanol"}, "sclerosant"),
        ({"concentration_pct": 0}, "concentration_pct"),
        ({"concentration_pct": 101}, "concentration_pct"),
        ({"concentration_pct": -1}, "concentration_pct"),
        ({"concentration_pct": "0.5"}, "concentration_pct"),
        ({"volume_ml": 0}, "volume_ml"),
        ({"injections": 0}, "injections"),
        ({"injections": 2.5}, "injections"),
        ({"compression_days": -1}, "compression_days"),
        ({"restriction_days": 91}, "restriction_days"),
        ({"performed_on": "2026-03-11"}, "performed_on"),
        ({"performed_on": "10/03/2026"}, "performed_on"),
        ({"review_on": "2026-03-01"}, "review_on"),
        ({"performed_on": "2026-03-01", "review_on": "2026-03-01"}, "review_on"),
        ({"performed_on": "2026-03-01", "review_on": "2026-02-20"}, "review_on"),
        ({"notes": "n" * 2001}, "notes"),
        ({"notes": 7}, "notes"),
        ({"surgeon": "someone"}, "surgeon"),
        ({"patient_id": UNKNOWN_ID}, "patient_id"),
    ],
)
async def test_create_refuses_a_bad_field_by_name_and_writes_nothing(
    world: World, overrides: dict[str, Any], field: str
) -> None:
    doctor, patient_id, _ = await practitioner_and_patient(world)
    body = {**session_body(TODAY), **overrides}
    response = await doctor.post(f"/api/patients/{patient_id}/sessions", json=body)
    assert_names_field(response, field)
    assert await session_rows(world) == []
    assert await audit_actions(world, "session.") == []


@pytest.mark.parametrize("missing", ["performed_on", "areas", "sclerosant", "injections"])
async def test_create_names_a_missing_required_field(world: World, missing: str) -> None:
    doctor, patient_id, _ = await practitioner_and_patient(world)
    body = session_body(TODAY)
    del body[missing]
    response = await doctor.post(f"/api/patients/{patient_id}/sessions", json=body)
    assert_names_field(response, missing)
    assert await session_rows(world) == []


async def test_future_is_judged_in_the_patients_timezone(world: World) -> None:
    # 2026-03-10 12:00 UTC is already 2026-03-11 01:45 in Chatham, and still 2026-03-10
    # 05:00 in Los Angeles.
    doctor = await world.practitioner()
    chatham, _ = await world.patient(doctor, email="c@example.test", timezone="Pacific/Chatham")
    angeles, _ = await world.patient(doctor, email="l@example.test", timezone="America/Los_Angeles")

    ahead = await doctor.post(f"/api/patients/{chatham}/sessions", json=minimal(date(2026, 3, 11)))
    assert ahead.status_code == 201, ahead.text

    behind = await doctor.post(f"/api/patients/{angeles}/sessions", json=minimal(date(2026, 3, 11)))
    assert_names_field(behind, "performed_on")
    assert [row[1] for row in await session_rows(world)] == [date(2026, 3, 11)]

    # Later that day in UTC, Los Angeles reaches 03-11 too.
    world.clock.set(datetime(2026, 3, 11, 7, 0, tzinfo=UTC))
    await doctor.login("dr@clinic-a.test")
    assert (
        await doctor.post(f"/api/patients/{angeles}/sessions", json=minimal(date(2026, 3, 11)))
    ).status_code == 201


async def test_sessions_of_another_clinics_patient_are_404(world: World) -> None:
    _, patient_id, _ = await practitioner_and_patient(world)
    other = await world.practitioner("dr@clinic-b.test", "Clinic B")
    for target in (patient_id, UNKNOWN_ID, "not-a-uuid"):
        created = await other.post(f"/api/patients/{target}/sessions", json=minimal())
        assert created.status_code == 404, (target, created.text)
        listed = await other.get(f"/api/patients/{target}/sessions")
        assert listed.status_code == 404
    assert await session_rows(world) == []

    # A bad body gets the same answer for a hidden patient as for an id that does not exist.
    for body in (minimal(areas=[]), minimal(date(2026, 3, 11)), minimal(review_on="2026-01-01")):
        hidden = await other.post(f"/api/patients/{patient_id}/sessions", json=body)
        unknown = await other.post(f"/api/patients/{UNKNOWN_ID}/sessions", json=body)
        assert hidden.status_code == unknown.status_code, body
        assert hidden.json() == unknown.json()
    assert await session_rows(world) == []


# --- GET /api/patients/{id}/sessions and PATCH /api/sessions/{id} -------------------------


async def test_list_is_sorted_by_session_date(world: World) -> None:
    doctor, patient_id, _ = await practitioner_and_patient(world)
    other_id, _ = await world.patient(doctor, email="other@example.test")
    dates = [date(2026, 3, 5), date(2026, 1, 20), date(2026, 2, 14)]
    created = [await create(doctor, patient_id, minimal(day)) for day in dates]
    await create(doctor, other_id, minimal(date(2026, 2, 1)))

    response = await doctor.get(f"/api/patients/{patient_id}/sessions")
    assert response.status_code == 200
    listed = response.json()
    assert [s["performed_on"] for s in listed] == ["2026-01-20", "2026-02-14", "2026-03-05"]
    assert {s["id"] for s in listed} == {s["id"] for s in created}
    assert all(s["patient_id"] == patient_id for s in listed)
    assert listed[0] == created[1]

    empty_id, _ = await world.patient(doctor, email="empty@example.test")
    assert (await doctor.get(f"/api/patients/{empty_id}/sessions")).json() == []


async def test_patch_changes_the_fields_sent(world: World) -> None:
    doctor, patient_id, _ = await practitioner_and_patient(world)
    created = await create(doctor, patient_id, minimal(date(2026, 3, 1), notes="first"))
    world.clock.advance(timedelta(minutes=10))

    changes = {
        "areas": ["face_cheeks", "chest"],
        "sclerosant": "glycerin",
        "concentration_pct": 72,
        "volume_ml": 1.5,
        "injections": 12,
        "compression_days": 5,
        "restriction_days": 2,
        "review_on": "2026-05-01",
        "notes": "corrected",
    }
    response = await doctor.patch(f"/api/sessions/{created['id']}", json=changes)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {**created, **changes, "updated_at": body["updated_at"]}
    assert datetime.fromisoformat(body["updated_at"]) == START + timedelta(minutes=10)
    assert datetime.fromisoformat(body["created_at"]) == START

    moved = await doctor.patch(
        f"/api/sessions/{created['id']}", json={"performed_on": "2026-02-27", "notes": None}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["performed_on"] == "2026-02-27"
    assert moved.json()["review_on"] == "2026-05-01"  # kept: only the fields sent change
    assert moved.json()["notes"] is None

    listed = (await doctor.get(f"/api/patients/{patient_id}/sessions")).json()
    assert listed == [moved.json()]
    assert await audit_actions(world, "session.update") == ["session.update"] * 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"review_on": "2026-02-20"}, "review_on"),
        ({"review_on": "2026-03-01"}, "review_on"),
        ({"performed_on": "2026-04-27"}, "performed_on"),  # in the future
        ({"performed_on": "2026-03-11"}, "performed_on"),
        # Moving the session past its review date without moving the review.
        ({"performed_on": "2026-03-10", "review_on": "2026-03-09"}, "review_on"),
        ({"areas": []}, "areas"),
        ({"areas": ["chest", "chest"]}, "areas"),
        ({"areas": ["knee"]}, "areas"),
        ({"sclerosant": "water"}, "sclerosant"),
        ({"concentration_pct": 0}, "concentration_pct"),
        ({"concentration_pct": 101}, "concentration_pct"),
        ({"volume_ml": 0}, "volume_ml"),
        ({"injections": 0}, "injections"),
        ({"review_on": None}, "review_on"),
        ({"notes": "n" * 2001}, "notes"),
        ({"patient_id": UNKNOWN_ID}, "patient_id"),
        # A valid change beside an invalid one is not applied either.
        ({"injections": 30, "review_on": "2026-02-01"}, "review_on"),
        ({"notes": "changed", "areas": ["chest", "chest"]}, "areas"),
    ],
)
async def test_patch_refuses_a_bad_field_by_name_and_changes_nothing(
    world: World, body: dict[str, Any], field: str
) -> None:
    doctor, patient_id, _ = await practitioner_and_patient(world)
    created = await create(doctor, patient_id, minimal(date(2026, 3, 1), notes="kept"))
    before = await session_rows(world)
    world.clock.advance(timedelta(minutes=1))

    response = await doctor.patch(f"/api/sessions/{created['id']}", json=body)
    assert_names_field(response, field)
    assert await session_rows(world) == before
    assert (await doctor.get(f"/api/patients/{patient_id}/sessions")).json() == [created]
    assert await audit_actions(world, "session.update") == []


async def test_patch_unknown_foreign_or_malformed_session_is_404(world: World) -> None:
    doctor, patient_id, _ = await practitioner_and_patient(world)
    created = await create(doctor, patient_id, minimal(date(2026, 3, 1)))
    other = await world.practitioner("dr@clinic-b.test", "Clinic B")
    before = await session_rows(world)

    missing = await doctor.patch(f"/api/sessions/{UNKNOWN_ID}", json={"injections": 5})
    malformed = await doctor.patch("/api/sessions/nope", json={"injections": 5})
    foreign = await other.patch(f"/api/sessions/{created['id']}", json={"injections": 5})
    assert missing.status_code == malformed.status_code == foreign.status_code == 404
    assert missing.json() == malformed.json() == foreign.json()
    assert await session_rows(world) == before


# --- the patient's side -------------------------------------------------------------------


async def test_patient_sees_their_own_sessions_only(world: World) -> None:
    doctor, patient_id, patient = await practitioner_and_patient(world)
    other_id, other = await world.patient(doctor, email="other@example.test")
    assert (await patient.get("/api/me/sessions")).json() == []

    later = await create(doctor, patient_id, minimal(date(2026, 3, 8), notes="calves"))
    earlier = await create(doctor, patient_id, minimal(date(2026, 2, 1)))
    theirs = await create(doctor, other_id, minimal(date(2026, 3, 1)))

    mine = await patient.get("/api/me/sessions")
    assert mine.status_code == 200
    assert mine.json() == [earlier, later]
    assert (await other.get("/api/me/sessions")).json() == [theirs]

    corrected = await doctor.patch(f"/api/sessions/{later['id']}", json={"compression_days": 6})
    assert corrected.status_code == 200
    assert (await patient.get("/api/me/sessions")).json() == [earlier, corrected.json()]


async def test_patients_cannot_record_or_change_sessions(world: World) -> None:
    doctor, patient_id, patient = await practitioner_and_patient(world)
    created = await create(doctor, patient_id, minimal(date(2026, 3, 1)))
    before = await session_rows(world)

    posted = await patient.post(f"/api/patients/{patient_id}/sessions", json=minimal())
    listed = await patient.get(f"/api/patients/{patient_id}/sessions")
    patched = await patient.patch(f"/api/sessions/{created['id']}", json={"injections": 1})
    assert posted.status_code in (401, 403, 404)
    assert listed.status_code in (401, 403, 404)
    assert patched.status_code in (401, 403, 404)
    assert await session_rows(world) == before

    assert (await doctor.get("/api/me/sessions")).status_code in (401, 403, 404)
    assert (await (await world.client()).get("/api/me/sessions")).status_code == 401


async def test_session_date_is_judged_by_the_later_of_clinic_and_patient_today(
    world: World,
) -> None:
    # 09:30 in London (the clinic) is still the previous evening in Honolulu (the patient).
    world.clock.set(datetime(2026, 3, 10, 9, 30, tzinfo=UTC))
    doctor = await world.practitioner()
    patient_id, _ = await world.patient(doctor, timezone="Pacific/Honolulu")
    today_at_clinic = date(2026, 3, 10)
    response = await doctor.post(
        f"/api/patients/{patient_id}/sessions", json=session_body(today_at_clinic)
    )
    assert response.status_code == 201, response.text
    tomorrow = await doctor.post(
        f"/api/patients/{patient_id}/sessions", json=session_body(date(2026, 3, 11))
    )
    assert tomorrow.status_code == 422
    assert tomorrow.json()["field"] == "performed_on"


async def test_session_year_typo_is_refused(world: World) -> None:
    doctor = await world.practitioner()
    patient_id, _ = await world.patient(doctor)
    response = await doctor.post(
        f"/api/patients/{patient_id}/sessions", json=session_body(date(202, 3, 10))
    )
    assert response.status_code == 422
    assert response.json()["field"] == "performed_on"
    async with world.db.read() as conn:
        assert (await conn.execute(select(TreatmentSession.id))).first() is None
