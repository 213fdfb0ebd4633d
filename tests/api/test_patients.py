"""The practitioner's patient routes: register, read, change, and the triage list.

Every refused body is checked twice: the 422/409 names the field, and the database holds
exactly what it held before (no user, patient or invitation half-written, nothing changed).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from api.identity.models import Invitation, Patient, User
from api.triage.adherence import PlanSession, adherence
from tests.conftest import START, ApiClient, World, checkin_body

PATIENT_KEYS = {
    "id",
    "name",
    "email",
    "timezone",
    "checkin_time",
    "active",
    "created_at",
    "has_password",
}
SUMMARY_KEYS = {
    "id",
    "name",
    "email",
    "timezone",
    "checkin_time",
    "active",
    "last_session_on",
    "review_on",
    "daily_days",
    "last_checkin_on",
    "adherence_7d",
    "latest",
    "pain_14d",
    "open_alerts",
    "alert_severity",
    "alert",
    "flags",
    "slower_than_usual",
    "attention",
}
SCORES = ("pain", "swelling", "bruising", "discolouration", "hardening", "itching")


def new_patient(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Ada Lovelace",
        "email": "ada@example.test",
        "timezone": "Europe/London",
    }
    body.update(overrides)
    return body


async def counts(world: World) -> tuple[int, int, int]:
    """(users, patients, invitations) in the database right now."""
    async with world.db.read() as conn:
        users = await conn.scalar(select(func.count()).select_from(User))
        patients = await conn.scalar(select(func.count()).select_from(Patient))
        invitations = await conn.scalar(select(func.count()).select_from(Invitation))
    return int(users), int(patients), int(invitations)


def assert_names_field(response: Any, field: str, status: int = 422) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["field"] == field, body
    assert field in body["detail"], body


async def listing(doctor: ApiClient) -> dict[str, dict[str, Any]]:
    """The practitioner's list keyed by patient email."""
    rows = await doctor.patient_list()
    for row in rows:
        assert set(row) == SUMMARY_KEYS
    return {row["email"]: row for row in rows}


async def check_in(patient: ApiClient, day: date, at: datetime, **scores: int) -> None:
    response = await patient.put(f"/api/me/checkins/{day}", json=checkin_body(at, **scores))
    assert response.status_code in (200, 201), response.text


async def check_in_days(patient: ApiClient, days: list[date], at: datetime) -> None:
    for day in days:
        await check_in(patient, day, at)


# --- POST /api/patients -------------------------------------------------------------------


async def test_create_returns_the_patient_and_a_one_time_invite(world: World) -> None:
    doctor = await world.practitioner()
    response = await doctor.post(
        "/api/patients",
        json=new_patient(email="  Ada.Lovelace@Example.TEST ", name="  Ada Lovelace "),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == PATIENT_KEYS | {"invite_token", "invite_url", "invite_expires_at"}
    assert body["name"] == "Ada Lovelace"
    assert body["email"] == "ada.lovelace@example.test"
    assert body["timezone"] == "Europe/London"
    assert body["checkin_time"] == "19:00"
    assert body["active"] is True
    assert body["has_password"] is False
    assert datetime.fromisoformat(body["created_at"]) == START
    assert datetime.fromisoformat(body["invite_expires_at"]) == START + timedelta(days=14)
    assert len(body["invite_token"]) >= 20
    assert body["invite_url"] == f"https://afterline.test/#/invite/{body['invite_token']}"

    async with world.db.read() as conn:
        stored = (await conn.execute(select(User.email, User.role, User.password_hash))).all()
        token_hash = await conn.scalar(select(Invitation.token_hash))
    assert ("ada.lovelace@example.test", "patient", None) in [tuple(row) for row in stored]
    assert token_hash and body["invite_token"] not in token_hash  # only a digest is stored

    read = await doctor.get(f"/api/patients/{body['id']}")
    assert read.status_code == 200
    assert read.json() == {key: body[key] for key in PATIENT_KEYS}


async def test_create_keeps_a_chosen_checkin_time_and_any_iana_zone(world: World) -> None:
    doctor = await world.practitioner()
    response = await doctor.post(
        "/api/patients", json=new_patient(timezone="EST5EDT", checkin_time="07:05")
    )
    assert response.status_code == 201, response.text
    assert response.json()["timezone"] == "EST5EDT"
    assert response.json()["checkin_time"] == "07:05"

    chatham = await doctor.post(
        "/api/patients",
        json=new_patient(email="bo@example.test", timezone="Pacific/Chatham", checkin_time="00:00"),
    )
    assert chatham.status_code == 201, chatham.text
    assert chatham.json()["checkin_time"] == "00:00"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": "europe/london"}, "timezone"),
        ({"checkin_time": "25:00"}, "checkin_time"),
        ({"checkin_time": "7pm"}, "checkin_time"),
        ({"checkin_time": "19:60"}, "checkin_time"),
        ({"checkin_time": "7:00"}, "checkin_time"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "two@@example.test"}, "email"),
        ({"email": ""}, "email"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"name": 42}, "name"),
        ({"checkin_time": 1900}, "checkin_time"),
        ({"timezone": None}, "timezone"),
    ],
)
async def test_create_refuses_a_bad_field_by_name_and_writes_nothing(
    world: World, overrides: dict[str, Any], field: str
) -> None:
    doctor = await world.practitioner()
    before = await counts(world)
    response = await doctor.post("/api/patients", json=new_patient(**overrides))
    assert_names_field(response, field)
    assert await counts(world) == before


