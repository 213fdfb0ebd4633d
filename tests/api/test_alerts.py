"""Alerts over HTTP: idempotent raising, the patient's advice, telling the practitioners, the
clinic's alert list and acknowledging, and the clinic settings the advice depends on.

The rules' edges are in tests/api/test_alert_rules.py; here each alert is checked in the
database, in the API's answers and, for urgent ones, in the real SMTP server's mailbox.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from api.audit.models import AuditEvent
from api.core.db import Database
from api.core.vocabulary import sign_name
from api.notifications.dispatch import dispatch_deliveries
from jobs.ticks import JobContext, missed_checkins_job
from tests.api.test_alert_rules import calm, patient, put, stored_alerts
from tests.conftest import START, ApiClient, World
from tests.receivers import PushService, SmtpSink

TODAY = START.date()
YESTERDAY = TODAY - timedelta(days=1)
SESSION = date(2026, 3, 1)
PHONE = "+44 20 7946 0958"
EMERGENCY = ("chest_pain_or_breathless", "vision_speech_or_weakness", "allergic_reaction")
SAME_DAY = ("leg_swelling_with_pain", "ulcer_blister_or_blackening", "spreading_redness_or_fever")
ALERT_KEYS = {
    "id",
    "patient",
    "rule",
    "severity",
    "status",
    "local_date",
    "last_reported_on",
    "reason",
    "items",
    "pain",
    "checkin_id",
    "created_at",
    "raised_at",
    "reports",
    "acknowledged_at",
    "acknowledged_by",
    "note",
}


def sign(*signs: str, minutes: int = 0, **overrides: Any) -> dict[str, Any]:
    return calm(minutes=minutes, warning_signs=list(signs), **overrides)


async def alert_list(doctor: ApiClient, status: str | None = None) -> list[dict[str, Any]]:
    params = {} if status is None else {"status": status}
    response = await doctor.get("/api/alerts", params=params)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def audit(db: Database, action: str) -> list[Any]:
    async with db.read() as conn:
        query = (
            select(
                AuditEvent.actor_user_id, AuditEvent.patient_id, AuditEvent.detail, AuditEvent.at
            )
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.at)
        )
        return list((await conn.execute(query)).all())


# --- idempotence ----------------------------------------------------------------------------


async def test_the_same_body_three_times_is_one_alert(world: World) -> None:
    _, client, _ = await patient(world, sessions=(SESSION,))
    body = sign("allergic_reaction", pain=8)
    outcomes = [(await put(client, TODAY, body))["outcome"] for _ in range(3)]
    assert outcomes == ["created", "unchanged", "unchanged"]
    assert sorted(r.rule for r in await stored_alerts(world.db)) == ["pain_high", "warning_sign"]


async def test_an_older_replay_raises_only_its_warning_sign(world: World) -> None:
    _, client, _ = await patient(world, sessions=(SESSION,))
    await put(client, TODAY, calm(pain=2, minutes=10))
    # Older than the stored edit: stale, so its pain is not stored and raises nothing, but a
    # warning sign is never ignored (a device with a slow clock can carry the newest news).
    stale = await put(client, TODAY, sign("chest_pain_or_breathless", pain=9))
    assert stale["outcome"] == "stale"
    assert stale["pain"] == 2 and stale["warning_signs"] == []
    assert stale["advice"]["level"] == "emergency"
    assert [r.rule for r in await stored_alerts(world.db)] == ["warning_sign"]
    again = await put(client, TODAY, sign("chest_pain_or_breathless", pain=9))
    assert again["outcome"] == "stale"
    assert len(await stored_alerts(world.db)) == 1

    # Yesterday's sign joins the open warning-sign alert; its stale replay adds nothing.
    await put(client, YESTERDAY, sign("allergic_reaction", minutes=10))
    assert (await put(client, YESTERDAY, sign("allergic_reaction")))["outcome"] == "stale"
    [alert] = await stored_alerts(world.db)
    assert "hives" in alert.reason and "chest pain" in alert.reason


async def test_an_edit_still_carrying_the_sign_raises_no_second_alert(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(SESSION,))
    first = await put(client, TODAY, sign("leg_swelling_with_pain"))
    edited = await put(client, TODAY, sign("leg_swelling_with_pain", minutes=5, note="worse"))
    assert edited["outcome"] == "updated"
    [alert] = await stored_alerts(world.db)
    assert str(alert.checkin_id) == first["id"]

    acknowledged = await doctor.post(f"/api/alerts/{alert.id}/acknowledge")
    assert acknowledged.status_code == 200, acknowledged.text
    # Neither a replay nor a further edit of the acknowledged day raises it again.
    assert (await put(client, TODAY, sign("leg_swelling_with_pain", minutes=5, note="worse")))[
        "outcome"
    ] == "unchanged"
    again = await put(client, TODAY, sign("leg_swelling_with_pain", minutes=9, note="same"))
    assert again["outcome"] == "updated"
    assert [(r.rule, r.status) for r in await stored_alerts(world.db)] == [
        ("warning_sign", "acknowledged")
    ]
    # Another day is a new alert once the first is acknowledged.
    await put(client, YESTERDAY, sign("leg_swelling_with_pain"))
    assert sorted((r.local_date, r.status) for r in await stored_alerts(world.db)) == [
        (YESTERDAY, "open"),
        (TODAY, "acknowledged"),
    ]


async def test_an_open_alert_is_not_repeated_for_another_day(world: World) -> None:
    _, client, _ = await patient(world, sessions=(SESSION,))
    await put(client, YESTERDAY, sign("ulcer_blister_or_blackening", pain=7))
    await put(client, TODAY, sign("ulcer_blister_or_blackening", pain=8))
    assert sorted((r.rule, r.local_date) for r in await stored_alerts(world.db)) == [
        ("pain_high", YESTERDAY),
        ("warning_sign", YESTERDAY),
    ]


async def test_concurrent_puts_raise_one_alert(world: World) -> None:
    _, client, _ = await patient(world, sessions=(SESSION,))
    same = sign("chest_pain_or_breathless")
    newer = [sign("chest_pain_or_breathless", minutes=n) for n in range(1, 6)]
    days = [SESSION + timedelta(days=n) for n in range(6)]
    answers = await asyncio.gather(
        *(client.put(f"/api/me/checkins/{TODAY}", json=same) for _ in range(5)),
        *(client.put(f"/api/me/checkins/{YESTERDAY}", json=body) for body in newer),
        *(
            client.put(f"/api/me/checkins/{d}", json=sign("allergic_reaction", pain=8))
            for d in days
        ),
    )
    assert all(a.status_code in (200, 201) for a in answers), [a.text for a in answers]
    assert sorted(r.rule for r in await stored_alerts(world.db)) == ["pain_high", "warning_sign"]


async def test_concurrent_days_with_different_signs_leave_one_alert_naming_them_all(
    world: World,
) -> None:
    _, client, _ = await patient(world, sessions=(SESSION,))
    codes = [*EMERGENCY, *SAME_DAY]
    answers = await asyncio.gather(
        *(
            client.put(f"/api/me/checkins/{SESSION + timedelta(days=n)}", json=sign(code))
            for n, code in enumerate(codes)
        )
    )
    assert [a.status_code for a in answers] == [201] * len(codes)
    [alert] = await stored_alerts(world.db)
    assert (alert.rule, alert.status) == ("warning_sign", "open")
    # The words come from the one vocabulary (api/core/vocabulary.py), in a sentence.
    for code in codes:
        name = sign_name(code)
        assert name[:1].lower() + name[1:] in alert.reason


# --- advice in the PUT answer ---------------------------------------------------------------


async def set_phone(doctor: ApiClient, phone: str | None) -> None:
    response = await doctor.patch("/api/clinic", json={"phone": phone})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("code", [*EMERGENCY, *SAME_DAY])
async def test_advice_for_each_warning_sign(world: World, code: str) -> None:
    _, client, doctor = await patient(world, sessions=(SESSION,))
    await set_phone(doctor, PHONE)
    advice = (await put(client, TODAY, sign(code)))["advice"]
    assert advice["clinic_phone"] == PHONE
    if code in EMERGENCY:
        assert (advice["level"], advice["title"]) == ("emergency", "Call emergency services now")
        assert "Call emergency services now (999 in the UK, 112 in Europe" in advice["text"]
    else:
        assert (advice["level"], advice["title"]) == ("contact_clinic", "Contact the clinic today")
        assert advice["text"].startswith(f"Call the clinic today on {PHONE} and tell them")


async def test_advice_is_null_without_signs_and_kept_on_a_replay(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(SESSION,))
    answer = await put(client, YESTERDAY, calm(pain=9))
    assert "advice" in answer and answer["advice"] is None

    # No phone set: the patient is still told to call, without a number.
    body = sign("spreading_redness_or_fever")
    first = await put(client, TODAY, body)
    assert first["advice"]["level"] == "contact_clinic"
    assert first["advice"]["clinic_phone"] is None
    assert first["advice"]["text"].startswith("Call the clinic today and tell them")
    replay = await put(client, TODAY, body)
    assert replay["outcome"] == "unchanged"
    assert replay["advice"] == first["advice"]

    # An emergency sign with a same-day one is the emergency advice.
    await set_phone(doctor, PHONE)
    both = await put(client, TODAY, sign("spreading_redness_or_fever", "vision_speech_or_weakness"))
    assert (both["advice"]["level"], both["advice"]["clinic_phone"]) == ("emergency", PHONE)


# --- telling the practitioners --------------------------------------------------------------


async def dispatch(jobs: JobContext, minutes: int = 0) -> tuple[int, int, int]:
    at = START + timedelta(minutes=minutes)
    report = await dispatch_deliveries(jobs.db, jobs.channels, at)
    return report.sent, report.retrying, report.gave_up


@pytest.mark.channels
async def test_an_urgent_alert_emails_and_notifies_each_practitioner_of_the_clinic(
    world: World, jobs: JobContext, smtp_server: SmtpSink, push_service: PushService
) -> None:
    doctor = await world.practitioner("dr@clinic-a.test", "Clinic A")
    nurse = await world.practitioner("nurse@clinic-a.test", "Clinic A")
    other = await world.practitioner("dr@clinic-b.test", "Clinic B")
    subscribed = await doctor.put("/api/me/push-subscription", json=push_service.subscribe())
    assert subscribed.status_code == 201, subscribed.text
    _, client, _ = await patient(world, sessions=(SESSION,), doctor=doctor)

    await put(client, TODAY, sign("leg_swelling_with_pain", pain=4))
    assert smtp_server.messages == []  # queued in the check-in's transaction, sent by the tick
    assert await dispatch(jobs) == (3, 0, 0)

    title = "Urgent: Ann reported a warning sign"
    reason = "Warning sign reported: calf or whole-leg swelling with pain."
    emails = sorted(smtp_server.messages, key=lambda m: m.recipients)
    assert [m.recipients for m in emails] == [["dr@clinic-a.test"], ["nurse@clinic-a.test"]]
    for email, name in zip(emails, ("Dr dr", "Dr nurse"), strict=True):
        assert email.subject == title
        plain = email.part("plain")
        assert f"Hello {name}," in plain
        assert reason in plain
        assert "Reported for 2026-03-10." in plain
        assert "https://afterline.test/#/alerts" in plain
    await push_service.wait_for(1)
    [push] = push_service.received
    assert push.payload is not None
    assert (push.payload["title"], push.payload["body"]) == (title, reason)

    for practitioner in (doctor, nurse):
        [item] = (await practitioner.get("/api/me/notifications")).json()
        assert (item["kind"], item["title"], item["local_date"]) == ("alert", title, "2026-03-10")
        assert item["body"].startswith(reason)
    assert (await other.get("/api/me/notifications")).json() == []
    assert all(n["kind"] != "alert" for n in (await client.get("/api/me/notifications")).json())

    # Sent once: a later tick, or a replay of the check-in, sends nothing more.
    await put(client, TODAY, sign("leg_swelling_with_pain", pain=4))
    assert await dispatch(jobs, minutes=1) == (0, 0, 0)
    assert len(smtp_server.messages) == 2 and len(push_service.received) == 1

    # A sign the alert did not report yet is told again, once, on every channel.
    world.clock.advance(timedelta(minutes=2))
    worse = sign("leg_swelling_with_pain", "chest_pain_or_breathless", pain=4, minutes=2)
    await put(client, TODAY, worse)
    assert await dispatch(jobs, minutes=2) == (3, 0, 0)
    assert await dispatch(jobs, minutes=3) == (0, 0, 0)
    widened = (
        "Warning sign reported: chest pain or breathlessness; calf or whole-leg swelling with pain."
    )
    later = sorted(smtp_server.messages[2:], key=lambda m: m.recipients)
    assert [m.recipients for m in later] == [["dr@clinic-a.test"], ["nurse@clinic-a.test"]]
    assert all(widened in m.part("plain") for m in later)
    assert [a["reason"] for a in await alert_list(doctor)] == [widened]


@pytest.mark.channels
async def test_watch_alerts_send_nothing(
    world: World, jobs: JobContext, smtp_server: SmtpSink
) -> None:
    doctor = await world.practitioner()
    _, client, _ = await patient(world, sessions=(TODAY - timedelta(days=3),), doctor=doctor)
    await put(client, TODAY, calm(pain=9))  # pain_high; days 0-2 missed
    assert await missed_checkins_job(jobs, START) == 1
    assert sorted(r.severity for r in await stored_alerts(world.db)) == ["watch", "watch"]
    assert await dispatch(jobs) == (0, 0, 0)
    assert smtp_server.messages == []
    assert (await doctor.get("/api/me/notifications")).json() == []


# --- the list and acknowledging -------------------------------------------------------------


async def three_alerts(world: World) -> tuple[ApiClient, dict[str, str], list[dict[str, Any]]]:
    """Ann's pain, a minute later Bob's warning sign, a minute later Ann's warning sign."""
    doctor = await world.practitioner()
    ann, ann_client, _ = await patient(world, sessions=(SESSION,), doctor=doctor)
    bob, bob_client, _ = await patient(
        world, sessions=(SESSION,), email="bob@example.test", doctor=doctor
    )
    answers = [await put(ann_client, YESTERDAY, calm(pain=8))]
    world.clock.advance(timedelta(minutes=1))
    answers.append(await put(bob_client, YESTERDAY, sign("allergic_reaction")))
    world.clock.advance(timedelta(minutes=1))
    answers.append(await put(ann_client, TODAY, sign("chest_pain_or_breathless")))
    return doctor, {"ann": ann, "bob": bob}, answers


