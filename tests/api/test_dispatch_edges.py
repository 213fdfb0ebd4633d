"""Edge cases of sending: channel exceptions, lost and stolen leases, SMTP-less dispatchers,
email envelopes, settings, address checks, many zones, same-day sessions, push payloads and
the VAPID key file.

Everything runs against the real database, a real SMTP server and a real push service (see
tests/receivers.py); channels that misbehave are real subclasses, not mocks.
"""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import pytest
from sqlalchemy import insert, select, update

from api.core.clock import FrozenClock
from api.core.db import Database
from api.core.settings import Settings, SettingsError, SmtpSettings, load_settings
from api.core.sql import ZONES_PER_STATEMENT
from api.identity.models import Clinic, Patient, User
from api.notifications.channels import (
    Channels,
    EmailChannel,
    PushChannel,
    PushTarget,
    SendResult,
    render_email,
)
from api.notifications.dispatch import PUSH_BODY_MAX, dispatch_deliveries
from api.notifications.leases import LEASE, MAX_ATTEMPTS, DispatchReport, claim, record
from api.notifications.models import Delivery, Notification, Prompt
from api.notifications.outbox import queue_deliveries
from api.notifications.prompts import fan_out_prompts
from api.notifications.vapid import (
    KEY_FILE,
    VapidSigner,
    ensure_key_file,
    load_vapid,
    public_key,
    subject,
)
from api.treatments.models import TreatmentSession
from jobs.ticks import JobContext, fan_out_prompts_job, practitioner_digest_job
from tests.api.test_delivery import (
    SESSION_DAY,
    TODAY,
    T,
    deliveries,
    dispatch,
    nothing,
    patient,
    prompted_subscriber,
    subscribe,
)
from tests.api.test_patients import assert_names_field, counts
from tests.conftest import World, session_body
from tests.factories import session_row
from tests.receivers import PushService, SmtpSink

pytestmark = pytest.mark.channels


