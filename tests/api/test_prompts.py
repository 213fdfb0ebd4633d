"""Check-in prompts and reminders (api.notifications.prompts), driven by a moving clock.

Every test calls the jobs with explicit instants, as a worker ticking would, and then reads
the exact `prompt` rows back from the database:

- Timezones and DST: patients in London, New York, Kolkata (+5:30) and Chatham (+12:45 /
  +13:45) are ticked every 15 minutes over the three local days around each 2026 DST change.
  Each gets exactly one `checkin` prompt per local date, made at the first tick at or after
  their local check-in time, including a time inside the spring-forward gap (prompted when
  the clock jumps past it) and a time in the repeated hour (prompted once, the first time).
- A check-in before the check-in time means no prompt that day.
- The plan decides: daily phase, then weekly days, up to the review date, never before the
  session, never for a deactivated patient, and a new session restarts the daily phase.
- Catch-up after downtime: later the same local day the prompt is still made; once the local
  day is over it is not, only the new day's.
- Reminders: one, 3 hours after an unanswered prompt, on the same local day only.
- Idempotence: the whole tick twice for the same instant sends nothing twice (rows, emails,
  pushes), and two workers on two engines make each prompt once.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from api.core.clock import FrozenClock
from api.core.db import Database
from api.notifications.models import Delivery, Notification, Prompt
from api.notifications.prompts import fan_out_prompts, remind_missed
from jobs.ticks import JobContext, run_all_ticks
from tests.conftest import ApiClient, World, checkin_body, session_body
from tests.receivers import PushService, SmtpSink

QUARTER = timedelta(minutes=15)
LONDON = "Europe/London"
# START is 2026-03-10 12:00 UTC; London is on GMT (UTC+0) until 29 March.
TODAY = date(2026, 3, 10)
YESTERDAY = date(2026, 3, 9)


# --- helpers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptRow:
    patient_id: str
    local_date: date
    kind: str
    created_at: datetime


async def prompts(db: Database, kind: str | None = None) -> list[PromptRow]:
    query = select(Prompt.patient_id, Prompt.local_date, Prompt.kind, Prompt.created_at)
    if kind is not None:
        query = query.where(Prompt.kind == kind)
    async with db.read() as conn:
        rows = (await conn.execute(query)).all()
    found = [
        PromptRow(str(row.patient_id), row.local_date, row.kind, row.created_at.astimezone(UTC))
        for row in rows
    ]
    return sorted(found, key=lambda row: (row.patient_id, row.local_date, row.kind))


async def prompted(db: Database, patient_id: str, kind: str = "checkin") -> dict[date, datetime]:
    """The patient's prompts of one kind: local date → when it was made."""
    rows = [row for row in await prompts(db, kind) if row.patient_id == patient_id]
    made = {row.local_date: row.created_at for row in rows}
    assert len(made) == len(rows), f"two {kind} prompts for one day: {rows}"
    return made


async def count(db: Database, model: type[Any]) -> int:
    async with db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(model)) or 0)


async def enrol(
    world: World,
    dr: ApiClient,
    email: str,
    performed_on: date,
    *,
    timezone: str = LONDON,
    checkin_time: str = "19:00",
    **session: Any,
) -> tuple[str, ApiClient]:
    """A patient who accepted their invite, with one session (`session` overrides its body)."""
    patient_id, client = await world.patient(
        dr, email=email, timezone=timezone, checkin_time=checkin_time
    )
    created = await dr.post(
        f"/api/patients/{patient_id}/sessions", json=session_body(performed_on, **session)
    )
    assert created.status_code == 201, created.text
    return patient_id, client


async def tick_prompts(db: Database, start: datetime, end: datetime, step: timedelta) -> int:
    """`fan_out_prompts` at start, start + step, … before `end`; returns prompts made."""
    made = 0
    now = start
    while now < end:
        made += await fan_out_prompts(db, now)
        now += step
    return made


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(day: date, hhmm: str, zone: str) -> datetime:
    """The UTC instant of a wall time that exists once (the first one if it repeats)."""
    wall = datetime.combine(day, time.fromisoformat(hhmm), tzinfo=ZoneInfo(zone))
    return wall.astimezone(UTC)


