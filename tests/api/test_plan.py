"""The check-in plan of a treatment session (api.treatments.plan).

- `plan_covers` at every edge: day 0, the last daily day and the first day after it, the
  weekly days of the second phase and the days between them, the review date (inclusive) and
  the day after it, days before the session, and `daily_days = 0` (weekly from day 7 only).
- The SQL twin `plan_covers_sql` gives the same answer as `plan_covers` for every session and
  every date over a range of ten weeks, on the real database.
- The practitioner sets `daily_days` on POST and PATCH /api/sessions: 0 and 120 are accepted,
  anything else is a 422 naming `daily_days` that changes nothing; the default is 14.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Date, literal, select

from api.core.db import Database
from api.treatments.models import TreatmentSession
from api.treatments.plan import plan_covers, plan_covers_sql
from tests.conftest import ApiClient, World, session_body

SESSION_DAY = date(2026, 3, 3)
REVIEW_DAY = SESSION_DAY + timedelta(weeks=8)  # day 56


def day(n: int) -> date:
    return SESSION_DAY + timedelta(days=n)


@pytest.mark.parametrize(
    ("since", "daily_days", "review_after", "covered"),
    [
        pytest.param(0, 14, 56, True, id="session-day"),
        pytest.param(1, 14, 56, True, id="day-after-session"),
        pytest.param(13, 14, 56, True, id="last-daily-day"),
        pytest.param(14, 14, 56, True, id="day-14-is-also-weekly"),
        pytest.param(15, 14, 56, False, id="first-day-after-daily-phase"),
        pytest.param(20, 14, 56, False, id="day-before-weekly"),
        pytest.param(21, 14, 56, True, id="weekly-day-21"),
        pytest.param(22, 14, 56, False, id="day-after-weekly"),
        pytest.param(9, 10, 56, True, id="daily-days-10-last-daily"),
        pytest.param(10, 10, 56, False, id="daily-days-10-first-non-daily"),
        pytest.param(13, 10, 56, False, id="daily-days-10-day-13"),
        pytest.param(14, 10, 56, True, id="daily-days-10-weekly-14"),
        pytest.param(16, 17, 56, True, id="daily-days-17-day-16"),
        pytest.param(17, 17, 56, False, id="daily-days-17-day-17"),
        pytest.param(56, 14, 56, True, id="review-day-inclusive"),
        pytest.param(57, 14, 56, False, id="day-after-review"),
        pytest.param(63, 14, 56, False, id="weekly-day-after-review"),
        pytest.param(49, 14, 50, True, id="weekly-day-before-review"),
        pytest.param(50, 14, 50, False, id="review-day-not-weekly"),
        pytest.param(3, 14, 2, False, id="daily-day-after-early-review"),
        pytest.param(2, 14, 2, True, id="daily-day-on-early-review"),
        pytest.param(-1, 14, 56, False, id="day-before-session"),
        pytest.param(-7, 14, 56, False, id="week-before-session"),
        pytest.param(0, 0, 56, False, id="weekly-only-session-day"),
        pytest.param(1, 0, 56, False, id="weekly-only-day-1"),
        pytest.param(6, 0, 56, False, id="weekly-only-day-6"),
        pytest.param(7, 0, 56, True, id="weekly-only-day-7"),
        pytest.param(8, 0, 56, False, id="weekly-only-day-8"),
        pytest.param(14, 0, 56, True, id="weekly-only-day-14"),
        pytest.param(0, 1, 56, True, id="one-daily-day"),
        pytest.param(1, 1, 56, False, id="one-daily-day-then-weekly"),
        pytest.param(119, 120, 130, True, id="max-daily-last"),
        pytest.param(120, 120, 130, False, id="max-daily-after"),
        pytest.param(126, 120, 130, True, id="max-daily-weekly"),
    ],
)
def test_plan_covers_edges(since: int, daily_days: int, review_after: int, covered: bool) -> None:
    assert plan_covers(SESSION_DAY, daily_days, day(review_after), day(since)) is covered


def test_plan_covers_whole_default_plan() -> None:
    """The default plan, day by day: 0-13 daily, then 14, 21, … 56, nothing else."""
    asked = [n for n in range(-5, 80) if plan_covers(SESSION_DAY, 14, REVIEW_DAY, day(n))]
    assert asked == [*range(14), 14, 21, 28, 35, 42, 49, 56]


# (performed_on, daily_days, review_on): edge-rich plans, several per patient so that
# `performed_on`, `daily_days` and `review_on` all vary independently.
SQL_PLANS: list[tuple[date, int, date]] = [
    (date(2026, 1, 1), 14, date(2026, 2, 26)),
    (date(2026, 1, 5), 0, date(2026, 3, 2)),
    (date(2026, 1, 10), 3, date(2026, 2, 4)),  # review day 25: not weekly
    (date(2026, 1, 12), 1, date(2026, 1, 13)),
    (date(2026, 1, 20), 120, date(2026, 3, 10)),
    (date(2026, 1, 31), 7, date(2026, 3, 14)),  # day 7 both last-daily+1 and weekly
    (date(2026, 2, 28), 9, date(2026, 3, 1)),  # across the end of February
    (date(2025, 12, 29), 20, date(2026, 3, 1)),  # across the new year
]


async def test_plan_covers_sql_agrees_with_python(world: World, db: Database) -> None:
    dr = await world.practitioner()
    patient_id, _ = await world.patient(dr)
    for performed_on, daily_days, review_on in SQL_PLANS:
        created = await dr.post(
            f"/api/patients/{patient_id}/sessions",
            json=session_body(performed_on, daily_days=daily_days, review_on=review_on.isoformat()),
        )
        assert created.status_code == 201, created.text

    first = date(2025, 12, 25)
    days = [first + timedelta(days=n) for n in range(90)]
    mismatches: list[tuple[date, int, date, date, bool]] = []
    sql_true = 0
    async with db.read() as conn:
        for when in days:
            covered = {
                (row.performed_on, row.daily_days, row.review_on)
                for row in (
                    await conn.execute(
                        select(
                            TreatmentSession.performed_on,
                            TreatmentSession.daily_days,
                            TreatmentSession.review_on,
                        ).where(plan_covers_sql(TreatmentSession, literal(when, Date())))
                    )
                ).all()
            }
            sql_true += len(covered)
            for plan in SQL_PLANS:
                expected = plan_covers(plan[0], plan[1], plan[2], when)
                if (plan in covered) is not expected:
                    mismatches.append((*plan, when, expected))
    assert mismatches == []
    # The comparison was not vacuous: SQL said yes a plausible number of times.
    assert sql_true == sum(plan_covers(*plan, when) for plan in SQL_PLANS for when in days)
    assert sql_true > 100


# --- daily_days over HTTP -------------------------------------------------------------------


async def _session(dr: ApiClient, patient_id: str, **overrides: Any) -> dict[str, Any]:
    created = await dr.post(
        f"/api/patients/{patient_id}/sessions", json=session_body(SESSION_DAY, **overrides)
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


async def _stored_daily_days(db: Database) -> list[int]:
    async with db.read() as conn:
        return list(
            await conn.scalars(
                select(TreatmentSession.daily_days).order_by(TreatmentSession.created_at)
            )
        )


async def test_post_defaults_daily_days_to_14(world: World, db: Database) -> None:
    dr = await world.practitioner()
    patient_id, _ = await world.patient(dr)
    created = await _session(dr, patient_id)
    assert created["daily_days"] == 14
    assert await _stored_daily_days(db) == [14]


@pytest.mark.parametrize("daily_days", [0, 1, 120])
async def test_post_accepts_daily_days_in_range(
    world: World, db: Database, daily_days: int
) -> None:
    dr = await world.practitioner()
    patient_id, _ = await world.patient(dr)
    created = await _session(dr, patient_id, daily_days=daily_days)
    assert created["daily_days"] == daily_days
    assert await _stored_daily_days(db) == [daily_days]


@pytest.mark.parametrize("daily_days", [-1, 121, "x", "14", 3.5, None, True])
async def test_post_refuses_daily_days_out_of_range(
    world: World, db: Database, daily_days: object
) -> None:
    dr = await world.practitioner()
    patient_id, _ = await world.patient(dr)
    refused = await dr.post(
        f"/api/patients/{patient_id}/sessions",
        json=session_body(SESSION_DAY, daily_days=daily_days),
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "daily_days"
    assert isinstance(refused.json()["detail"], str)
    assert await _stored_daily_days(db) == []


@pytest.mark.parametrize("daily_days", [0, 120, 14, 3])
async def test_patch_accepts_daily_days_in_range(
    world: World, db: Database, daily_days: int
) -> None:
    dr = await world.practitioner()
    patient_id, _ = await world.patient(dr)
    created = await _session(dr, patient_id, daily_days=7)
    changed = await dr.patch(f"/api/sessions/{created['id']}", json={"daily_days": daily_days})
    assert changed.status_code == 200, changed.text
    assert changed.json()["daily_days"] == daily_days
    # Nothing else moved.
    for key in ("performed_on", "review_on", "areas", "injections"):
        assert changed.json()[key] == created[key]
    assert await _stored_daily_days(db) == [daily_days]
    listed = await dr.get(f"/api/patients/{patient_id}/sessions")
    assert [row["daily_days"] for row in listed.json()] == [daily_days]


@pytest.mark.parametrize("daily_days", [-1, 121, "x", None, 2.0, 1000])
async def test_patch_refuses_daily_days_out_of_range(
    world: World, db: Database, daily_days: object
) -> None:
    dr = await world.practitioner()
    patient_id, _ = await world.patient(dr)
    created = await _session(dr, patient_id, daily_days=5)

    async def snapshot() -> list[Any]:
        async with db.read() as conn:
            return [
                tuple(row)
                for row in (
                    await conn.execute(
                        select(
                            TreatmentSession.daily_days,
                            TreatmentSession.review_on,
                            TreatmentSession.updated_at,
                        )
                    )
                ).all()
            ]

    before = await snapshot()
    refused = await dr.patch(f"/api/sessions/{created['id']}", json={"daily_days": daily_days})
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "daily_days"
    assert "daily_days" in refused.json()["detail"]
    assert await snapshot() == before
    assert await _stored_daily_days(db) == [5]
