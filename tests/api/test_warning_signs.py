"""`POST /api/me/warning-signs`: a warning sign is never refused.

Accepted for any signed-up patient whatever the date or session state, it raises (or
reports again) the urgent alert and answers with the advice; a replay of the same report
(same `recorded_at`) stores and tells nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from api.alerts.models import WarningReport
from tests.api.test_alert_reports import alert_messages
from tests.api.test_alert_rules import patient, put, stored_alerts
from tests.api.test_alerts import alert_list, set_phone, sign
from tests.conftest import START, ApiClient, World, checkin_body

TODAY = START.date()
URL = "/api/me/warning-signs"


def report(*signs: str, at: datetime = START, **extra: Any) -> dict[str, Any]:
    return {"warning_signs": list(signs), "recorded_at": at.isoformat(), **extra}


async def stored_reports(world: World) -> int:
    async with world.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(WarningReport)) or 0)


async def test_a_patient_with_no_session_reaches_the_clinic(world: World) -> None:
    doctor = await world.practitioner()
    await set_phone(doctor, "+44 20 7946 0958")
    _, client = await world.patient(doctor)  # no session recorded yet
    refused = await client.put(f"/api/me/checkins/{TODAY}", json=sign("leg_swelling_with_pain"))
    assert refused.status_code == 422

    response = await client.post(URL, json=report("leg_swelling_with_pain", note="left calf"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["outcome"] == "created"
    assert body["local_date"] == TODAY.isoformat()
    assert body["advice"]["level"] == "contact_clinic"
    assert body["advice"]["clinic_phone"] == "+44 20 7946 0958"
    assert "has also been told" in body["advice"]["text"]
    [alert] = await alert_list(doctor)
    assert (alert["severity"], alert["rule"], alert["checkin_id"]) == (
        "urgent",
        "warning_sign",
        None,
    )
    assert "calf or whole-leg swelling" in alert["reason"]
    assert 'Their note: "left calf"' in alert["reports"][0]["reason"]
    [message] = await alert_messages(doctor)
    assert message["title"] == "Urgent: Pat reported a warning sign"


async def test_a_replay_is_idempotent_and_a_new_report_tells_again(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(TODAY - timedelta(days=3),))
    body = report("chest_pain_or_breathless")
    first = await client.post(URL, json=body)
    replay = await client.post(URL, json=body)
    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json()["outcome"] == "unchanged"
    assert replay.json()["id"] == first.json()["id"]
    assert replay.json()["advice"]["level"] == "emergency"
    assert await stored_reports(world) == 1
    assert len(await alert_messages(doctor)) == 1

    # The same sign, the same day, but a new report: the patient is telling the clinic again.
    second = await client.post(
        URL, json=report("chest_pain_or_breathless", at=START.replace(hour=13))
    )
    assert second.status_code == 201
    [alert] = await alert_list(doctor)
    assert len(alert["reports"]) == 2
    assert len(await alert_messages(doctor)) == 2
    # A check-in of the same day carrying the same sign adds nothing the clinic has not heard.
    await put(client, TODAY, sign("chest_pain_or_breathless"))
    assert len(await alert_messages(doctor)) == 2
    assert len(await stored_alerts(world.db)) == 1


async def test_before_the_first_session_and_across_the_date_line(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(TODAY,), timezone="Pacific/Pago_Pago")
    # Pago Pago (UTC-11) is a day behind the clinic: fourteen hours ago it was still the
    # day before the session there. That day's check-in is refused; its warning sign is not.
    earlier = START - timedelta(hours=14)
    the_day_before = (TODAY - timedelta(days=1)).isoformat()
    refused = await client.put(
        f"/api/me/checkins/{the_day_before}",
        json=checkin_body(earlier, warning_signs=["allergic_reaction"]),
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "local_date"
    response = await client.post(URL, json=report("allergic_reaction", at=earlier))
    assert response.status_code == 201, response.text
    assert response.json()["local_date"] == the_day_before
    [alert] = await alert_list(doctor)
    assert (alert["severity"], alert["local_date"]) == ("urgent", the_day_before)


async def test_a_recorded_at_in_the_future_is_dated_today(world: World) -> None:
    _, client, _ = await patient(world, sessions=(TODAY,))
    # A device clock 20 hours fast is within the allowance; the report is about today.
    response = await client.post(
        URL, json=report("allergic_reaction", at=START + timedelta(hours=20))
    )
    assert response.status_code == 201, response.text
    assert response.json()["local_date"] == TODAY.isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (report(), "warning_signs"),
        (report("not_a_sign"), "warning_signs[0]"),
        ({"warning_signs": ["allergic_reaction"]}, "recorded_at"),
        (report("allergic_reaction", at=START + timedelta(days=2)), "recorded_at"),
        (
            report("allergic_reaction", at=datetime(1999, 12, 31, tzinfo=START.tzinfo)),
            "recorded_at",
        ),
        ({**report("allergic_reaction"), "recorded_at": "2026-03-10T12:00:00"}, "recorded_at"),
        (report("allergic_reaction", note="x" * 1001), "note"),
        (report("allergic_reaction", pain=3), "pain"),
    ],
)
async def test_bad_input_is_refused_naming_the_field_and_stores_nothing(
    world: World, body: dict[str, Any], field: str
) -> None:
    _, client, doctor = await patient(world, sessions=(TODAY,))
    response = await client.post(URL, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert await stored_reports(world) == 0
    assert await alert_list(doctor) == []


async def test_only_a_signed_in_patient_can_report(world: World) -> None:
    doctor = await world.practitioner()
    assert (await doctor.post(URL, json=report("allergic_reaction"))).status_code == 403
    stranger: ApiClient = await world.client()
    assert (await stranger.post(URL, json=report("allergic_reaction"))).status_code == 401


async def test_more_signs_at_the_same_instant_are_added_and_told(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(TODAY,))
    assert (await client.post(URL, json=report("chest_pain_or_breathless"))).status_code == 201
    more = await client.post(URL, json=report("vision_speech_or_weakness", note="arm weak"))
    assert more.status_code == 200, more.text
    assert more.json()["outcome"] == "updated"
    assert more.json()["warning_signs"] == ["chest_pain_or_breathless", "vision_speech_or_weakness"]
    assert more.json()["note"] == "arm weak"
    again = await client.post(URL, json=report("vision_speech_or_weakness", note="arm weak"))
    assert again.json()["outcome"] == "unchanged"
    assert await stored_reports(world) == 1
    [alert] = await alert_list(doctor)
    assert "chest pain" in alert["reason"] and "vision, speech" in alert["reason"]
    assert len(await alert_messages(doctor)) == 2


async def test_the_emergency_advice_says_the_clinic_was_told_but_not_to_wait(world: World) -> None:
    _, client, _ = await patient(world, sessions=(TODAY,))
    answer = (await client.post(URL, json=report("allergic_reaction"))).json()["advice"]
    assert answer["level"] == "emergency"
    assert "Call emergency services now" in answer["text"]
    assert "The clinic has been told too, but do not wait for them" in answer["text"]


async def test_a_replayed_multi_line_note_is_unchanged(world: World) -> None:
    _, client, _ = await patient(world, sessions=(TODAY,))
    body = report("leg_swelling_with_pain", note="left calf\nhot to touch")
    assert (await client.post(URL, json=body)).status_code == 201
    for _ in range(2):
        replay = await client.post(URL, json=body)
        assert (replay.status_code, replay.json()["outcome"]) == (200, "unchanged")
        assert replay.json()["note"] == "left calf\nhot to touch"


@pytest.mark.parametrize("url", [URL, f"/api/me/checkins/{TODAY}"])
async def test_a_nul_character_in_a_note_is_refused_naming_it(world: World, url: str) -> None:
    _, client, doctor = await patient(world, sessions=(TODAY,))
    if url == URL:
        response = await client.post(url, json=report("allergic_reaction", note="a\x00b"))
    else:
        response = await client.put(url, json=sign("allergic_reaction", note="a\x00b"))
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "note"
    assert await alert_list(doctor) == []