def due_instant(day: date, hhmm: str, zone: str) -> datetime:
    """The first instant at which the wall clock in `zone` on `day` reads `hhmm` or later.

    For a time that exists, or repeats, that is the time itself (its first occurrence: fold=0).
    For a time in a spring-forward gap, it is the jump: the instant lies between the readings
    of the time with the offsets before and after the change, found minute by minute.
    """
    tz = ZoneInfo(zone)
    wanted = time.fromisoformat(hhmm)
    wall = datetime.combine(day, wanted, tzinfo=tz)
    instant = wall.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return instant
    readings = sorted(wall.replace(fold=fold).astimezone(UTC) for fold in (0, 1))
    candidate = readings[0]
    while candidate <= readings[1]:
        seen = candidate.astimezone(tz)
        if seen.date() == day and seen.time() >= wanted:
            return candidate
        candidate += timedelta(minutes=1)
    raise AssertionError(f"{hhmm} never shows on {day} in {zone}")


def expected_prompts(
    zone: str, hhmm: str, days: Sequence[date], start: datetime, end: datetime, step: timedelta
) -> dict[date, datetime]:
    """What ticks at start, start + step, … before end must make: the first tick at or after
    the due instant (or `start`, if the day is already due then), if it is still that day."""
    tz = ZoneInfo(zone)
    expected: dict[date, datetime] = {}
    for day in days:
        due = max(due_instant(day, hhmm, zone), start)
        tick = start + step * math.ceil((due - start) / step)
        if tick < end and tick.astimezone(tz).date() == day:
            expected[day] = tick
    return expected


# --- timezones and DST ----------------------------------------------------------------------


@dataclass(frozen=True)
class DstCase:
    zone: str
    change: date
    # check-in time → when the prompt of the change day must be made (hand-computed).
    on_change_day: dict[str, datetime]


DST_CASES = [
    pytest.param(
        DstCase(
            LONDON,
            date(2026, 3, 29),  # 01:00 GMT → 02:00 BST
            {
                "01:30": utc(2026, 3, 29, 1, 0),  # in the gap: prompted at the jump
                "02:00": utc(2026, 3, 29, 1, 0),  # first wall time after the jump
                "00:45": utc(2026, 3, 29, 0, 45),  # still GMT
                "08:07": utc(2026, 3, 29, 7, 15),  # 08:07 BST = 07:07Z; next tick
                "19:00": utc(2026, 3, 29, 18, 0),  # BST
            },
        ),
        id="london-spring",
    ),
    pytest.param(
        DstCase(
            LONDON,
            date(2026, 10, 25),  # 02:00 BST → 01:00 GMT: 01:00-01:59 happen twice
            {
                "01:30": utc(2026, 10, 25, 0, 30),  # the first 01:30 (BST) only
                "01:00": utc(2026, 10, 25, 0, 0),
                "02:00": utc(2026, 10, 25, 2, 0),  # GMT
                "00:00": utc(2026, 10, 24, 23, 0),  # midnight BST
                "19:00": utc(2026, 10, 25, 19, 0),
            },
        ),
        id="london-autumn",
    ),
    pytest.param(
        DstCase(
            "America/New_York",
            date(2026, 3, 8),  # 02:00 EST → 03:00 EDT
            {
                "02:30": utc(2026, 3, 8, 7, 0),  # in the gap: at the jump, 07:00Z
                "07:00": utc(2026, 3, 8, 11, 0),  # EDT
                "01:45": utc(2026, 3, 8, 6, 45),  # EST
                "19:00": utc(2026, 3, 8, 23, 0),
            },
        ),
        id="new-york-spring",
    ),
    pytest.param(
        DstCase(
            "America/New_York",
            date(2026, 11, 1),  # 02:00 EDT → 01:00 EST: 01:00-01:59 happen twice
            {
                "01:30": utc(2026, 11, 1, 5, 30),  # the first 01:30 (EDT)
                "07:00": utc(2026, 11, 1, 12, 0),  # EST
                "19:00": utc(2026, 11, 2, 0, 0),
            },
        ),
        id="new-york-autumn",
    ),
    pytest.param(
        DstCase(
            "Pacific/Chatham",
            date(2026, 4, 5),  # 03:45 +13:45 → 02:45 +12:45: 02:45-03:44 happen twice
            {
                "03:00": utc(2026, 4, 4, 13, 15),  # the first 03:00 (+13:45)
                "07:00": utc(2026, 4, 4, 18, 15),  # +12:45
                "19:00": utc(2026, 4, 5, 6, 15),
            },
        ),
        id="chatham-autumn",
    ),
    pytest.param(
        DstCase(
            "Pacific/Chatham",
            date(2026, 9, 27),  # 02:45 +12:45 → 03:45 +13:45
            {
                "03:00": utc(2026, 9, 26, 14, 0),  # in the gap: at the jump
                "03:45": utc(2026, 9, 26, 14, 0),  # first wall time after the jump
                "02:30": utc(2026, 9, 26, 13, 45),  # +12:45
                "19:00": utc(2026, 9, 27, 5, 15),  # +13:45
            },
        ),
        id="chatham-spring",
    ),
]
# In every case, a control patient whose zone has no DST, at a time between two ticks.
CONTROL_ZONE = "Asia/Kolkata"
CONTROL_TIME = "08:07"