@pytest.mark.parametrize("missing", ["name", "email", "timezone"])
async def test_create_names_a_missing_required_field(world: World, missing: str) -> None:
    doctor = await world.practitioner()
    body = new_patient()
    del body[missing]
    before = await counts(world)
    assert_names_field(await doctor.post("/api/patients", json=body), missing)
    assert await counts(world) == before


async def test_create_refuses_a_body_that_is_not_an_object(world: World) -> None:
    doctor = await world.practitioner()
    before = await counts(world)
    for content in (b"", b"[1, 2]", b"{not json"):
        response = await doctor.post(
            "/api/patients", content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422, response.text
        assert "detail" in response.json()
    assert await counts(world) == before


async def test_duplicate_email_is_409_whatever_its_case_and_writes_nothing(world: World) -> None:
    doctor = await world.practitioner()
    first = await doctor.post("/api/patients", json=new_patient(email="PAT@x.test"))
    assert first.status_code == 201, first.text
    assert first.json()["email"] == "pat@x.test"
    before = await counts(world)
    assert before == (2, 1, 1)  # the practitioner, the patient and their invite

    again = await doctor.post("/api/patients", json=new_patient(email="pat@x.test", name="Other"))
    assert_names_field(again, "email", status=409)
    assert await counts(world) == before

    # A practitioner's address is taken too (one user table, emails unique across roles).
    doctors = await doctor.post("/api/patients", json=new_patient(email="DR@clinic-a.test"))
    assert_names_field(doctors, "email", status=409)
    assert await counts(world) == before


async def test_patients_are_for_practitioners_only(world: World) -> None:
    doctor = await world.practitioner()
    patient_id, patient = await world.patient(doctor)
    assert (await patient.post("/api/patients", json=new_patient())).status_code in (401, 403)
    assert (await patient.get("/api/patients")).status_code in (401, 403)
    assert (await patient.get(f"/api/patients/{patient_id}")).status_code in (401, 403)
    anonymous = await world.client()
    assert (await anonymous.get("/api/patients")).status_code == 401
    assert (await anonymous.post("/api/patients", json=new_patient())).status_code == 401


# --- GET and PATCH /api/patients/{id} -----------------------------------------------------


async def test_get_unknown_other_clinic_and_malformed_ids_are_the_same_404(world: World) -> None:
    doctor = await world.practitioner()
    patient_id, _ = await world.patient(doctor)
    other = await world.practitioner("dr@clinic-b.test", "Clinic B")

    found = await doctor.get(f"/api/patients/{patient_id}")
    assert found.status_code == 200
    assert found.json()["has_password"] is True  # the invite was accepted

    missing = await doctor.get("/api/patients/00000000-0000-4000-8000-000000000000")
    foreign = await other.get(f"/api/patients/{patient_id}")
    malformed = await doctor.get("/api/patients/not-a-uuid")
    assert missing.status_code == foreign.status_code == malformed.status_code == 404
    assert missing.json() == foreign.json() == malformed.json()

    patched = await other.patch(f"/api/patients/{patient_id}", json={"name": "Stolen"})
    assert patched.status_code == 404
    assert (await doctor.get(f"/api/patients/{patient_id}")).json()["name"] == "Pat"


async def test_patch_changes_only_the_fields_sent(world: World) -> None:
    doctor = await world.practitioner()
    patient_id, _ = await world.patient(doctor)
    before = (await doctor.get(f"/api/patients/{patient_id}")).json()

    response = await doctor.patch(
        f"/api/patients/{patient_id}",
        json={"name": " Patricia ", "timezone": "America/Los_Angeles", "checkin_time": "08:30"},
    )
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["name"] == "Patricia"
    assert after["timezone"] == "America/Los_Angeles"
    assert after["checkin_time"] == "08:30"
    assert after["active"] is True
    assert {k: after[k] for k in ("id", "email", "created_at", "has_password")} == {
        k: before[k] for k in ("id", "email", "created_at", "has_password")
    }
    assert (await doctor.get(f"/api/patients/{patient_id}")).json() == after

    deactivated = await doctor.patch(f"/api/patients/{patient_id}", json={"active": False})
    assert deactivated.status_code == 200, deactivated.text
    assert deactivated.json() == {**after, "active": False}
    listed = await listing(doctor)
    assert listed["pat@example.test"]["active"] is False
    assert listed["pat@example.test"]["name"] == "Patricia"

    reactivated = await doctor.patch(f"/api/patients/{patient_id}", json={"active": True})
    assert reactivated.json()["active"] is True

    unchanged = await doctor.patch(f"/api/patients/{patient_id}", json={})
    assert unchanged.status_code == 200
    assert unchanged.json() == {**after, "active": True}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"checkin_time": "25:00"}, "checkin_time"),
        ({"checkin_time": "7pm"}, "checkin_time"),
        ({"active": "no"}, "active"),
        ({"active": 0}, "active"),
        ({"email": "nope"}, "email"),
        ({"clinic_id": "00000000-0000-4000-8000-000000000000"}, "clinic_id"),
        # A valid change beside an invalid one is not applied either.
        ({"name": "Changed", "timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "Asia/Tokyo", "checkin_time": "7pm"}, "checkin_time"),
        ({"active": False, "checkin_time": "24:00"}, "checkin_time"),
    ],
)
async def test_patch_refuses_a_bad_field_by_name_and_changes_nothing(
    world: World, body: dict[str, Any], field: str
) -> None:
    doctor = await world.practitioner()
    patient_id, _ = await world.patient(doctor)
    before = (await doctor.get(f"/api/patients/{patient_id}")).json()

    response = await doctor.patch(f"/api/patients/{patient_id}", json=body)
    assert_names_field(response, field)
    assert (await doctor.get(f"/api/patients/{patient_id}")).json() == before


