"""Alert behaviour mutation testing found loosely pinned, pinned exactly.

A second undo of an alert that is already open changes nothing, but the read is still
audited, and it must name who did it and whose alert it was, like every other event. A
colleague's undo is refused with the whole reason, not just something like it. A rising
pain run whose first day (day 4) is the day filled in last is still raised.
"""

from __future__ import annotations

from tests.api.test_alert_rules import calm, day, patient, put, stored_alerts
from tests.api.test_alert_undo import acknowledge, one_alert, undo_url
from tests.api.test_alerts import audit
from tests.conftest import World


async def test_an_undo_that_changes_nothing_is_audited_with_its_actor_and_patient(
    world: World,
) -> None:
    doctor, _, alert = await one_alert(world)
    await acknowledge(doctor, alert["id"])
    assert (await doctor.delete(undo_url(alert["id"]))).status_code == 200
    again = await doctor.delete(undo_url(alert["id"]))
    assert again.status_code == 200, again.text
    me = (await doctor.get("/api/auth/me")).json()["id"]
    events = await audit(world.db, "alert.unacknowledge")
    assert [(str(e.actor_user_id), str(e.patient_id), e.detail["reopened"]) for e in events] == [
        (me, alert["patient"]["id"], True),
        (me, alert["patient"]["id"], False),
    ]
    assert events[1].detail == {"alert_id": alert["id"], "rule": "warning_sign", "reopened": False}


async def test_a_colleagues_undo_is_refused_with_the_whole_reason(world: World) -> None:
    doctor, _, alert = await one_alert(world)
    colleague = await world.practitioner("colleague@clinic-a.test", "Clinic A")
    await acknowledge(doctor, alert["id"])
    response = await colleague.delete(undo_url(alert["id"]))
    assert response.status_code == 409, response.text
    assert response.json() == {
        "detail": "acknowledged_by: only the practitioner who acknowledged an alert can undo it",
        "field": "acknowledged_by",
    }


async def test_a_run_completed_by_back_filling_day_4_itself_is_raised(world: World) -> None:
    """Day 4 is the first day a rising run may include, also when it is the day filled in
    last (days 5 and 6 were sent first, day 4 came from the offline queue afterwards)."""
    _, client, _ = await patient(world)
    await put(client, day(5), calm(pain=2))
    await put(client, day(6), calm(pain=3))
    assert await stored_alerts(world.db) == []
    fourth = await put(client, day(4), calm(pain=1))
    [alert] = await stored_alerts(world.db)
    assert (alert.rule, alert.local_date, str(alert.checkin_id)) == (
        "pain_rising",
        day(4),
        fourth["id"],
    )
