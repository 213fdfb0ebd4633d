"""Sign-in limits that slow guessing without letting an attacker lock anyone out.

Per (account, client) and per account: 5 and 10 free failures in 15 minutes, then 1, 2, 4 ...
seconds between attempts; per IP: 100 failures; a known device (device cookie) only counts
its own failures. Every 429 carries `Retry-After`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import insert

from api.identity.accounts import create_practitioner
from api.identity.devices import DEVICE_COOKIE, DeviceCookie
from api.identity.limits import MAX_DELAY, growing_delay, wait_words
from api.identity.models import LoginFailure
from tests.api.login_clients import BrowserAt, browsers
from tests.conftest import PASSWORD, ApiClient, World

EMAIL = "dr@clinic-a.test"
OTHER = "other@clinic-a.test"
WRONG = "wrong password!"
LOGIN = "/api/auth/login"
SECRET = "test-secret-key-" + "x" * 32


@pytest.fixture
async def browser_at(app: Litestar) -> AsyncIterator[BrowserAt]:
    async with browsers(app) as browser_at:
        yield browser_at


async def doctor(world: World, email: str = EMAIL) -> None:
    await create_practitioner(world.db, email, "Dr", "Clinic A", PASSWORD, world.clock.now())


async def login(client: ApiClient, password: str, email: str = EMAIL) -> Any:
    return await client.post(LOGIN, json={"email": email, "password": password})


async def refused(client: ApiClient, password: str, retry_after: int, email: str = EMAIL) -> str:
    answer = await login(client, password, email)
    assert answer.status_code == 429, answer.text
    assert answer.headers["Retry-After"] == str(retry_after)
    return str(answer.json()["detail"])


async def test_five_failures_are_free_then_each_attempt_waits_twice_as_long(
    world: World, browser_at: BrowserAt
) -> None:
    await doctor(world)
    laptop = browser_at("10.0.0.1")
    for _ in range(5):
        assert (await login(laptop, WRONG)).status_code == 401
    detail = await refused(laptop, WRONG, 1)
    assert (
        detail
        == "Too many attempts to sign in to this account. Please wait a few seconds and try again."
    )
    await refused(laptop, PASSWORD, 1)  # the right password waits too: it would confirm a guess
    world.clock.advance(timedelta(seconds=1))
    assert (await login(laptop, WRONG)).status_code == 401  # the sixth failure
    await refused(laptop, PASSWORD, 2)
    world.clock.advance(timedelta(seconds=1))
    await refused(laptop, PASSWORD, 1)
    world.clock.advance(timedelta(seconds=1))
    assert (await login(laptop, PASSWORD)).status_code == 200


async def test_failures_count_for_exactly_fifteen_minutes(
    world: World, browser_at: BrowserAt
) -> None:
    await doctor(world)
    laptop = browser_at("10.0.0.1")
    for _ in range(5):
        assert (await login(laptop, WRONG)).status_code == 401
    world.clock.advance(timedelta(minutes=14, seconds=59))
    assert (await login(laptop, WRONG)).status_code == 401  # the five still count: now six
    await refused(laptop, WRONG, 2)
    world.clock.advance(timedelta(seconds=1))  # the first five are 15 minutes old: gone
    assert (await login(laptop, WRONG)).status_code == 401
    assert (await login(laptop, WRONG)).status_code == 401


def test_the_delay_doubles_up_to_the_window() -> None:
    assert growing_delay(4, 5) is None
    assert [growing_delay(n, 5) for n in (5, 6, 7, 14)] == [
        timedelta(seconds=s) for s in (1, 2, 4, 512)
    ]
    assert growing_delay(15, 5) == growing_delay(500, 5) == MAX_DELAY == timedelta(minutes=15)
    assert [wait_words(s) for s in (1, 5, 6, 59, 60, 61, 900)] == [
        "a few seconds",
        "a few seconds",
        "6 seconds",
        "59 seconds",
        "1 minute",
        "2 minutes",
        "15 minutes",
    ]


async def test_an_attacked_account_waits_but_its_known_device_gets_in(
    world: World, browser_at: BrowserAt
) -> None:
    await doctor(world)
    phone = browser_at("10.1.0.1")
    assert (await login(phone, PASSWORD)).status_code == 200  # a known device from now on
    neighbour = browser_at("10.1.0.1")  # the phone's own network (a clinic NAT) guesses too
    for _ in range(5):
        assert (await login(neighbour, WRONG)).status_code == 401
    for n in range(5):  # and five more addresses, one guess each
        assert (await login(browser_at(f"10.3.0.{n}"), WRONG)).status_code == 401
    await refused(browser_at("10.3.1.1"), PASSWORD, 1)  # ten: a new browser waits
    await refused(neighbour, PASSWORD, 1)
    assert (await login(phone, PASSWORD)).status_code == 200


async def test_a_known_device_has_a_limit_of_its_own(world: World, browser_at: BrowserAt) -> None:
    await doctor(world)
    phone = browser_at("10.1.0.1")
    assert (await login(phone, PASSWORD)).status_code == 200
    for _ in range(5):
        assert (await login(phone, WRONG)).status_code == 401
    await refused(phone, PASSWORD, 1)
    # Its failures are its own: not its address's, nor the account's for other browsers.
    assert (await login(browser_at("10.1.0.1"), WRONG)).status_code == 401
    for n in range(4):
        assert (await login(browser_at(f"10.3.0.{n}"), WRONG)).status_code == 401
    assert (await login(browser_at("10.3.1.1"), PASSWORD)).status_code == 200
    world.clock.advance(timedelta(seconds=1))
    assert (await login(phone, PASSWORD)).status_code == 200


def test_the_device_cookie_keeps_the_five_latest_accounts() -> None:
    users = [uuid.uuid4() for _ in range(6)]
    value = None
    for user in users:
        value = DeviceCookie.from_secret(value, SECRET).remember(user, f"hash-{user}")
    cookie = DeviceCookie.from_secret(value, SECRET)
    assert value is not None and len(value.split("~")) == 5
    assert [cookie.known_device(u, f"hash-{u}") is not None for u in users] == [False] + [True] * 5
    assert cookie.known_device(users[5], "another password's hash") is None
    assert (
        DeviceCookie.from_secret(value, "another secret " + SECRET).known_device(
            users[5], f"hash-{users[5]}"
        )
        is None
    )
    again = DeviceCookie.from_secret(value, SECRET).remember(users[1], f"hash-{users[1]}")
    assert again.split("~")[0].startswith(users[1].hex)  # newest first, never twice
    assert [e.split(".")[0] for e in again.split("~")].count(users[1].hex) == 1
    garbage = DeviceCookie.from_secret("junk~" + value + "~more", SECRET)
    assert garbage.names_any_account
    assert not DeviceCookie.from_secret("junk~x.y.z", SECRET).names_any_account


async def test_the_device_cookie_names_one_account_and_cannot_be_forged(
    world: World, browser_at: BrowserAt
) -> None:
    await doctor(world)
    await doctor(world, OTHER)
    phone = browser_at("10.1.0.1")
    answer = await login(phone, PASSWORD)
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(DEVICE_COOKIE))
    flags = cookie.lower()
    assert "path=/api/auth" in flags and "samesite=strict" in flags and "httponly" in flags
    assert "max-age=34560000" in flags and "secure" not in flags  # Secure in production
    for n in range(10):  # the other account is attacked
        assert (await login(browser_at(f"10.3.0.{n}"), WRONG, OTHER)).status_code == 401
    await refused(phone, PASSWORD, 1, OTHER)  # this device is not known there
    for n in range(10):  # and so is this one
        assert (await login(browser_at(f"10.4.0.{n}"), WRONG)).status_code == 401
    stored = next(c for c in phone.http.cookies.jar if c.name == DEVICE_COOKIE)
    value = str(stored.value)
    copied, forged = browser_at("10.6.0.1"), browser_at("10.6.0.2")
    tampered = value[:-1] + ("A" if value[-1] != "A" else "B")
    for browser, cookie_value in ((copied, value), (forged, tampered)):
        browser.http.cookies.set(
            DEVICE_COOKIE, cookie_value, domain=stored.domain, path=stored.path
        )
    await refused(forged, PASSWORD, 1)
    assert (await login(copied, PASSWORD)).status_code == 200  # the cookie, not the address
    assert (await login(phone, PASSWORD)).status_code == 200
    # Signing in to the other account adds it to the cookie (a shared clinic tablet).
    world.clock.advance(timedelta(seconds=1))
    assert (await login(phone, PASSWORD, OTHER)).status_code == 200
    assert len(phone.http.cookies[DEVICE_COOKIE].split("~")) == 2


async def test_a_new_password_forgets_the_devices(world: World, browser_at: BrowserAt) -> None:
    clinic = await world.practitioner()
    created = await clinic.post(
        "/api/patients",
        json={"name": "Pat", "email": "pat@example.test", "timezone": "Europe/London"},
    )
    phone = browser_at("10.1.0.1")
    accept = {"token": created.json()["invite_token"], "password": PASSWORD}
    assert (await phone.post("/api/auth/accept-invite", json=accept)).status_code == 200
    for n in range(10):
        assert (
            await login(browser_at(f"10.3.0.{n}"), WRONG, "pat@example.test")
        ).status_code == 401
    # Accepting the invitation made the phone a known device.
    assert (await login(phone, PASSWORD, "pat@example.test")).status_code == 200
    # Forgotten password: the clinic sends a new link, opened on a tablet.
    patient_id = created.json()["id"]
    token = (await clinic.post(f"/api/patients/{patient_id}/invite")).json()["invite_token"]
    tablet = browser_at("10.2.0.1")
    reset = {"token": token, "password": "a brand new password"}
    assert (await tablet.post("/api/auth/accept-invite", json=reset)).status_code == 200
    await refused(phone, "a brand new password", 1, "pat@example.test")
    assert (await login(tablet, "a brand new password", "pat@example.test")).status_code == 200


async def test_a_hundred_failures_from_one_address_close_it_except_to_known_devices(
    world: World, browser_at: BrowserAt
) -> None:
    await doctor(world)
    phone = browser_at("10.5.0.1")
    assert (await login(phone, PASSWORD)).status_code == 200
    started = world.clock.now()
    async with world.db.write() as session:  # 99 failures for 99 accounts, from one clinic
        rows = [
            {"email": f"guess{n}@clinic-a.test", "ip": "10.5.0.1", "failed_at": started}
            for n in range(99)
        ]
        await session.execute(insert(LoginFailure), rows)
    world.clock.advance(timedelta(minutes=5))
    desk = browser_at("10.5.0.1")
    assert (await login(desk, WRONG, "someone@clinic-a.test")).status_code == 401  # the 100th
    detail = await refused(desk, PASSWORD, 600)
    assert (
        detail
        == "Too many failed sign-ins from this network. Please wait 10 minutes and try again."
    )
    assert (await login(browser_at("10.5.0.2"), PASSWORD)).status_code == 200
    assert (await login(phone, PASSWORD)).status_code == 200


async def test_parallel_wrong_passwords_cannot_beat_the_limit(
    world: World, browser_at: BrowserAt
) -> None:
    await doctor(world)
    clients = [browser_at("10.0.0.1") for _ in range(25)]
    answers = await asyncio.gather(*(login(c, WRONG) for c in clients))
    codes = [a.status_code for a in answers]
    assert sorted(codes) == [401] * 5 + [429] * 20
    assert all(a.headers["Retry-After"] == "1" for a in answers if a.status_code == 429)


async def test_bogus_invite_tokens_are_limited_per_address(
    world: World, browser_at: BrowserAt
) -> None:
    guesser = browser_at("10.0.0.1")
    for n in range(5):
        body = {"token": f"guess-{n}", "password": PASSWORD}
        assert (await guesser.post("/api/auth/accept-invite", json=body)).status_code == 404
    answer = await guesser.post(
        "/api/auth/accept-invite", json={"token": "x", "password": PASSWORD}
    )
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "1"
    assert answer.json()["detail"].startswith("Too many attempts with invitation links.")
    # Invitations have no account to lock: another address is not held back.
    other = browser_at("10.0.0.2")
    body = {"token": "guess-x", "password": PASSWORD}
    assert (await other.post("/api/auth/accept-invite", json=body)).status_code == 404