async def test_patch_to_a_taken_email_is_409_and_changes_nothing(world: World) -> None:
    doctor = await world.practitioner()
    patient_id, _ = await world.patient(doctor, email="pat@example.test")
    await world.patient(doctor, email="sam@example.test")
    before = (await doctor.get(f"/api/patients/{patient_id}")).json()

    taken = await doctor.patch(
        f"/api/patients/{patient_id}", json={"name": "Changed", "email": "SAM@example.test"}
    )
    assert_names_field(taken, "email", status=409)
    assert (await doctor.get(f"/api/patients/{patient_id}")).json() == before

    same = await doctor.patch(f"/api/patients/{patient_id}", json={"email": "PAT@Example.test"})
    assert same.status_code == 200, same.text
    assert same.json()["email"] == "pat@example.test"


# --- GET /api/patients: the triage list ---------------------------------------------------


async def test_list_shows_only_the_clinics_patients_sorted_by_name(world: World) -> None:
    doctor = await world.practitioner()
    other = await world.practitioner("dr@clinic-b.test", "Clinic B")
    assert (await doctor.patient_list()) == []
    for email in ("zoe@example.test", "adam@example.test", "Mia@example.test"):
        await world.patient(doctor, email=email)
    await world.patient(other, email="elsewhere@example.test")

    assert [row["name"] for row in await doctor.patient_list()] == ["Adam", "Mia", "Zoe"]
    assert [row["name"] for row in (await other.patient_list())] == ["Elsewhere"]