@pytest.mark.parametrize("case", DST_CASES)
async def test_one_prompt_per_local_day_across_dst(
    world: World, db: Database, clock: FrozenClock, case: DstCase
) -> None:
    zone = ZoneInfo(case.zone)
    days = [case.change + timedelta(days=n) for n in range(-3, 4)]
    # Three local days: the day before the change, the change, the day after.
    start = datetime.combine(case.change - timedelta(days=1), time(0), tzinfo=zone)
    end = datetime.combine(case.change + timedelta(days=2), time(0), tzinfo=zone)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    assert start.minute % 15 == 0 and end.minute % 15 == 0
    clock.set(start)
    dr = await world.practitioner()
    patients: dict[str, tuple[str, str]] = {}  # patient id → (zone, check-in time)
    performed_on = case.change - timedelta(days=3)  # daily plan covers the whole window
    for n, hhmm in enumerate(case.on_change_day):
        patient_id, _ = await enrol(
            world, dr, f"p{n}@example.test", performed_on, timezone=case.zone, checkin_time=hhmm
        )
        patients[patient_id] = (case.zone, hhmm)
    control_id, _ = await enrol(
        world,
        dr,
        "control@example.test",
        performed_on,
        timezone=CONTROL_ZONE,
        checkin_time=CONTROL_TIME,
    )
    patients[control_id] = (CONTROL_ZONE, CONTROL_TIME)

    made = await tick_prompts(db, start, end, QUARTER)

    expected_total = 0
    for patient_id, (patient_zone, hhmm) in patients.items():
        expected = expected_prompts(patient_zone, hhmm, days, start, end, QUARTER)
        if patient_zone == case.zone:
            # Three local days, three prompts; the hand-computed change-day instant agrees.
            assert sorted(expected) == days[2:5], hhmm
            assert expected[case.change] == case.on_change_day[hhmm], hhmm
        assert await prompted(db, patient_id) == expected, (patient_zone, hhmm)
        expected_total += len(expected)
    assert made == expected_total
    assert await prompts(db, "reminder") == []
    # Each prompt has its inbox notification, for its local date.
    async with db.read() as conn:
        pairs = (
            await conn.execute(
                select(
                    Notification.local_date.label("notified"), Prompt.local_date.label("asked")
                ).join(Prompt, Prompt.id == Notification.prompt_id)
            )
        ).all()
    assert len(pairs) == expected_total
    assert all(row.notified == row.asked for row in pairs)


