"""The notification routes: the inbox, push subscriptions, the VAPID key and preferences.

Inbox rows are made by the real prompt and digest jobs, then read and marked read through
HTTP. Push subscriptions are checked against the endpoint allow-list (an SSRF guard: the
dispatcher POSTs to whatever is stored) and the browser keys, and every refusal is checked
against the database too: nothing is stored. Preferences are validated as a whole, so a
refused PATCH leaves every field as it was.
"""

from __future__ import annotations

import base64
import dataclasses
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from litestar import Litestar
from py_vapid import Vapid
from sqlalchemy import func, select

from api.app import create_app
from api.core.clock import FrozenClock
from api.core.db import Database
from api.core.settings import Settings, SmtpSettings
from api.notifications.digest import practitioner_digest
from api.notifications.models import Notification, PushSubscription
from api.notifications.prompts import fan_out_prompts, remind_missed
from api.notifications.vapid import private_key_b64, public_key
from tests.conftest import START, ApiClient, World, push_subscription_body

NOTIFICATION_KEYS = {"id", "kind", "local_date", "title", "body", "created_at", "read_at"}
TODAY = START.date()  # 2026-03-10, a Tuesday; London is on GMT until the 29th.
YESTERDAY = date(2026, 3, 9)
# A London patient with checkin_time 19:00 is asked at 19:00 UTC, reminded 3 hours later.
PROMPT_AT = datetime.fromisoformat("2026-03-10T19:00:00+00:00")
REMINDER_AT = PROMPT_AT + timedelta(hours=3)


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


async def patient_with_session(
    world: World, email: str = "pat@example.test", doctor: ApiClient | None = None
) -> tuple[str, ApiClient]:
    doctor = doctor or await world.practitioner()
    return await world.patient(doctor, email=email, sessions=(YESTERDAY,))


async def inbox(client: ApiClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/me/notifications", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()
    return items


async def prompt_and_remind(world: World) -> None:
    """Today's check-in prompt at 19:00 and the reminder at 22:00 (no check-in between)."""
    world.clock.set(PROMPT_AT)
    assert await fan_out_prompts(world.db, PROMPT_AT) >= 1
    world.clock.set(REMINDER_AT)
    assert await remind_missed(world.db, REMINDER_AT) >= 1


async def subscriptions(db: Database) -> list[tuple[str, uuid.UUID]]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(PushSubscription.endpoint, PushSubscription.user_id).order_by(
                PushSubscription.endpoint
            )
        )
        return [(row.endpoint, row.user_id) for row in rows]


async def user_id(client: ApiClient) -> uuid.UUID:
    me = await client.get("/api/auth/me")
    assert me.status_code == 200, me.text
    return uuid.UUID(me.json()["id"])


# --- The inbox ------------------------------------------------------------------------------


async def test_inbox_lists_newest_first_with_exactly_the_public_keys(world: World) -> None:
    _, patient = await patient_with_session(world)
    assert await inbox(patient) == []

    await prompt_and_remind(world)

    items = await inbox(patient)
    assert [item["kind"] for item in items] == ["reminder", "checkin"]
    for item in items:
        assert set(item) == NOTIFICATION_KEYS
        assert item["local_date"] == TODAY.isoformat()
        assert item["read_at"] is None
        assert item["title"] and item["body"]
    assert [datetime.fromisoformat(item["created_at"]) for item in items] == [
        REMINDER_AT,
        PROMPT_AT,
    ]
    assert items[0]["title"] == "Reminder: today's check-in"
    assert items[1]["title"] == "Time for today's check-in"

    newest = await inbox(patient, limit=1)
    assert [item["id"] for item in newest] == [items[0]["id"]]


@pytest.mark.parametrize("limit", ["0", "201", "-1", "ten"])
async def test_inbox_limit_out_of_bounds_is_a_client_error(world: World, limit: str) -> None:
    _, patient = await patient_with_session(world)
    response = await patient.get("/api/me/notifications", params={"limit": limit})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["field"] == "limit"


