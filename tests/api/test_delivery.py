"""Delivering notifications through the real channels: Web Push and SMTP email.

The jobs run as a worker runs them (`run_all_ticks`, or the dispatcher alone) with channels
built from settings, and send to real servers in the test: a push service that checks the
VAPID header and decrypts each message with the browser's keys, and an SMTP server. Covered:
what a prompt sends on each channel, retries with backoff and giving up, a push service's
410 removing the subscription, the checks made just before sending (day over, checked in,
deactivated, channel off, no SMTP), and the practitioners' 07:00 digest.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from api.core.clock import FrozenClock
from api.core.db import Database
from api.core.settings import Settings
from api.notifications.channels import Channels
from api.notifications.dispatch import dispatch_deliveries
from api.notifications.leases import MAX_ATTEMPTS, DispatchReport
from api.notifications.models import Delivery, Notification, PushSubscription
from jobs.ticks import JobContext, fan_out_prompts_job, remind_missed_job, run_all_ticks
from tests.conftest import ApiClient, World, checkin_body
from tests.receivers import PushService, ReceivedPush, SmtpSink

# A London patient with a session yesterday and checkin_time 19:00 is asked at 19:00 UTC.
SESSION_DAY = date(2026, 3, 9)
TODAY = date(2026, 3, 10)
T = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
MIDNIGHT = datetime(2026, 3, 11, 0, 0, tzinfo=UTC)
CHECKIN_COPY = (
    "Time for today's check-in",
    "How are your treated veins today? Your check-in takes less than a minute.",
)
PAYLOAD_KEYS = {"title", "body", "url", "kind", "local_date"}


pytestmark = pytest.mark.channels


def secs(seconds: int) -> timedelta:
    return timedelta(seconds=seconds)


async def subscribe(client: ApiClient, push_service: PushService, **kwargs: Any) -> str:
    """Subscribes this browser at the test push service; returns the endpoint's token."""
    body = push_service.subscribe(**kwargs)
    response = await client.put("/api/me/push-subscription", json=body)
    assert response.status_code == 201, response.text
    return str(body["endpoint"]).rsplit("/", 1)[1]


async def patient(
    world: World,
    email: str = "pat@example.test",
    doctor: ApiClient | None = None,
) -> tuple[str, ApiClient]:
    doctor = doctor or await world.practitioner()
    return await world.patient(doctor, email=email, sessions=(SESSION_DAY,))


@dataclasses.dataclass(frozen=True)
class DeliveryRow:
    channel: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None


async def deliveries(db: Database, channel: str | None = None) -> list[DeliveryRow]:
    query = select(
        Delivery.channel,
        Delivery.status,
        Delivery.attempts,
        Delivery.next_attempt_at,
        Delivery.last_error,
        Delivery.sent_at,
    ).order_by(Delivery.channel, Delivery.created_at)
    if channel is not None:
        query = query.where(Delivery.channel == channel)
    async with db.read() as conn:
        return [DeliveryRow(**row._asdict()) for row in await conn.execute(query)]


async def count(db: Database, model: type[Any]) -> int:
    async with db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(model)) or 0)


async def dispatch(jobs: JobContext, at: datetime) -> DispatchReport:
    jobs.clock.set(at)  # type: ignore[attr-defined]
    return await dispatch_deliveries(jobs.db, jobs.channels, at)


async def prompted_subscriber(
    world: World, jobs: JobContext, push_service: PushService
) -> ApiClient:
    """A patient subscribed to push whose prompt was made at T (nothing dispatched yet)."""
    _, client = await patient(world)
    await subscribe(client, push_service)
    jobs.clock.set(T)  # type: ignore[attr-defined]
    assert await fan_out_prompts_job(jobs, T) == 1
    return client


def header(push: ReceivedPush, name: str) -> str:
    """A request header, by its case-insensitive name."""
    found = {key.lower(): value for key, value in push.headers.items()}
    return found[name.lower()]


def nothing(report: DispatchReport) -> bool:
    return (report.sent, report.retrying, report.gave_up) == (0, 0, 0)


# --- One prompt, every channel --------------------------------------------------------------