@pytest.mark.parametrize(
    ("zone", "day", "hhmm", "when"),
    [
        # The headline cases once more, with ticks every minute around the due time.
        (LONDON, date(2026, 3, 29), "01:30", utc(2026, 3, 29, 1, 0)),
        (LONDON, date(2026, 10, 25), "01:30", utc(2026, 10, 25, 0, 30)),
        ("America/New_York", date(2026, 3, 8), "02:10", utc(2026, 3, 8, 7, 0)),
        ("Asia/Kolkata", date(2026, 3, 29), "08:07", utc(2026, 3, 29, 2, 37)),
        ("Pacific/Chatham", date(2026, 9, 27), "03:01", utc(2026, 9, 26, 14, 0)),
        ("Pacific/Chatham", date(2026, 4, 5), "03:01", utc(2026, 4, 4, 13, 16)),
    ],
)
async def test_prompt_at_the_first_minute_due(
    world: World, db: Database, clock: FrozenClock, zone: str, day: date, hhmm: str, when: datetime
) -> None:
    clock.set(when - timedelta(hours=3))
    dr = await world.practitioner()
    patient_id, _ = await enrol(
        world, dr, "pat@example.test", day - timedelta(days=2), timezone=zone, checkin_time=hhmm
    )
    assert due_instant(day, hhmm, zone) == when
    # Every minute from an hour before to 90 minutes after (through any repeated hour).
    made = await tick_prompts(
        db, when - timedelta(hours=1), when + timedelta(minutes=90), timedelta(minutes=1)
    )
    assert made == 1
    assert await prompted(db, patient_id) == {day: when}


# --- who is asked, and when -----------------------------------------------------------------


async def test_checked_in_before_their_time_means_no_prompt(world: World, db: Database) -> None:
    dr = await world.practitioner()
    early, early_client = await enrol(world, dr, "early@example.test", YESTERDAY)
    late, _ = await enrol(world, dr, "late@example.test", YESTERDAY)
    saved = await early_client.put(f"/api/me/checkins/{TODAY}", json=checkin_body())
    assert saved.status_code == 201, saved.text

    made = await tick_prompts(db, utc(2026, 3, 10, 18, 0), utc(2026, 3, 11, 0, 0), QUARTER)
    assert made == 1
    assert await prompted(db, early) == {}
    assert await prompted(db, late) == {TODAY: utc(2026, 3, 10, 19, 0)}

    # Yesterday's check-in does not excuse today.
    await tick_prompts(db, utc(2026, 3, 11, 18, 0), utc(2026, 3, 12, 0, 0), QUARTER)
    assert await prompted(db, early) == {date(2026, 3, 11): utc(2026, 3, 11, 19, 0)}


async def test_daily_then_weekly_until_the_review_date(world: World, db: Database) -> None:
    """daily_days=3: days 0, 1, 2, then 7, 14, … up to and including the review date."""
    dr = await world.practitioner()
    plans = {
        # review_on: None = default (8 weeks, day 56); day 28 is weekly; day 27 is not.
        "default-review": None,
        "review-day-28": TODAY + timedelta(days=28),
        "review-day-27": TODAY + timedelta(days=27),
    }
    ids: dict[str, str] = {}
    for n, (name, review_on) in enumerate(plans.items()):
        extra: dict[str, Any] = {"daily_days": 3}
        if review_on is not None:
            extra["review_on"] = review_on.isoformat()
        ids[name], _ = await enrol(world, dr, f"p{n}@example.test", TODAY, **extra)

    # One tick at 19:00 London time each day, from 3 days before the session to day 63.
    zone = ZoneInfo(LONDON)
    for n in range(-3, 64):
        day = TODAY + timedelta(days=n)
        await fan_out_prompts(db, datetime.combine(day, time(19), tzinfo=zone).astimezone(UTC))

    def on(*numbers: int) -> list[date]:
        return [TODAY + timedelta(days=n) for n in numbers]

    assert sorted(await prompted(db, ids["default-review"])) == on(
        0, 1, 2, 7, 14, 21, 28, 35, 42, 49, 56
    )
    assert sorted(await prompted(db, ids["review-day-28"])) == on(0, 1, 2, 7, 14, 21, 28)
    assert sorted(await prompted(db, ids["review-day-27"])) == on(0, 1, 2, 7, 14, 21)
    # Made at the local 19:00: 19:00Z before the clocks change on 29 March, 18:00Z after.
    made = await prompted(db, ids["default-review"])
    assert made[TODAY + timedelta(days=14)] == utc(2026, 3, 24, 19, 0)
    assert made[TODAY + timedelta(days=21)] == utc(2026, 3, 31, 18, 0)


