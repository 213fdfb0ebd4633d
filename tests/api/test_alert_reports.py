"""Every report reaches the clinic: repeats, worse readings, and an alert's history.

A warning sign reported again while its alert is open, or a worse reading inside an open
score alert, gives the alert the new date and reason and tells the practitioners again (it
keeps its place in the list: oldest first within a severity); an equal or better reading,
a replay or an edit of a day already reported tells nobody.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.api.test_alert_rules import calm, day, patient, put, stored_alerts
from tests.api.test_alerts import alert_list, sign
from tests.conftest import START, ApiClient, World

TODAY = START.date()
# Twelve days before today: day 2 and day 12 of the repeat example are both in the past.
SESSION = TODAY - timedelta(days=14)


async def alert_messages(doctor: ApiClient) -> list[dict[str, Any]]:
    inbox = (await doctor.get("/api/me/notifications")).json()
    return [item for item in inbox if item["kind"] == "alert"]


def later(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


# --- a warning sign reported again ------------------------------------------------------------


async def test_a_sign_reported_again_while_open_tells_the_clinic_again(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(SESSION,))
    first = await put(client, day(2, SESSION), sign("leg_swelling_with_pain"))
    assert "has also been told" in first["advice"]["text"]
    [alert] = await alert_list(doctor)
    assert len(await alert_messages(doctor)) == 1

    world.clock.advance(timedelta(hours=1))
    again = await put(client, day(12, SESSION), sign("leg_swelling_with_pain", minutes=60))
    assert "has also been told" in again["advice"]["text"]
    [repeated] = await alert_list(doctor)
    assert repeated["id"] == alert["id"]
    assert repeated["local_date"] == day(2, SESSION).isoformat()
    assert repeated["last_reported_on"] == day(12, SESSION).isoformat()
    assert datetime.fromisoformat(repeated["raised_at"]) == later(60)
    assert [r["local_date"] for r in repeated["reports"]] == [
        day(2, SESSION).isoformat(),
        day(12, SESSION).isoformat(),
    ]
    messages = await alert_messages(doctor)
    assert len(messages) == 2
    assert messages[0]["title"].endswith("reported a warning sign again")
    assert f"Reported for {day(12, SESSION).isoformat()}" in messages[0]["body"]


async def test_a_replay_or_edit_of_a_reported_day_tells_nobody(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(SESSION,))
    await put(client, day(2, SESSION), sign("leg_swelling_with_pain"))
    await put(client, day(12, SESSION), sign("leg_swelling_with_pain"))
    for minutes in (0, 5):  # the same body again, then an edit of the note only
        body = sign("leg_swelling_with_pain", minutes=minutes, note=f"edit {minutes}")
        await put(client, day(12, SESSION), body)
        await put(client, day(2, SESSION), body)
    [alert] = await alert_list(doctor)
    assert len(alert["reports"]) == 2
    assert len(await alert_messages(doctor)) == 2


async def test_a_repeat_after_acknowledging_is_a_new_alert(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(SESSION,))
    await put(client, day(2, SESSION), sign("spreading_redness_or_fever"))
    [first] = await alert_list(doctor)
    assert (await doctor.post(f"/api/alerts/{first['id']}/acknowledge")).status_code == 200
    await put(client, day(12, SESSION), sign("spreading_redness_or_fever"))
    [opened] = await alert_list(doctor)
    assert opened["id"] != first["id"]
    assert opened["local_date"] == day(12, SESSION).isoformat()
    assert len(await alert_messages(doctor)) == 2
    # Editing the acknowledged day again with the same sign does not reopen it.
    await put(client, day(2, SESSION), sign("spreading_redness_or_fever", minutes=3))
    assert [a["id"] for a in await alert_list(doctor, "acknowledged")] == [first["id"]]
    assert len(await alert_messages(doctor)) == 2


async def test_a_reported_again_alert_keeps_its_place_in_the_list(world: World) -> None:
    ann_id, ann, doctor = await patient(world, sessions=(SESSION,))
    bob_id, bob, _ = await patient(
        world, sessions=(SESSION,), email="bob@example.test", doctor=doctor
    )
    await put(ann, day(2, SESSION), sign("ulcer_blister_or_blackening"))
    world.clock.advance(timedelta(minutes=1))
    await put(bob, day(3, SESSION), sign("allergic_reaction"))
    assert [a["patient"]["id"] for a in await alert_list(doctor)] == [ann_id, bob_id]
    world.clock.advance(timedelta(minutes=1))
    await put(bob, day(4, SESSION), sign("allergic_reaction"))  # Bob again: told, not moved
    listed = await alert_list(doctor)
    assert [a["patient"]["id"] for a in listed] == [ann_id, bob_id]
    assert listed[1]["last_reported_on"] == day(4, SESSION).isoformat()


# --- worse inside an open score alert ---------------------------------------------------------


async def test_higher_pain_escalates_the_open_alert_and_equal_or_lower_does_not(
    world: World,
) -> None:
    _, client, doctor = await patient(world, sessions=(SESSION,))
    await put(client, day(2, SESSION), calm(pain=7))
    [alert] = await alert_list(doctor)
    assert alert["reason"] == "Pain 7/10 on day 2."
    assert await alert_messages(doctor) == []  # a first watch alert is silent

    world.clock.advance(timedelta(minutes=1))
    await put(client, day(4, SESSION), calm(pain=10))
    [worse] = await alert_list(doctor)
    assert worse["id"] == alert["id"]
    assert worse["reason"] == "Pain 10/10 on day 4."
    assert worse["last_reported_on"] == day(4, SESSION).isoformat()
    assert datetime.fromisoformat(worse["raised_at"]) == later(1)
    [message] = await alert_messages(doctor)
    assert message["title"] == "Getting worse: Ann"
    assert "Pain 10/10 on day 4." in message["body"]

    world.clock.advance(timedelta(minutes=1))
    await put(client, day(5, SESSION), calm(pain=9))  # better than 10: nothing
    await put(client, day(6, SESSION), calm(pain=10))  # equal: nothing
    await put(client, day(4, SESSION), calm(pain=10, minutes=2, note="same pain"))
    [same] = await alert_list(doctor)
    assert same["reason"] == "Pain 10/10 on day 4."
    assert datetime.fromisoformat(same["raised_at"]) == later(1)
    assert len(same["reports"]) == 2
    assert len(await alert_messages(doctor)) == 1


async def test_a_new_severe_symptom_escalates_and_the_same_one_does_not(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(SESSION - timedelta(days=20),))
    start = SESSION - timedelta(days=20)
    await put(client, day(15, start), calm(swelling=3))
    await put(client, day(16, start), calm(swelling=3))
    [alert] = await alert_list(doctor)
    assert alert["reason"] == "Severe swelling on day 15 (after day 14)."
    assert await alert_messages(doctor) == []
    await put(client, day(17, start), calm(swelling=3, bruising=3))
    [worse] = await alert_list(doctor)
    assert worse["id"] == alert["id"]
    assert worse["reason"] == "Severe swelling, bruising on day 17 (after day 14)."
    assert len(await alert_messages(doctor)) == 1


async def test_a_worse_edit_of_an_acknowledged_day_reopens_its_alert(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(SESSION,))
    await put(client, day(2, SESSION), calm(pain=7))
    [alert] = await alert_list(doctor)
    assert (await doctor.post(f"/api/alerts/{alert['id']}/acknowledge")).status_code == 200
    await put(client, day(2, SESSION), calm(pain=7, minutes=1, note="still 7"))
    assert await alert_list(doctor) == []
    await put(client, day(2, SESSION), calm(pain=9, minutes=2))
    [reopened] = await alert_list(doctor)
    assert (reopened["id"], reopened["reason"]) == (alert["id"], "Pain 9/10 on day 2.")
    assert reopened["acknowledged_at"] is None
    assert len(await alert_messages(doctor)) == 1


async def test_the_stored_rows_keep_one_open_alert_per_rule(world: World) -> None:
    _, client, _ = await patient(world, sessions=(SESSION,))
    for n, pain in enumerate((7, 8, 9, 10)):
        await put(client, day(4 + n, SESSION), calm(pain=pain))
    rows = await stored_alerts(world.db)
    assert [(r.rule, r.status, r.local_date) for r in rows] == [
        ("pain_high", "open", day(4, SESSION)),
        ("pain_rising", "open", day(6, SESSION)),
    ]
    assert [r.reason for r in rows] == [
        "Pain 10/10 on day 7.",
        "Pain rising over 3 check-ins (8, 9, 10) after day 3.",
    ]


async def test_an_edit_of_any_day_of_a_reported_rising_run_is_not_news(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(SESSION,))
    for n, pain in ((4, 4), (5, 5), (6, 6)):
        await put(client, day(n, SESSION), calm(pain=pain))
    [alert] = await alert_list(doctor)
    assert alert["rule"] == "pain_rising"
    assert (await doctor.post(f"/api/alerts/{alert['id']}/acknowledge")).status_code == 200
    for n, pain in ((4, 4), (5, 5), (6, 6)):
        await put(client, day(n, SESSION), calm(pain=pain, minutes=1, note="edited"))
    assert await alert_list(doctor) == []
    assert [a["id"] for a in await alert_list(doctor, "acknowledged")] == [alert["id"]]


async def test_urgent_alerts_come_first_then_the_longest_waiting(world: World) -> None:
    ann_id, ann, doctor = await patient(world, sessions=(SESSION,))
    bob_id, bob, _ = await patient(
        world, sessions=(SESSION,), email="bob@example.test", doctor=doctor
    )
    await put(bob, day(2, SESSION), calm(pain=8))  # watch, oldest
    world.clock.advance(timedelta(minutes=1))
    await put(ann, day(2, SESSION), calm(pain=9))  # watch
    world.clock.advance(timedelta(minutes=1))
    await put(ann, day(3, SESSION), sign("leg_swelling_with_pain"))  # urgent, newest
    world.clock.advance(timedelta(minutes=1))
    await put(bob, day(3, SESSION), calm(pain=10))  # worse: told again, keeps its place
    listed = await alert_list(doctor)
    assert [(a["severity"], a["patient"]["id"]) for a in listed] == [
        ("urgent", ann_id),
        ("watch", bob_id),
        ("watch", ann_id),
    ]
    assert datetime.fromisoformat(listed[1]["raised_at"]) == later(3)


async def test_a_rising_run_reads_as_one_report_per_time_it_was_told(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(SESSION,))
    for n, pain in ((4, 4), (5, 5), (6, 6)):
        await put(client, day(n, SESSION), calm(pain=pain))
    world.clock.advance(timedelta(minutes=1))
    await put(client, day(7, SESSION), calm(pain=7))  # worse: told again
    [rising] = [a for a in await alert_list(doctor) if a["rule"] == "pain_rising"]
    assert [(r["local_date"], r["reason"]) for r in rising["reports"]] == [
        (day(6, SESSION).isoformat(), "Pain rising over 3 check-ins (4, 5, 6) after day 3."),
        (day(7, SESSION).isoformat(), "Pain rising over 3 check-ins (5, 6, 7) after day 3."),
    ]
