"""The review outcome, the patient's rating, and the clinic's outcomes report."""

from __future__ import annotations

import random
import statistics
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api.core.vocabulary import AREAS, CLEARANCE, FINDINGS
from api.outcomes.models import ResultRevision
from api.reports.outcomes import MIN_ASSESSED, SessionResult, summarise
from tests.conftest import START, ApiClient, World, session_body

SESSION_DAY = date(2026, 1, 12)
TODAY = START.date()


def outcome(clearance: str = "good", **overrides: Any) -> dict[str, Any]:
    body = {
        "assessed_on": TODAY.isoformat(),
        "clearance": clearance,
        "hyperpigmentation": 0,
        "matting": False,
        "trapped_blood_drained": False,
        "ulceration": False,
    }
    return {**body, **overrides}


@pytest.fixture
async def course(world: World) -> tuple[ApiClient, ApiClient, str]:
    practitioner = await world.practitioner()
    _, patient = await world.patient(practitioner, sessions=(SESSION_DAY,))
    [session] = (await patient.get("/api/me/sessions")).json()
    return practitioner, patient, session["id"]


async def test_an_outcome_is_created_then_revised_and_every_version_kept(
    course: Any, world: World
) -> None:
    practitioner, patient, session_id = course
    url = f"/api/sessions/{session_id}/outcome"
    assert (await practitioner.get(url)).status_code == 404
    first = await practitioner.put(url, json=outcome("partial", notes="  some fading  "))
    assert first.status_code == 201, first.text
    assert first.json()["notes"] == "some fading" and first.json()["revisions"] == 1
    second = await practitioner.put(url, json=outcome("good", hyperpigmentation=2))
    assert second.status_code == 200, second.text
    got = (await practitioner.get(url)).json()
    assert (got["clearance"], got["hyperpigmentation"], got["revisions"]) == ("good", 2, 2)
    async with world.db.read() as conn:
        kept = list(await conn.scalars(select(ResultRevision.payload)))
    assert [p["clearance"] for p in kept] == ["partial", "good"]
    timeline = (await patient.get("/api/me/timeline")).json()
    assert [(o["clearance"], o["revisions"]) for o in timeline["outcomes"]] == [("good", 2)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (outcome(clearance="most"), "clearance"),
        (outcome(hyperpigmentation=4), "hyperpigmentation"),
        (outcome(matting="no"), "matting"),
        (outcome(assessed_on=(SESSION_DAY - timedelta(days=1)).isoformat()), "assessed_on"),
        (outcome(assessed_on=(TODAY + timedelta(days=2)).isoformat()), "assessed_on"),
        ({k: v for k, v in outcome().items() if k != "ulceration"}, "ulceration"),
        (outcome(notes="x" * 2001), "notes"),
        (outcome(extra=True), "extra"),
    ],
)
async def test_a_bad_outcome_is_a_422_naming_the_field(
    course: Any, body: dict[str, Any], field: str
) -> None:
    practitioner, _, session_id = course
    refused = await practitioner.put(f"/api/sessions/{session_id}/outcome", json=body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == field
    assert (await practitioner.get(f"/api/sessions/{session_id}/outcome")).status_code == 404


async def test_the_patient_rates_and_re_rates_a_session(course: Any, world: World) -> None:
    practitioner, patient, session_id = course
    url = f"/api/me/sessions/{session_id}/rating"
    assert (await patient.get(url)).status_code == 404
    first = await patient.put(url, json={"pgic": 3, "satisfaction": 6})
    assert first.status_code == 201, first.text
    assert first.json()["rated_on"] == TODAY.isoformat()
    again = await patient.put(url, json={"pgic": 1, "satisfaction": 9})
    assert again.status_code == 200
    assert (await patient.get(url)).json()["revisions"] == 2
    for body, field in (({"pgic": 0, "satisfaction": 5}, "pgic"), ({"pgic": 2}, "satisfaction")):
        refused = await patient.put(url, json=body)
        assert (refused.status_code, refused.json()["field"]) == (422, field)
    patient_id = (await practitioner.patient_list())[0]["id"]
    seen = (await practitioner.get(f"/api/patients/{patient_id}/timeline")).json()
    assert [(r["pgic"], r["satisfaction"], r["revisions"]) for r in seen["ratings"]] == [(1, 9, 2)]


async def test_today_asks_for_a_rating_four_weeks_after_and_at_review(
    world: World, clock: Any
) -> None:
    practitioner = await world.practitioner()
    performed = TODAY - timedelta(days=28)
    _, patient = await world.patient(practitioner, sessions=(performed,))
    today = (await patient.get("/api/me/today")).json()
    [session] = (await patient.get("/api/me/sessions")).json()
    assert today["rating_due"] == {
        "session_id": session["id"],
        "performed_on": performed.isoformat(),
        "reason": "four_weeks",
    }
    assert today["photo_due"] is True  # in treatment, day 28, no photo this week
    put = await patient.put(
        f"/api/me/sessions/{session['id']}/rating", json={"pgic": 2, "satisfaction": 7}
    )
    assert put.status_code == 201
    assert (await patient.get("/api/me/today")).json()["rating_due"] is None
    # At the review (8 weeks by default) the patient is asked again.
    clock.advance(timedelta(days=28))
    assert (await patient.get("/api/me/today")).json()["rating_due"]["reason"] == "review"


# --- the outcomes report ------------------------------------------------------------------

results = st.builds(
    SessionResult,
    sclerosant=st.sampled_from(["polidocanol", "sodium_tetradecyl_sulfate"]),
    concentration_pct=st.sampled_from([0.25, 0.5, 1.0]),
    areas=st.lists(st.sampled_from(sorted(AREAS)), min_size=1, max_size=3, unique=True),
    clearance=st.none() | st.sampled_from(sorted(CLEARANCE)),
    hyperpigmentation=st.integers(0, 3),
    matting=st.booleans(),
    trapped_blood_drained=st.booleans(),
    ulceration=st.booleans(),
    pgic=st.none() | st.integers(1, 7),
)


def group_of(area: str) -> str:
    return "legs" if area.startswith("leg_") else "face" if area.startswith("face_") else "other"


@settings(max_examples=60, deadline=None)
@given(st.lists(results, max_size=60))
def test_the_report_equals_a_recount_in_python(rows: list[SessionResult]) -> None:
    report = summarise(rows)
    keys = set()
    for cell in report.cells:
        keys.add((cell.sclerosant, cell.concentration_pct, cell.area_group))
        mine = [
            r
            for r in rows
            if (r.sclerosant, r.concentration_pct) == (cell.sclerosant, cell.concentration_pct)
            and (cell.area_group == "all" or cell.area_group in {group_of(a) for a in r.areas})
        ]
        assessed = [r for r in mine if r.clearance is not None]
        assert (cell.sessions, cell.assessed) == (len(mine), len(assessed))
        assert cell.too_few == (len(assessed) < MIN_ASSESSED)
        if cell.too_few:
            assert cell.clearance is None and cell.rates is None and cell.median_pgic is None
            continue
        assert cell.clearance == {g: [r.clearance for r in assessed].count(g) for g in CLEARANCE}
        assert cell.rates is not None
        for name in FINDINGS:
            seen = [
                (r.hyperpigmentation or 0) > 0 if name == "hyperpigmentation" else getattr(r, name)
                for r in assessed
            ]
            assert cell.rates[name] == pytest.approx(sum(seen) / len(assessed), abs=1e-4)
        pgic = [r.pgic for r in mine if r.pgic is not None]
        assert cell.median_pgic == (statistics.median(pgic) if pgic else None)
    expected = {(r.sclerosant, r.concentration_pct, "all") for r in rows} | {
        (r.sclerosant, r.concentration_pct, group_of(a)) for r in rows for a in r.areas
    }
    assert keys == expected


async def test_the_report_reads_the_clinics_own_sessions_only(world: World) -> None:
    practitioner = await world.practitioner()
    rng = random.Random(7)
    clearances = []
    for n in range(6):
        patient_id, _ = await world.patient(practitioner, email=f"p{n}@example.test")
        created = await practitioner.post(
            f"/api/patients/{patient_id}/sessions", json=session_body(SESSION_DAY)
        )
        grade = rng.choice(sorted(CLEARANCE))
        clearances.append(grade)
        put = await practitioner.put(
            f"/api/sessions/{created.json()['id']}/outcome", json=outcome(grade, matting=n < 3)
        )
        assert put.status_code == 201, put.text
    other = await world.practitioner("dr@clinic-b.test", "Clinic B")
    elsewhere, _ = await world.patient(other, email="elsewhere@example.test")
    await other.post(f"/api/patients/{elsewhere}/sessions", json=session_body(SESSION_DAY))
    report = (await practitioner.get("/api/reports/outcomes")).json()
    legs = next(c for c in report["cells"] if c["area_group"] == "legs")
    assert (legs["sessions"], legs["assessed"], legs["too_few"]) == (6, 6, False)
    assert legs["clearance"] == {g: clearances.count(g) for g in CLEARANCE}
    assert legs["rates"]["matting"] == 0.5
    csv = await practitioner.get("/api/reports/outcomes.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    header, *lines = csv.text.strip().splitlines()
    assert header.startswith("sclerosant,concentration_pct,area_group,sessions,assessed")
    assert len(lines) == len(report["cells"])
    theirs = (await other.get("/api/reports/outcomes")).json()
    assert [(c["sessions"], c["assessed"]) for c in theirs["cells"]] == [(1, 0), (1, 0)]