async def test_a_prompt_reaches_the_inbox_a_push_and_an_email(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    _, client = await patient(world)
    token = await subscribe(client, push_service)

    clock.set(T)
    report = await run_all_ticks(jobs, T)
    assert (report.prompts, report.reminders, report.digests) == (1, 0, 0)
    assert (report.dispatch.sent, report.dispatch.retrying, report.dispatch.gave_up) == (2, 0, 0)

    inbox = (await client.get("/api/me/notifications")).json()
    assert len(inbox) == 1
    item = inbox[0]
    assert (item["title"], item["body"]) == CHECKIN_COPY
    assert (item["kind"], item["local_date"]) == ("checkin", "2026-03-10")

    await push_service.wait_for(1)
    assert push_service.problems == []
    [push] = push_service.received
    assert push.token == token
    assert push.status == 201
    assert push.payload is not None
    assert set(push.payload) == PAYLOAD_KEYS
    assert push.payload == {
        "title": item["title"],
        "body": item["body"],
        "url": "/#/today",
        "kind": "checkin",
        "local_date": "2026-03-10",
    }
    assert push.vapid_claims["aud"] == push_service.origin
    assert push.vapid_claims["sub"] == "mailto:clinic@afterline.test"
    # The message is only worth showing until the patient's day ends (midnight, 5 h away),
    # and repeats of the same notification replace each other at the push service.
    assert header(push, "TTL") == str(5 * 3600)
    assert header(push, "Topic") == uuid.UUID(item["id"]).hex

    [email] = smtp_server.messages
    assert email.recipients == ["pat@example.test"]
    assert email.mail_from == "clinic@afterline.test"
    assert email.subject == CHECKIN_COPY[0]
    plain = email.part("plain")
    assert "Hello Pat," in plain
    assert CHECKIN_COPY[1] in plain
    assert "https://afterline.test/#/today" in plain
    html = email.part("html")
    assert '<a href="https://afterline.test/#/today">' in html
    assert "How are your treated veins today?" in html

    sent = await deliveries(jobs.db)
    assert [(row.channel, row.status, row.attempts) for row in sent] == [
        ("email", "sent", 1),
        ("push", "sent", 1),
    ]
    assert all(row.sent_at == T and row.last_error is None for row in sent)

    # A second tick the same minute makes and sends nothing more.
    again = await run_all_ticks(jobs, T)
    assert (again.prompts, again.dispatch.sent) == (0, 0)
    assert len(push_service.received) == 1
    assert len(smtp_server.messages) == 1


async def test_two_subscriptions_get_one_push_each(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService
) -> None:
    _, client = await patient(world)
    phone = await subscribe(client, push_service)
    laptop = await subscribe(client, push_service)

    clock.set(T)
    report = await run_all_ticks(jobs, T)
    assert report.dispatch.sent == 3  # two pushes and an email

    assert push_service.problems == []
    assert sorted(push.token for push in push_service.delivered()) == sorted([phone, laptop])
    payloads = [push.payload for push in push_service.received]
    assert payloads[0] == payloads[1]
    assert payloads[0] is not None and payloads[0]["kind"] == "checkin"


async def test_the_reminder_is_pushed_three_hours_after_an_unanswered_prompt(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService
) -> None:
    _, client = await patient(world)
    await subscribe(client, push_service)
    clock.set(T)
    await run_all_ticks(jobs, T)

    before = await run_all_ticks(jobs, T + timedelta(hours=3) - secs(60))
    assert before.reminders == 0
    after = await run_all_ticks(jobs, T + timedelta(hours=3))
    assert after.reminders == 1

    kinds = [push.payload["kind"] for push in push_service.delivered() if push.payload]
    assert kinds == ["checkin", "reminder"]
    assert header(push_service.received[1], "TTL") == str(2 * 3600)


async def test_no_reminder_when_three_hours_later_is_the_next_day(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService
) -> None:
    doctor = await world.practitioner()
    _, client = await world.patient(doctor, sessions=(SESSION_DAY,), checkin_time="21:30")
    await subscribe(client, push_service)
    asked = datetime(2026, 3, 10, 21, 30, tzinfo=UTC)
    clock.set(asked)
    assert (await run_all_ticks(jobs, asked)).prompts == 1

    for at in (MIDNIGHT - secs(60), asked + timedelta(hours=3)):
        clock.set(at)
        report = await run_all_ticks(jobs, at)
        assert report.reminders == 0
    assert [push.payload["kind"] for push in push_service.received if push.payload] == ["checkin"]


async def test_two_dispatchers_at_once_send_each_delivery_once(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    doctor = await world.practitioner()
    for name in ("ann", "ben", "cat"):
        _, client = await patient(world, f"{name}@example.test", doctor)
        await subscribe(client, push_service)
    clock.set(T)
    assert await fan_out_prompts_job(jobs, T) == 3

    first, second = await asyncio.gather(dispatch(jobs, T), dispatch(jobs, T))
    assert first.sent + second.sent == 6
    assert len(push_service.received) == 3
    assert len({push.token for push in push_service.received}) == 3
    assert sorted(email.recipients[0] for email in smtp_server.messages) == [
        "ann@example.test",
        "ben@example.test",
        "cat@example.test",
    ]
    assert nothing(await dispatch(jobs, T + timedelta(minutes=10)))


# --- Answers from the push service ----------------------------------------------------------


async def test_410_gives_up_removes_the_subscription_and_later_prompts_are_not_pushed(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    _, client = await patient(world)
    await subscribe(client, push_service, answers=(410,))

    clock.set(T)
    report = await run_all_ticks(jobs, T)
    assert report.dispatch.subscriptions_removed == 1
    assert (report.dispatch.sent, report.dispatch.gave_up) == (1, 1)  # the email; the push
    [push] = await deliveries(jobs.db, "push")
    assert (push.status, push.attempts) == ("gave_up", 1)
    assert push.last_error is not None and "410" in push.last_error
    assert await count(jobs.db, PushSubscription) == 0

    # The reminder three hours later goes by email only.
    later = await run_all_ticks(jobs, T + timedelta(hours=3))
    assert later.reminders == 1
    assert (later.dispatch.sent, later.dispatch.gave_up) == (1, 0)
    assert len(push_service.received) == 1
    assert len(await deliveries(jobs.db, "push")) == 1
    assert [email.subject for email in smtp_server.messages] == [
        CHECKIN_COPY[0],
        "Reminder: today's check-in",
    ]


async def test_404_also_means_the_browser_unsubscribed(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService
) -> None:
    _, client = await patient(world)
    await subscribe(client, push_service, answers=(404,))
    clock.set(T)
    report = await run_all_ticks(jobs, T)
    assert report.dispatch.subscriptions_removed == 1
    assert await count(jobs.db, PushSubscription) == 0


async def test_500s_are_retried_after_30_then_60_seconds_and_nothing_is_sent_in_between(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService
) -> None:
    _, client = await patient(world)
    token = await subscribe(client, push_service, answers=(500, 500))

    clock.set(T)
    first = await run_all_ticks(jobs, T)
    assert first.dispatch.retrying == 1
    [push] = await deliveries(jobs.db, "push")
    assert (push.status, push.attempts, push.next_attempt_at) == ("failed", 1, T + secs(30))
    assert push.last_error is not None and "500" in push.last_error

    assert nothing(await dispatch(jobs, T + secs(29)))
    assert len(push_service.received) == 1

    second = await dispatch(jobs, T + secs(30))
    assert (second.sent, second.retrying) == (0, 1)
    [push] = await deliveries(jobs.db, "push")
    assert (push.status, push.attempts, push.next_attempt_at) == ("failed", 2, T + secs(90))

    assert nothing(await dispatch(jobs, T + secs(89)))
    assert len(push_service.received) == 2

    third = await dispatch(jobs, T + secs(90))
    assert (third.sent, third.retrying, third.gave_up) == (1, 0, 0)
    [push] = await deliveries(jobs.db, "push")
    assert (push.status, push.attempts, push.sent_at, push.last_error) == (
        "sent",
        3,
        T + secs(90),
        None,
    )
    assert [(p.token, p.status) for p in push_service.received] == [
        (token, 500),
        (token, 500),
        (token, 201),
    ]
    assert push_service.problems == []
    assert nothing(await dispatch(jobs, T + timedelta(minutes=30)))


async def test_six_failures_give_up_keeping_the_last_error(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService
) -> None:
    _, client = await patient(world)
    await subscribe(client, push_service, answers=(500,) * 10)
    assert MAX_ATTEMPTS == 6

    clock.set(T)
    await run_all_ticks(jobs, T)
    # Waits of 30 s, 1, 2, 4 and 8 minutes between the six attempts.
    for attempt, at in enumerate((30, 90, 210, 450, 930), start=2):
        [push] = await deliveries(jobs.db, "push")
        assert (push.status, push.attempts) == ("failed", attempt - 1)
        assert push.next_attempt_at == T + secs(at)
        assert nothing(await dispatch(jobs, T + secs(at - 1)))
        report = await dispatch(jobs, T + secs(at))
        assert (report.sent, report.retrying + report.gave_up) == (0, 1)

    [push] = await deliveries(jobs.db, "push")
    assert (push.status, push.attempts, push.sent_at) == ("gave_up", 6, None)
    assert push.last_error is not None and "500" in push.last_error
    assert [p.status for p in push_service.received] == [500] * 6
    assert nothing(await dispatch(jobs, T + timedelta(hours=1)))
    assert len(push_service.received) == 6


# --- Checks made just before sending --------------------------------------------------------


@pytest.mark.parametrize("channel", ["push", "email"])
async def test_a_channel_turned_off_gets_no_delivery(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
    channel: str,
) -> None:
    _, client = await patient(world)
    await subscribe(client, push_service)
    off = await client.patch("/api/me/preferences", json={"channels": {channel: False}})
    assert off.status_code == 200, off.text

    clock.set(T)
    report = await run_all_ticks(jobs, T)
    assert report.prompts == 1
    assert report.dispatch.sent == 1
    assert [row.channel for row in await deliveries(jobs.db)] == [
        "push" if channel == "email" else "email"
    ]
    assert len(push_service.received) == (0 if channel == "push" else 1)
    assert len(smtp_server.messages) == (0 if channel == "email" else 1)
    # The inbox gets the prompt whatever the channels.
    assert len((await client.get("/api/me/notifications")).json()) == 1


@pytest.mark.parametrize("channel", ["push", "email"])
async def test_a_channel_turned_off_after_queueing_is_not_sent(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
    channel: str,
) -> None:
    client = await prompted_subscriber(world, jobs, push_service)

    off = await client.patch("/api/me/preferences", json={"channels": {channel: False}})
    assert off.status_code == 200, off.text
    report = await dispatch(jobs, T + secs(5))
    assert (report.sent, report.gave_up) == (1, 1)
    [row] = await deliveries(jobs.db, channel)
    assert row.status == "gave_up"
    assert row.last_error == f"not sent: the patient turned {channel} off"
    assert len(push_service.received) == (0 if channel == "push" else 1)
    assert len(smtp_server.messages) == (0 if channel == "email" else 1)


async def test_without_smtp_settings_there_are_no_email_deliveries(
    world: World,
    settings: Settings,
    db: Database,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    _, client = await patient(world)
    await subscribe(client, push_service)
    push_only = dataclasses.replace(settings, push_endpoint_allow=(push_service.origin,))
    assert push_only.smtp is None
    ctx = JobContext(db=db, channels=Channels.from_settings(push_only), clock=clock)
    try:
        clock.set(T)
        report = await run_all_ticks(ctx, T)
        assert report.prompts == 1
        assert report.dispatch.sent == 1
        assert [row.channel for row in await deliveries(db)] == ["push"]
        assert len(push_service.delivered()) == 1
        assert push_service.problems == []
        # Without a sender address the VAPID subject falls back to the site's https URL.
        assert push_service.received[0].vapid_claims["sub"] == "https://afterline.test"
        assert smtp_server.messages == []
    finally:
        await ctx.channels.close()


async def test_a_delivery_whose_day_has_ended_gives_up_unsent(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    await prompted_subscriber(world, jobs, push_service)

    # The worker was down until after the patient's midnight.
    report = await dispatch(jobs, MIDNIGHT)
    assert (report.sent, report.gave_up) == (0, 2)
    rows = await deliveries(jobs.db)
    assert [(row.status, row.last_error) for row in rows] == [
        ("gave_up", "not sent: the day it was for has ended")
    ] * 2
    assert push_service.received == []
    assert smtp_server.messages == []


async def test_a_delivery_due_just_before_midnight_is_still_sent(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService
) -> None:
    await prompted_subscriber(world, jobs, push_service)

    report = await dispatch(jobs, MIDNIGHT - secs(60))
    assert report.sent == 2
    [push] = push_service.received
    assert header(push, "TTL") == "60"


async def test_a_patient_who_checks_in_before_dispatch_is_not_sent_the_prompt(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    client = await prompted_subscriber(world, jobs, push_service)

    clock.set(T + secs(20))
    done = await client.put(f"/api/me/checkins/{TODAY}", json=checkin_body(T + secs(20)))
    assert done.status_code == 201, done.text

    report = await dispatch(jobs, T + secs(30))
    assert (report.sent, report.gave_up) == (0, 2)
    assert {row.last_error for row in await deliveries(jobs.db)} == {
        "not sent: the patient has already checked in"
    }
    assert push_service.received == []
    assert smtp_server.messages == []
    # Nor is there a reminder later.
    assert await remind_missed_job(jobs, T + timedelta(hours=3)) == 0


async def test_a_deactivated_patient_is_not_sent_the_prompt(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    doctor = await world.practitioner()
    patient_id, client = await patient(world, doctor=doctor)
    await subscribe(client, push_service)
    clock.set(T)
    assert await fan_out_prompts_job(jobs, T) == 1

    await doctor.login("dr@clinic-a.test")  # hours on: signed in again
    response = await doctor.patch(f"/api/patients/{patient_id}", json={"active": False})
    assert response.status_code == 200, response.text

    report = await dispatch(jobs, T + secs(30))
    assert (report.sent, report.gave_up) == (0, 2)
    assert {row.last_error for row in await deliveries(jobs.db)} == {
        "not sent: the patient is deactivated"
    }
    assert push_service.received == []
    assert smtp_server.messages == []
    later = await run_all_ticks(jobs, T + timedelta(hours=3))
    assert (later.reminders, later.dispatch.sent) == (0, 0)


async def test_a_subscription_removed_before_dispatch_is_not_pushed(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService
) -> None:
    client = await prompted_subscriber(world, jobs, push_service)

    gone = await client.delete("/api/me/push-subscription")
    assert gone.status_code == 204, gone.text
    report = await dispatch(jobs, T + secs(5))
    assert (report.sent, report.gave_up) == (1, 1)  # the email still goes
    [push] = await deliveries(jobs.db, "push")
    assert (push.status, push.last_error) == (
        "gave_up",
        "not sent: the push subscription was removed or moved to another user",
    )
    assert push_service.received == []


# --- The practitioners' digest --------------------------------------------------------------

SETUP_DAY = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
EARLIER_DAYS = (date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9))
MORNING = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)  # 07:00 in London (GMT)


def evening(day: date, hour: int = 19) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


@dataclasses.dataclass
class DigestWorld:
    doctors: dict[str, ApiClient]
    patients: dict[str, ApiClient]


@pytest.fixture
async def digest_world(
    world: World, jobs: JobContext, clock: FrozenClock
) -> AsyncIterator[DigestWorld]:
    """Clinic A: Missy never answers, Rosa's pain rises 2, 4, 6, Gail is steady. Clinic B:
    Bea is steady. Three evenings of prompts before the morning of 2026-03-10."""
    clock.set(SETUP_DAY)
    doctors = {
        "a1": await world.practitioner("dr1@clinic-a.test", "Clinic A"),
        "a2": await world.practitioner("dr2@clinic-a.test", "Clinic A"),
        "b": await world.practitioner("dr@clinic-b.test", "Clinic B"),
    }
    patients: dict[str, ApiClient] = {}
    for name, doctor in (("missy", "a1"), ("rosa", "a1"), ("gail", "a2"), ("bea", "b")):
        _, patients[name] = await world.patient(
            doctors[doctor], email=f"{name}@example.test", sessions=(SETUP_DAY.date(),)
        )
    for day, pain in zip(EARLIER_DAYS, (2, 4, 6), strict=True):
        clock.set(evening(day, 18))
        for name, score in (("rosa", pain), ("gail", 3), ("bea", 1)):
            response = await patients[name].put(
                f"/api/me/checkins/{day}", json=checkin_body(clock.now(), pain=score)
            )
            assert response.status_code == 201, response.text
        clock.set(evening(day))
        assert await fan_out_prompts_job(jobs, clock.now()) == 1  # Missy's
    yield DigestWorld(doctors, patients)


async def test_digest_at_07_00_clinic_time_once_per_practitioner_and_day(
    digest_world: DigestWorld,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
) -> None:
    clock.set(MORNING - secs(60))
    # Practitioners' sessions end after 12 idle hours, and the setup took days.
    doctors = digest_world.doctors
    for key, address in (("a1", "dr1@clinic-a.test"), ("b", "dr@clinic-b.test")):
        await doctors[key].login(address)
    dr1, dr_b = doctors["a1"], doctors["b"]
    await subscribe(dr1, push_service)

    early = await run_all_ticks(jobs, MORNING - secs(60))
    assert early.digests == 0
    assert smtp_server.messages == []
    assert push_service.received == []

    clock.set(MORNING)
    report = await run_all_ticks(jobs, MORNING)
    assert report.digests == 2
    assert report.dispatch.sent == 3  # two emails and dr1's push

    assert sorted(email.recipients[0] for email in smtp_server.messages) == [
        "dr1@clinic-a.test",
        "dr2@clinic-a.test",
    ]
    for email in smtp_server.messages:
        assert email.subject == "Daily digest: 2 patients need attention"
        plain = email.part("plain")
        assert "Patients who need attention on 2026-03-10:" in plain
        assert "- Missy: missed 3 check-ins in the last week" in plain
        assert "- Rosa: pain rising over the last 3 check-ins (2, 4, 6)" in plain
        assert "Gail" not in plain and "Bea" not in plain
        assert "https://afterline.test/#/patients" in plain
        html = email.part("html")
        assert "<li>Missy: missed 3 check-ins in the last week</li>" in html
        assert "<li>Rosa: pain rising over the last 3 check-ins (2, 4, 6)</li>" in html

    [push] = push_service.received
    assert push_service.problems == []
    assert push.payload is not None
    assert (push.payload["kind"], push.payload["url"], push.payload["local_date"]) == (
        "digest",
        "/#/patients",
        "2026-03-10",
    )

    inbox_b = await dr_b.get("/api/me/notifications")
    assert inbox_b.status_code == 200, inbox_b.text
    assert inbox_b.json() == []
    inbox_a1 = (await dr1.get("/api/me/notifications")).json()
    assert [(item["kind"], item["title"]) for item in inbox_a1] == [
        ("digest", "Daily digest: 2 patients need attention")
    ]

    for later in (MORNING + secs(60), MORNING + timedelta(hours=11)):
        clock.set(later)
        again = await run_all_ticks(jobs, later)
        assert (again.digests, again.dispatch.sent) == (0, 0)
    assert len(smtp_server.messages) == 2
    assert await count(jobs.db, Notification) == 3 + 2  # Missy's prompts, the digests

    # Eight days on, the missed prompts and Rosa's check-ins are out of the 7-day window.
    quiet = MORNING + timedelta(days=8)
    clock.set(quiet)
    nobody = await run_all_ticks(jobs, quiet)
    assert (nobody.digests, nobody.dispatch.sent) == (0, 0)
    assert len(smtp_server.messages) == 2


async def test_no_digest_when_nobody_needs_attention(
    world: World, jobs: JobContext, clock: FrozenClock, smtp_server: SmtpSink
) -> None:
    doctor = await world.practitioner()
    _, client = await world.patient(doctor, sessions=(SESSION_DAY,))
    clock.set(evening(SESSION_DAY, 18))
    response = await client.put(
        f"/api/me/checkins/{SESSION_DAY}", json=checkin_body(clock.now(), pain=2)
    )
    assert response.status_code == 201, response.text
    assert await fan_out_prompts_job(jobs, evening(SESSION_DAY)) == 0

    clock.set(MORNING)
    report = await run_all_ticks(jobs, MORNING)
    assert report.digests == 0
    assert smtp_server.messages == []
    assert (await doctor.get("/api/me/notifications")).json() == []


async def test_the_digest_follows_the_clinics_clock_across_the_dst_change(
    world: World, jobs: JobContext, clock: FrozenClock, smtp_server: SmtpSink
) -> None:
    """On 2026-03-30 London is on BST: 07:00 there is 06:00 UTC."""
    clock.set(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    doctor = await world.practitioner()
    await world.patient(doctor, sessions=(date(2026, 3, 28),))
    # 19:00 in London: GMT on the 28th, BST on the 29th.
    for prompt_at in (evening(date(2026, 3, 28)), evening(date(2026, 3, 29), 18)):
        clock.set(prompt_at)
        assert await fan_out_prompts_job(jobs, prompt_at) == 1

    before = datetime(2026, 3, 30, 5, 59, tzinfo=UTC)
    clock.set(before)
    assert (await run_all_ticks(jobs, before)).digests == 0
    at = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    clock.set(at)
    report = await run_all_ticks(jobs, at)
    assert report.digests == 1
    [email] = smtp_server.messages
    assert email.recipients == ["dr@clinic-a.test"]
    assert "- Pat: missed 2 check-ins in the last week" in email.part("plain")


# --- Found while writing these tests --------------------------------------------------------


async def test_a_moved_subscription_does_not_get_the_previous_owners_queued_push(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
) -> None:
    """A shared browser profile: Alice's prompt is queued for the device, then Bob signs in
    there and subscribes the same endpoint, which moves it to him (so that Alice's prompts
    stop appearing on a device she no longer uses). Her queued push must not go to it."""
    doctor = await world.practitioner()
    _, alice = await patient(world, "alice@example.test", doctor)
    _, bob = await patient(world, "bob@example.test", doctor)
    shared = push_service.subscribe()
    assert (await alice.put("/api/me/push-subscription", json=shared)).status_code == 201
    clock.set(T)
    assert await fan_out_prompts_job(jobs, T) == 2  # Bob has no subscription yet: email only

    moved = await bob.put("/api/me/push-subscription", json=shared)
    assert moved.status_code == 200, moved.text
    await dispatch(jobs, T + secs(5))

    assert push_service.received == [], "Alice's prompt was pushed to Bob's device"
    [push] = await deliveries(jobs.db, "push")
    assert push.status == "gave_up"


async def test_the_digest_lists_two_patients_who_share_a_name_separately(
    world: World, jobs: JobContext, clock: FrozenClock, smtp_server: SmtpSink
) -> None:
    """Two patients called "Pat" (pat@one.test, pat@two.test) both miss check-ins: the
    digest must count and list both, not fold them into one line."""
    clock.set(SETUP_DAY)
    doctor = await world.practitioner()
    await world.patient(doctor, email="pat@one.test", sessions=(SETUP_DAY.date(),))
    _, two = await world.patient(doctor, email="pat@two.test", sessions=(SETUP_DAY.date(),))
    for day in EARLIER_DAYS[:2]:
        clock.set(evening(day))
        assert await fan_out_prompts_job(jobs, clock.now()) == 2
    clock.set(evening(EARLIER_DAYS[1], 20))  # Pat Two answers the second prompt late
    late = await two.put(
        f"/api/me/checkins/{EARLIER_DAYS[1]}", json=checkin_body(clock.now(), pain=1)
    )
    assert late.status_code == 201, late.text

    clock.set(MORNING)
    report = await run_all_ticks(jobs, MORNING)
    assert report.digests == 1
    [email] = smtp_server.messages
    plain = email.part("plain")
    assert email.subject == "Daily digest: 2 patients need attention", plain
    assert "- Pat: missed 2 check-ins in the last week" in plain
    assert "- Pat: missed 1 check-in in the last week" in plain