def secs(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


@dataclasses.dataclass(frozen=True)
class Row:
    email: str
    channel: str
    status: str
    attempts: int
    next_attempt_at: datetime
    claimed_until: datetime | None
    last_error: str | None
    sent_at: datetime | None


async def rows_by_recipient(db: Database) -> dict[tuple[str, str], Row]:
    """Every delivery keyed by (recipient's email, channel); one notification each here."""
    query = (
        select(
            User.email,
            Delivery.channel,
            Delivery.status,
            Delivery.attempts,
            Delivery.next_attempt_at,
            Delivery.claimed_until,
            Delivery.last_error,
            Delivery.sent_at,
        )
        .join(Notification, Notification.id == Delivery.notification_id)
        .join(User, User.id == Notification.user_id)
    )
    async with db.read() as conn:
        rows = [Row(**row._asdict()) for row in await conn.execute(query)]
    found = {(row.email, row.channel): row for row in rows}
    assert len(found) == len(rows), "two deliveries for one recipient and channel"
    return found


class ExplodingPush(PushChannel):
    """A push channel whose send raises for chosen endpoints (a bug in a library, say)."""

    def __init__(
        self, signer: VapidSigner, allowed: tuple[str, ...], explode_for: set[str]
    ) -> None:
        super().__init__(signer, allowed)
        self.explode_for = explode_for
        self.raised = 0

    async def send(
        self, target: PushTarget, payload: bytes, *, topic: str, ttl_s: int
    ) -> SendResult:
        if target.endpoint in self.explode_for:
            self.raised += 1
            raise RuntimeError("the push library fell over")
        return await super().send(target, payload, topic=topic, ttl_s=ttl_s)


@pytest.fixture
async def exploding(channel_settings: Settings) -> AsyncIterator[tuple[Channels, ExplodingPush]]:
    """Channels like a worker's (SMTP on, the test push service allowed) with that push."""
    signer = VapidSigner(load_vapid(channel_settings), subject(channel_settings))
    push = ExplodingPush(signer, channel_settings.push_endpoint_allow, set())
    assert channel_settings.smtp is not None
    channels = Channels(push, EmailChannel(channel_settings.smtp), channel_settings.base_url)
    yield channels, push
    await channels.close()


# --- 1. A channel that raises ---------------------------------------------------------------


async def test_a_push_that_raises_is_retried_then_given_up_while_the_rest_are_sent(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
    exploding: tuple[Channels, ExplodingPush],
) -> None:
    channels, push = exploding
    doctor = await world.practitioner()
    _, ann = await patient(world, "ann@example.test", doctor)
    _, ben = await patient(world, "ben@example.test", doctor)
    ann_token = await subscribe(ann, push_service)
    ben_token = await subscribe(ben, push_service)
    push.explode_for.add(f"{push_service.origin}/push/{ann_token}")
    clock.set(T)
    assert await fan_out_prompts_job(jobs, T) == 2

    report = await dispatch_deliveries(jobs.db, channels, T)
    assert (report.sent, report.retrying, report.gave_up) == (3, 1, 0)
    rows = await rows_by_recipient(jobs.db)
    failed = rows[("ann@example.test", "push")]
    assert (failed.status, failed.attempts, failed.next_attempt_at) == ("failed", 1, T + secs(30))
    assert failed.last_error is not None
    assert failed.last_error.startswith("unexpected error: RuntimeError"), failed.last_error
    assert "the push library fell over" in failed.last_error
    assert failed.claimed_until is None
    for key in (("ben@example.test", "push"), ("ann@example.test", "email")):
        assert (rows[key].status, rows[key].sent_at) == ("sent", T), key
    assert rows[("ben@example.test", "email")].status == "sent"
    assert [p.token for p in push_service.delivered()] == [ben_token]
    assert sorted(m.recipients[0] for m in smtp_server.messages) == [
        "ann@example.test",
        "ben@example.test",
    ]

    # Waits of 30 s, 1, 2, 4 and 8 minutes; the sixth exception gives up.
    for attempt, at in enumerate((30, 90, 210, 450, 930), start=2):
        clock.set(T + secs(at - 1))
        early = await dispatch_deliveries(jobs.db, channels, T + secs(at - 1))
        assert (early.sent, early.retrying, early.gave_up) == (0, 0, 0)
        clock.set(T + secs(at))
        again = await dispatch_deliveries(jobs.db, channels, T + secs(at))
        assert (again.sent, again.retrying + again.gave_up) == (0, 1)
        row = (await rows_by_recipient(jobs.db))[("ann@example.test", "push")]
        assert row.attempts == attempt
    assert push.raised == MAX_ATTEMPTS
    final = (await rows_by_recipient(jobs.db))[("ann@example.test", "push")]
    assert (final.status, final.attempts, final.sent_at) == ("gave_up", MAX_ATTEMPTS, None)
    assert final.last_error is not None
    assert final.last_error.startswith("unexpected error: RuntimeError")
    assert push_service.for_token(ann_token) == []
    assert len(push_service.received) == 1
    assert len(smtp_server.messages) == 2
    later = await dispatch_deliveries(jobs.db, channels, T + timedelta(hours=1))
    assert (later.sent, later.retrying, later.gave_up) == (0, 0, 0)
    assert push.raised == MAX_ATTEMPTS


# --- 2 and 3. Leases ------------------------------------------------------------------------


async def test_a_delivery_whose_sixth_lease_ran_out_unrecorded_is_given_up_unsent(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    await prompted_subscriber(world, jobs, push_service)  # a push and an email, due at T

    at = T
    for attempt in range(1, MAX_ATTEMPTS + 1):
        claimed = await claim(jobs.db, at, 10, True)  # a dispatcher that dies mid-send
        assert sorted(item.channel for item in claimed) == ["email", "push"]
        assert {item.attempts for item in claimed} == {attempt}
        assert {item.claimed_until for item in claimed} == {at + LEASE}
        # While the lease runs, nobody else takes them (or gives them up).
        assert await claim(jobs.db, at + LEASE - secs(1), 10, True) == []
        at += LEASE

    rows = await deliveries(jobs.db)
    assert [(row.status, row.attempts) for row in rows] == [("pending", MAX_ATTEMPTS)] * 2

    report = await dispatch(jobs, at)  # the sixth lease ran out just now
    assert report.sent == 0
    rows = await deliveries(jobs.db)
    assert [row.status for row in rows] == ["gave_up", "gave_up"]
    for row in rows:
        assert row.attempts == MAX_ATTEMPTS
        assert row.last_error is not None and "no outcome recorded" in row.last_error
        assert row.sent_at is None
    assert push_service.received == []
    assert smtp_server.messages == []
    assert await claim(jobs.db, at + timedelta(hours=1), 10, True) == []


async def test_an_outcome_from_a_lease_that_ran_out_changes_nothing(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    await prompted_subscriber(world, jobs, push_service)
    slow = await claim(jobs.db, T, 10, True)
    assert len(slow) == 2

    # The first dispatcher stalls past its lease; a second one sends both.
    report = await dispatch(jobs, T + timedelta(minutes=6))
    assert (report.sent, report.retrying, report.gave_up) == (2, 0, 0)
    assert len(push_service.delivered()) == 1
    assert len(smtp_server.messages) == 1

    late = DispatchReport()
    await record(jobs.db, [(item, SendResult("retry", "late")) for item in slow], T, late)
    rows = await deliveries(jobs.db)
    assert [(row.status, row.attempts, row.last_error) for row in rows] == [("sent", 2, None)] * 2
    assert {row.sent_at for row in rows} == {T + timedelta(minutes=6)}
    assert nothing(await dispatch(jobs, T + timedelta(minutes=30)))
    assert len(push_service.received) == 1


async def test_a_late_outcome_does_not_touch_the_lease_of_the_dispatcher_that_took_over(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService
) -> None:
    await prompted_subscriber(world, jobs, push_service)
    first = await claim(jobs.db, T, 10, True)
    second = await claim(jobs.db, T + timedelta(minutes=6), 10, True)
    assert {item.attempts for item in second} == {2}
    took_over = T + timedelta(minutes=6) + LEASE

    await record(jobs.db, [(item, SendResult("sent")) for item in first], T, DispatchReport())
    rows = await rows_by_recipient(jobs.db)
    for row in rows.values():
        assert (row.status, row.claimed_until, row.sent_at) == ("pending", took_over, None)
    # Still leased to the second dispatcher: a third finds nothing to claim.
    assert await claim(jobs.db, T + timedelta(minutes=7), 10, True) == []

    await record(
        jobs.db,
        [(item, SendResult("retry", "the second one's answer")) for item in second],
        T + timedelta(minutes=6),
        DispatchReport(),
    )
    rows = await rows_by_recipient(jobs.db)
    for row in rows.values():
        assert (row.status, row.attempts, row.last_error) == (
            "failed",
            2,
            "the second one's answer",
        )
        assert row.claimed_until is None


# --- 4. A dispatcher without SMTP -----------------------------------------------------------


async def test_a_dispatcher_without_smtp_leaves_email_to_one_with_smtp(
    world: World,
    jobs: JobContext,
    settings: Settings,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    await prompted_subscriber(world, jobs, push_service)  # queued by a worker with SMTP
    push_only = dataclasses.replace(settings, push_endpoint_allow=(push_service.origin,))
    assert push_only.smtp is None
    channels = Channels.from_settings(push_only)
    try:
        report = await dispatch_deliveries(jobs.db, channels, T)
        assert (report.sent, report.retrying, report.gave_up) == (1, 0, 0)
        # Not claimed, so not counted as an attempt, and free for the next dispatcher.
        again = await dispatch_deliveries(jobs.db, channels, T + timedelta(minutes=10))
        assert nothing(again)
    finally:
        await channels.close()
    rows = await rows_by_recipient(jobs.db)
    email = rows[("pat@example.test", "email")]
    assert (email.status, email.attempts, email.claimed_until) == ("pending", 0, None)
    assert email.last_error is None
    assert rows[("pat@example.test", "push")].status == "sent"
    assert len(push_service.delivered()) == 1
    assert smtp_server.messages == []

    with_smtp = await dispatch(jobs, T + timedelta(minutes=11))
    assert (with_smtp.sent, with_smtp.retrying, with_smtp.gave_up) == (1, 0, 0)
    email = (await rows_by_recipient(jobs.db))[("pat@example.test", "email")]
    assert (email.status, email.attempts, email.sent_at) == (
        "sent",
        1,
        T + timedelta(minutes=11),
    )
    assert [m.recipients for m in smtp_server.messages] == [["pat@example.test"]]
    assert len(push_service.received) == 1


# --- 5. Email envelope and headers ----------------------------------------------------------


async def test_the_email_goes_to_the_patients_address_only_whatever_their_name(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    smtp_server: SmtpSink,
) -> None:
    doctor = await world.practitioner()
    created = await doctor.post(
        "/api/patients",
        json={
            # Mail-header syntax in the name must not become another recipient.
            "name": "Smith, Pat <intruder@evil.test>",
            "email": "Pat.Smith+veins@Example.test",
            "timezone": "Europe/London",
            "checkin_time": "19:00",
        },
    )
    assert created.status_code == 201, created.text
    patient_id = created.json()["id"]
    session = await doctor.post(
        f"/api/patients/{patient_id}/sessions", json=session_body(SESSION_DAY)
    )
    assert session.status_code == 201, session.text
    invited = await world.client()
    accepted = await invited.post(
        "/api/auth/accept-invite",
        json={"token": created.json()["invite_token"], "password": "correct horse battery"},
    )
    assert accepted.status_code == 200, accepted.text

    clock.set(T)
    assert await fan_out_prompts_job(jobs, T) == 1
    report = await dispatch(jobs, T)
    assert report.sent == 1
    [email] = smtp_server.messages
    assert email.recipients == ["pat.smith+veins@example.test"]
    assert email.mail_from == "clinic@afterline.test"
    assert email.message["To"] == "pat.smith+veins@example.test"
    assert [str(a.addr_spec) for a in email.message["To"].addresses] == [
        "pat.smith+veins@example.test"
    ]
    assert email.message["Cc"] is None and email.message["Bcc"] is None
    assert "Hello Smith, Pat <intruder@evil.test>," in email.part("plain")


async def test_a_sender_with_a_display_name_gives_the_envelope_and_vapid_subject_its_address(
    world: World,
    channel_settings: Settings,
    db: Database,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    assert channel_settings.smtp is not None
    named = dataclasses.replace(
        channel_settings,
        smtp=dataclasses.replace(channel_settings.smtp, sender="Afterline Clinic <clinic@x.test>"),
    )
    ctx = JobContext(db=db, channels=Channels.from_settings(named), clock=clock)
    try:
        _, client = await patient(world)
        await subscribe(client, push_service)
        clock.set(T)
        assert await fan_out_prompts_job(ctx, T) == 1
        report = await dispatch_deliveries(db, ctx.channels, T)
        assert report.sent == 2
    finally:
        await ctx.channels.close()
    [email] = smtp_server.messages
    assert email.mail_from == "clinic@x.test"
    assert email.recipients == ["pat@example.test"]
    assert email.message["From"] == "Afterline Clinic <clinic@x.test>"
    [push] = push_service.received
    assert push.vapid_claims["sub"] == "mailto:clinic@x.test"
    assert push_service.problems == []


# --- 6. Settings ----------------------------------------------------------------------------


def base_env(tmp_path: Path) -> dict[str, str]:
    return {
        "AFTERLINE_SECRET_KEY": "s" * 40,
        "AFTERLINE_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db' / 'afterline.db'}",
    }


def test_the_vapid_subject_is_the_address_part_of_smtp_from(tmp_path: Path) -> None:
    env = {
        **base_env(tmp_path),
        "SMTP_HOST": "smtp.x.test",
        "SMTP_FROM": "Afterline Clinic <clinic@x.test>",
    }
    settings = load_settings(env)
    assert settings.smtp is not None
    assert settings.smtp.sender == "Afterline Clinic <clinic@x.test>"
    assert subject(settings) == "mailto:clinic@x.test"
    plain = dataclasses.replace(
        settings, smtp=SmtpSettings(host="h", port=25, sender="clinic@y.test")
    )
    assert subject(plain) == "mailto:clinic@y.test"
    chosen = load_settings({**env, "AFTERLINE_VAPID_SUBJECT": "https://clinic.x.test"})
    assert subject(chosen) == "https://clinic.x.test"


@pytest.mark.parametrize(
    ("flag", "expected"),
    [(None, None), ("false", False), ("true", True), ("TRUE", True), ("0", False), ("yes", True)],
)
def test_smtp_starttls_is_unset_true_or_false(
    tmp_path: Path, flag: str | None, expected: bool | None
) -> None:
    env = {**base_env(tmp_path), "SMTP_HOST": "smtp.x.test", "SMTP_FROM": "c@x.test"}
    if flag is not None:
        env["SMTP_STARTTLS"] = flag
    smtp = load_settings(env).smtp
    assert smtp is not None
    assert smtp.starttls is expected
    assert smtp.port == 25


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"SMTP_HOST": "h.test", "SMTP_FROM": "c@x.test", "SMTP_PORT": "465",
          "SMTP_STARTTLS": "true"}, "465"),
        ({"SMTP_USER": "mailer"}, "SMTP_HOST and SMTP_FROM"),
        ({"SMTP_HOST": "h.test", "SMTP_FROM": "c@x.test", "SMTP_STARTTLS": "maybe"},
         "SMTP_STARTTLS"),
        ({"SMTP_HOST": "h.test", "SMTP_FROM": "c@x.test", "SMTP_PORT": "twenty"}, "SMTP_PORT"),
    ],
)  # fmt: skip
def test_smtp_settings_that_cannot_work_are_refused(
    tmp_path: Path, extra: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings({**base_env(tmp_path), **extra})


def test_port_465_without_starttls_is_implicit_tls(tmp_path: Path) -> None:
    env = {**base_env(tmp_path), "SMTP_HOST": "h.test", "SMTP_FROM": "c@x.test"}
    for flag in ("", "false"):
        smtp = load_settings({**env, "SMTP_PORT": "465", "SMTP_STARTTLS": flag}).smtp
        assert smtp is not None
        assert (smtp.port, smtp.starttls) == (465, None if flag == "" else False)


# --- 7. Addresses with mail-header syntax ---------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "postmaster,pat@example.com",
        "<x>@y.z",
        "a(b)@c.d",
        'a"b@c.d',
        "a;b@c.d",
        "a:b@c.d",
        "a[b]@c.d",
        "a\\b@c.d",
        "pat@example.com>, <evil@x.test",
    ],
)
async def test_an_email_with_header_syntax_is_refused_and_nothing_is_created(
    world: World, address: str
) -> None:
    doctor = await world.practitioner()
    before = await counts(world)
    response = await doctor.post(
        "/api/patients",
        json={"name": "Pat", "email": address, "timezone": "Europe/London"},
    )
    assert_names_field(response, "email")
    assert await counts(world) == before