async def test_list_is_urgent_first_then_oldest_with_patient_rule_and_check_in(
    world: World,
) -> None:
    doctor, ids, answers = await three_alerts(world)
    listed = await alert_list(doctor)
    assert listed == await alert_list(doctor, "open")
    assert all(set(a) == ALERT_KEYS for a in listed)
    assert [
        (a["patient"], a["rule"], a["severity"], a["local_date"], a["checkin_id"]) for a in listed
    ] == [
        (
            {"id": ids["bob"], "name": "Bob"},
            "warning_sign",
            "urgent",
            "2026-03-09",
            answers[1]["id"],
        ),
        (
            {"id": ids["ann"], "name": "Ann"},
            "warning_sign",
            "urgent",
            "2026-03-10",
            answers[2]["id"],
        ),
        ({"id": ids["ann"], "name": "Ann"}, "pain_high", "watch", "2026-03-09", answers[0]["id"]),
    ]
    assert [datetime.fromisoformat(a["created_at"]) for a in listed] == [
        START + timedelta(minutes=n) for n in (1, 2, 0)
    ]
    assert listed[1]["reason"] == "Warning sign reported: chest pain or breathlessness."
    assert [(a["items"], a["pain"]) for a in listed] == [
        (["allergic_reaction"], None),
        (["chest_pain_or_breathless"], None),
        ([], 8),
    ]
    assert all(a["status"] == "open" for a in listed)
    assert all(a["acknowledged_at"] is a["acknowledged_by"] is a["note"] is None for a in listed)
    assert await alert_list(doctor, "acknowledged") == []