async def test_daily_days_zero_is_weekly_from_day_7(world: World, db: Database) -> None:
    dr = await world.practitioner()
    patient_id, _ = await enrol(world, dr, "pat@example.test", TODAY, daily_days=0)
    for n in range(0, 22):  # days 0 to 21
        await fan_out_prompts(db, utc(2026, 3, 10, 21, 0) + timedelta(days=n))
    assert sorted(await prompted(db, patient_id)) == [date(2026, 3, d) for d in (17, 24, 31)]


async def test_a_changed_plan_applies_from_the_next_tick(world: World, db: Database) -> None:
    """PATCH daily_days takes effect at once: the jobs read the plan from the session."""
    dr = await world.practitioner()
    patient_id, _ = await enrol(world, dr, "pat@example.test", date(2026, 3, 1), daily_days=3)
    assert await fan_out_prompts(db, utc(2026, 3, 10, 19, 0)) == 0  # day 9: not asked
    listed = await dr.get(f"/api/patients/{patient_id}/sessions")
    session_id = listed.json()[0]["id"]
    changed = await dr.patch(f"/api/sessions/{session_id}", json={"daily_days": 10})
    assert changed.status_code == 200, changed.text
    assert await fan_out_prompts(db, utc(2026, 3, 10, 19, 5)) == 1
    assert await prompted(db, patient_id) == {TODAY: utc(2026, 3, 10, 19, 5)}


async def test_deactivated_patient_is_not_asked(world: World, db: Database) -> None:
    dr = await world.practitioner()
    leaver, _ = await enrol(world, dr, "leaver@example.test", YESTERDAY)
    stayer, _ = await enrol(world, dr, "stayer@example.test", YESTERDAY)
    off = await dr.patch(f"/api/patients/{leaver}", json={"active": False})
    assert off.status_code == 200, off.text
    assert off.json()["active"] is False

    made = await tick_prompts(db, utc(2026, 3, 10, 18, 0), utc(2026, 3, 12, 0, 0), QUARTER)
    assert made == 2
    assert await prompted(db, leaver) == {}
    assert set(await prompted(db, stayer)) == {TODAY, date(2026, 3, 11)}
    assert await remind_missed(db, utc(2026, 3, 11, 22, 0)) == 1  # the stayer's only

    on = await dr.patch(f"/api/patients/{leaver}", json={"active": True})
    assert on.status_code == 200, on.text
    assert await fan_out_prompts(db, utc(2026, 3, 12, 19, 0)) == 2
    assert await prompted(db, leaver) == {date(2026, 3, 12): utc(2026, 3, 12, 19, 0)}


async def test_with_nobody_active_nobody_is_asked(world: World, db: Database) -> None:
    """The zone list comes from active patients; with none, the jobs make nothing."""
    dr = await world.practitioner()
    leaver, _ = await enrol(world, dr, "leaver@example.test", YESTERDAY)
    assert (await dr.patch(f"/api/patients/{leaver}", json={"active": False})).status_code == 200
    assert await fan_out_prompts(db, utc(2026, 3, 10, 19, 0)) == 0
    assert await remind_missed(db, utc(2026, 3, 10, 22, 0)) == 0
    assert await prompts(db) == []


