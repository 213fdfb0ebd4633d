"""Undoing an acknowledgement (DELETE /api/alerts/{id}/acknowledgement), and the order of the
acknowledged list.

The screen offers Undo for a few seconds after Acknowledge; the server allows it for 30 s, to
the practitioner who acknowledged, and audits it like the acknowledgement. Anything else is a
409 naming why (or the usual 404 for another clinic's alert), and nothing changes.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from api.alerts.service import UNDO_SECONDS
from tests.api.test_alert_rules import calm, day, patient, put, stored_alerts
from tests.api.test_alerts import alert_list, audit, sign
from tests.conftest import START, ApiClient, World

SESSION = START.date() - timedelta(days=10)


def undo_url(alert_id: str) -> str:
    return f"/api/alerts/{alert_id}/acknowledgement"


async def one_alert(world: World) -> tuple[ApiClient, ApiClient, dict[str, Any]]:
    """(the practitioner, the patient, the patient's open urgent alert)."""
    _, client, doctor = await patient(world, sessions=(SESSION,))
    await put(client, day(9, SESSION), sign("leg_swelling_with_pain"))
    [alert] = await alert_list(doctor)
    return doctor, client, alert


async def acknowledge(doctor: ApiClient, alert_id: str, note: str | None = None) -> Any:
    response = await doctor.post(f"/api/alerts/{alert_id}/acknowledge", json={"note": note})
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_undo_within_the_window_reopens_the_alert_as_it_was(world: World) -> None:
    doctor, _, alert = await one_alert(world)
    await acknowledge(doctor, alert["id"], "Phoned her")
    world.clock.advance(timedelta(seconds=UNDO_SECONDS))  # the last second still counts
    response = await doctor.delete(undo_url(alert["id"]))
    assert response.status_code == 200, response.text
    assert response.json() == alert  # open, no acknowledgement, no note, same place
    assert await alert_list(doctor) == [alert]
    assert await alert_list(doctor, "acknowledged") == []
    [row] = await stored_alerts(world.db)
    assert (row.status, row.note) == ("open", None)


async def test_an_undo_is_audited_with_what_it_took_away(world: World) -> None:
    doctor, _, alert = await one_alert(world)
    acknowledged = await acknowledge(doctor, alert["id"], "Phoned her")
    world.clock.advance(timedelta(seconds=5))
    assert (await doctor.delete(undo_url(alert["id"]))).status_code == 200
    me = (await doctor.get("/api/auth/me")).json()["id"]
    [event] = await audit(world.db, "alert.unacknowledge")
    assert (str(event.actor_user_id), str(event.patient_id), event.at) == (
        me,
        alert["patient"]["id"],
        world.clock.now(),
    )
    detail = dict(event.detail)
    assert datetime.fromisoformat(detail.pop("acknowledged_at")) == datetime.fromisoformat(
        acknowledged["acknowledged_at"]
    )
    assert detail == {
        "alert_id": alert["id"],
        "rule": "warning_sign",
        "reopened": True,
        "note": "Phoned her",
    }
    # The acknowledgement's own event stays: the log holds both.
    assert len(await audit(world.db, "alert.acknowledge")) == 1


async def test_an_undo_after_the_window_is_409_and_changes_nothing(world: World) -> None:
    doctor, _, alert = await one_alert(world)
    acknowledged = await acknowledge(doctor, alert["id"])
    world.clock.advance(timedelta(seconds=UNDO_SECONDS + 1))
    response = await doctor.delete(undo_url(alert["id"]))
    assert response.status_code == 409, response.text
    assert response.json() == {
        "detail": f"acknowledged_at: an acknowledgement can be undone only within "
        f"{UNDO_SECONDS} seconds",
        "field": "acknowledged_at",
    }
    assert await alert_list(doctor, "acknowledged") == [acknowledged]
    assert await audit(world.db, "alert.unacknowledge") == []


async def test_another_practitioner_of_the_clinic_cannot_undo_it(world: World) -> None:
    doctor, _, alert = await one_alert(world)
    colleague = await world.practitioner("colleague@clinic-a.test", "Clinic A")
    acknowledged = await acknowledge(doctor, alert["id"])
    response = await colleague.delete(undo_url(alert["id"]))
    assert response.status_code == 409, response.text
    assert response.json()["field"] == "acknowledged_by"
    assert "only the practitioner who acknowledged" in response.json()["detail"]
    assert await alert_list(colleague, "acknowledged") == [acknowledged]
    assert await audit(world.db, "alert.unacknowledge") == []


async def test_another_clinics_alert_is_404_like_an_unknown_one(world: World) -> None:
    doctor, _, alert = await one_alert(world)
    await acknowledge(doctor, alert["id"])
    stranger = await world.practitioner("dr@clinic-b.test", "Clinic B")
    answers = [
        await stranger.delete(undo_url(alert_id))
        for alert_id in (alert["id"], str(uuid.uuid4()), "not-a-uuid")
    ]
    assert {(a.status_code, a.content) for a in answers} == {(404, b'{"detail":"Not found"}')}
    [row] = await stored_alerts(world.db)
    assert row.status == "acknowledged"
    assert await audit(world.db, "alert.unacknowledge") == []


async def test_undoing_an_open_alert_changes_nothing(world: World) -> None:
    doctor, _, alert = await one_alert(world)
    await acknowledge(doctor, alert["id"])
    first = await doctor.delete(undo_url(alert["id"]))
    again = await doctor.delete(undo_url(alert["id"]))  # a double press, or a retry
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json() == alert
    events = await audit(world.db, "alert.unacknowledge")
    assert [event.detail["reopened"] for event in events] == [True, False]


async def test_an_undo_is_refused_when_a_newer_alert_of_its_kind_is_open(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(SESSION,))
    await put(client, day(8, SESSION), calm(pain=8))
    [first] = await alert_list(doctor)
    await acknowledge(doctor, first["id"])
    await put(client, day(9, SESSION), calm(pain=9))  # a new pain alert for another day
    [newer] = await alert_list(doctor)
    assert (newer["rule"], newer["id"] != first["id"]) == ("pain_high", True)
    response = await doctor.delete(undo_url(first["id"]))
    assert response.status_code == 409, response.text
    assert response.json()["field"] == "status"
    assert [a["id"] for a in await alert_list(doctor)] == [newer["id"]]


async def test_the_acknowledged_list_shows_the_latest_acknowledgement_first(
    world: World,
) -> None:
    ann_id, ann, doctor = await patient(world, sessions=(SESSION,))
    bob_id, bob, _ = await patient(
        world, sessions=(SESSION,), email="bob@example.test", doctor=doctor
    )
    await put(ann, day(8, SESSION), calm(pain=8))  # watch, raised first
    world.clock.advance(timedelta(minutes=1))
    await put(bob, day(8, SESSION), sign("spreading_redness_or_fever"))  # urgent
    watch, urgent = sorted(await alert_list(doctor), key=lambda a: a["severity"], reverse=True)
    await acknowledge(doctor, urgent["id"])
    world.clock.advance(timedelta(minutes=1))
    await acknowledge(doctor, watch["id"])
    listed = await alert_list(doctor, "acknowledged")
    assert [(a["patient"]["id"], a["severity"]) for a in listed] == [
        (ann_id, "watch"),
        (bob_id, "urgent"),
    ]