async def test_list_row_for_a_patient_without_a_session(world: World) -> None:
    doctor = await world.practitioner()
    patient_id, _ = await world.patient(doctor, timezone="Asia/Kolkata", checkin_time="20:15")
    row = (await listing(doctor))["pat@example.test"]
    assert row == {
        "id": patient_id,
        "name": "Pat",
        "email": "pat@example.test",
        "timezone": "Asia/Kolkata",
        "checkin_time": "20:15",
        "active": True,
        "last_session_on": None,
        "review_on": None,
        "daily_days": None,
        "last_checkin_on": None,
        "adherence_7d": None,
        "latest": None,
        "pain_14d": [None] * 14,
        "open_alerts": 0,
        "alert_severity": None,
        "alert": None,
        "flags": [],
        "slower_than_usual": False,
        "attention": {
            "alert_rank": 0,
            "missed": False,
            "worsening": False,
            "reasons": [],
            "days_since_session": None,
            "review_in_days": None,
            "review_due": False,
            "treating": False,
            "needs_attention": False,
            "status": {"tone": "quiet", "text": "No session yet", "more": []},
        },
    }


async def test_adherence_counts_finished_days_and_today_only_once_done(world: World) -> None:
    # START is 2026-03-10 12:00 UTC: 2026-03-10 in London, the window's finished days are
    # 03-04 .. 03-09 (six), and today counts only once checked in.
    doctor = await world.practitioner()
    today = date(2026, 3, 10)
    _, pat = await world.patient(
        doctor, email="pat@example.test", sessions=(today - timedelta(days=10),)
    )
    # Missed 03-06; checked in on the other five finished days, and earlier, outside the window.
    await check_in_days(
        pat,
        [today - timedelta(days=n) for n in (9, 8, 7, 1, 2, 3, 5, 6)],
        START - timedelta(minutes=1),
    )
    row = (await listing(doctor))["pat@example.test"]
    assert row["adherence_7d"] == round(5 / 6, 3) == 0.833
    assert row["last_checkin_on"] == "2026-03-09"
    assert row["last_session_on"] == "2026-02-28"

    await check_in(pat, today, START)
    row = (await listing(doctor))["pat@example.test"]
    assert row["adherence_7d"] == round(6 / 7, 3) == 0.857
    assert row["last_checkin_on"] == "2026-03-10"

    # Late evening in London, still 03-10: unchanged (the doctor signs in again after 4 hours).
    world.clock.advance(timedelta(hours=11, minutes=30))
    await doctor.login("dr@clinic-a.test")
    assert (await listing(doctor))["pat@example.test"]["adherence_7d"] == 0.857
    # Past midnight, 03-11 is not done yet, so the window is 03-05 .. 03-10 with 03-06 missed.
    world.clock.advance(timedelta(hours=1))
    row = (await listing(doctor))["pat@example.test"]
    assert row["adherence_7d"] == 0.833