async def test_a_new_session_restarts_the_daily_phase(
    world: World, db: Database, clock: FrozenClock
) -> None:
    dr = await world.practitioner()
    patient_id, _ = await enrol(world, dr, "pat@example.test", date(2026, 3, 1), daily_days=3)

    def evening(day: int) -> datetime:
        return utc(2026, 3, day, 19, 30)

    for n in range(1, 10):  # 1-9 March, before the second session exists
        await fan_out_prompts(db, evening(n))
    clock.set(utc(2026, 3, 10, 9, 0))
    second = await dr.post(
        f"/api/patients/{patient_id}/sessions", json=session_body(TODAY, daily_days=3)
    )
    assert second.status_code == 201, second.text
    for n in range(10, 26):
        await fan_out_prompts(db, evening(n))

    # First session: days 0-2 (1-3 March), day 7 (8 March). Second: days 0-2 (10-12 March),
    # 7 (17 March), 14 (24 March). The first session's day 14 (15 March) no longer counts.
    assert sorted(await prompted(db, patient_id)) == [
        date(2026, 3, day) for day in (1, 2, 3, 8, 10, 11, 12, 17, 24)
    ]


async def test_no_prompt_without_a_session(world: World, db: Database) -> None:
    dr = await world.practitioner()
    patient_id, _ = await world.patient(dr, email="new@example.test")
    with_session, _ = await enrol(world, dr, "treated@example.test", YESTERDAY)
    assert await fan_out_prompts(db, utc(2026, 3, 10, 19, 0)) == 1
    assert await prompted(db, patient_id) == {}
    assert set(await prompted(db, with_session)) == {TODAY}


async def test_two_sessions_on_one_day_make_one_prompt(world: World, db: Database) -> None:
    """Both sessions are the patient's latest; the patient is still asked once."""
    dr = await world.practitioner()
    patient_id, _ = await enrol(world, dr, "pat@example.test", YESTERDAY)
    again = await dr.post(f"/api/patients/{patient_id}/sessions", json=session_body(YESTERDAY))
    assert again.status_code == 201, again.text
    assert await fan_out_prompts(db, utc(2026, 3, 10, 19, 0)) == 1
    assert await fan_out_prompts(db, utc(2026, 3, 10, 19, 1)) == 0
    assert await prompted(db, patient_id) == {TODAY: utc(2026, 3, 10, 19, 0)}
    assert await count(db, Notification) == 1


# --- catch-up after downtime ----------------------------------------------------------------


async def test_downtime_within_the_local_day_catches_up(world: World, db: Database) -> None:
    dr = await world.practitioner()
    patient_id, _ = await enrol(world, dr, "pat@example.test", YESTERDAY)
    # Ticking until 18:45, then down until 21:30: the prompt is made at 21:30.
    assert await tick_prompts(db, utc(2026, 3, 10, 12, 0), utc(2026, 3, 10, 19, 0), QUARTER) == 0
    assert await fan_out_prompts(db, utc(2026, 3, 10, 21, 30)) == 1
    assert await tick_prompts(db, utc(2026, 3, 10, 21, 31), utc(2026, 3, 11, 0, 0), QUARTER) == 0
    assert await prompted(db, patient_id) == {TODAY: utc(2026, 3, 10, 21, 30)}


async def test_downtime_past_the_local_day_skips_it(world: World, db: Database) -> None:
    dr = await world.practitioner()
    london, _ = await enrol(world, dr, "london@example.test", YESTERDAY)
    # Kolkata is 5:30 ahead: its 21:00 is 15:30Z, and its next day starts at 18:30Z.
    kolkata, _ = await enrol(
        world, dr, "kolkata@example.test", YESTERDAY, timezone="Asia/Kolkata", checkin_time="21:00"
    )
    assert await tick_prompts(db, utc(2026, 3, 10, 12, 0), utc(2026, 3, 10, 15, 30), QUARTER) == 0

    # Down until 19:00Z: 10 March is over in Kolkata (00:30 on the 11th, before 21:00), so
    # Kolkata gets nothing; in London it is 19:00 on the 10th, so London is asked.
    assert await fan_out_prompts(db, utc(2026, 3, 10, 19, 0)) == 1
    assert await prompted(db, kolkata) == {}
    assert await prompted(db, london) == {TODAY: utc(2026, 3, 10, 19, 0)}

    # Down again until 11 March 16:00Z (21:30 in Kolkata): Kolkata's 11 March is made then;
    # London's 11 March at its 19:00; nobody ever gets a prompt for a day that is over.
    assert await fan_out_prompts(db, utc(2026, 3, 11, 16, 0)) == 1
    assert await tick_prompts(db, utc(2026, 3, 11, 16, 15), utc(2026, 3, 12, 0, 0), QUARTER) == 1
    assert await prompted(db, kolkata) == {date(2026, 3, 11): utc(2026, 3, 11, 16, 0)}
    assert await prompted(db, london) == {
        TODAY: utc(2026, 3, 10, 19, 0),
        date(2026, 3, 11): utc(2026, 3, 11, 19, 0),
    }


