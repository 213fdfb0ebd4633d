"""The device-clock allowance on a check-in's `recorded_at`, pinned at both of its edges.

A device clock up to one day fast is accepted, a second more is not; the year-2000 floor
likewise. Tested at the edge (not at +10 days), so widening the allowance to a week, or
turning `>` into `>=`, fails here. Instants are compared, not clock faces: an edge written
in another offset is the same edge.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api.test_checkins import TODAY, my_checkins, patient_with_session, put
from tests.conftest import START, World, checkin_body

ONE_DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


def assert_refused(response: Any) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "recorded_at", response.text


@pytest.mark.parametrize(
    "recorded_at",
    [
        START + ONE_DAY,
        # The same instant written at UTC+14 and UTC-12: one day ahead, not more.
        datetime.fromisoformat("2026-03-12T02:00:00+14:00"),
        datetime.fromisoformat("2026-03-11T00:00:00-12:00"),
    ],
    ids=["utc", "plus_14", "minus_12"],
)
async def test_a_device_clock_exactly_one_day_fast_is_accepted(
    world: World, recorded_at: datetime
) -> None:
    assert recorded_at == START + ONE_DAY
    _, patient = await patient_with_session(world)
    response = await put(patient, TODAY, checkin_body(recorded_at))
    assert response.status_code == 201, response.text
    [stored] = await my_checkins(patient)
    assert datetime.fromisoformat(stored["recorded_at"]) == START + ONE_DAY


@pytest.mark.parametrize(
    "recorded_at",
    [
        START + ONE_DAY + SECOND,
        datetime.fromisoformat("2026-03-12T02:00:01+14:00"),
        START + timedelta(days=7),
    ],
    ids=["one_second_more", "plus_14_one_second_more", "a_week"],
)
async def test_a_device_clock_more_than_a_day_fast_is_refused(
    world: World, recorded_at: datetime
) -> None:
    _, patient = await patient_with_session(world)
    assert_refused(await put(patient, TODAY, checkin_body(recorded_at)))
    assert await my_checkins(patient) == []


async def test_the_allowance_follows_the_servers_clock_not_a_fixed_date(
    world: World,
) -> None:
    """Refused now, the same body is accepted once the server's clock has caught up."""
    _, patient = await patient_with_session(world)
    ahead = START + ONE_DAY + timedelta(minutes=1)
    assert_refused(await put(patient, TODAY, checkin_body(ahead)))
    world.clock.advance(timedelta(minutes=1))
    accepted = await put(patient, TODAY, checkin_body(ahead))
    assert accepted.status_code == 201, accepted.text


async def test_the_year_2000_floor_is_inclusive(world: World) -> None:
    _, patient = await patient_with_session(world)
    floor = datetime(2000, 1, 1, tzinfo=UTC)
    assert_refused(await put(patient, TODAY, checkin_body(floor - SECOND)))
    assert await my_checkins(patient) == []
    accepted = await put(patient, TODAY, checkin_body(floor))
    assert accepted.status_code == 201, accepted.text
