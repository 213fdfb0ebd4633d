"""Passkeys: register one, sign in with it alone, and every way a passkey is refused."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from api.app import create_app
from api.audit.models import AuditEvent
from api.core.clock import FrozenClock
from api.core.db import Database
from api.core.settings import Settings
from tests.authenticator import SoftAuthenticator
from tests.conftest import ApiClient, World

RP_ID, ORIGIN = "afterline.test", "https://afterline.test"  # the tests' AFTERLINE_BASE_URL


async def register(client: ApiClient, phone: SoftAuthenticator, **body: Any) -> Any:
    options = await client.post("/api/auth/passkeys/registration-options")
    assert options.status_code == 200, options.text
    return await client.post(
        "/api/auth/passkeys", json={"credential": phone.create(options.json()), **body}
    )


async def passkey_sign_in(
    world: World, phone: SoftAuthenticator, **kw: Any
) -> tuple[ApiClient, Any]:
    client = await world.client()
    options = await client.post("/api/auth/passkeys/sign-in-options")
    assert options.status_code == 200, options.text
    assert "allowCredentials" not in options.json() or options.json()["allowCredentials"] == []
    answer = await client.post(
        "/api/auth/passkeys/sign-in", json={"credential": phone.get(options.json(), **kw)}
    )
    return client, answer


async def test_register_then_sign_in_with_no_password(world: World) -> None:
    doctor = await world.practitioner()
    phone = SoftAuthenticator(RP_ID, ORIGIN)
    added = await register(doctor, phone, name="My phone")
    assert added.status_code == 201, added.text
    assert added.json()["name"] == "My phone"
    listed = (await doctor.get("/api/auth/passkeys")).json()
    assert [p["name"] for p in listed] == ["My phone"]

    client, answer = await passkey_sign_in(world, phone)
    assert answer.status_code == 200, answer.text
    assert answer.json()["email"] == "dr@clinic-a.test"
    assert answer.json()["awaiting"] is None
    assert (await client.get("/api/patients")).status_code == 200
    async with world.db.read() as conn:
        actions = set((await conn.scalars(select(AuditEvent.action))).all())
    assert "passkey.add" in actions


async def test_a_passkey_counts_as_both_factors(world: World) -> None:
    """With TOTP on, a password sign-in asks for a code; a passkey sign-in does not."""
    from tests.api.test_second_factor import enrol

    doctor = await world.practitioner()
    await enrol(world, doctor)
    phone = SoftAuthenticator(RP_ID, ORIGIN)
    assert (await register(doctor, phone)).status_code == 201
    _, answer = await passkey_sign_in(world, phone)
    assert answer.json()["awaiting"] is None


async def test_a_passkey_made_on_another_site_is_refused(world: World) -> None:
    doctor = await world.practitioner()
    phishing = SoftAuthenticator(RP_ID, "https://afterline-login.example")
    refused = await register(doctor, phishing)
    assert refused.status_code == 422
    assert refused.json()["field"] == "credential"
    assert (await doctor.get("/api/auth/passkeys")).json() == []

    phone = SoftAuthenticator(RP_ID, ORIGIN)
    assert (await register(doctor, phone)).status_code == 201
    client, answer = await passkey_sign_in(world, phone, origin="https://afterline-login.example")
    assert answer.status_code == 422
    assert answer.json()["field"] == "credential"
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_other_relying_party_unverified_user_and_replays_are_refused(world: World) -> None:
    doctor = await world.practitioner()
    other_site = SoftAuthenticator("evil.example", ORIGIN)
    assert (await register(doctor, other_site)).status_code == 422

    phone = SoftAuthenticator(RP_ID, ORIGIN)
    assert (await register(doctor, phone)).status_code == 201
    _, unverified = await passkey_sign_in(world, phone, verified=False)
    assert unverified.status_code == 422

    client = await world.client()
    options = (await client.post("/api/auth/passkeys/sign-in-options")).json()
    assertion = phone.get(options)
    first = await client.post("/api/auth/passkeys/sign-in", json={"credential": assertion})
    assert first.status_code == 200, first.text
    again = await (await world.client()).post(
        "/api/auth/passkeys/sign-in", json={"credential": assertion}
    )
    assert again.status_code == 422  # its challenge was used


async def test_an_unknown_or_removed_passkey_is_refused(world: World) -> None:
    doctor = await world.practitioner()
    stranger = SoftAuthenticator(RP_ID, ORIGIN)
    stranger.user_handle = b"\x00" * 16
    _, unknown = await passkey_sign_in(world, stranger)
    assert unknown.status_code == 422

    phone = SoftAuthenticator(RP_ID, ORIGIN)
    passkey_id = (await register(doctor, phone)).json()["id"]
    _, patient = await world.patient(doctor)
    assert (await patient.delete(f"/api/auth/passkeys/{passkey_id}")).status_code == 404
    assert (await doctor.delete(f"/api/auth/passkeys/{passkey_id}")).status_code == 204
    _, removed = await passkey_sign_in(world, phone)
    assert removed.status_code == 422


async def test_malformed_credentials_name_the_field(world: World) -> None:
    client = await world.client()
    for body in ({"credential": {}}, {"credential": {"response": {"clientDataJSON": "!!"}}}, {}):
        answer = await client.post("/api/auth/passkeys/sign-in", json=body)
        assert answer.status_code == 422, answer.text
        assert "credential" in answer.text


async def test_a_passkey_satisfies_the_practitioners_enrolment(strict_world: World) -> None:
    world = strict_world
    doctor = await world.practitioner()
    assert (await doctor.get("/api/auth/me")).json()["awaiting"] == "enrolment"
    phone = SoftAuthenticator(RP_ID, ORIGIN)
    assert (await register(doctor, phone)).status_code == 201
    assert (await doctor.get("/api/auth/me")).json()["awaiting"] is None
    assert (await doctor.get("/api/patients")).status_code == 200
    _, answer = await passkey_sign_in(world, phone)
    assert answer.json()["awaiting"] is None


async def test_a_server_reached_by_ip_address_offers_no_passkeys(
    settings: Settings, clock: FrozenClock, db: Database
) -> None:
    app = create_app(
        settings=replace(settings, base_url="http://127.0.0.1:8000"), clock=clock, db=db
    )
    world = World(app, db, clock)
    try:
        client = await world.client()
        answer = await client.post("/api/auth/passkeys/sign-in-options")
        assert answer.status_code == 409
        assert "domain name" in answer.json()["detail"]
    finally:
        await world.close()