async def test_adherence_only_expects_days_since_the_first_session(world: World) -> None:
    doctor = await world.practitioner()
    today = date(2026, 3, 10)
    two_days_ago = today - timedelta(days=2)
    _, full = await world.patient(doctor, email="full@example.test", sessions=(two_days_ago,))
    await check_in_days(full, [two_days_ago, today - timedelta(days=1)], START)
    _, half = await world.patient(doctor, email="half@example.test", sessions=(two_days_ago,))
    await check_in(half, two_days_ago, START)
    await world.patient(doctor, email="fresh@example.test", sessions=(today,))
    _, done = await world.patient(doctor, email="done@example.test", sessions=(today,))
    await check_in(done, today, START)
    await world.patient(doctor, email="idle@example.test", sessions=(two_days_ago,))
    await world.patient(doctor, email="none@example.test")

    rows = await listing(doctor)
    assert rows["full@example.test"]["adherence_7d"] == 1.0
    assert rows["half@example.test"]["adherence_7d"] == 0.5
    # Treated today and not checked in yet: nothing was expected so far.
    assert rows["fresh@example.test"]["adherence_7d"] is None
    assert rows["done@example.test"]["adherence_7d"] == 1.0
    assert rows["idle@example.test"]["adherence_7d"] == 0.0
    assert rows["none@example.test"]["adherence_7d"] is None
    assert rows["none@example.test"]["last_session_on"] is None


async def test_expected_days_follow_the_plan_of_the_session_in_force(world: World) -> None:
    # The first session (02-18) is in its weekly phase by the window: only 03-04 (day 14) is
    # expected from it. The new session (03-08) restarts the daily phase: 03-08 and 03-09.
    # last_session_on shows the latest session.
    doctor = await world.practitioner()
    today = date(2026, 3, 10)
    patient_id, pat = await world.patient(doctor, sessions=(today - timedelta(days=20),))
    later = await doctor.post(
        f"/api/patients/{patient_id}/sessions",
        json={
            "performed_on": (today - timedelta(days=2)).isoformat(),
            "areas": ["face_nose"],
            "sclerosant": "sodium_tetradecyl_sulfate",
            "concentration_pct": 0.1,
            "volume_ml": 0.5,
            "injections": 3,
        },
    )
    assert later.status_code == 201, later.text
    await check_in_days(pat, [today - timedelta(days=n) for n in (1, 2, 3)], START)
    row = (await listing(doctor))["pat@example.test"]
    assert row["last_session_on"] == "2026-03-08"
    # 03-07 was checked in but not expected; 03-04 was expected and missed.
    assert row["adherence_7d"] == round(2 / 3, 3)


async def test_a_correction_that_would_strand_checkins_leaves_the_list_as_it_was(
    world: World,
) -> None:
    # The session was first entered as 03-01 and the patient checked in from then on;
    # correcting its date to 03-08 would leave 03-04..03-07 before the first session (their
    # days lost), so it is refused naming the field, and the list is unchanged.
    doctor = await world.practitioner()
    patient_id, pat = await world.patient(doctor, sessions=(date(2026, 3, 1),))
    await check_in_days(pat, [date(2026, 3, d) for d in (4, 5, 6, 7)], START)
    before = (await listing(doctor))["pat@example.test"]
    assert before["adherence_7d"] == round(4 / 6, 3)

    sessions = (await doctor.get(f"/api/patients/{patient_id}/sessions")).json()
    moved = await doctor.patch(
        f"/api/sessions/{sessions[0]['id']}", json={"performed_on": "2026-03-08"}
    )
    assert moved.status_code == 422, moved.text
    assert moved.json()["field"] == "performed_on"
    assert (await listing(doctor))["pat@example.test"] == before


