"""A prompt's day ends at the patient's local midnight, not UTC's: pinned away from UTC+0.

The other delivery tests use a London patient in March, when London is on UTC, so a day end
computed in UTC passed them all. Here the patients live west of UTC (New York, on summer
time since 2026-03-08), east of it (Auckland, UTC+13) and half an hour off it (Kolkata,
UTC+5:30). Each expected instant is written out, not computed by the code under test.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from api.core.clock import FrozenClock
from api.notifications.models import Notification
from jobs.ticks import JobContext, fan_out_prompts_job
from tests.api.test_delivery import (
    SESSION_DAY,
    deliveries,
    dispatch,
    header,
    subscribe,
)
from tests.conftest import World
from tests.receivers import PushService, SmtpSink

pytestmark = pytest.mark.channels


@dataclasses.dataclass(frozen=True)
class Zone:
    name: str
    asked: datetime  # 19:00 local on a day the patient is due, in UTC
    local_date: str
    day_end: datetime  # the next local midnight, in UTC


ZONES = [
    Zone(
        "America/New_York",
        datetime(2026, 3, 10, 23, 0, tzinfo=UTC),  # 19:00 EDT (UTC-4)
        "2026-03-10",
        datetime(2026, 3, 11, 4, 0, tzinfo=UTC),
    ),
    Zone(
        "Pacific/Auckland",
        datetime(2026, 3, 11, 6, 0, tzinfo=UTC),  # 19:00 NZDT (UTC+13)
        "2026-03-11",
        datetime(2026, 3, 11, 11, 0, tzinfo=UTC),
    ),
    Zone(
        "Asia/Kolkata",
        datetime(2026, 3, 10, 13, 30, tzinfo=UTC),  # 19:00 IST (UTC+5:30)
        "2026-03-10",
        datetime(2026, 3, 10, 18, 30, tzinfo=UTC),
    ),
]
FIVE_HOURS = str(5 * 3600)


async def prompted(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService, zone: Zone
) -> str:
    """A subscribed patient in `zone`, prompted at 19:00 local; returns the push token."""
    doctor = await world.practitioner()
    _, client = await world.patient(doctor, timezone=zone.name, sessions=(SESSION_DAY,))
    token = await subscribe(client, push_service)
    clock.set(zone.asked)
    assert await fan_out_prompts_job(jobs, zone.asked) == 1
    [item] = (await client.get("/api/me/notifications")).json()
    assert item["local_date"] == zone.local_date
    async with world.db.read() as conn:
        expires = await conn.scalar(select(Notification.expires_at))
    assert expires == zone.day_end
    return token


@pytest.mark.parametrize("zone", ZONES, ids=lambda zone: zone.name)
async def test_the_push_lives_until_the_patients_midnight(
    world: World, jobs: JobContext, clock: FrozenClock, push_service: PushService, zone: Zone
) -> None:
    token = await prompted(world, jobs, clock, push_service, zone)
    report = await dispatch(jobs, zone.asked)
    assert report.sent == 2
    [push] = push_service.for_token(token)
    assert header(push, "TTL") == FIVE_HOURS


@pytest.mark.parametrize("zone", ZONES, ids=lambda zone: zone.name)
async def test_a_second_before_the_patients_midnight_the_prompt_is_still_sent(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
    zone: Zone,
) -> None:
    token = await prompted(world, jobs, clock, push_service, zone)
    report = await dispatch(jobs, zone.day_end - timedelta(seconds=1))
    assert (report.sent, report.gave_up) == (2, 0)
    [push] = push_service.for_token(token)
    assert header(push, "TTL") == "60"  # one second left; push services get a minute at least
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("zone", ZONES, ids=lambda zone: zone.name)
async def test_at_the_patients_midnight_the_prompt_gives_up_unsent(
    world: World,
    jobs: JobContext,
    clock: FrozenClock,
    push_service: PushService,
    smtp_server: SmtpSink,
    zone: Zone,
) -> None:
    await prompted(world, jobs, clock, push_service, zone)
    report = await dispatch(jobs, zone.day_end)
    assert (report.sent, report.gave_up) == (0, 2)
    assert {(row.status, row.last_error) for row in await deliveries(jobs.db)} == {
        ("gave_up", "not sent: the day it was for has ended")
    }
    assert push_service.received == []
    assert smtp_server.messages == []