async def test_inbox_limit_bounds_themselves_are_accepted(world: World) -> None:
    _, patient = await patient_with_session(world)
    await prompt_and_remind(world)
    assert len(await inbox(patient, limit=1)) == 1
    assert len(await inbox(patient, limit=200)) == 2


async def test_mark_read_is_idempotent_and_keeps_the_first_read_time(world: World) -> None:
    _, patient = await patient_with_session(world)
    await prompt_and_remind(world)
    reminder, checkin = await inbox(patient)

    world.clock.set(REMINDER_AT + timedelta(minutes=5))
    first = await patient.post(f"/api/me/notifications/{reminder['id']}/read")
    assert first.status_code == 200, first.text
    assert set(first.json()) == NOTIFICATION_KEYS
    assert first.json()["id"] == reminder["id"]
    first_read = datetime.fromisoformat(first.json()["read_at"])
    assert first_read == REMINDER_AT + timedelta(minutes=5)

    world.clock.advance(timedelta(hours=1))
    again = await patient.post(f"/api/me/notifications/{reminder['id']}/read")
    assert again.status_code == 200, again.text
    assert datetime.fromisoformat(again.json()["read_at"]) == first_read

    listed = {item["id"]: item for item in await inbox(patient)}
    assert datetime.fromisoformat(listed[reminder["id"]]["read_at"]) == first_read
    assert listed[checkin["id"]]["read_at"] is None


async def test_another_patients_notification_is_the_same_404_as_an_unknown_id(
    world: World,
) -> None:
    doctor = await world.practitioner()
    _, alice = await patient_with_session(world, "alice@example.test", doctor)
    _, bob = await patient_with_session(world, "bob@example.test", doctor)
    await prompt_and_remind(world)
    alices = await inbox(alice)
    assert len(alices) == 2

    await doctor.login("dr@clinic-a.test")  # the prompts came hours later: signed in again
    stolen = await bob.post(f"/api/me/notifications/{alices[0]['id']}/read")
    unknown = await bob.post(f"/api/me/notifications/{uuid.uuid4()}/read")
    malformed = await bob.post("/api/me/notifications/not-a-uuid/read")
    by_doctor = await doctor.post(f"/api/me/notifications/{alices[0]['id']}/read")
    for response in (stolen, unknown, malformed, by_doctor):
        assert response.status_code == 404
        assert response.content == unknown.content
        assert response.headers["content-type"] == unknown.headers["content-type"]

    # Nothing was marked read on Alice's behalf, and Bob's inbox is his own.
    assert all(item["read_at"] is None for item in await inbox(alice))
    assert {item["id"] for item in await inbox(bob)}.isdisjoint(item["id"] for item in alices)


async def test_practitioner_finds_the_digest_in_their_inbox(world: World) -> None:
    doctor = await world.practitioner()
    _, patient = await world.patient(doctor, sessions=(YESTERDAY,))
    # Yesterday's prompt goes unanswered, so this morning's digest lists the patient.
    yesterday_prompt = datetime.fromisoformat("2026-03-09T19:00:00+00:00")
    assert await fan_out_prompts(world.db, yesterday_prompt) == 1
    morning = datetime.fromisoformat("2026-03-10T07:00:00+00:00")
    assert await practitioner_digest(world.db, morning) == 1

    items = await inbox(doctor)
    assert len(items) == 1
    digest = items[0]
    assert set(digest) == NOTIFICATION_KEYS
    assert digest["kind"] == "digest"
    assert digest["local_date"] == TODAY.isoformat()
    assert digest["title"].startswith("Daily digest: 1 patient ")
    assert "Pat: missed 1 check-in in the last week" in digest["body"]
    # The patient's inbox has their prompt, not the practitioner's digest.
    assert [item["kind"] for item in await inbox(patient)] == ["checkin"]

    read = await doctor.post(f"/api/me/notifications/{digest['id']}/read")
    assert read.status_code == 200, read.text
    assert read.json()["read_at"] is not None


# --- Push subscriptions: which endpoints ----------------------------------------------------