# --- 8. More zones than SQLite allows terms in one compound SELECT --------------------------


# At 2026-03-10 11:30 UTC, when the local day ends in a few zones, written out by hand.
DAY_ENDS_AT_1130_UTC = {
    "UTC": datetime(2026, 3, 11, 0, 0, tzinfo=UTC),
    "Pacific/Kiritimati": datetime(2026, 3, 11, 10, 0, tzinfo=UTC),  # UTC+14, already 11 March
    "Etc/GMT+12": datetime(2026, 3, 10, 12, 0, tzinfo=UTC),  # UTC-12, still 9 March
    "Asia/Kathmandu": datetime(2026, 3, 10, 18, 15, tzinfo=UTC),  # UTC+5:45
    "America/St_Johns": datetime(2026, 3, 11, 2, 30, tzinfo=UTC),  # UTC-2:30 (summer time)
    "Europe/Berlin": datetime(2026, 3, 10, 23, 0, tzinfo=UTC),  # UTC+1
}


def usable_zones() -> list[str]:
    return sorted(zone for zone in available_timezones() if zone not in {"localtime", "Factory"})


async def test_one_fan_out_prompts_every_patient_in_more_than_500_zones(
    db: Database, clock: FrozenClock
) -> None:
    zones = usable_zones()
    assert len(zones) > 500 > ZONES_PER_STATEMENT
    # 11:30 UTC: 23:30 the day before at UTC-12, 01:30 the day after at UTC+14.
    at = datetime(2026, 3, 10, 11, 30, tzinfo=UTC)
    setup = at - timedelta(days=1)
    clinic_id = uuid.uuid4()
    users: list[dict[str, Any]] = []
    patients: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    zone_of: dict[uuid.UUID, str] = {}
    for n, zone in enumerate(zones):
        user_id, patient_id = uuid.uuid4(), uuid.uuid4()
        zone_of[patient_id] = zone
        users.append(
            {
                "id": user_id,
                "email": f"zone.{n:04d}@zones.test",
                "name": f"Zone {n:04d}",
                "role": "patient",
                "clinic_id": clinic_id,
                "password_hash": "signed-up",
                "created_at": setup,
            }
        )
        patients.append(
            {
                "id": patient_id,
                "user_id": user_id,
                "clinic_id": clinic_id,
                "timezone": zone,
                "checkin_time": time(0, 0),
                "active": True,
                "push_enabled": True,
                "email_enabled": True,
                "created_at": setup,
            }
        )
        row = session_row(patient_id, date(2026, 3, 5), setup)
        row.update(review_on=date(2026, 6, 1), daily_days=120)
        sessions.append(row)
    async with db.write() as session:
        await session.execute(
            insert(Clinic).values(id=clinic_id, name="Every Zone Clinic", created_at=setup)
        )
        for model, batch in ((User, users), (Patient, patients), (TreatmentSession, sessions)):
            await session.execute(insert(model), batch)

    clock.set(at)
    assert await fan_out_prompts(db, at) == len(zones)

    async with db.read() as conn:
        made = (
            await conn.execute(select(Prompt.id, Prompt.patient_id, Prompt.local_date, Prompt.kind))
        ).all()
        notes = (
            await conn.execute(
                select(Notification.prompt_id, Notification.local_date, Notification.expires_at)
            )
        ).all()
    assert len(made) == len(zones)
    assert {row.patient_id for row in made} == set(zone_of)
    local_dates = set()
    for row in made:
        expected = at.astimezone(ZoneInfo(zone_of[row.patient_id])).date()
        assert (row.kind, row.local_date) == ("checkin", expected), zone_of[row.patient_id]
        local_dates.add(row.local_date)
    assert local_dates == {date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)}

    by_prompt = {row.prompt_id: row for row in notes}
    assert len(notes) == len(made) == len(by_prompt)
    expires_in: dict[str, datetime] = {}
    for row in made:
        note = by_prompt[row.id]
        name = zone_of[row.patient_id]
        assert note.local_date == row.local_date
        # Each expires at the patient's next local midnight (checked on the wall clock there,
        # not recomputed with the code under test).
        local_end = note.expires_at.astimezone(ZoneInfo(name))
        assert local_end.date() == row.local_date + timedelta(days=1), name
        assert local_end.time() == time(0), name
        assert at < note.expires_at <= at + timedelta(hours=24), name
        expires_in[name] = note.expires_at
    assert {name: expires_in[name] for name in DAY_ENDS_AT_1130_UTC} == DAY_ENDS_AT_1130_UTC

    assert await fan_out_prompts(db, at + timedelta(minutes=1)) == 0


