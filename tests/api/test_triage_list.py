"""The paged list: pages and cursors, filters, search, bad input, and rows kept fresh."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from api.triage.models import PatientTriage
from api.triage.readmodel import roll_forward
from tests.conftest import START, ApiClient, World, checkin_body

TODAY = START.date()


async def page(doctor: ApiClient, **params: Any) -> dict[str, Any]:
    response = await doctor.get("/api/patients", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def clinic(world: World) -> ApiClient:
    """Seven patients: one urgent, one reviewed soon, the rest quiet, in one clinic."""
    doctor = await world.practitioner()
    for name in ("amy", "ben", "cat", "dan", "eve", "fay", "gus"):
        sessions = {"ben": (TODAY - timedelta(days=50),), "cat": (TODAY,)}.get(name, ())
        _, client = await world.patient(doctor, email=f"{name}@example.test", sessions=sessions)
        if name == "cat":
            body = checkin_body(START, warning_signs=["leg_swelling_with_pain"])
            response = await client.put(f"/api/me/checkins/{TODAY}", json=body)
            assert response.status_code == 201, response.text
    return doctor


async def test_pages_follow_each_other_in_attention_order(world: World) -> None:
    doctor = await clinic(world)
    everyone = await doctor.patient_list()
    assert [row["email"] for row in everyone][:2] == ["cat@example.test", "ben@example.test"]
    first = await page(doctor, limit=3)
    assert first["counts"] == {"all": 7, "attention": 2, "review_due": 1}
    assert [row["id"] for row in first["items"]] == [row["id"] for row in everyone[:3]]
    second = await page(doctor, limit=3, cursor=first["next_cursor"])
    assert second["counts"] is None  # only the first page counts
    third = await page(doctor, limit=3, cursor=second["next_cursor"])
    assert third["next_cursor"] is None
    pages = [*first["items"], *second["items"], *third["items"]]
    assert [row["id"] for row in pages] == [row["id"] for row in everyone]
    assert len({row["id"] for row in pages}) == 7


async def test_filters_and_search_narrow_the_list(world: World) -> None:
    doctor = await clinic(world)
    attention = await page(doctor, filter="attention")
    assert [row["email"] for row in attention["items"]] == ["cat@example.test", "ben@example.test"]
    assert all(row["attention"]["needs_attention"] for row in attention["items"])
    review = await page(doctor, filter="review_due")
    assert [row["email"] for row in review["items"]] == ["ben@example.test"]
    assert [r["name"] for r in (await page(doctor, q="  EVE "))["items"]] == ["Eve"]
    assert [r["name"] for r in (await page(doctor, q="fay@exam"))["items"]] == ["Fay"]
    # LIKE's wildcards are matched as themselves.
    assert (await page(doctor, q="%"))["items"] == []
    assert (await page(doctor, q="_"))["items"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"filter": "everyone"}, "filter"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "not a cursor!"}, "cursor"),
        ({"cursor": "AA"}, "cursor"),  # a NUL byte, which PostgreSQL text cannot hold
        ({"q": "a\x00b"}, "q"),
    ],
)
async def test_bad_parameters_are_a_422_naming_them(
    world: World, params: dict[str, str], field: str
) -> None:
    doctor = await world.practitioner()
    response = await doctor.get("/api/patients", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


async def test_a_row_the_calendar_overtook_is_repaired_before_it_is_read(world: World) -> None:
    doctor = await world.practitioner()
    await world.patient(doctor, sessions=(TODAY - timedelta(days=1),))
    row = (await doctor.patient_list())[0]
    assert row["attention"]["days_since_session"] == 1
    # Three days on, with no worker running: the list still reads as of today.
    world.clock.advance(timedelta(days=3))
    await doctor.login("dr@clinic-a.test")
    row = (await doctor.patient_list())[0]
    assert row["attention"]["days_since_session"] == 4
    assert row["attention"]["missed"] is True
    assert row["pain_14d"] == [None] * 14


async def test_the_midnight_roll_recomputes_only_the_rows_whose_day_ended(world: World) -> None:
    doctor = await world.practitioner()
    london, _ = await world.patient(doctor, email="london@example.test", timezone="Europe/London")
    tokyo, _ = await world.patient(doctor, email="tokyo@example.test", timezone="Asia/Tokyo")
    assert await roll_forward(world.db, START) == 0
    # START is 12:00 UTC: 21:00 in Tokyo, whose midnight comes first.
    tokyo_midnight = START + timedelta(hours=3)
    assert await roll_forward(world.db, tokyo_midnight - timedelta(seconds=1)) == 0
    assert await roll_forward(world.db, tokyo_midnight) == 1
    assert await roll_forward(world.db, tokyo_midnight) == 0
    query = select(PatientTriage.patient_id, PatientTriage.fresh_until)
    async with world.db.read() as conn:
        fresh = {str(row.patient_id): row.fresh_until for row in await conn.execute(query)}
    assert fresh == {london: START + timedelta(hours=12), tokyo: tokyo_midnight + timedelta(days=1)}


async def test_a_patient_with_no_row_yet_is_listed_once_repaired(world: World) -> None:
    """What migration 0007 leaves for existing patients: a row stale since 1970."""
    doctor = await world.practitioner()
    patient_id, _ = await world.patient(doctor)
    async with world.db.write() as tx:
        await tx.execute(
            update(PatientTriage).values(fresh_until=START.replace(year=1970), summary=b"")
        )
    assert [row["id"] for row in await doctor.patient_list()] == [patient_id]
