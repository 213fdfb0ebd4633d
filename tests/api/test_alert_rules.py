"""The red-flag rules of docs/design.md: each fires at its edge and not one step before it.

First as the pure function `api.alerts.rules.evaluate`, then through the real API and the
real migrations (the day counting and the "recent pains" come from the database), then the
missed-check-in job, which counts whole local days of each patient's daily phase.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from api.alerts.missed import raise_missed_checkin_alerts
from api.alerts.models import Alert
from api.alerts.rules import CheckinFacts, Finding, evaluate
from api.checkins.models import GRADED_SYMPTOMS
from api.core.db import Database
from api.identity.models import Patient
from tests.conftest import START, ApiClient, World, checkin_body, session_body

SIGNS = {
    "chest_pain_or_breathless": "chest pain or breathlessness",
    "vision_speech_or_weakness": "sudden change in vision, speech or strength",
    "allergic_reaction": "hives, facial swelling or trouble breathing",
    "leg_swelling_with_pain": "calf or whole-leg swelling with pain",
    "ulcer_blister_or_blackening": "ulcer, blister or dark skin at an injection site",
    "spreading_redness_or_fever": "spreading redness, heat or fever",
}
# Score-rule tests: day n is SESSION + n days, all well before START (2026-03-10).
SESSION = date(2026, 2, 1)
CALM = {"swelling": 1, "bruising": 1, "discolouration": 0, "hardening": 0, "itching": 0}


def day(n: int, session: date = SESSION) -> date:
    return session + timedelta(days=n)


# --- shared helpers (tests/api/test_alerts.py uses them too) --------------------------------


async def stored_alerts(db: Database) -> list[Any]:
    """Every alert row, oldest first: what the rules really left in the database."""
    async with db.read() as conn:
        result = await conn.execute(
            select(
                Alert.id,
                Alert.patient_id,
                Alert.rule,
                Alert.severity,
                Alert.status,
                Alert.local_date,
                Alert.checkin_id,
                Alert.reason,
                Alert.note,
            ).order_by(Alert.created_at, Alert.local_date, Alert.rule)
        )
        return list(result.all())


async def rules_raised(db: Database) -> list[tuple[str, date]]:
    return [(row.rule, row.local_date) for row in await stored_alerts(db)]


async def put(client: ApiClient, local_date: date, body: dict[str, Any]) -> dict[str, Any]:
    """A check-in the server accepts (any outcome); returns the answer."""
    response = await client.put(f"/api/me/checkins/{local_date.isoformat()}", json=body)
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


def calm(pain: int = 2, minutes: int = 0, **overrides: Any) -> dict[str, Any]:
    """A check-in no score rule fires on (unless overridden), recorded `minutes` after START."""
    return checkin_body(START + timedelta(minutes=minutes), pain=pain, **{**CALM, **overrides})


async def patient(
    world: World,
    sessions: tuple[date, ...] = (SESSION,),
    email: str = "ann@example.test",
    timezone: str = "Europe/London",
    doctor: ApiClient | None = None,
) -> tuple[str, ApiClient, ApiClient]:
    """(patient id, the patient's browser, the practitioner's browser).

    Signed up on the day of their first session, as clinics usually do it: every day of the
    session can be missed.
    """
    doctor = doctor or await world.practitioner()
    pid, client = await world.patient(
        doctor,
        email=email,
        timezone=timezone,
        sessions=sessions,
        signed_up_on=min(sessions, default=None),
    )
    return pid, client, doctor


# --- the pure rules -------------------------------------------------------------------------


def facts(
    pain: int = 2,
    day: int = 5,
    signs: tuple[str, ...] = (),
    pains: tuple[int, ...] = (),
    **graded: int,
) -> CheckinFacts:
    return CheckinFacts(
        pain=pain,
        graded={**CALM, **graded},
        warning_signs=list(signs),
        day=day,
        nearby_pains=list(pains),
        position=len(pains) - 1,
    )


def test_pain_6_is_nothing_and_7_is_a_watch_alert() -> None:
    assert evaluate(facts(pain=6)) == []
    assert evaluate(facts(pain=7, day=2)) == [
        Finding("pain_high", "watch", "Pain 7/10 on day 2.", pain=7)
    ]
    assert [f.rule for f in evaluate(facts(pain=10, day=0))] == ["pain_high"]


@pytest.mark.parametrize("sign", list(SIGNS))
def test_each_warning_sign_alone_is_urgent(sign: str) -> None:
    assert evaluate(facts(signs=(sign,), day=0)) == [
        Finding("warning_sign", "urgent", f"Warning sign reported: {SIGNS[sign]}.", (sign,))
    ]


def test_several_warning_signs_are_one_finding_naming_them_all_once() -> None:
    ticked = ("leg_swelling_with_pain", "allergic_reaction", "leg_swelling_with_pain")
    [finding] = evaluate(facts(signs=ticked))
    assert finding.signs == ("allergic_reaction", "leg_swelling_with_pain")
    assert finding.reason == (
        f"Warning sign reported: {SIGNS['allergic_reaction']}; {SIGNS['leg_swelling_with_pain']}."
    )


@pytest.mark.parametrize(
    ("check_day", "pains", "fires"),
    [
        (4, (1, 2, 3), True),
        (3, (1, 2, 3), False),  # "after day 3": day 3 itself is not
        (30, (1, 2), False),  # two check-ins are not a run of three
        (9, (2, 2, 3), False),  # equal is not rising
        (9, (1, 2, 2), False),
        (9, (3, 2, 1), False),
        (9, (5, 1, 2, 3), True),  # only the last three count
        (9, (1, 2, 3, 3), False),
    ],
)
def test_pain_rising_needs_three_strictly_rising_check_ins_after_day_3(
    check_day: int, pains: tuple[int, ...], fires: bool
) -> None:
    found = evaluate(facts(pain=pains[-1], day=check_day, pains=pains))
    assert [f.rule for f in found] == (["pain_rising"] if fires else [])


# The reason speaks the vocabulary's names, as the patient's form does.
SEVERE_NAMES = {
    "swelling": "swelling",
    "bruising": "bruising",
    "discolouration": "brown marks",
    "hardening": "firm lumps",
    "itching": "itching",
}


@pytest.mark.parametrize("symptom", GRADED_SYMPTOMS)
def test_each_severe_symptom_alerts_from_day_15_not_on_day_14(symptom: str) -> None:
    assert evaluate(facts(day=14, **{symptom: 3})) == []
    assert evaluate(facts(day=15, **{symptom: 3})) == [
        Finding(
            "symptom_severe",
            "watch",
            f"Severe {SEVERE_NAMES[symptom]} on day 15 (after day 14).",
            symptoms=(symptom,),
        )
    ]
    assert evaluate(facts(day=60, **{symptom: 2})) == []


def test_one_check_in_can_break_every_rule_at_once() -> None:
    found = evaluate(
        facts(pain=8, day=20, signs=("chest_pain_or_breathless",), pains=(4, 6, 8), swelling=3)
    )
    assert [(f.rule, f.severity) for f in found] == [
        ("warning_sign", "urgent"),
        ("pain_high", "watch"),
        ("pain_rising", "watch"),
        ("symptom_severe", "watch"),
    ]


# --- the rules through the API --------------------------------------------------------------


async def test_pain_6_raises_nothing_and_an_edit_to_7_raises_pain_high(world: World) -> None:
    _, client, _ = await patient(world)
    first = await put(client, day(1), calm(pain=6))
    assert await stored_alerts(world.db) == []

    edited = await put(client, day(1), calm(pain=7, minutes=1))
    assert edited["outcome"] == "updated"
    [alert] = await stored_alerts(world.db)
    assert (alert.rule, alert.severity, alert.status) == ("pain_high", "watch", "open")
    assert (alert.local_date, str(alert.checkin_id)) == (day(1), first["id"])
    assert alert.reason == "Pain 7/10 on day 1."


async def test_a_rising_run_starting_on_day_3_is_not_one_starting_on_day_4_is(world: World) -> None:
    _, client, _ = await patient(world)
    for n, pain in ((3, 2), (4, 3), (5, 4)):
        await put(client, day(n), calm(pain=pain))
    assert await stored_alerts(world.db) == []

    sixth = await put(client, day(6), calm(pain=5))
    [alert] = await stored_alerts(world.db)
    assert (alert.rule, alert.severity, alert.local_date) == ("pain_rising", "watch", day(6))
    assert str(alert.checkin_id) == sixth["id"]
    assert alert.reason == "Pain rising over 3 check-ins (3, 4, 5) after day 3."


async def test_equal_or_falling_pains_are_not_rising(world: World) -> None:
    _, client, _ = await patient(world)
    for n, pain in ((4, 3), (5, 3), (6, 3), (7, 4), (8, 4), (9, 2), (10, 3)):
        await put(client, day(n), calm(pain=pain))
    assert await stored_alerts(world.db) == []


async def test_rising_counts_check_ins_not_calendar_days(world: World) -> None:
    _, client, _ = await patient(world)
    for n, pain in ((4, 1), (7, 2), (11, 3)):
        await put(client, day(n), calm(pain=pain))
    assert await rules_raised(world.db) == [("pain_rising", day(11))]


async def test_a_back_filled_day_completing_a_rising_run_raises_it(world: World) -> None:
    # A day filled in late (the offline queue, or yesterday entered today) can complete a
    # rising run in the middle: days 4, 5, 6 end up with pains 1, 2, 3.
    _, client, _ = await patient(world)
    await put(client, day(4), calm(pain=1))
    await put(client, day(6), calm(pain=3))
    await put(client, day(5), calm(pain=2))
    assert [rule for rule, _ in await rules_raised(world.db)] == ["pain_rising"]


async def test_neighbouring_days_saved_at_once_still_complete_a_run(world: World) -> None:
    # The offline queue and background sync can send two days at the same moment. On
    # PostgreSQL each would miss the other's uncommitted row without the patient lock.
    doctor = None
    for attempt in range(4):
        _, client, doctor = await patient(world, email=f"run{attempt}@example.test", doctor=doctor)
        await put(client, day(4), calm(pain=2))
        await asyncio.gather(put(client, day(5), calm(pain=3)), put(client, day(6), calm(pain=4)))
    rising = [row for row in await stored_alerts(world.db) if row.rule == "pain_rising"]
    assert len(rising) == 4


async def test_a_new_session_starts_a_new_run(world: World) -> None:
    second = day(22)
    _, client, _ = await patient(world, sessions=(SESSION, second))
    await put(client, day(20), calm(pain=1))
    await put(client, day(21), calm(pain=2))
    # Day 4 of the second session: the run before that session does not count.
    await put(client, day(4, second), calm(pain=3))
    assert await stored_alerts(world.db) == []


async def test_a_severe_symptom_alerts_on_day_15_not_on_day_14(world: World) -> None:
    _, client, _ = await patient(world)
    await put(client, day(14), calm(bruising=3))
    assert await stored_alerts(world.db) == []
    fifteenth = await put(client, day(15), calm(itching=3))
    [alert] = await stored_alerts(world.db)
    assert (alert.rule, alert.severity, alert.local_date) == ("symptom_severe", "watch", day(15))
    assert str(alert.checkin_id) == fifteenth["id"]
    assert alert.reason == "Severe itching on day 15 (after day 14)."


async def test_days_count_from_the_latest_session_on_or_before_the_check_in(world: World) -> None:
    later = day(19)
    _, client, _ = await patient(world, sessions=(SESSION, later))
    # Day 28 of the first session, but day 9 of the latest one: not yet "after day 14".
    await put(client, day(9, later), calm(swelling=3))
    assert await stored_alerts(world.db) == []
    await put(client, day(15, later), calm(swelling=3))
    assert await rules_raised(world.db) == [("symptom_severe", day(15, later))]


@pytest.mark.parametrize("sign", list(SIGNS))
async def test_each_warning_sign_raises_an_urgent_alert(world: World, sign: str) -> None:
    _, client, _ = await patient(world)
    answer = await put(client, day(2), calm(warning_signs=[sign]))
    [alert] = await stored_alerts(world.db)
    assert (alert.rule, alert.severity, alert.status) == ("warning_sign", "urgent", "open")
    assert (alert.local_date, str(alert.checkin_id)) == (day(2), answer["id"])
    assert alert.reason == f"Warning sign reported: {SIGNS[sign]}."


async def test_one_check_in_raises_one_alert_per_rule_it_breaks(world: World) -> None:
    _, client, _ = await patient(world)
    await put(client, day(20), calm(pain=8, warning_signs=["allergic_reaction"], hardening=3))
    rows = await stored_alerts(world.db)
    assert sorted((r.rule, r.severity) for r in rows) == [
        ("pain_high", "watch"),
        ("symptom_severe", "watch"),
        ("warning_sign", "urgent"),
    ]


# --- missed check-ins (the job) -------------------------------------------------------------

# Missed-check-in tests: a session on START's date (day 0 = 2026-03-10), London (UTC in March).
TODAY = START.date()


def noon(n: int) -> datetime:
    """Midday UTC on day n after the session."""
    return datetime.combine(day(n, TODAY), datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)


async def run_missed_job(world: World, at: datetime) -> int:
    world.clock.set(at)
    return await raise_missed_checkin_alerts(world.db, at)


async def test_one_missed_day_is_nothing_two_are_a_watch_alert(world: World) -> None:
    _, client, _ = await patient(world, sessions=(TODAY,))
    world.clock.set(noon(2))
    await put(client, day(0, TODAY), calm())
    await put(client, day(2, TODAY), calm())
    # Day 3: days 0-2 are over and only day 1 was missed.
    assert await run_missed_job(world, noon(3)) == 0
    assert await stored_alerts(world.db) == []

    # Day 4: day 3 was missed too.
    assert await run_missed_job(world, noon(4)) == 1
    [alert] = await stored_alerts(world.db)
    assert (alert.rule, alert.severity, alert.status) == ("missed_checkins", "watch", "open")
    assert (alert.local_date, alert.checkin_id) == (day(4, TODAY), None)
    assert alert.reason == "Missed 2 daily check-ins after the session on 2026-03-10."

    # The job runs every 15 minutes: the same missed days raise nothing more.
    assert await run_missed_job(world, noon(4)) == 0
    assert await run_missed_job(world, noon(4) + timedelta(minutes=15)) == 0
    assert len(await stored_alerts(world.db)) == 1


async def test_today_does_not_count_until_it_is_over_in_the_patients_zone(world: World) -> None:
    doctor = await world.practitioner()
    london, london_client, _ = await patient(world, sessions=(TODAY,), doctor=doctor)
    auckland, auckland_client, _ = await patient(
        world,
        sessions=(TODAY,),
        email="bob@example.test",
        timezone="Pacific/Auckland",
        doctor=doctor,
    )
    for client in (london_client, auckland_client):
        await put(client, day(0, TODAY), calm())
    # 23:30 on day 2 in London (day 1 missed, day 2 not over) is 12:30 on day 3 in Auckland
    # (days 1 and 2 missed).
    late = noon(2) + timedelta(hours=11, minutes=30)
    assert await run_missed_job(world, late) == 1
    assert [(str(r.patient_id), r.local_date) for r in await stored_alerts(world.db)] == [
        (auckland, day(3, TODAY))
    ]
    # Past midnight in London, day 2 is over there too.
    assert await run_missed_job(world, late + timedelta(hours=1)) == 1
    assert [(str(r.patient_id), r.local_date) for r in await stored_alerts(world.db)] == [
        (auckland, day(3, TODAY)),
        (london, day(3, TODAY)),
    ]


async def test_days_after_the_daily_phase_do_not_count(world: World) -> None:
    doctor = await world.practitioner()
    patients: list[tuple[str, ApiClient, tuple[int, ...]]] = []
    for email, days_done in (("ann@example.test", (0, 1)), ("bob@example.test", (0,))):
        pid, client = await world.patient(doctor, email=email)
        response = await doctor.post(
            f"/api/patients/{pid}/sessions", json=session_body(TODAY, daily_days=3)
        )
        assert response.status_code == 201, response.text
        patients.append((pid, client, days_done))
    world.clock.set(noon(1))
    for _, client, days_done in patients:
        for n in days_done:
            await put(client, day(n, TODAY), calm())
    # Day 3, the morning after the daily phase (days 0-2), counts its last day.
    assert await run_missed_job(world, noon(3)) == 1
    [alert] = await stored_alerts(world.db)
    # Ann missed only day 2; Bob missed days 1 and 2.
    assert str(alert.patient_id) == patients[1][0]
    assert alert.reason == "Missed 2 daily check-ins after the session on 2026-03-10."
    # Day 20: the weekly days since (7, 14) are not "daily"; nothing more is raised.
    assert await run_missed_job(world, noon(20)) == 0


@pytest.mark.parametrize(("first_run", "raised"), [(3, 1), (4, 0)])
async def test_a_daily_phase_that_ended_before_yesterday_is_history(
    world: World, first_run: int, raised: int
) -> None:
    """After downtime (or on a fresh start) the job catches up only what is actionable: a
    phase whose last day was yesterday, not one that ended earlier."""
    doctor = await world.practitioner()
    pid, _ = await world.patient(doctor, signed_up_on=TODAY)
    response = await doctor.post(
        f"/api/patients/{pid}/sessions", json=session_body(TODAY, daily_days=3)
    )
    assert response.status_code == 201, response.text
    assert await run_missed_job(world, noon(first_run)) == raised


async def test_no_alert_for_patients_not_signed_up_or_deactivated(world: World) -> None:
    doctor = await world.practitioner()
    active, _, _ = await patient(world, sessions=(TODAY,), doctor=doctor)
    leaver, _, _ = await patient(world, sessions=(TODAY,), email="lea@example.test", doctor=doctor)
    deactivated = await doctor.patch(f"/api/patients/{leaver}", json={"active": False})
    assert deactivated.status_code == 200, deactivated.text
    invited = await doctor.post(
        "/api/patients",
        json={"name": "Ivy", "email": "ivy@example.test", "timezone": "Europe/London"},
    )
    assert invited.status_code == 201, invited.text
    session = await doctor.post(
        f"/api/patients/{invited.json()['id']}/sessions", json=session_body(TODAY)
    )
    assert session.status_code == 201, session.text

    assert await run_missed_job(world, noon(5)) == 1
    assert [str(r.patient_id) for r in await stored_alerts(world.db)] == [active]


async def test_after_acknowledging_it_takes_two_new_missed_days(world: World) -> None:
    _, client, doctor = await patient(world, sessions=(TODAY,))
    await put(client, day(0, TODAY), calm())
    assert await run_missed_job(world, noon(3)) == 1  # days 1 and 2
    [first] = await stored_alerts(world.db)
    await doctor.login("dr@clinic-a.test")  # a practitioner's session lasts 12 idle hours
    acknowledged = await doctor.post(f"/api/alerts/{first.id}/acknowledge")
    assert acknowledged.status_code == 200, acknowledged.text

    # Days 1 and 2 were reported: day 3 alone is one new missed day.
    assert await run_missed_job(world, noon(4)) == 0
    await put(client, day(4, TODAY), calm())
    assert await run_missed_job(world, noon(5)) == 0
    # Days 3 and 5 missed since the last alert: two new ones.
    assert await run_missed_job(world, noon(6)) == 1
    rows = await stored_alerts(world.db)
    assert [(r.status, r.local_date) for r in rows] == [
        ("acknowledged", day(3, TODAY)),
        ("open", day(6, TODAY)),
    ]
    assert rows[1].reason == "Missed 2 daily check-ins after the session on 2026-03-10."


async def test_an_alert_of_an_earlier_session_does_not_hide_the_new_sessions_days(
    world: World,
) -> None:
    earlier = TODAY - timedelta(days=20)
    pid, _, doctor = await patient(world, sessions=(earlier,))
    assert await run_missed_job(world, noon(-15)) == 1  # days 0-4 of the earlier session
    [old] = await stored_alerts(world.db)
    assert (await doctor.post(f"/api/alerts/{old.id}/acknowledge")).status_code == 200

    world.clock.set(START)
    response = await doctor.post(f"/api/patients/{pid}/sessions", json=session_body(TODAY))
    assert response.status_code == 201, response.text
    assert await run_missed_job(world, noon(2)) == 1  # days 0 and 1 of the new session
    assert [r.local_date for r in await stored_alerts(world.db)] == [old.local_date, day(2, TODAY)]


async def test_missed_days_count_only_from_the_day_the_patient_signed_up(world: World) -> None:
    five_days_ago = TODAY - timedelta(days=5)
    doctor = await world.practitioner()
    # Invited five days after the session: no prompt was ever possible before today.
    await world.patient(doctor, sessions=(five_days_ago,))
    assert await run_missed_job(world, START) == 0
    # Tomorrow only today (the sign-up day) is missed: one day is nothing.
    assert await run_missed_job(world, START + timedelta(days=1)) == 0
    # The day after, two days since signing up are missed.
    assert await run_missed_job(world, START + timedelta(days=2)) == 1
    [alert] = await stored_alerts(world.db)
    assert alert.reason == f"Missed 2 daily check-ins after the session on {five_days_ago}."


async def test_signing_up_stores_the_patients_local_sign_up_date(world: World) -> None:
    doctor = await world.practitioner()
    # 12:00 UTC is already the next day in Kiritimati (UTC+14).
    pid, _ = await world.patient(doctor, timezone="Pacific/Kiritimati")
    async with world.db.read() as conn:
        stored = await conn.scalar(select(Patient.prompts_from).where(Patient.id == uuid.UUID(pid)))
    assert stored == TODAY + timedelta(days=1)
