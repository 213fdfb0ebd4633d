"""Two-step sign-in: TOTP enrolment, the code after the password, recovery codes, refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
from sqlalchemy import select

from api.identity.models import RecoveryCode
from tests.conftest import ApiClient, World


async def enrol(world: World, client: ApiClient) -> tuple[pyotp.TOTP, list[str]]:
    """Turn TOTP on for the client's account; its authenticator and recovery codes."""
    setup = await client.post("/api/auth/second-factor/setup")
    assert setup.status_code == 200, setup.text
    body = setup.json()
    assert body["qr_svg"].startswith("data:image/svg+xml")
    assert body["otpauth_uri"].startswith("otpauth://totp/Afterline:")
    app = pyotp.TOTP(body["secret"])
    confirmed = await client.post(
        "/api/auth/second-factor/confirm", json={"code": app.at(world.clock.now())}
    )
    assert confirmed.status_code == 200, confirmed.text
    codes = confirmed.json()["recovery_codes"]
    world.clock.advance(timedelta(seconds=30))  # the next code is a new one
    return app, codes


async def password_only(world: World, email: str) -> ApiClient:
    client = await world.client()
    signed = await client.login(email)
    assert signed["awaiting"] == "second_factor"
    return client


async def test_enrolling_then_signing_in_needs_the_code(world: World) -> None:
    doctor = await world.practitioner()
    app, codes = await enrol(world, doctor)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    status = (await doctor.get("/api/auth/second-factor")).json()
    assert status == {"totp": True, "recovery_codes_left": 10, "required": False}

    client = await password_only(world, "dr@clinic-a.test")
    refused = await client.get("/api/patients")
    assert refused.status_code == 401
    assert "authenticator" in refused.json()["detail"]
    assert (await client.get("/api/auth/me")).json()["awaiting"] == "second_factor"
    finished = await client.post(
        "/api/auth/second-factor/verify", json={"code": app.at(world.clock.now())}
    )
    assert finished.status_code == 200, finished.text
    assert finished.json()["awaiting"] is None
    assert (await client.get("/api/patients")).status_code == 200


async def test_the_password_token_never_opens_anything(world: World) -> None:
    """Finishing swaps the cookie: the token that proved only the password is dead."""
    doctor = await world.practitioner()
    app, _ = await enrol(world, doctor)
    client = await password_only(world, "dr@clinic-a.test")
    half_token = client.http.cookies.get("afterline_session")
    await client.post("/api/auth/second-factor/verify", json={"code": app.at(world.clock.now())})
    thief = await world.client()
    thief.http.cookies.set("afterline_session", half_token)
    assert (await thief.get("/api/auth/me")).status_code == 401


async def test_wrong_and_replayed_codes_are_refused(world: World) -> None:
    doctor = await world.practitioner()
    app, _ = await enrol(world, doctor)
    client = await password_only(world, "dr@clinic-a.test")
    code = app.at(world.clock.now())
    wrong = "000000" if code != "000000" else "111111"
    refused = await client.post("/api/auth/second-factor/verify", json={"code": wrong})
    assert refused.status_code == 422
    assert refused.json()["field"] == "code"
    assert (await client.post("/api/auth/second-factor/verify", json={"code": code})).is_success

    other = await password_only(world, "dr@clinic-a.test")
    replayed = await other.post("/api/auth/second-factor/verify", json={"code": code})
    assert replayed.status_code == 422
    assert "already been used" in replayed.json()["detail"]
    world.clock.advance(timedelta(seconds=30))
    fresh = await other.post(
        "/api/auth/second-factor/verify", json={"code": app.at(world.clock.now())}
    )
    assert fresh.status_code == 200


async def test_codes_from_a_minute_ago_are_refused(world: World) -> None:
    doctor = await world.practitioner()
    app, _ = await enrol(world, doctor)
    client = await password_only(world, "dr@clinic-a.test")
    stale = app.at(world.clock.now() - timedelta(seconds=61))
    refused = await client.post("/api/auth/second-factor/verify", json={"code": stale})
    assert refused.status_code == 422


async def test_a_recovery_code_works_once(world: World) -> None:
    doctor = await world.practitioner()
    _, codes = await enrol(world, doctor)
    client = await password_only(world, "dr@clinic-a.test")
    typed = codes[0].upper().replace("-", " ")  # read off paper, typed loosely
    used = await client.post("/api/auth/second-factor/verify", json={"code": typed})
    assert used.status_code == 200, used.text
    again = await password_only(world, "dr@clinic-a.test")
    refused = await again.post("/api/auth/second-factor/verify", json={"code": codes[0]})
    assert refused.status_code == 422
    assert refused.json()["field"] == "code"
    assert (await doctor.get("/api/auth/second-factor")).json()["recovery_codes_left"] == 9
    async with world.db.read() as conn:
        stored = (await conn.scalars(select(RecoveryCode.code_hash))).all()
    assert not {c.replace("-", "") for c in codes} & set(stored)  # only digests are stored