async def test_adherence_uses_each_patients_own_local_today(world: World) -> None:
    """Chatham (UTC+13:45) is a day ahead of UTC at 19:00 UTC; Los Angeles (UTC-7 after the
    US change on 2026-03-08) is a day behind UTC at 05:00 UTC the next day. At both instants
    Chatham's today is 03-11 and Los Angeles's is 03-10, so the answers must not move."""
    evening = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)  # Chatham 03-11 08:45, LA 03-10 12:00
    next_morning = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)  # Chatham 03-11 18:45, LA 22:00
    world.clock.set(evening)
    doctor = await world.practitioner()
    first = date(2026, 2, 26)  # the whole window is in the daily phase (days 0-13)
    _, chatham = await world.patient(
        doctor, email="chatham@example.test", timezone="Pacific/Chatham", sessions=(first,)
    )
    _, angeles = await world.patient(
        doctor, email="la@example.test", timezone="America/Los_Angeles", sessions=(first,)
    )
    recorded = world.clock.now() - timedelta(minutes=5)
    # Chatham, today 03-11 not done: every finished day 03-05 .. 03-10 checked in.
    await check_in_days(chatham, [date(2026, 3, d) for d in (5, 6, 7, 8, 9, 10)], recorded)
    # Los Angeles, today 03-10 not done: 03-04 and 03-06 .. 03-09, missed 03-05.
    await check_in_days(angeles, [date(2026, 3, d) for d in (4, 6, 7, 8, 9)], recorded)
    future = await chatham.put("/api/me/checkins/2026-03-12", json=checkin_body(recorded))
    assert future.status_code == 422
    future = await angeles.put("/api/me/checkins/2026-03-11", json=checkin_body(recorded))
    assert future.status_code == 422

    for instant in (evening, next_morning):  # UTC's date is 03-10, then 03-11
        world.clock.set(instant)
        await doctor.login("dr@clinic-a.test")  # 10 hours on: signed in again
        rows = await listing(doctor)
        assert rows["chatham@example.test"]["adherence_7d"] == 1.0, instant
        assert rows["chatham@example.test"]["last_checkin_on"] == "2026-03-10"
        assert rows["la@example.test"]["adherence_7d"] == 0.833, instant
        assert rows["la@example.test"]["last_checkin_on"] == "2026-03-09"

    # Chatham checks in for its 03-11: today counts now, 7 of 7 (window 03-05 .. 03-11).
    await check_in(chatham, date(2026, 3, 11), world.clock.now())
    # Los Angeles checks in for its 03-10 while it is already 03-11 in UTC: 6 of 7.
    await check_in(angeles, date(2026, 3, 10), world.clock.now())
    rows = await listing(doctor)
    assert rows["chatham@example.test"]["adherence_7d"] == 1.0
    assert rows["chatham@example.test"]["last_checkin_on"] == "2026-03-11"
    assert rows["la@example.test"]["adherence_7d"] == round(6 / 7, 3)
    assert rows["la@example.test"]["last_checkin_on"] == "2026-03-10"


# Weekly check-ins within a day of their planned day. The session is day 0; the plan asks daily
# on days 0-13, then weekly on days 14, 21, 28, … up to the review (day 56).
PERFORMED = date(2026, 2, 1)
PLAN = [PlanSession(PERFORMED, 14, PERFORMED + timedelta(weeks=8))]


def on_day(*days: int) -> set[date]:
    return {PERFORMED + timedelta(days=day) for day in days}


def adherence_on(today: int, *done: int, plan: list[PlanSession] = PLAN) -> float | None:
    return adherence(PERFORMED + timedelta(days=today), plan, on_day(*done))


@pytest.mark.parametrize(
    ("done", "share"),
    [
        ((21,), 1.0),
        ((20,), 1.0),
        ((22,), 1.0),
        ((19,), 0.0),
        ((23,), 0.0),
        ((19, 23), 0.0),
        ((), 0.0),
    ],
    ids=["on-the-day", "early-1", "late-1", "early-2", "late-2", "both-2-off", "none"],
)
def test_adherence_counts_a_weekly_checkin_within_a_day(
    done: tuple[int, ...], share: float
) -> None:
    # Today is day 24: the window is days 18-24 and day 21 is its one expected day.
    assert adherence_on(24, *done) == share