# --- 9. Two sessions on one date ------------------------------------------------------------


async def test_of_two_sessions_on_one_date_the_one_recorded_last_decides_the_plan(
    world: World, db: Database, clock: FrozenClock
) -> None:
    doctor = await world.practitioner()
    performed = date(2026, 3, 1)  # 2026-03-10 is day 9, 2026-03-11 day 10: daily, not weekly
    order = {"daily_then_weekly@example.test": (14, 0), "weekly_then_daily@example.test": (0, 14)}
    ids: dict[str, str] = {}
    for email, plans in order.items():
        patient_id, _ = await world.patient(doctor, email=email)
        ids[patient_id] = email
        for daily_days in plans:
            clock.advance(timedelta(minutes=1))
            response = await doctor.post(
                f"/api/patients/{patient_id}/sessions",
                json=session_body(performed, daily_days=daily_days),
            )
            assert response.status_code == 201, response.text
            assert response.json()["daily_days"] == daily_days

    for day in (TODAY, TODAY + timedelta(days=1)):
        at = datetime.combine(day, time(19), tzinfo=UTC)
        clock.set(at)
        assert await fan_out_prompts(db, at) == 1
        async with db.read() as conn:
            asked = set(
                await conn.scalars(select(Prompt.patient_id).where(Prompt.local_date == day))
            )
        assert {ids[str(patient_id)] for patient_id in asked} == {
            "weekly_then_daily@example.test"
        }, day
    # Day 14 is a weekly day of both plans.
    weekly = datetime(2026, 3, 15, 19, 0, tzinfo=UTC)
    assert await fan_out_prompts(db, weekly) == 2