ACCEPTED_ENDPOINTS = [
    "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bHxyz",
    "https://android.googleapis.com/gcm/send/abc123",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk-test",
    "https://web.push.apple.com/QGFzZGY3ODkwYWJj",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB%2bXYZ",
    "https://fcm.googleapis.com:443/fcm/send/explicit-port",
]

REFUSED_ENDPOINTS = {
    "http FCM": "http://fcm.googleapis.com/fcm/send/abc",
    "unknown host": "https://push.example.com/send/abc",
    "known host as a prefix": "https://fcm.googleapis.com.evil.test/fcm/send/abc",
    "known host without the dot": "https://evilfcm.googleapis.com/fcm/send/abc",
    "userinfo": "https://user@fcm.googleapis.com/x",
    "user and password": "https://user:pw@fcm.googleapis.com/x",
    "port 8443": "https://fcm.googleapis.com:8443/fcm/send/abc",
    "internal address": "http://127.0.0.1:1/",
    "internal https": "https://127.0.0.1/push",
    "not a URL": "not a url at all",
    "empty": "",
    "bad port": "https://fcm.googleapis.com:99999/x",
    "too long": "https://fcm.googleapis.com/fcm/send/" + "a" * 1000,
    # urlsplit reads the host as `evil.test\\.fcm.googleapis.com` (a known suffix); browsers'
    # URL parsers read `evil.test`, and aiohttp refuses the URL when sending.
    "backslash in the host": "https://evil.test\\.fcm.googleapis.com/x",
}


@pytest.mark.parametrize("endpoint", ACCEPTED_ENDPOINTS)
async def test_browser_push_service_endpoints_are_accepted(
    world: World, db: Database, endpoint: str
) -> None:
    _, patient = await patient_with_session(world)
    response = await patient.put("/api/me/push-subscription", json=push_subscription_body(endpoint))
    assert response.status_code == 201, response.text
    saved = response.json()
    assert set(saved) == {"id", "endpoint", "created_at", "updated_at"}
    assert saved["endpoint"] == endpoint
    assert [row[0] for row in await subscriptions(db)] == [endpoint]


@pytest.mark.parametrize("endpoint", REFUSED_ENDPOINTS.values(), ids=REFUSED_ENDPOINTS.keys())
async def test_other_endpoints_are_refused_and_nothing_is_stored(
    world: World, db: Database, endpoint: str
) -> None:
    _, patient = await patient_with_session(world)
    response = await patient.put("/api/me/push-subscription", json=push_subscription_body(endpoint))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["field"] == "endpoint"
    assert body["detail"].startswith("endpoint: ")
    assert await subscriptions(db) == []


async def test_an_endpoint_of_exactly_1000_characters_is_accepted(
    world: World, db: Database
) -> None:
    _, patient = await patient_with_session(world)
    endpoint = "https://fcm.googleapis.com/fcm/send/" + "a" * 964
    response = await patient.put("/api/me/push-subscription", json=push_subscription_body(endpoint))
    assert response.status_code == 201, response.text
    assert [row[0] for row in await subscriptions(db)] == [endpoint]


@pytest.fixture
def allowed_app(settings: Settings, clock: FrozenClock, db: Database) -> Litestar:
    return create_app(
        settings=dataclasses.replace(settings, push_endpoint_allow=("http://127.0.0.1:1",)),
        clock=clock,
        db=db,
    )


async def test_an_operator_allowed_origin_is_accepted_exactly(
    allowed_app: Litestar, db: Database, clock: FrozenClock
) -> None:
    """`AFTERLINE_PUSH_ENDPOINT_ALLOW` opens that origin only: not its other ports or hosts."""
    world = World(allowed_app, db, clock)
    try:
        _, patient = await patient_with_session(world)
        ok = await patient.put(
            "/api/me/push-subscription", json=push_subscription_body("http://127.0.0.1:1/push/a")
        )
        assert ok.status_code == 201, ok.text
        for other in ("http://127.0.0.1:2/push/a", "https://127.0.0.1:1/push/a"):
            refused = await patient.put(
                "/api/me/push-subscription", json=push_subscription_body(other)
            )
            assert refused.status_code == 422, refused.text
            assert refused.json()["field"] == "endpoint"
        assert [row[0] for row in await subscriptions(db)] == ["http://127.0.0.1:1/push/a"]
    finally:
        await world.close()