# --- reminders ------------------------------------------------------------------------------


async def test_reminder_three_hours_after_an_unanswered_prompt(world: World, db: Database) -> None:
    dr = await world.practitioner()
    silent, _ = await enrol(world, dr, "silent@example.test", YESTERDAY)
    answered, answered_client = await enrol(world, dr, "answered@example.test", YESTERDAY)
    # 21:30 + 3 h is 00:30 the next day: that reminder would be for a day that is over.
    late, _ = await enrol(world, dr, "late@example.test", YESTERDAY, checkin_time="21:30")

    prompt_at = utc(2026, 3, 10, 19, 0)
    assert await fan_out_prompts(db, prompt_at) == 2
    saved = await answered_client.put(
        f"/api/me/checkins/{TODAY}", json=checkin_body(utc(2026, 3, 10, 20, 0))
    )
    assert saved.status_code == 201, saved.text
    assert await fan_out_prompts(db, utc(2026, 3, 10, 21, 30)) == 1

    assert await remind_missed(db, prompt_at + timedelta(hours=2, minutes=59, seconds=59)) == 0
    assert await remind_missed(db, prompt_at + timedelta(hours=3)) == 1
    # However often it runs afterwards, on this day or the next, there is one reminder.
    for minutes in (1, 15, 60, 119, 150, 179, 180, 181, 240, 600):
        assert await remind_missed(db, prompt_at + timedelta(hours=3, minutes=minutes)) == 0

    assert await prompted(db, silent, "reminder") == {TODAY: prompt_at + timedelta(hours=3)}
    assert await prompted(db, answered, "reminder") == {}
    assert await prompted(db, late, "reminder") == {}
    assert set(await prompted(db, late)) == {TODAY}
    async with db.read() as conn:
        reminders = (
            await conn.execute(
                select(Notification.local_date, Notification.title).where(
                    Notification.kind == "reminder"
                )
            )
        ).all()
    assert [tuple(row) for row in reminders] == [(TODAY, "Reminder: today's check-in")]


async def test_no_reminder_for_a_patient_deactivated_after_the_prompt(
    world: World, db: Database
) -> None:
    dr = await world.practitioner()
    patient_id, _ = await enrol(world, dr, "pat@example.test", YESTERDAY)
    assert await fan_out_prompts(db, utc(2026, 3, 10, 19, 0)) == 1
    off = await dr.patch(f"/api/patients/{patient_id}", json={"active": False})
    assert off.status_code == 200, off.text
    assert await remind_missed(db, utc(2026, 3, 10, 22, 0)) == 0
    assert await prompts(db, "reminder") == []


async def test_reminder_catches_up_later_the_same_day(world: World, db: Database) -> None:
    dr = await world.practitioner()
    patient_id, _ = await enrol(world, dr, "pat@example.test", YESTERDAY, checkin_time="08:00")
    assert await fan_out_prompts(db, utc(2026, 3, 10, 8, 0)) == 1
    # The reminder job was down from 10:59 to 16:00: the reminder is made at 16:00.
    assert await remind_missed(db, utc(2026, 3, 10, 10, 59)) == 0
    assert await remind_missed(db, utc(2026, 3, 10, 16, 0)) == 1
    assert await remind_missed(db, utc(2026, 3, 10, 16, 1)) == 0
    assert await prompted(db, patient_id, "reminder") == {TODAY: utc(2026, 3, 10, 16, 0)}