def test_adherence_does_not_reuse_a_daily_checkin_for_the_weekly_day() -> None:
    # Today is day 17: days 11-13 are daily, day 14 weekly, days 15-17 not expected.
    assert adherence_on(17, 11, 12, 13) == 0.75  # day 13 counts for itself, not for day 14
    assert adherence_on(17, 11, 12, 13, 15) == 1.0  # day 15 is free to stand in for day 14
    assert adherence_on(17, 11, 12, 15) == 0.75  # day 13 missed: day 14 took day 15
    # Daily days need their own day: a check-in the day before or after does not make them.
    assert adherence_on(17, 12, 14) == 0.5
    # With a weekly-only plan the first expected day is day 7, and day 6 is free.
    weekly_only = [PlanSession(PERFORMED, 0, PERFORMED + timedelta(weeks=8))]
    assert adherence_on(10, 6, plan=weekly_only) == 1.0
    assert adherence_on(10, 8, plan=weekly_only) == 1.0
    assert adherence_on(10, 5, plan=weekly_only) == 0.0


def test_adherence_does_not_let_a_new_sessions_day_stand_in_for_the_old_plan() -> None:
    # A new session on day 22 of the first: its day 0 is expected by its own plan, so its
    # check-in counts for itself and not also for the first session's weekly day 21.
    renewed = [
        *PLAN,
        PlanSession(PERFORMED + timedelta(days=22), 14, PERFORMED + timedelta(days=78)),
    ]
    assert adherence_on(22, 22, plan=renewed) == 0.5
    assert adherence_on(22, 20, 22, plan=renewed) == 1.0


def test_adherence_today_and_yesterday_as_the_weekly_day() -> None:
    # Today is weekly day 21 and not over: not expected yet unless made.
    assert adherence_on(21) is None
    assert adherence_on(21, 21) == 1.0
    assert adherence_on(21, 20) == 1.0  # yesterday's check-in makes today's weekly day
    assert adherence_on(21, 19) is None  # two days early: today is still open
    # Yesterday was weekly day 21: today's check-in (day 22, not expected) makes it.
    assert adherence_on(22) == 0.0
    assert adherence_on(22, 22) == 1.0
    assert adherence_on(22, 20) == 1.0


def test_adherence_at_the_windows_oldest_edge() -> None:
    # Today is day 27: the window is days 21-27, with weekly day 21 its oldest day. The day
    # before the window (20) may stand in for it; two days before (19) may not.
    assert adherence_on(27, 20) == 1.0
    assert adherence_on(27, 22) == 1.0
    assert adherence_on(27, 19) == 0.0
    # Today is day 29: weekly day 28 is yesterday, day 21 is out of the window; a late
    # check-in on day 22 (the window's oldest day) belonged to day 21 and counts for nothing.
    assert adherence_on(29, 22) == 0.0


async def test_list_counts_weekly_checkins_within_a_day_of_the_plan(world: World) -> None:
    # START: 03-10 in London, the window 03-04 .. 03-10.
    doctor = await world.practitioner()
    today = date(2026, 3, 10)

    def days_ago(*days: int) -> list[date]:
        return [today - timedelta(days=n) for n in days]

    # Weekly day 21 is the window's oldest day (03-04); checked in a day early, on 03-03,
    # before the window.
    _, edge = await world.patient(
        doctor, email="edge@example.test", sessions=(today - timedelta(days=27),)
    )
    await check_in_days(edge, days_ago(7), START)
    # Weekly day 21 was yesterday; checked in today.
    _, late = await world.patient(
        doctor, email="late@example.test", sessions=(today - timedelta(days=22),)
    )
    await check_in_days(late, days_ago(0), START)
    # Weekly day 21 was 03-07; checked in two days late, on 03-09.
    _, off = await world.patient(
        doctor, email="off@example.test", sessions=(today - timedelta(days=24),)
    )
    await check_in_days(off, days_ago(1), START)
    # Days 10-13 daily, day 14 (03-08) weekly: the day-13 check-in does not also count for it.
    _, daily = await world.patient(
        doctor, email="daily@example.test", sessions=(today - timedelta(days=16),)
    )
    await check_in_days(daily, days_ago(6, 5, 4, 3), START)

    rows = await listing(doctor)
    assert rows["edge@example.test"]["adherence_7d"] == 1.0
    assert rows["late@example.test"]["adherence_7d"] == 1.0
    assert rows["off@example.test"]["adherence_7d"] == 0.0
    assert rows["daily@example.test"]["adherence_7d"] == 0.8

    # A check-in the day after day 14 (03-09) makes it.
    await check_in_days(daily, days_ago(1), START)
    assert (await listing(doctor))["daily@example.test"]["adherence_7d"] == 1.0