# --- Push subscriptions: which keys ---------------------------------------------------------


def _not_on_the_curve() -> str:
    point = bytearray(b64decode(push_subscription_body()["keys"]["p256dh"]))
    point[-1] ^= 0x01  # y no longer matches x
    return b64url(bytes(point))


def _compressed_point() -> str:
    point = b64decode(push_subscription_body()["keys"]["p256dh"])
    prefix = 0x02 + (point[-1] & 1)
    return b64url(bytes([prefix]) + point[1:33])


BAD_KEYS = {
    "p256dh not base64": ("p256dh", "!!!!not~base64!!!!", "keys.p256dh"),
    "p256dh non-ascii": ("p256dh", "clé-publique", "keys.p256dh"),
    "p256dh too short": ("p256dh", b64url(b"\x04" + b"\x01" * 63), "keys.p256dh"),
    "p256dh too long": ("p256dh", b64url(b"\x04" + b"\x01" * 65), "keys.p256dh"),
    "p256dh compressed": ("p256dh", _compressed_point(), "keys.p256dh"),
    "p256dh not on the curve": ("p256dh", _not_on_the_curve(), "keys.p256dh"),
    "p256dh zeros": ("p256dh", b64url(b"\x04" + b"\x00" * 64), "keys.p256dh"),
    "auth 15 bytes": ("auth", b64url(b"\x07" * 15), "keys.auth"),
    "auth 17 bytes": ("auth", b64url(b"\x07" * 17), "keys.auth"),
    "auth empty": ("auth", "", "keys.auth"),
    "auth not a string": ("auth", 12345, "keys.auth"),
}