async def test_acknowledging_moves_an_alert_to_the_acknowledged_list(world: World) -> None:
    doctor, _, _ = await three_alerts(world)
    bob, ann, watch = await alert_list(doctor)
    world.clock.advance(timedelta(minutes=5))
    response = await doctor.post(
        f"/api/alerts/{bob['id']}/acknowledge", json={"note": "  Called Bob; antihistamine.  "}
    )
    assert response.status_code == 200, response.text
    done = response.json()
    assert (done["id"], done["status"], done["note"]) == (
        bob["id"],
        "acknowledged",
        "Called Bob; antihistamine.",
    )
    assert done["acknowledged_by"] == "Dr dr"
    assert datetime.fromisoformat(done["acknowledged_at"]) == world.clock.now()
    assert [a["id"] for a in await alert_list(doctor)] == [ann["id"], watch["id"]]
    assert await alert_list(doctor, "acknowledged") == [done]


@pytest.mark.parametrize("status", ["closed", "OPEN", "open,acknowledged"])
async def test_an_unknown_status_is_refused_naming_it(world: World, status: str) -> None:
    doctor = await world.practitioner()
    response = await doctor.get("/api/alerts", params={"status": status})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["field"] == "status"


@pytest.mark.parametrize(
    ("kwargs", "note"),
    [
        ({}, None),
        ({"content": b"  \n"}, None),
        ({"json": {}}, None),
        ({"json": {"note": None}}, None),
        ({"json": {"note": "   "}}, None),
        ({"json": {"note": "x" * 1000}}, "x" * 1000),
    ],
    ids=["no-body", "blank-body", "empty-object", "null-note", "blank-note", "note-1000"],
)
async def test_acknowledge_with_or_without_a_note(
    world: World, kwargs: dict[str, Any], note: str | None
) -> None:
    doctor, _, _ = await three_alerts(world)
    target = (await alert_list(doctor))[0]
    response = await doctor.post(f"/api/alerts/{target['id']}/acknowledge", **kwargs)
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["note"]) == ("acknowledged", note)