async def test_reminder_across_the_patients_midnight_is_not_sent(
    world: World, db: Database
) -> None:
    """Kolkata 21:00 is 15:30Z; three hours later is 00:00 the next day there."""
    dr = await world.practitioner()
    patient_id, _ = await enrol(
        world, dr, "pat@example.test", YESTERDAY, timezone="Asia/Kolkata", checkin_time="21:00"
    )
    assert await fan_out_prompts(db, utc(2026, 3, 10, 15, 30)) == 1
    assert await remind_missed(db, utc(2026, 3, 10, 18, 29)) == 0  # 23:59 local, 2h59
    assert await remind_missed(db, utc(2026, 3, 10, 18, 30)) == 0  # 3 h, but the next day
    assert await remind_missed(db, utc(2026, 3, 10, 20, 0)) == 0
    assert await prompts(db, "reminder") == []
    assert set(await prompted(db, patient_id)) == {TODAY}


# --- idempotence ----------------------------------------------------------------------------


@pytest.mark.channels
class TestWholeTickTwice:
    """The app must accept the test push service's endpoint, so it gets the channel settings."""

    async def test_same_instant_twice_sends_nothing_twice(
        self,
        world: World,
        db: Database,
        jobs: JobContext,
        smtp_server: SmtpSink,
        push_service: PushService,
    ) -> None:
        dr = await world.practitioner()
        patient_id, client = await enrol(world, dr, "pat@example.test", YESTERDAY)
        subscribed = await client.put("/api/me/push-subscription", json=push_service.subscribe())
        assert subscribed.status_code == 201, subscribed.text

        async def snapshot() -> tuple[int, int, int, int, int]:
            return (
                await count(db, Prompt),
                await count(db, Notification),
                await count(db, Delivery),
                len(smtp_server.messages),
                len(push_service.received),
            )

        now = utc(2026, 3, 10, 19, 0)
        first = await run_all_ticks(jobs, now)
        assert (first.prompts, first.reminders, first.dispatch.sent) == (1, 0, 2)
        assert first.dispatch.errors == []
        after_first = await snapshot()
        assert after_first == (1, 1, 2, 1, 1)
        assert [message.recipients for message in smtp_server.messages] == [["pat@example.test"]]
        assert len(push_service.delivered()) == 1
        assert push_service.problems == []

        second = await run_all_ticks(jobs, now)
        assert (second.prompts, second.reminders, second.digests) == (0, 0, 0)
        assert (second.dispatch.sent, second.dispatch.retrying, second.dispatch.gave_up) == (
            0,
            0,
            0,
        )
        assert await snapshot() == after_first
        async with db.read() as conn:
            statuses = list(await conn.scalars(select(Delivery.status)))
        assert statuses == ["sent", "sent"]
        assert await prompted(db, patient_id) == {TODAY: now}


async def test_two_workers_make_each_prompt_once(
    world: World, db: Database, database_url: str
) -> None:
    dr = await world.practitioner()
    ids = []
    for n in range(6):
        zone = ("Europe/London", "Asia/Kolkata", "America/New_York")[n % 3]
        patient_id, _ = await enrol(
            world, dr, f"p{n}@example.test", YESTERDAY, timezone=zone, checkin_time="00:00"
        )
        ids.append(patient_id)
    workers = [Database.from_url(database_url), Database.from_url(database_url)]
    now = utc(2026, 3, 10, 19, 0)  # 10 March in London and New York, 11 March in Kolkata
    try:
        made = await asyncio.gather(*(fan_out_prompts(worker, now) for worker in workers))
        again = await asyncio.gather(*(fan_out_prompts(worker, now) for worker in workers))
    finally:
        for worker in workers:
            await worker.dispose()
    assert sum(made) == 6
    assert list(again) == [0, 0]
    rows = await prompts(db)
    assert len(rows) == 6
    assert {row.patient_id for row in rows} == set(ids)
    kolkata = {ids[1], ids[4]}
    for row in rows:
        assert row.local_date == (date(2026, 3, 11) if row.patient_id in kolkata else TODAY)
        assert row.created_at == now
    assert await count(db, Notification) == 6
