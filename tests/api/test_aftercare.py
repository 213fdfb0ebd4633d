"""Today's aftercare from every session in force, and when the garment question is asked.

Compression and restrictions run until the latest end among the sessions so far ("3 days"
are calendar days 0-2); the check-in asks about the garment exactly on the days it should be
worn, never when `compression_days` is 0.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.conftest import START, ApiClient, World, session_body

TODAY = START.date()


async def patient_with(world: World, *sessions: dict[str, Any]) -> ApiClient:
    doctor = await world.practitioner()
    patient_id, patient = await world.patient(doctor)
    for body in sessions:
        response = await doctor.post(f"/api/patients/{patient_id}/sessions", json=body)
        assert response.status_code == 201, response.text
    return patient


async def days(world: World, patient: ApiClient, count: int) -> list[dict[str, Any]]:
    """`/api/me/today` on each of the next `count` days, starting today."""
    seen = []
    for _ in range(count):
        seen.append((await patient.get("/api/me/today")).json())
        world.clock.advance(timedelta(days=1))
    return seen


def topic(today: dict[str, Any], name: str) -> str | None:
    return next((a["text"] for a in today["advice"] if a["topic"] == name), None)


async def test_two_sessions_on_one_date_run_compression_to_the_latest_end(world: World) -> None:
    patient = await patient_with(
        world,
        session_body(TODAY, areas=["leg_left_calf"], compression_days=7),
        session_body(TODAY, areas=["face_nose"], compression_days=0, restriction_days=0),
    )
    seen = await days(world, patient, 9)
    assert [today["ask_compression"] for today in seen] == [True] * 7 + [False, False]
    for today in seen[:7]:
        assert "Wear your compression stockings today" in (topic(today, "compression") or "")
        assert "(day 6 after your session" in (topic(today, "compression") or "")
    assert topic(seen[7], "compression") == (
        "Your compression period is over: you can stop the stockings."
    )
    assert topic(seen[8], "compression") is None
    # The calves' 3 restriction days still run, though the face (recorded last) has none.
    assert [topic(today, "activity") is not None for today in seen[:5]] == [
        True,
        True,
        True,
        True,
        False,
    ]
    assert (topic(seen[3], "activity") or "").startswith("From today you can")


async def test_a_session_inside_anothers_window_does_not_cut_it_short(world: World) -> None:
    three_days_ago = TODAY - timedelta(days=3)
    patient = await patient_with(
        world,
        session_body(three_days_ago, compression_days=7),
        session_body(TODAY, areas=["arm_left"], compression_days=2),
    )
    seen = await days(world, patient, 5)
    # The first session's compression runs to its day 6, today + 3; the second's is shorter.
    assert [today["ask_compression"] for today in seen] == [True, True, True, True, False]
    assert [today["day"] for today in seen] == [0, 1, 2, 3, 4]
    assert "(day 3 after your session; today is day 0)" in (topic(seen[0], "compression") or "")


async def test_no_compression_days_never_asks_or_advises_about_the_garment(world: World) -> None:
    patient = await patient_with(world, session_body(TODAY, compression_days=0))
    for today in await days(world, patient, 3):
        assert today["ask_compression"] is False
        assert topic(today, "compression") is None


async def test_three_compression_days_are_days_0_to_2(world: World) -> None:
    patient = await patient_with(world, session_body(TODAY, compression_days=3))
    seen = await days(world, patient, 4)
    assert [today["ask_compression"] for today in seen] == [True, True, True, False]
    last = TODAY + timedelta(days=2)
    assert f"until the end of {last:%A %-d %B} (day 2" in (topic(seen[0], "compression") or "")
    # The day it ends says so and does not ask.
    assert "over" in (topic(seen[3], "compression") or "")


async def test_no_session_yet_gives_no_advice_and_asks_nothing(world: World) -> None:
    patient = await patient_with(world)
    today = (await patient.get("/api/me/today")).json()
    assert (today["day"], today["session"], today["advice"], today["ask_compression"]) == (
        None,
        None,
        [],
        False,
    )
