"""Property: every warning sign a patient reports reaches the clinic.

Hypothesis generates sequences of check-ins (any day of the session, with or without
warning signs, new edits and stale replays from a slow device clock), warning signs sent on
their own, acknowledgements and the clock moving on. After each sequence, on a fresh database
built by the real migrations:

1. the issue's invariant: every accepted request that carried a warning sign is followed by
   an open warning-sign alert or an alert notification dated on or after its date;
2. stronger: every sign reported for a date is in a report of that date, and every
   warning-sign report told each practitioner exactly once;
3. the patient's advice always came back with the signs (never a silent accept).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, get_args

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api.alerts.models import Alert, AlertReport
from api.checkins.schemas import WarningSign
from api.notifications.models import Notification
from tests.conftest import START, World, checkin_body, fresh_world

SIGNS = get_args(WarningSign)
SESSION = START.date() - timedelta(days=10)

signs = st.lists(st.sampled_from(SIGNS), max_size=3, unique=True)
checkin = st.tuples(
    st.just("checkin"),
    st.integers(min_value=0, max_value=9),  # day of the session (all in the past at START)
    signs,
    st.integers(min_value=0, max_value=10),  # pain
    st.integers(min_value=-120, max_value=0),  # recorded_at, minutes before now (stale replays)
)
report = st.tuples(st.just("report"), st.lists(st.sampled_from(SIGNS), min_size=1, max_size=2))
acknowledge = st.tuples(st.just("acknowledge"))
advance = st.tuples(st.just("advance"), st.integers(min_value=1, max_value=180))
operations = st.lists(st.one_of(checkin, checkin, report, acknowledge, advance), max_size=14)


@dataclass
class Sent:
    """A request that carried warning signs and was accepted."""

    local_date: date
    signs: list[str]


@dataclass
class Run:
    world: World
    sent: list[Sent] = field(default_factory=list)


async def _apply(run: Run, doctor: Any, client: Any, operation: tuple[Any, ...]) -> None:
    clock = run.world.clock
    kind = operation[0]
    if kind == "checkin":
        _, n, ticked, pain, minutes_ago = operation
        local_date = SESSION + timedelta(days=n)
        body = checkin_body(clock.now() + timedelta(minutes=minutes_ago), pain=pain)
        body["warning_signs"] = ticked
        response = await client.put(f"/api/me/checkins/{local_date}", json=body)
        assert response.status_code in (200, 201), response.text
        if ticked:
            assert response.json()["advice"] is not None
            run.sent.append(Sent(local_date, ticked))
    elif kind == "report":
        body = {"warning_signs": operation[1], "recorded_at": clock.now().isoformat()}
        response = await client.post("/api/me/warning-signs", json=body)
        assert response.status_code in (200, 201), response.text
        run.sent.append(Sent(date.fromisoformat(response.json()["local_date"]), operation[1]))
    elif kind == "acknowledge":
        # Hours may have passed (a practitioner's session ends after 4 idle): sign in again.
        await doctor.login("dr@clinic-a.test")
        for alert in (await doctor.get("/api/alerts")).json():
            response = await doctor.post(f"/api/alerts/{alert['id']}/acknowledge")
            assert response.status_code == 200, response.text
    else:
        clock.advance(timedelta(minutes=operation[1]))


async def _check(run: Run, doctor_id: uuid.UUID) -> None:
    async with run.world.db.read() as conn:
        open_signs = (
            await conn.execute(
                select(Alert.id).where(Alert.rule == "warning_sign", Alert.status == "open")
            )
        ).all()
        notified = (
            await conn.execute(
                select(Notification.local_date, Notification.dedupe_key).where(
                    Notification.kind == "alert", Notification.user_id == doctor_id
                )
            )
        ).all()
        reports = (
            await conn.execute(
                select(AlertReport.id, AlertReport.local_date, AlertReport.items).where(
                    AlertReport.rule == "warning_sign"
                )
            )
        ).all()
    for sent in run.sent:
        # 1. The invariant.
        assert open_signs or any(n.local_date >= sent.local_date for n in notified), sent
        # 2. Every sign sent for a date is in a report of that date.
        reported = {item for r in reports if r.local_date == sent.local_date for item in r.items}
        assert set(sent.signs) <= reported, (sent, reported)
    keys = [n.dedupe_key for n in notified]
    for r in reports:
        assert keys.count(f"alert-report:{r.id}:{doctor_id}") == 1, r


async def _example(template_url: str, directory: Path, ops: list[tuple[Any, ...]]) -> None:
    async with fresh_world(template_url, directory) as world:
        doctor = await world.practitioner()
        _, client = await world.patient(doctor, sessions=(SESSION,), signed_up_on=SESSION)
        me = (await doctor.get("/api/auth/me")).json()
        run = Run(world)
        for operation in ops:
            await _apply(run, doctor, client, operation)
        await _check(run, uuid.UUID(me["id"]))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_every_warning_sign_reaches_the_clinic(
    template_url: str, tmp_path: Path, ops: list[tuple[Any, ...]]
) -> None:
    asyncio.run(_example(template_url, tmp_path, ops))