@pytest.mark.parametrize(("key", "value", "field"), BAD_KEYS.values(), ids=BAD_KEYS.keys())
async def test_bad_browser_keys_are_refused_naming_the_key(
    world: World, db: Database, key: str, value: Any, field: str
) -> None:
    _, patient = await patient_with_session(world)
    body = push_subscription_body()
    body["keys"][key] = value
    response = await patient.put("/api/me/push-subscription", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert await subscriptions(db) == []


async def test_missing_keys_and_unknown_fields_are_refused(world: World, db: Database) -> None:
    _, patient = await patient_with_session(world)
    body = push_subscription_body()
    del body["keys"]
    missing = await patient.put("/api/me/push-subscription", json=body)
    assert missing.status_code == 422, missing.text
    assert missing.json()["field"] == "keys"

    extra = push_subscription_body()
    extra["userAgent"] = "Firefox"
    unknown = await patient.put("/api/me/push-subscription", json=extra)
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["field"] == "userAgent"
    assert await subscriptions(db) == []


@pytest.mark.parametrize("expiration", [None, 1767225600000, 1767225600000.5])
async def test_expiration_time_may_be_null_or_a_number(
    world: World, db: Database, expiration: float | None
) -> None:
    _, patient = await patient_with_session(world)
    body = push_subscription_body()
    body["expirationTime"] = expiration
    response = await patient.put("/api/me/push-subscription", json=body)
    assert response.status_code == 201, response.text
    assert len(await subscriptions(db)) == 1


async def test_expiration_time_may_be_left_out(world: World, db: Database) -> None:
    _, patient = await patient_with_session(world)
    body = push_subscription_body()
    del body["expirationTime"]
    response = await patient.put("/api/me/push-subscription", json=body)
    assert response.status_code == 201, response.text
    assert len(await subscriptions(db)) == 1


# --- Push subscriptions: owners, updates and removal ----------------------------------------


async def test_the_same_endpoint_twice_is_created_then_updated_in_one_row(
    world: World, db: Database
) -> None:
    _, patient = await patient_with_session(world)
    endpoint = "https://fcm.googleapis.com/fcm/send/one-browser"
    first = await patient.put("/api/me/push-subscription", json=push_subscription_body(endpoint))
    assert first.status_code == 201, first.text

    world.clock.advance(timedelta(minutes=10))
    renewed = push_subscription_body(endpoint)  # the browser rotated its keys
    second = await patient.put("/api/me/push-subscription", json=renewed)
    assert second.status_code == 200, second.text
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["created_at"] == first.json()["created_at"]
    assert datetime.fromisoformat(second.json()["updated_at"]) == START + timedelta(minutes=10)

    async with db.read() as conn:
        rows = (await conn.execute(select(PushSubscription))).all()
    assert len(rows) == 1
    assert (rows[0].p256dh, rows[0].auth) == (renewed["keys"]["p256dh"], renewed["keys"]["auth"])


async def test_an_endpoint_subscribed_by_another_user_moves_to_them(
    world: World, db: Database
) -> None:
    doctor = await world.practitioner()
    _, alice = await patient_with_session(world, "alice@example.test", doctor)
    _, bob = await patient_with_session(world, "bob@example.test", doctor)
    shared = "https://updates.push.services.mozilla.com/wpush/v2/shared-profile"

    assert (
        await alice.put("/api/me/push-subscription", json=push_subscription_body(shared))
    ).status_code == 201
    moved = await bob.put("/api/me/push-subscription", json=push_subscription_body(shared))
    assert moved.status_code == 200, moved.text
    assert await subscriptions(db) == [(shared, await user_id(bob))]

    # Alice signing out everywhere no longer touches the device Bob now uses.
    gone = await alice.delete("/api/me/push-subscription")
    assert gone.status_code == 204, gone.text
    assert await subscriptions(db) == [(shared, await user_id(bob))]


async def test_delete_with_an_endpoint_removes_only_that_one(world: World, db: Database) -> None:
    doctor = await world.practitioner()
    _, alice = await patient_with_session(world, "alice@example.test", doctor)
    _, bob = await patient_with_session(world, "bob@example.test", doctor)
    phone = "https://fcm.googleapis.com/fcm/send/alice-phone"
    laptop = "https://updates.push.services.mozilla.com/wpush/v2/alice-laptop"
    bobs = "https://web.push.apple.com/bob-phone"
    for client, endpoint in ((alice, phone), (alice, laptop), (bob, bobs)):
        response = await client.put(
            "/api/me/push-subscription", json=push_subscription_body(endpoint)
        )
        assert response.status_code == 201, response.text

    # Bob naming Alice's endpoint removes nothing: only the caller's own rows are touched.
    foreign = await bob.delete("/api/me/push-subscription", params={"endpoint": phone})
    assert foreign.status_code == 204, foreign.text
    assert len(await subscriptions(db)) == 3

    removed = await alice.delete("/api/me/push-subscription", params={"endpoint": phone})
    assert removed.status_code == 204, removed.text
    assert sorted(row[0] for row in await subscriptions(db)) == sorted([bobs, laptop])

    unknown = await alice.delete(
        "/api/me/push-subscription", params={"endpoint": "https://fcm.googleapis.com/x"}
    )
    assert unknown.status_code == 204, unknown.text
    assert len(await subscriptions(db)) == 2


async def test_delete_without_an_endpoint_removes_all_of_the_callers_only(
    world: World, db: Database
) -> None:
    doctor = await world.practitioner()
    _, alice = await patient_with_session(world, "alice@example.test", doctor)
    _, bob = await patient_with_session(world, "bob@example.test", doctor)
    for client, endpoint in (
        (alice, "https://fcm.googleapis.com/fcm/send/a1"),
        (alice, "https://fcm.googleapis.com/fcm/send/a2"),
        (bob, "https://fcm.googleapis.com/fcm/send/b1"),
        (doctor, "https://fcm.googleapis.com/fcm/send/d1"),
    ):
        response = await client.put(
            "/api/me/push-subscription", json=push_subscription_body(endpoint)
        )
        assert response.status_code == 201, response.text

    response = await alice.delete("/api/me/push-subscription")
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert [row[0] for row in await subscriptions(db)] == [
        "https://fcm.googleapis.com/fcm/send/b1",
        "https://fcm.googleapis.com/fcm/send/d1",
    ]


async def test_push_subscription_routes_need_a_signed_in_user(world: World, db: Database) -> None:
    anonymous = await world.client()
    put = await anonymous.put("/api/me/push-subscription", json=push_subscription_body())
    assert put.status_code == 401, put.text
    deleted = await anonymous.delete("/api/me/push-subscription")
    assert deleted.status_code == 401, deleted.text
    listed = await anonymous.get("/api/me/notifications")
    assert listed.status_code == 401, listed.text
    assert await subscriptions(db) == []


# --- The VAPID public key -------------------------------------------------------------------


async def vapid_key_of(app: Litestar, db: Database, clock: FrozenClock) -> str:
    """The key as an anonymous browser gets it (no cookies at all)."""
    browser = World(app, db, clock)
    try:
        anonymous = await browser.client()
        response = await anonymous.get("/api/push/vapid-public-key")
    finally:
        await browser.close()
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"public_key"}
    key: str = response.json()["public_key"]
    return key