async def test_latest_carries_the_scores_of_the_most_recent_checkin_day(world: World) -> None:
    doctor = await world.practitioner()
    today = date(2026, 3, 10)
    _, pat = await world.patient(doctor, sessions=(today - timedelta(days=3), today))
    await check_in(
        pat,
        today - timedelta(days=2),
        START - timedelta(hours=2),
        pain=8,
        swelling=3,
        bruising=3,
        discolouration=3,
        hardening=3,
        itching=3,
    )
    await check_in(
        pat,
        today - timedelta(days=1),
        START - timedelta(hours=1),
        pain=5,
        swelling=2,
        bruising=2,
        discolouration=1,
        hardening=1,
        itching=1,
    )
    row = (await listing(doctor))["pat@example.test"]
    assert row["last_session_on"] == "2026-03-10"
    assert row["latest"] == {
        "local_date": "2026-03-09",
        "pain": 5,
        "swelling": 2,
        "bruising": 2,
        "discolouration": 1,
        "hardening": 1,
        "itching": 1,
    }

    await check_in(
        pat,
        today,
        START,
        pain=2,
        swelling=0,
        bruising=1,
        discolouration=0,
        hardening=2,
        itching=3,
    )
    # Correcting an older day afterwards does not make it the latest.
    world.clock.advance(timedelta(minutes=5))
    await check_in(pat, today - timedelta(days=2), world.clock.now(), pain=9)
    row = (await listing(doctor))["pat@example.test"]
    assert row["last_checkin_on"] == "2026-03-10"
    assert row["latest"] == {
        "local_date": "2026-03-10",
        "pain": 2,
        "swelling": 0,
        "bruising": 1,
        "discolouration": 0,
        "hardening": 2,
        "itching": 3,
    }

    # An edit of the latest day is reflected at once.
    world.clock.advance(timedelta(minutes=5))
    await check_in(pat, today, world.clock.now(), pain=4)
    latest = (await listing(doctor))["pat@example.test"]["latest"]
    assert latest["pain"] == 4
    assert [latest[score] for score in SCORES[1:]] == [1, 2, 0, 1, 0]  # checkin_body defaults


async def test_open_alerts_come_first_urgent_before_watch(world: World) -> None:
    doctor = await world.practitioner()
    today = date(2026, 3, 10)
    started = (today - timedelta(days=2),)
    ids = {}
    for email in ("amy@example.test", "ben@example.test", "cat@example.test"):
        ids[email], client = await world.patient(doctor, email=email, sessions=started)
        if email == "ben@example.test":  # pain 8: a watch alert
            await check_in(client, today, START, pain=8)
        if email == "cat@example.test":  # a warning sign: an urgent alert
            body = checkin_body(START, warning_signs=["leg_swelling_with_pain"])
            assert (await client.put(f"/api/me/checkins/{today}", json=body)).status_code == 201

    rows = await doctor.patient_list()
    assert [row["email"] for row in rows] == [
        "cat@example.test",
        "ben@example.test",
        "amy@example.test",
    ]
    assert [(row["open_alerts"], row["alert_severity"]) for row in rows] == [
        (1, "urgent"),
        (1, "watch"),
        (0, None),
    ]

    alerts = (await doctor.get("/api/alerts")).json()
    urgent = next(alert for alert in alerts if alert["severity"] == "urgent")
    acknowledged = await doctor.post(f"/api/alerts/{urgent['id']}/acknowledge", json={})
    assert acknowledged.status_code == 200, acknowledged.text
    rows = await doctor.patient_list()
    assert rows[0]["email"] == "ben@example.test"
    assert next(r for r in rows if r["email"] == "cat@example.test")["open_alerts"] == 0
