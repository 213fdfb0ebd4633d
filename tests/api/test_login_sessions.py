"""Sessions you can see: listed with their browser, ended one by one or all but this one."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from api.audit.models import AuditEvent
from api.identity.signed_in import UNKNOWN_BROWSER, browser_in_words
from tests.conftest import PASSWORD, ApiClient, World

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"
)
WINDOWS_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


async def browser(world: World, user_agent: str, email: str) -> ApiClient:
    client = await world.client()
    client.http.headers["user-agent"] = user_agent
    await client.login(email)
    return client


def test_browsers_in_words() -> None:
    assert browser_in_words(IPHONE) == "Safari on iPhone"
    assert browser_in_words(WINDOWS_FIREFOX) == "Firefox on Windows"
    assert browser_in_words("") == UNKNOWN_BROWSER
    assert browser_in_words("???") == UNKNOWN_BROWSER


async def test_lists_your_devices_newest_first_with_this_one_marked(world: World) -> None:
    await world.practitioner()
    world.clock.advance(timedelta(minutes=10))
    phone = await browser(world, IPHONE, "dr@clinic-a.test")
    world.clock.advance(timedelta(minutes=10))
    desk = await browser(world, WINDOWS_FIREFOX, "dr@clinic-a.test")

    listed = (await desk.get("/api/auth/sessions")).json()
    browsers = ["Firefox on Windows", "Safari on iPhone", UNKNOWN_BROWSER]
    assert [s["browser"] for s in listed] == browsers
    assert [s["current"] for s in listed] == [True, False, False]
    assert listed[0]["ends_at"] > listed[0]["last_seen_at"]
    from_phone = (await phone.get("/api/auth/sessions")).json()
    assert next(s for s in from_phone if s["current"])["browser"] == "Safari on iPhone"


async def test_ending_one_device_signs_it_out_and_is_audited(world: World) -> None:
    await world.practitioner()
    phone = await browser(world, IPHONE, "dr@clinic-a.test")
    desk = await browser(world, WINDOWS_FIREFOX, "dr@clinic-a.test")
    phone_id = next(s["id"] for s in (await phone.get("/api/auth/sessions")).json() if s["current"])

    assert (await desk.delete(f"/api/auth/sessions/{phone_id}")).status_code == 204
    revoked = await phone.get("/api/auth/me")
    assert revoked.status_code == 401
    assert (await desk.get("/api/auth/me")).status_code == 200
    async with world.db.read() as conn:
        actions = (await conn.scalars(select(AuditEvent.action))).all()
    assert "login_session.end" in actions


async def test_someone_elses_session_is_404_and_survives(world: World) -> None:
    doctor = await world.practitioner()
    _, patient = await world.patient(doctor)
    mine = next(s["id"] for s in (await patient.get("/api/auth/sessions")).json())
    assert (await doctor.delete(f"/api/auth/sessions/{mine}")).status_code == 404
    assert (await doctor.delete(f"/api/auth/sessions/{uuid.uuid4()}")).status_code == 404
    assert (await patient.get("/api/auth/me")).status_code == 200
    ids = [s["id"] for s in (await doctor.get("/api/auth/sessions")).json()]
    assert mine not in ids


async def test_sign_out_everywhere_else(world: World) -> None:
    doctor = await world.practitioner()
    others = [await browser(world, IPHONE, "dr@clinic-a.test") for _ in range(3)]
    ended = await doctor.post("/api/auth/sessions/end-others")
    assert ended.status_code == 200
    assert ended.json() == {"ended": 3}
    for other in others:
        assert (await other.get("/api/auth/me")).status_code == 401
    assert len((await doctor.get("/api/auth/sessions")).json()) == 1


async def test_expired_sessions_are_not_listed(world: World) -> None:
    doctor = await world.practitioner()
    await browser(world, IPHONE, "dr@clinic-a.test")
    world.clock.advance(timedelta(hours=4, minutes=1))  # both idle past 4 hours
    await doctor.login("dr@clinic-a.test")
    listed = (await doctor.get("/api/auth/sessions")).json()
    assert len(listed) == 1
    assert listed[0]["current"]


async def test_changing_the_password_ends_the_other_sessions(world: World) -> None:
    doctor = await world.practitioner()
    phone = await browser(world, IPHONE, "dr@clinic-a.test")
    changed = await doctor.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": "a-new-long-password"},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"ended": 1}
    assert (await phone.get("/api/auth/me")).status_code == 401
    assert (await doctor.get("/api/auth/me")).status_code == 200
    fresh = await world.client()
    await fresh.login("dr@clinic-a.test", "a-new-long-password")


async def test_password_change_refusals_name_the_field(world: World) -> None:
    doctor = await world.practitioner()
    wrong = await doctor.post(
        "/api/auth/password",
        json={"current_password": "not-it-at-all", "new_password": "a-new-long-password"},
    )
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "current_password"
    short = await doctor.post(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": "short"}
    )
    assert short.status_code == 422
    assert short.json()["field"] == "new_password"
    missing = await doctor.post("/api/auth/password", json={"current_password": PASSWORD})
    assert missing.status_code == 422
    assert "new_password" in missing.text
    await (await world.client()).login("dr@clinic-a.test")  # the old password still works


async def test_password_guesses_count_towards_the_sign_in_limits(world: World) -> None:
    doctor = await world.practitioner()
    statuses = []
    for _ in range(7):
        response = await doctor.post(
            "/api/auth/password",
            json={"current_password": "guess-guess-guess", "new_password": "a-new-long-password"},
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [422] * 5
    assert 429 in statuses[5:]
