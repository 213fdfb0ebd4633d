"""Login, logout, sessions, CSRF and invitations (the sign-in limits: test_login_limits.py)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from api.app import create_app
from api.core import security
from api.core.clock import FrozenClock
from api.core.db import Database
from api.core.settings import Settings
from api.identity.login_sessions import SESSION_COOKIE
from api.identity.models import LoginSession
from tests.conftest import PASSWORD, ApiClient, World


async def register(doctor: ApiClient, email: str = "pat@example.test") -> Any:
    """A practitioner registers a patient; the answer carries the invite token."""
    created = await doctor.post(
        "/api/patients", json={"name": "Pat", "email": email, "timezone": "Europe/London"}
    )
    assert created.status_code == 201, created.text
    return created


async def test_login_me_logout_round_trip(world: World) -> None:
    doctor = await world.practitioner("Dr.Who@Clinic-A.test")
    me = await doctor.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["email"] == "dr.who@clinic-a.test"
    assert me.json()["role"] == "practitioner"

    logout = await doctor.post("/api/auth/logout")
    assert logout.status_code == 204
    assert (await doctor.get("/api/auth/me")).status_code == 401


async def test_logout_revokes_the_session_server_side(world: World) -> None:
    doctor = await world.practitioner()
    token = doctor.http.cookies.get(SESSION_COOKIE)
    await doctor.post("/api/auth/logout")
    replay = await world.client()
    replay.http.cookies.set(SESSION_COOKIE, token)
    assert (await replay.get("/api/auth/me")).status_code == 401
    async with world.db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(LoginSession)) == 0


async def test_same_401_for_unknown_email_and_wrong_password(world: World) -> None:
    await world.practitioner("known@clinic-a.test")
    client = await world.client()
    unknown = await client.post(
        "/api/auth/login", json={"email": "nobody@clinic-a.test", "password": PASSWORD}
    )
    wrong = await client.post(
        "/api/auth/login", json={"email": "known@clinic-a.test", "password": "not it at all"}
    )
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


async def test_unsafe_request_without_csrf_token_is_refused(world: World) -> None:
    await world.practitioner("dr@clinic-a.test")
    client = await world.client()
    await client.get("/api/health")
    response = await client.http.post(
        "/api/auth/login", json={"email": "dr@clinic-a.test", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "detail" in response.json()


async def test_health_sets_csrf_cookie_and_needs_no_login(world: World) -> None:
    client = await world.client()
    response = await client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "csrftoken" in response.headers.get("set-cookie", "")


async def test_practitioner_session_ends_after_4_idle_hours(world: World) -> None:
    doctor = await world.practitioner()
    world.clock.advance(timedelta(hours=3, minutes=59))
    assert (await doctor.get("/api/auth/me")).status_code == 200
    # Activity slid the window: another 3h59 later still signed in, then 4h01 idle is out.
    world.clock.advance(timedelta(hours=3, minutes=59))
    assert (await doctor.get("/api/auth/me")).status_code == 200
    world.clock.advance(timedelta(hours=4, minutes=1))
    assert (await doctor.get("/api/auth/me")).status_code == 401


async def test_practitioner_session_ends_after_12_hours_however_active(world: World) -> None:
    doctor = await world.practitioner()
    for _ in range(5):  # busy all day: a request every 2 hours 20 minutes
        world.clock.advance(timedelta(hours=2, minutes=20))
        assert (await doctor.get("/api/auth/me")).status_code == 200
    world.clock.advance(timedelta(hours=0, minutes=21))  # 12h01 after signing in
    expired = await doctor.get("/api/auth/me")
    assert expired.status_code == 401
    assert "sign in again" in expired.json()["detail"]


async def test_patient_stays_signed_in_for_30_idle_days_and_90_in_all(world: World) -> None:
    doctor = await world.practitioner()
    _, patient = await world.patient(doctor)
    world.clock.advance(timedelta(days=29, hours=23))
    assert (await patient.get("/api/auth/me")).status_code == 200
    world.clock.advance(timedelta(days=30, minutes=1))
    assert (await patient.get("/api/auth/me")).status_code == 401

    await patient.login("pat@example.test")
    for _ in range(3):
        world.clock.advance(timedelta(days=29, hours=23))
        assert (await patient.get("/api/auth/me")).status_code == 200
    world.clock.advance(timedelta(hours=3, minutes=1))  # 90 days and a minute in
    assert (await patient.get("/api/auth/me")).status_code == 401


async def test_cookie_flags(world: World) -> None:
    await world.practitioner("dr@clinic-a.test")
    client = await world.client()
    response = await client.post(
        "/api/auth/login", json={"email": "dr@clinic-a.test", "password": PASSWORD}
    )
    cookie = next(
        value
        for key, value in response.headers.multi_items()
        if key == "set-cookie" and value.startswith(SESSION_COOKIE)
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development and test; production sets it (test_settings)
    assert f"Max-Age={12 * 3600}" in cookie  # the practitioner's absolute lifetime


async def test_invite_sets_password_logs_in_and_works_once(world: World) -> None:
    doctor = await world.practitioner()
    created = await register(doctor)
    assert created.status_code == 201
    body = created.json()
    assert body["invite_url"] == f"https://afterline.test/#/invite/{body['invite_token']}"
    assert body["checkin_time"] == "19:00"

    patient = await world.client()
    accepted = await patient.post(
        "/api/auth/accept-invite", json={"token": body["invite_token"], "password": PASSWORD}
    )
    assert accepted.status_code == 200
    assert accepted.json()["role"] == "patient"
    assert (await patient.get("/api/auth/me")).json()["email"] == "pat@example.test"

    again = await (await world.client()).post(
        "/api/auth/accept-invite", json={"token": body["invite_token"], "password": PASSWORD}
    )
    assert again.status_code == 410


async def test_expired_invite_is_gone_and_short_password_names_the_field(world: World) -> None:
    doctor = await world.practitioner()
    created = await register(doctor)
    token = created.json()["invite_token"]
    client = await world.client()
    short = await client.post("/api/auth/accept-invite", json={"token": token, "password": "short"})
    assert short.status_code == 422
    assert short.json()["field"] == "password"

    world.clock.advance(timedelta(days=14, seconds=1))
    expired = await client.post(
        "/api/auth/accept-invite", json={"token": token, "password": PASSWORD}
    )
    assert expired.status_code == 410
    unknown = await client.post(
        "/api/auth/accept-invite", json={"token": "not-a-token", "password": PASSWORD}
    )
    assert unknown.status_code == 404


async def test_production_cookies_are_secure(
    settings: Settings, clock: FrozenClock, db: Database
) -> None:
    production = create_app(settings=replace(settings, env="production"), clock=clock, db=db)
    world = World(production, db, clock, base_url="https://afterline.test")
    try:
        await world.practitioner("dr@clinic-a.test")
        client = await world.client()
        response = await client.post(
            "/api/auth/login", json={"email": "dr@clinic-a.test", "password": PASSWORD}
        )
        cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
        session = next(c for c in cookies if c.startswith(SESSION_COOKIE))
        assert "Secure" in session
        assert "HttpOnly" in session
    finally:
        await world.close()


async def test_an_invitation_accepted_concurrently_works_once(world: World) -> None:
    doctor = await world.practitioner()
    created = await register(doctor)
    token = created.json()["invite_token"]
    clients = [await world.client() for _ in range(5)]
    answers = await asyncio.gather(
        *(
            c.post(
                "/api/auth/accept-invite", json={"token": token, "password": f"password number {n}"}
            )
            for n, c in enumerate(clients)
        )
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 410, 410, 410, 410]
    winner = next(n for n, a in enumerate(answers) if a.status_code == 200)
    login = await world.client()
    await login.login("pat@example.test", f"password number {winner}")


async def test_signing_in_ends_the_previous_session_on_this_browser(world: World) -> None:
    doctor = await world.practitioner("dr@clinic-a.test")
    _, patient = await world.patient(doctor)
    patient_token = patient.http.cookies.get(SESSION_COOKIE)
    # The practitioner signs in on the patient's browser (a shared clinic tablet).
    await patient.login("dr@clinic-a.test")
    assert (await patient.get("/api/auth/me")).json()["role"] == "practitioner"
    old = await world.client()
    old.http.cookies.set(SESSION_COOKIE, patient_token)
    assert (await old.get("/api/auth/me")).status_code == 401


async def test_reissued_invite_replaces_the_old_link_and_resets_the_password(
    world: World,
) -> None:
    doctor = await world.practitioner()
    created = await register(doctor)
    patient_id, first_token = created.json()["id"], created.json()["invite_token"]
    reissued = await doctor.post(f"/api/patients/{patient_id}/invite")
    assert reissued.status_code == 201
    second_token = reissued.json()["invite_token"]
    assert reissued.json()["invite_url"].endswith(second_token)

    client = await world.client()
    stale = await client.post(
        "/api/auth/accept-invite", json={"token": first_token, "password": PASSWORD}
    )
    assert stale.status_code == 404
    accepted = await client.post(
        "/api/auth/accept-invite", json={"token": second_token, "password": PASSWORD}
    )
    assert accepted.status_code == 200

    # Forgotten password: the clinic issues another link; using it signs out old sessions.
    third = (await doctor.post(f"/api/patients/{patient_id}/invite")).json()["invite_token"]
    other = await world.client()
    reset = await other.post(
        "/api/auth/accept-invite", json={"token": third, "password": "a brand new password"}
    )
    assert reset.status_code == 200
    assert (await client.get("/api/auth/me")).status_code == 401
    await (await world.client()).login("pat@example.test", "a brand new password")


async def test_correcting_the_email_revokes_the_unused_invite(world: World) -> None:
    doctor = await world.practitioner()
    created = await register(doctor, "pat@typo.test")
    patient_id, token = created.json()["id"], created.json()["invite_token"]
    fixed = await doctor.patch(f"/api/patients/{patient_id}", json={"email": "pat@example.test"})
    assert fixed.status_code == 200
    client = await world.client()
    answer = await client.post(
        "/api/auth/accept-invite", json={"token": token, "password": PASSWORD}
    )
    assert answer.status_code == 404


@pytest.mark.real_password_hashing
def test_passwords_are_stored_as_argon2id_at_the_librarys_recommended_cost() -> None:
    """The rest of the suite hashes at argon2's minimum cost (tests/conftest.py): this is the
    production hasher, as every real password meets it."""
    stored = security.hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert security.verify_password(stored, "correct horse battery staple")
    assert not security.verify_password(stored, "correct horse battery stapler")
    assert not security.verify_password(None, "correct horse battery staple")
