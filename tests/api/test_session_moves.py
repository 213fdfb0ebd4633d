"""Recording or moving a session re-judges the check-ins whose day changed.

Moved earlier, a day-10 "severe" becomes day 20 and raises its alert with the move; moved
later than existing check-ins (which would leave them before the first session) is refused
naming `performed_on`; a session recorded late re-dates the check-ins after it.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest

from tests.api.test_alert_rules import calm, day, patient, put, rules_raised
from tests.conftest import START, ApiClient, World, session_body

TODAY = START.date()
SESSION = TODAY - timedelta(days=12)


async def sessions_of(doctor: ApiClient, patient_id: str) -> list[dict[str, Any]]:
    response = await doctor.get(f"/api/patients/{patient_id}/sessions")
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def move(doctor: ApiClient, session_id: str, performed_on: date) -> Any:
    return await doctor.patch(
        f"/api/sessions/{session_id}", json={"performed_on": performed_on.isoformat()}
    )


async def timeline_days(client: ApiClient) -> list[int | None]:
    return [point["day"] for point in (await client.get("/api/me/timeline")).json()["points"]]


@pytest.mark.parametrize(("back", "alerts"), [(4, False), (5, True)])
async def test_moving_a_session_earlier_re_judges_the_severe_rule_at_its_edge(
    world: World, back: int, alerts: bool
) -> None:
    pid, client, doctor = await patient(world, sessions=(SESSION,))
    await put(client, day(10, SESSION), calm(swelling=3))  # day 10: not yet a red flag
    assert await rules_raised(world.db) == []
    [session] = await sessions_of(doctor, pid)
    # Day 10 becomes day 14 (still nothing) or day 15 (after day 14: severe alerts).
    response = await move(doctor, session["id"], SESSION - timedelta(days=back))
    assert response.status_code == 200, response.text
    assert await rules_raised(world.db) == (
        [("symptom_severe", day(10, SESSION))] if alerts else []
    )
    # A replay of the day is `unchanged`, and raises nothing twice.
    await put(client, day(10, SESSION), calm(swelling=3))
    assert len(await rules_raised(world.db)) == int(alerts)


async def test_moving_the_first_session_past_check_ins_is_refused_and_changes_nothing(
    world: World,
) -> None:
    pid, client, doctor = await patient(world, sessions=(SESSION,))
    await put(client, day(3, SESSION), calm())
    [session] = await sessions_of(doctor, pid)
    # Up to the first check-in's date is fine: that day becomes day 0.
    assert (await move(doctor, session["id"], day(3, SESSION))).status_code == 200
    assert await timeline_days(client) == [0]
    refused = await move(doctor, session["id"], day(4, SESSION))
    assert refused.status_code == 422
    assert refused.json()["field"] == "performed_on"
    assert "before the patient's first session" in refused.json()["detail"]
    [unchanged] = await sessions_of(doctor, pid)
    assert unchanged["performed_on"] == day(3, SESSION).isoformat()
    assert await timeline_days(client) == [0]


async def test_moving_a_later_session_later_gives_its_days_to_the_earlier_one(
    world: World,
) -> None:
    second = SESSION + timedelta(days=5)
    pid, client, doctor = await patient(world, sessions=(SESSION, second))
    await put(client, day(6, SESSION), calm())
    assert await timeline_days(client) == [1]
    [_, later] = await sessions_of(doctor, pid)
    assert (await move(doctor, later["id"], day(8, SESSION))).status_code == 200
    assert await timeline_days(client) == [6]


async def test_a_session_recorded_late_re_judges_the_days_after_it(world: World) -> None:
    pid, client, doctor = await patient(world, sessions=(SESSION,))
    # Pain 4, 5, 6 on days 2-4 of the session: not a rising run "after day 3".
    for n, pain in ((2, 4), (3, 5), (4, 6)):
        await put(client, day(n, SESSION), calm(pain=pain))
    assert await rules_raised(world.db) == []
    # The clinic records an earlier session it had forgotten: those days become 7-9.
    response = await doctor.post(
        f"/api/patients/{pid}/sessions", json=session_body(SESSION - timedelta(days=5))
    )
    assert response.status_code == 201, response.text
    # The earlier session comes first, so the check-ins still follow the later one: nothing.
    assert await rules_raised(world.db) == []
    [_, current] = await sessions_of(doctor, pid)
    # Moving the current one away (later than the check-ins is fine: the earlier one takes
    # them) makes them days 7-9 of the earlier one: now a rising run after day 3.
    assert (await move(doctor, current["id"], day(6, SESSION))).status_code == 200
    assert await rules_raised(world.db) == [("pain_rising", day(2, SESSION))]


async def test_a_move_tells_nobody_about_readings_it_does_not_change(world: World) -> None:
    pid, client, doctor = await patient(world, sessions=(SESSION,))
    await put(client, day(2, SESSION), calm(pain=9))  # opens a pain alert
    await put(client, day(3, SESSION), calm(pain=8))  # not worse: nothing
    [alert] = (await doctor.get("/api/alerts")).json()
    assert (await doctor.post(f"/api/alerts/{alert['id']}/acknowledge")).status_code == 200
    await put(client, day(10, SESSION), calm(pain=7))  # a new, silent watch alert
    [session] = await sessions_of(doctor, pid)
    assert (await move(doctor, session["id"], SESSION - timedelta(days=1))).status_code == 200
    [still] = (await doctor.get("/api/alerts")).json()
    assert (still["reason"], still["last_reported_on"]) == (
        "Pain 7/10 on day 10.",
        day(10, SESSION).isoformat(),
    )
    assert (await doctor.get("/api/me/notifications")).json() == []


async def test_two_sessions_recorded_at_once_for_one_patient_both_land(world: World) -> None:
    pid, _, doctor = await patient(world, sessions=(SESSION,))
    other = await world.client()
    await other.login("dr@clinic-a.test")
    answers = await asyncio.gather(
        doctor.post(f"/api/patients/{pid}/sessions", json=session_body(day(3, SESSION))),
        other.post(f"/api/patients/{pid}/sessions", json=session_body(day(5, SESSION))),
    )
    assert [answer.status_code for answer in answers] == [201, 201]
    assert len(await sessions_of(doctor, pid)) == 3
