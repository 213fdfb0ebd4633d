"""Today follows up a warning sign the patient reported.

While the alert raised by their own warning sign is open, Today carries what to do now (the
same advice, with the clinic's phone); once acknowledged, that the clinic has seen it, for a
week; never another patient's alert, never a score alert.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.test_alert_rules import calm, patient, put
from tests.api.test_alerts import alert_list, set_phone, sign
from tests.conftest import START, ApiClient, World

TODAY = START.date()


async def follow_up(client: ApiClient) -> Any:
    response = await client.get("/api/me/today")
    assert response.status_code == 200, response.text
    return response.json()["follow_up"]


async def test_open_then_seen_then_gone_after_a_week(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(TODAY - timedelta(days=2),))
    await set_phone(doctor, "+44 20 7946 0958")
    assert await follow_up(client) is None
    await put(client, TODAY - timedelta(days=1), sign("leg_swelling_with_pain"))

    world.clock.advance(timedelta(hours=20))  # the next day
    shown = await follow_up(client)
    assert shown["status"] == "open"
    assert shown["warning_signs"] == ["leg_swelling_with_pain"]
    assert shown["last_reported_on"] == (TODAY - timedelta(days=1)).isoformat()
    assert shown["advice"]["level"] == "contact_clinic"
    assert shown["advice"]["clinic_phone"] == "+44 20 7946 0958"

    await doctor.login("dr@clinic-a.test")  # a practitioner's sign-in lasts 12 hours
    [alert] = await alert_list(doctor)
    assert (await doctor.post(f"/api/alerts/{alert['id']}/acknowledge")).status_code == 200
    seen = await follow_up(client)
    assert (seen["status"], seen["advice"]) == ("acknowledged", None)
    assert seen["acknowledged_at"] is not None

    world.clock.advance(timedelta(days=7) - timedelta(seconds=1))
    assert (await follow_up(client))["status"] == "acknowledged"
    world.clock.advance(timedelta(seconds=1))
    assert await follow_up(client) is None


async def test_an_open_one_comes_before_a_recently_seen_one(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(TODAY - timedelta(days=5),))
    await put(client, TODAY - timedelta(days=3), sign("spreading_redness_or_fever"))
    [first] = await alert_list(doctor)
    assert (await doctor.post(f"/api/alerts/{first['id']}/acknowledge")).status_code == 200
    await put(client, TODAY, sign("allergic_reaction"))
    shown = await follow_up(client)
    assert (shown["status"], shown["warning_signs"]) == ("open", ["allergic_reaction"])
    assert shown["advice"]["level"] == "emergency"


async def test_score_alerts_and_other_patients_alerts_are_not_followed_up(world: World) -> None:
    _, ann, doctor = await patient(world, sessions=(TODAY,))
    _, bob, _ = await patient(world, sessions=(TODAY,), email="bob@example.test", doctor=doctor)
    await put(ann, TODAY, calm(pain=9))
    await put(bob, TODAY, sign("chest_pain_or_breathless"))
    assert await follow_up(ann) is None
    assert (await follow_up(bob))["status"] == "open"