async def test_acknowledging_twice_keeps_the_first_acknowledgement(world: World) -> None:
    doctor, _, _ = await three_alerts(world)
    target = (await alert_list(doctor))[0]
    url = f"/api/alerts/{target['id']}/acknowledge"
    first = await doctor.post(url, json={"note": "first"})
    assert first.status_code == 200, first.text
    world.clock.advance(timedelta(minutes=3))
    for again in (await doctor.post(url, json={"note": "second"}), await doctor.post(url)):
        assert again.status_code == 200, again.text
        assert again.json() == first.json()
    [row] = [r for r in await stored_alerts(world.db) if str(r.id) == target["id"]]
    assert (row.status, row.note) == ("acknowledged", "first")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note": "x" * 1001}, "note"),
        ({"note": 5}, "note"),
        ({"notes": "typo"}, "notes"),
        ({"note": "ok", "status": "open"}, "status"),
    ],
)
async def test_a_bad_acknowledgement_is_refused_and_changes_nothing(
    world: World, body: dict[str, Any], field: str
) -> None:
    doctor, _, _ = await three_alerts(world)
    target = (await alert_list(doctor))[0]
    response = await doctor.post(f"/api/alerts/{target['id']}/acknowledge", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert all(r.status == "open" for r in await stored_alerts(world.db))


async def test_another_clinics_alert_is_the_same_404_as_an_unknown_or_malformed_id(
    world: World,
) -> None:
    theirs, _, _ = await three_alerts(world)
    foreign = (await alert_list(theirs))[0]["id"]
    mine = await world.practitioner("dr@clinic-b.test", "Clinic B")
    assert await alert_list(mine) == []
    before = len(await audit(world.db, "alert.acknowledge"))

    answers = [
        await mine.post(f"/api/alerts/{alert_id}/acknowledge", json={"note": "not mine"})
        for alert_id in (
            foreign,
            foreign.upper(),
            str(uuid.uuid4()),
            "not-a-uuid",
            "0",
            "1 OR 1=1",
            foreign[:-1] + "g",
        )
    ]
    assert {(a.status_code, a.headers["content-type"], a.content) for a in answers} == {
        (404, "application/json", b'{"detail":"Not found"}')
    }
    assert all(r.status == "open" and r.note is None for r in await stored_alerts(world.db))
    assert len(await audit(world.db, "alert.acknowledge")) == before
    # Its own clinic can, under any spelling of the id.
    own = await theirs.post(f"/api/alerts/{foreign.upper()}/acknowledge")
    assert (own.status_code, own.json()["id"]) == (200, foreign)


async def test_listing_and_acknowledging_are_audited(world: World) -> None:
    doctor, ids, _ = await three_alerts(world)
    me = (await doctor.get("/api/auth/me")).json()["id"]
    listed = await alert_list(doctor)
    await alert_list(doctor, "acknowledged")
    [opened, empty] = await audit(world.db, "alert.list")
    assert (str(opened.actor_user_id), opened.patient_id, opened.at) == (
        me,
        None,
        START + timedelta(minutes=2),
    )
    assert (opened.detail, empty.detail) == (
        {"status": "open", "count": 3},
        {"status": "acknowledged", "count": 0},
    )

    await doctor.post(f"/api/alerts/{listed[0]['id']}/acknowledge", json={"note": "seen"})
    [event] = await audit(world.db, "alert.acknowledge")
    assert (str(event.actor_user_id), str(event.patient_id)) == (me, ids["bob"])
    assert event.detail == {"alert_id": listed[0]["id"], "rule": "warning_sign", "note": "seen"}


# --- clinic settings ------------------------------------------------------------------------


async def clinic(doctor: ApiClient) -> dict[str, Any]:
    response = await doctor.get("/api/clinic")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_clinic_phone_is_set_normalised_and_cleared(world: World) -> None:
    doctor = await world.practitioner()
    start = await clinic(doctor)
    assert set(start) == {"id", "name", "timezone", "phone", "retention_years"}
    assert start["retention_years"] == 8
    assert (start["name"], start["timezone"], start["phone"]) == ("Clinic A", "Europe/London", None)

    for sent, stored in (
        ("  +44 20   7946 0958 ", PHONE),
        ("020 7946-0958", "020 7946-0958"),
        ("0 (20) 7946/0958", "0 (20) 7946/0958"),
        ("+1.555.123.4567", "+1.555.123.4567"),
        ("12345", "12345"),
        (None, None),
        ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
        ("   ", None),
    ):
        response = await doctor.patch("/api/clinic", json={"phone": sent})
        assert response.status_code == 200, (sent, response.text)
        assert response.json()["phone"] == stored
        assert (await clinic(doctor))["phone"] == stored
    assert (await clinic(doctor))["timezone"] == "Europe/London"  # untouched by phone changes
    [*_, last] = await audit(world.db, "clinic.update")
    assert last.detail == {"fields": ["phone"]}


@pytest.mark.parametrize("phone", ["(020) 7946 0958", "(555) 123-4567"])
async def test_a_phone_starting_with_a_bracket_is_accepted(world: World, phone: str) -> None:
    # The common "(020) 7946 0958" / "(555) 123-4567" spellings start with a bracket.
    doctor = await world.practitioner()
    response = await doctor.patch("/api/clinic", json={"phone": phone})
    assert response.status_code == 200, response.text
    assert response.json()["phone"] == phone


@pytest.mark.parametrize(
    "phone",
    ["call us", "1234", "+44 20 7946 0958 ext 2", "++44 20 7946", "<b>0207946</b>", "1" * 40, 44],
)
async def test_a_bad_phone_is_refused_naming_it(world: World, phone: Any) -> None:
    doctor = await world.practitioner()
    await set_phone(doctor, PHONE)
    response = await doctor.patch("/api/clinic", json={"phone": phone})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "phone"
    assert (await clinic(doctor))["phone"] == PHONE


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": None}, "timezone"),
        ({"timezone": "Mars/Olympus_Mons", "phone": "+44 1632 960000"}, "timezone"),
        ({"fax": "0207946"}, "fax"),
    ],
)
async def test_bad_clinic_settings_are_refused_and_nothing_is_written(
    world: World, body: dict[str, Any], field: str
) -> None:
    doctor = await world.practitioner()
    before = await clinic(doctor)
    response = await doctor.patch("/api/clinic", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert await clinic(doctor) == before


async def test_each_clinic_has_its_own_settings_and_its_patients_get_its_phone(
    world: World,
) -> None:
    doctor_a = await world.practitioner("dr@clinic-a.test", "Clinic A")
    doctor_b = await world.practitioner("dr@clinic-b.test", "Clinic B")
    changed = await doctor_a.patch("/api/clinic", json={"timezone": "Europe/Paris", "phone": PHONE})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["timezone"], changed.json()["phone"]) == ("Europe/Paris", PHONE)
    assert (await clinic(doctor_b))["phone"] is None
    assert (await clinic(doctor_b))["timezone"] == "Europe/London"

    _, ann, _ = await patient(world, sessions=(SESSION,), doctor=doctor_a)
    _, bob, _ = await patient(world, sessions=(SESSION,), email="bob@example.test", doctor=doctor_b)
    assert (await put(ann, TODAY, sign("ulcer_blister_or_blackening")))["advice"][
        "clinic_phone"
    ] == PHONE
    assert (await put(bob, TODAY, sign("ulcer_blister_or_blackening")))["advice"][
        "clinic_phone"
    ] is None
