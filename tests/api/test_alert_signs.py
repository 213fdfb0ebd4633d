"""A warning sign ticked after an alert was raised is never hidden behind that alert.

The open (or that day's acknowledged) warning-sign alert takes the new signs, is reopened if
it was acknowledged, and the clinic's practitioners get a new inbox message; the same signs
again change nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.conftest import START, ApiClient, World, checkin_body

TODAY = date(2026, 3, 10)


async def _warning_setup(world: World) -> tuple[ApiClient, ApiClient]:
    doctor = await world.practitioner()
    _, patient = await world.patient(doctor, sessions=(TODAY - timedelta(days=3),))
    return doctor, patient


async def _put(patient: ApiClient, signs: list[str], minutes: int, day: date = TODAY) -> Any:
    body = checkin_body(START + timedelta(minutes=minutes), warning_signs=signs)
    response = await patient.put(f"/api/me/checkins/{day}", json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def _alert_messages(doctor: ApiClient) -> list[dict[str, Any]]:
    inbox = (await doctor.get("/api/me/notifications")).json()
    return [item for item in inbox if item["kind"] == "alert"]


async def test_a_new_sign_widens_the_open_alert_and_tells_the_clinic_again(world: World) -> None:
    doctor, patient = await _warning_setup(world)
    first = await _put(patient, ["leg_swelling_with_pain"], 0)
    assert first["advice"]["level"] == "contact_clinic"
    assert len(await _alert_messages(doctor)) == 1

    later = await _put(patient, ["leg_swelling_with_pain", "chest_pain_or_breathless"], 5)
    assert later["advice"]["level"] == "emergency"
    alerts = (await doctor.get("/api/alerts")).json()
    assert len(alerts) == 1
    assert "chest pain" in alerts[0]["reason"] and "calf" in alerts[0]["reason"]
    messages = await _alert_messages(doctor)
    assert len(messages) == 2
    assert any("chest pain" in message["body"] for message in messages)

    # The same signs again (an edit of the note only): nothing new.
    await _put(patient, ["chest_pain_or_breathless", "leg_swelling_with_pain"], 10)
    assert len(await _alert_messages(doctor)) == 2
    assert len((await doctor.get("/api/alerts")).json()) == 1


async def test_a_new_sign_reopens_that_days_acknowledged_alert(world: World) -> None:
    doctor, patient = await _warning_setup(world)
    await _put(patient, ["ulcer_blister_or_blackening"], 0)
    alert = (await doctor.get("/api/alerts")).json()[0]
    done = await doctor.post(f"/api/alerts/{alert['id']}/acknowledge", json={"note": "seen"})
    assert done.json()["status"] == "acknowledged"

    # The same sign after acknowledgement: stays acknowledged.
    await _put(patient, ["ulcer_blister_or_blackening"], 5)
    assert (await doctor.get("/api/alerts")).json() == []

    await _put(patient, ["ulcer_blister_or_blackening", "spreading_redness_or_fever"], 10)
    reopened = (await doctor.get("/api/alerts")).json()
    assert [a["id"] for a in reopened] == [alert["id"]]
    assert reopened[0]["acknowledged_at"] is None and reopened[0]["note"] is None
    assert "spreading redness" in reopened[0]["reason"]
    assert len(await _alert_messages(doctor)) == 2