# --- 10. What a push carries of a long or multi-line message --------------------------------

SETUP_DAY = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
MORNING = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)


async def test_the_digest_push_carries_only_the_first_line_and_the_inbox_all_of_it(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    clock.set(SETUP_DAY)
    doctor = await world.practitioner()
    token = await subscribe(doctor, push_service)
    await world.patient(doctor, email="missy@example.test", sessions=(SETUP_DAY.date(),))
    for day in (7, 8, 9):
        evening = datetime(2026, 3, day, 19, 0, tzinfo=UTC)
        clock.set(evening)
        assert await fan_out_prompts_job(jobs, evening) == 1

    clock.set(MORNING)
    assert await practitioner_digest_job(jobs, MORNING) == 1
    await dispatch(jobs, MORNING)

    await doctor.login("dr@clinic-a.test")  # sessions end after 12 idle hours
    [item] = (await doctor.get("/api/me/notifications")).json()
    assert item["kind"] == "digest"
    lines = item["body"].split("\n")
    assert lines == [
        "Patients who need attention on 2026-03-10:",
        "- Missy: missed 3 check-ins in the last week",
    ]
    [push] = push_service.for_token(token)
    assert push.status == 201
    assert push.payload is not None
    assert push.payload["kind"] == "digest"
    assert push.payload["body"] == lines[0]
    assert len(push.payload["body"]) <= PUSH_BODY_MAX
    assert push.payload["title"] == item["title"]
    [email] = [m for m in smtp_server.messages if m.recipients == ["dr@clinic-a.test"]]
    assert "- Missy: missed 3 check-ins in the last week" in email.part("plain")


async def test_a_long_first_line_is_cut_to_200_characters_in_the_push_only(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    doctor = await world.practitioner()
    token = await subscribe(doctor, push_service)
    first_line = " ".join(f"word{n:03d}" for n in range(60))  # 479 characters
    body = first_line + "\nsecond line\n- third"
    now = T
    async with world.db.read() as conn:
        user_id = await conn.scalar(select(User.id).where(User.email == "dr@clinic-a.test"))
    async with world.db.write() as session:
        await session.execute(
            insert(Notification).values(
                id=uuid.uuid4(),
                user_id=user_id,
                dedupe_key="long:1",
                kind="digest",
                local_date=TODAY,
                title="A long message",
                body=body,
                url="/#/patients",
                created_at=now,
            )
        )
        await queue_deliveries(session, now, email_on=True)
    report = await dispatch(jobs, now)
    assert report.sent == 2

    [push] = push_service.for_token(token)
    assert push.payload is not None
    sent = push.payload["body"]
    assert len(sent) == PUSH_BODY_MAX
    assert sent.endswith("…")
    assert first_line.startswith(sent[:-1])
    assert "\n" not in sent
    [email] = smtp_server.messages
    plain = email.part("plain")
    assert first_line in plain and "second line" in plain and "- third" in plain
    await doctor.login("dr@clinic-a.test")  # the clock moved on: signed in again
    [item] = (await doctor.get("/api/me/notifications")).json()
    assert item["body"] == body


# --- 11. Two processes creating the VAPID key at once ---------------------------------------


@pytest.mark.parametrize("round_", range(5))
def test_two_threads_creating_the_key_at_once_end_with_one_key(
    settings: Settings, tmp_path: Path, round_: int
) -> None:
    keyed = dataclasses.replace(settings, data_dir=tmp_path / f"keys-{round_}")
    assert not keyed.data_dir.exists()
    start = threading.Barrier(2)
    results: list[tuple[Path, bool]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def create() -> None:
        start.wait()
        try:
            found = ensure_key_file(keyed)
        except BaseException as exc:  # reported below, not lost in the thread
            with lock:
                errors.append(exc)
            return
        with lock:
            results.append(found)

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(created for _, created in results) == [False, True]
    assert {path for path, _ in results} == {keyed.data_dir / KEY_FILE}
    assert [p.name for p in keyed.data_dir.iterdir()] == [KEY_FILE]  # no temporary left
    assert (keyed.data_dir / KEY_FILE).stat().st_mode & 0o777 == 0o600
    first, second = load_vapid(keyed), load_vapid(keyed)
    assert public_key(first) == public_key(second)
    assert ensure_key_file(keyed) == (keyed.data_dir / KEY_FILE, False)


# --- Found while writing these tests: addresses the email channel cannot write --------------

# Accepted by `check_email`, but not RFC 5322 addresses: `email.headerregistry.Address`
# refuses them (a ValueError or HeaderParseError), so `EmailChannel._message` raises.
UNWRITABLE = ("pat..smith@example.test", ".pat@example.test", "pat.@example.test")


@pytest.mark.parametrize(
    "address", [*UNWRITABLE, "pat@example..test", "pat@example.test.", "pat@.example.test"]
)
async def test_an_address_the_email_channel_cannot_write_is_refused(
    world: World, address: str
) -> None:
    doctor = await world.practitioner()
    before = await counts(world)
    response = await doctor.post(
        "/api/patients",
        json={"name": "Pat", "email": address, "timezone": "Europe/London"},
    )
    assert_names_field(response, "email")
    assert await counts(world) == before


async def test_one_unwritable_address_does_not_stop_the_rest_of_the_smtp_batch(
    channel_settings: Settings, smtp_server: SmtpSink
) -> None:
    assert channel_settings.smtp is not None
    channel = EmailChannel(channel_settings.smtp)
    specs = [
        render_email(to, "Pat", "Hello", "Body", "https://afterline.test/#/today")
        for to in (UNWRITABLE[0], "good@example.test")
    ]
    results: list[SendResult] = []
    async with aclosing(channel.send_each(specs)) as each:
        for _ in specs:
            results.append(await anext(each))  # one result per message, never an exception
    assert [result.outcome for result in results] == ["give_up", "sent"]
    assert [m.recipients for m in smtp_server.messages] == [["good@example.test"]]


async def test_a_stored_unwritable_address_gives_up_and_the_other_emails_are_sent(
    world: World, jobs: JobContext, clock: FrozenClock, smtp_server: SmtpSink
) -> None:
    """An address stored before `check_email` refused it (set here in the database)."""
    doctor = await world.practitioner()
    names = ("old", "ann", "ben", "cat", "dan")
    for name in names:
        await patient(world, f"{name}@example.test", doctor)
    async with world.db.write() as session:
        await session.execute(
            update(User).where(User.email == "old@example.test").values(email=UNWRITABLE[0])
        )
    clock.set(T)
    assert await fan_out_prompts_job(jobs, T) == len(names)

    report = await dispatch(jobs, T)
    rows = await rows_by_recipient(jobs.db)
    # Whatever order the batch is in, every writable address is sent the first time.
    assert sorted(m.recipients[0] for m in smtp_server.messages) == [
        f"{name}@example.test" for name in sorted(names[1:])
    ], [row.last_error for row in rows.values()]
    assert report.sent == len(names) - 1
    bad = rows[(UNWRITABLE[0], "email")]
    assert bad.status == "gave_up", bad.last_error