async def test_wrong_codes_count_towards_the_sign_in_limits(world: World) -> None:
    doctor = await world.practitioner()
    await enrol(world, doctor)
    client = await password_only(world, "dr@clinic-a.test")
    statuses = [
        (await client.post("/api/auth/second-factor/verify", json={"code": "123456"})).status_code
        for _ in range(7)
    ]
    assert statuses[:5] == [422] * 5
    assert statuses[-1] == 429


async def test_a_half_signed_in_session_expires_in_ten_minutes(world: World) -> None:
    doctor = await world.practitioner()
    app, _ = await enrol(world, doctor)
    client = await password_only(world, "dr@clinic-a.test")
    world.clock.advance(timedelta(minutes=10, seconds=1))
    late = await client.post(
        "/api/auth/second-factor/verify", json={"code": app.at(world.clock.now())}
    )
    assert late.status_code == 401


async def test_turning_it_on_or_off_ends_the_other_sessions(world: World) -> None:
    doctor = await world.practitioner()
    phone = await world.client()
    await phone.login("dr@clinic-a.test")
    app, _ = await enrol(world, doctor)
    assert (await phone.get("/api/auth/me")).status_code == 401

    tablet = await password_only(world, "dr@clinic-a.test")
    await tablet.post("/api/auth/second-factor/verify", json={"code": app.at(world.clock.now())})
    world.clock.advance(timedelta(seconds=30))
    wrong = await doctor.post("/api/auth/second-factor/off", json={"code": "not a code"})
    assert wrong.status_code == 422
    off = await doctor.post("/api/auth/second-factor/off", json={"code": app.at(world.clock.now())})
    assert off.status_code == 204, off.text
    assert (await tablet.get("/api/auth/me")).status_code == 401
    assert (await (await world.client()).login("dr@clinic-a.test"))["awaiting"] is None


async def test_patients_may_turn_it_on_too(world: World) -> None:
    doctor = await world.practitioner()
    _, patient = await world.patient(doctor)
    app, _ = await enrol(world, patient)
    again = await password_only(world, "pat@example.test")
    assert (await again.get("/api/me/today")).status_code == 401
    done = await again.post(
        "/api/auth/second-factor/verify", json={"code": app.at(world.clock.now())}
    )
    assert done.status_code == 200


async def test_confirming_with_a_wrong_code_leaves_it_off(world: World) -> None:
    doctor = await world.practitioner()
    await doctor.post("/api/auth/second-factor/setup")
    refused = await doctor.post("/api/auth/second-factor/confirm", json={"code": "000000x"})
    assert refused.status_code == 422
    assert refused.json()["field"] == "code"
    assert (await doctor.get("/api/auth/second-factor")).json()["totp"] is False
    missing = await doctor.post("/api/auth/second-factor/confirm", json={})
    assert missing.status_code == 422


async def test_a_practitioner_without_one_must_enrol_first(strict_world: World) -> None:
    world = strict_world
    doctor = await world.practitioner()
    me: Any = (await doctor.get("/api/auth/me")).json()
    assert me["awaiting"] == "enrolment"
    refused = await doctor.get("/api/patients")
    assert refused.status_code == 401
    assert "Set up two-step sign-in" in refused.json()["detail"]
    status = (await doctor.get("/api/auth/second-factor")).json()
    assert status["required"] is True
    await enrol(world, doctor)  # finishing enrolment finishes the sign-in
    assert (await doctor.get("/api/auth/me")).json()["awaiting"] is None
    assert (await doctor.get("/api/patients")).status_code == 200
    world.clock.advance(timedelta(seconds=30))
    kept = await doctor.post("/api/auth/second-factor/off", json={"code": "123456"})
    assert kept.status_code == 409


async def test_patients_are_never_made_to_enrol(strict_world: World) -> None:
    world = strict_world
    doctor = await world.practitioner()
    await enrol(world, doctor)
    _, patient = await world.patient(doctor)
    assert (await patient.get("/api/auth/me")).json()["awaiting"] is None
    assert (await patient.login("pat@example.test"))["awaiting"] is None
    assert (await patient.get("/api/me/today")).status_code == 200