async def test_vapid_public_key_is_public_and_an_uncompressed_p256_point(
    app: Litestar, db: Database, clock: FrozenClock
) -> None:
    key = await vapid_key_of(app, db, clock)
    assert "=" not in key and "+" not in key and "/" not in key  # base64url, unpadded
    raw = b64decode(key)
    assert len(raw) == 65
    assert raw[0] == 0x04


async def test_vapid_key_is_kept_in_the_data_dir_and_survives_a_restart(
    settings: Settings, clock: FrozenClock, db: Database
) -> None:
    first = await vapid_key_of(create_app(settings=settings, clock=clock, db=db), db, clock)
    key_file = Path(settings.data_dir) / "vapid_private.pem"
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o777 == 0o600
    second = await vapid_key_of(create_app(settings=settings, clock=clock, db=db), db, clock)
    assert second == first

    elsewhere = dataclasses.replace(settings, data_dir=settings.data_dir.parent / "other")
    assert (
        await vapid_key_of(create_app(settings=elsewhere, clock=clock, db=db), db, clock) != first
    )


@pytest.mark.parametrize("form", ["base64url", "pem"])
async def test_a_configured_vapid_private_key_decides_the_public_key(
    settings: Settings, clock: FrozenClock, db: Database, form: str
) -> None:
    vapid = Vapid()
    vapid.generate_keys()
    configured = private_key_b64(vapid) if form == "base64url" else vapid.private_pem().decode()
    expected = b64url(
        vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    assert public_key(vapid) == expected
    # The data dir already has a generated key: the configured one wins over it.
    generated = await vapid_key_of(create_app(settings=settings, clock=clock, db=db), db, clock)
    with_key = dataclasses.replace(settings, vapid_private_key=configured)
    assert (
        await vapid_key_of(create_app(settings=with_key, clock=clock, db=db), db, clock) == expected
    )
    assert generated != expected


# --- Preferences ----------------------------------------------------------------------------

DEFAULT_PREFERENCES = {
    "timezone": "Europe/London",
    "checkin_time": "19:00",
    "channels": {"push": True, "email": True},
    "email_available": False,
}


async def preferences(client: ApiClient) -> dict[str, Any]:
    response = await client.get("/api/me/preferences")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_preferences_start_from_what_the_practitioner_set(world: World) -> None:
    _, patient = await patient_with_session(world)
    assert await preferences(patient) == DEFAULT_PREFERENCES


async def test_patch_changes_only_the_fields_given(world: World) -> None:
    _, patient = await patient_with_session(world)

    response = await patient.patch("/api/me/preferences", json={"timezone": "America/New_York"})
    assert response.status_code == 200, response.text
    assert response.json() == {**DEFAULT_PREFERENCES, "timezone": "America/New_York"}

    response = await patient.patch("/api/me/preferences", json={"channels": {"email": False}})
    assert response.status_code == 200, response.text
    expected = {
        **DEFAULT_PREFERENCES,
        "timezone": "America/New_York",
        "channels": {"push": True, "email": False},
    }
    assert response.json() == expected

    response = await patient.patch(
        "/api/me/preferences",
        json={"checkin_time": "08:30", "channels": {"push": False, "email": True}},
    )
    assert response.status_code == 200, response.text
    expected = {
        **expected,
        "checkin_time": "08:30",
        "channels": {"push": False, "email": True},
    }
    assert response.json() == expected
    assert await preferences(patient) == expected

    empty = await patient.patch("/api/me/preferences", json={})
    assert empty.status_code == 200, empty.text
    assert empty.json() == expected


BAD_PREFERENCES = {
    "unknown zone": ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    "offset, not a zone": ({"timezone": "+01:00"}, "timezone"),
    "localtime": ({"timezone": "localtime"}, "timezone"),
    "zone not a string": ({"timezone": 1}, "timezone"),
    "24:00": ({"checkin_time": "24:00"}, "checkin_time"),
    "no leading zero": ({"checkin_time": "7:30"}, "checkin_time"),
    "seconds": ({"checkin_time": "07:30:00"}, "checkin_time"),
    "minutes 60": ({"checkin_time": "07:60"}, "checkin_time"),
    "push not a bool": ({"channels": {"push": "yes"}}, "channels.push"),
    # msgspec reports an unknown nested key at the object that holds it.
    "unknown channel": ({"channels": {"sms": True}}, "channels"),
    "unknown field": ({"name": "Eve"}, "name"),
}


@pytest.mark.parametrize(("body", "field"), BAD_PREFERENCES.values(), ids=BAD_PREFERENCES.keys())
async def test_bad_preferences_are_refused_naming_the_field(
    world: World, body: dict[str, Any], field: str
) -> None:
    _, patient = await patient_with_session(world)
    response = await patient.patch("/api/me/preferences", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert await preferences(patient) == DEFAULT_PREFERENCES


async def test_a_refused_patch_writes_nothing_not_even_its_good_fields(world: World) -> None:
    _, patient = await patient_with_session(world)
    response = await patient.patch(
        "/api/me/preferences",
        json={
            "timezone": "Asia/Tokyo",
            "checkin_time": "25:00",
            "channels": {"push": False, "email": False},
        },
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "checkin_time"
    assert await preferences(patient) == DEFAULT_PREFERENCES

    response = await patient.patch(
        "/api/me/preferences", json={"checkin_time": "06:00", "timezone": "Nowhere/Special"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "timezone"
    assert await preferences(patient) == DEFAULT_PREFERENCES


async def test_preferences_are_for_patients_only(world: World) -> None:
    doctor = await world.practitioner()
    shown = await doctor.get("/api/me/preferences")
    assert shown.status_code == 403, shown.text
    changed = await doctor.patch("/api/me/preferences", json={"timezone": "Asia/Tokyo"})
    assert changed.status_code == 403, changed.text
    anonymous = await world.client()
    assert (await anonymous.get("/api/me/preferences")).status_code == 401


async def test_email_available_follows_the_servers_smtp_settings(
    settings: Settings, clock: FrozenClock, db: Database
) -> None:
    with_smtp = dataclasses.replace(
        settings, smtp=SmtpSettings(host="127.0.0.1", port=2525, sender="clinic@afterline.test")
    )
    world = World(create_app(settings=with_smtp, clock=clock, db=db), db, clock)
    try:
        _, patient = await patient_with_session(world)
        assert await preferences(patient) == {**DEFAULT_PREFERENCES, "email_available": True}
    finally:
        await world.close()


async def test_preferences_change_what_the_prompt_job_does(world: World, db: Database) -> None:
    """A new check-in time moves today's prompt: the job reads what PATCH wrote."""
    _, patient = await patient_with_session(world)
    response = await patient.patch("/api/me/preferences", json={"checkin_time": "21:30"})
    assert response.status_code == 200, response.text

    assert await fan_out_prompts(db, PROMPT_AT) == 0
    assert await fan_out_prompts(db, datetime.fromisoformat("2026-03-10T21:30:00+00:00")) == 1
    async with db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(Notification)) == 1
