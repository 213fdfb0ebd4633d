"""The expected-course band and "slower than usual" (api.checkins.band).

The patient being looked at is built through the API (sessions recorded by the
practitioner, check-ins PUT by the patient); the clinic's other patients are inserted in
bulk, as many are needed. Expected bands come from `reference_band`, a plain-Python
reading of the definition using `statistics.quantiles(method="inclusive")`, so the SQL
(SQLite or PostgreSQL, whichever the suite runs on) is checked against an independent
implementation.
"""

from __future__ import annotations

import random
import statistics
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select

from api.checkins.band import (
    MAX_DAY,
    BandCache,
    ClinicBand,
    band_cache,
    band_for,
    clinic_band,
    expected_band,
    slower_than_usual,
)
from api.checkins.models import SYMPTOMS, Checkin
from api.core.db import Database
from api.identity.models import Clinic, Patient, User
from api.treatments.models import TreatmentSession
from tests.conftest import START, ApiClient, World, checkin_body, session_body
from tests.factories import session_row

Scores = Mapping[str, int]
D0 = date(2026, 3, 1)  # the usual session date of these tests
# Everything is written at START (the frozen clock); a band cut off at START counts none of
# it (`updated_at < cutoff`), so bands are read a minute later.
LATER = START + timedelta(minutes=1)


@dataclass
class Course:
    """One patient's sessions and check-ins (unlisted symptoms score 0)."""

    sessions: Sequence[date]
    checkins: dict[date, Scores] = field(default_factory=dict)


def scores(**values: int) -> dict[str, int]:
    return {symptom: values.get(symptom, 0) for symptom in SYMPTOMS}


async def clinic_of(db: Database, name: str = "Clinic A") -> uuid.UUID:
    async with db.read() as conn:
        clinic_id: uuid.UUID = await conn.scalar(select(Clinic.id).where(Clinic.name == name))
    return clinic_id


async def new_clinic(db: Database, name: str) -> uuid.UUID:
    clinic_id = uuid.uuid4()
    async with db.write() as session:
        await session.execute(insert(Clinic).values(id=clinic_id, name=name, created_at=START))
    return clinic_id


async def add_patient(db: Database, clinic_id: uuid.UUID, course: Course) -> uuid.UUID:
    """A patient straight into the database: sessions in the order given (recorded so)."""
    user_id, patient_id = uuid.uuid4(), uuid.uuid4()
    async with db.write() as session:
        await session.execute(
            insert(User).values(
                id=user_id,
                email=f"{patient_id.hex}@bulk.test",
                name="Bulk Patient",
                role="patient",
                clinic_id=clinic_id,
                created_at=START,
            )
        )
        await session.execute(
            insert(Patient).values(
                id=patient_id,
                user_id=user_id,
                clinic_id=clinic_id,
                timezone="Europe/London",
                checkin_time=time(19),
                active=True,
                created_at=START,
            )
        )
        for index, performed_on in enumerate(course.sessions):
            row = session_row(patient_id, performed_on, START + timedelta(seconds=index))
            await session.execute(insert(TreatmentSession), [row])
        rows = [
            {
                "id": uuid.uuid4(),
                "patient_id": patient_id,
                "local_date": day,
                **scores(**values),
                "compression_worn": None,
                "warning_signs": [],
                "note": None,
                "recorded_at": START,
                "created_at": START,
                "updated_at": START,
            }
            for day, values in course.checkins.items()
        ]
        if rows:
            await session.execute(insert(Checkin), rows)
    return patient_id


def reference_band(courses: Sequence[Course]) -> list[dict[str, Any]]:
    """The band over these courses, straight from the definition."""
    cells: dict[tuple[int, str], list[int]] = {}
    for course in courses:
        latest: dict[int, Scores] = {}
        for day in sorted(course.checkins):
            started = [s for s in course.sessions if s <= day]
            if started and (since := (day - max(started)).days) <= MAX_DAY:
                latest[since] = course.checkins[day]  # the newest check-in at that day wins
        for since, values in latest.items():
            for symptom in SYMPTOMS:
                cells.setdefault((since, symptom), []).append(values.get(symptom, 0))
    band = []
    for since, symptom in sorted(cells, key=lambda c: (c[0], SYMPTOMS.index(c[1]))):
        values = cells[(since, symptom)]
        if len(values) >= 5:
            p25, median, p75 = statistics.quantiles(values, n=4, method="inclusive")
            band.append(
                {
                    "day": since,
                    "symptom": symptom,
                    "p25": round(p25, 2),
                    "median": round(median, 2),
                    "p75": round(p75, 2),
                    "n": len(values),
                }
            )
    return band


def cells(band: Sequence[Mapping[str, Any]], symptom: str = "pain") -> dict[int, Any]:
    return {point["day"]: point for point in band if point["symptom"] == symptom}


async def api_patient(
    world: World, doctor: ApiClient, course: Course, email: str = "pat@example.test"
) -> tuple[str, ApiClient]:
    """The patient under test, built through the API."""
    patient_id, patient = await world.patient(doctor, email=email, sessions=tuple(course.sessions))
    for day, values in course.checkins.items():
        response = await patient.put(
            f"/api/me/checkins/{day}", json=checkin_body(**scores(**values))
        )
        assert response.status_code == 201, response.text
    return patient_id, patient


async def band_of(
    db: Database,
    patient_id: uuid.UUID | str,
    now: datetime = LATER,
    cache: BandCache | None = None,
) -> list[dict[str, Any]]:
    async with db.read() as conn:
        band = await expected_band(conn, uuid.UUID(str(patient_id)), now, cache)
    return [
        {
            "day": p.day,
            "symptom": p.symptom,
            "p25": p.p25,
            "median": p.median,
            "p75": p.p75,
            "n": p.n,
        }
        for p in band
    ]


# --- who counts ------------------------------------------------------------------------


async def test_a_cell_needs_five_other_patients(world: World, db: Database) -> None:
    doctor = await world.practitioner()
    clinic = await clinic_of(db)
    day2, day3 = D0 + timedelta(days=2), D0 + timedelta(days=3)
    # Five others at day 2, four of them at day 3; a sixth has no day-3 check-in.
    others = [Course([D0], {day2: {"pain": p}, day3: {"pain": p + 1}}) for p in (1, 2, 3, 4)]
    others.append(Course([D0], {day2: {"pain": 6}}))
    ids = [await add_patient(db, clinic, course) for course in others]
    me = Course([D0], {day2: {"pain": 9}, day3: {"pain": 9}})
    patient_id, patient = await api_patient(world, doctor, me)

    world.clock.set(LATER)
    timeline = (await patient.get("/api/me/timeline")).json()
    pain = cells(timeline["band"])
    assert set(pain) == {2}, "day 3 has only 4 other patients (the patient's own is left out)"
    assert (pain[2]["n"], pain[2]["p25"], pain[2]["median"], pain[2]["p75"]) == (5, 2, 3, 4)
    assert timeline["band"] == reference_band(others)
    # The fifth other patient sees day 3 from 5 others: the four and our patient.
    fifth = cells(await band_of(db, ids[4]))
    assert fifth[3]["n"] == 5 and fifth[3]["median"] == 4  # 2, 3, 4, 5, 9
    assert fifth[2]["n"] == 5 and fifth[2]["p75"] == 4  # 1, 2, 3, 4, 9
    assert await band_of(db, patient_id) == timeline["band"]


async def test_other_clinics_do_not_count(world: World, db: Database) -> None:
    doctor = await world.practitioner()
    mine, theirs = await clinic_of(db), await new_clinic(db, "Clinic B")
    day1, day5 = D0 + timedelta(days=1), D0 + timedelta(days=5)
    for pain in (1, 1, 2, 2, 3):
        await add_patient(db, mine, Course([D0], {day1: {"pain": pain}}))
    for _ in range(6):
        await add_patient(db, theirs, Course([D0], {day1: {"pain": 10}, day5: {"pain": 10}}))
    patient_id, _ = await api_patient(world, doctor, Course([D0], {day1: {"pain": 4}}))
    band = cells(await band_of(db, patient_id))
    assert set(band) == {1}
    assert (band[1]["n"], band[1]["p75"]) == (5, 2)


async def test_day_counts_from_the_latest_session_and_a_patient_counts_once(
    world: World, db: Database
) -> None:
    doctor = await world.practitioner()
    clinic = await clinic_of(db)
    first, second = date(2026, 1, 5), date(2026, 2, 2)
    # Two sessions; day 2 of each course: only the later course's day 2 counts, once.
    # The check-in on Feb 4 is day 2 of the second session, not day 30 of the first; the
    # check-in on Jan 3 comes before any session and counts nowhere.
    twice = Course(
        [first, second],
        {
            date(2026, 1, 3): {"pain": 10},
            first + timedelta(days=2): {"pain": 9},
            second + timedelta(days=2): {"pain": 0},
        },
    )
    others = [twice] + [Course([D0], {D0 + timedelta(days=2): {"pain": p}}) for p in (1, 2, 3, 4)]
    for course in others:
        await add_patient(db, clinic, course)
    _, patient = await api_patient(world, doctor, Course([D0], {}))

    world.clock.set(LATER)
    band = (await patient.get("/api/me/timeline")).json()["band"]
    pain = cells(band)
    assert set(pain) == {2}
    assert (pain[2]["n"], pain[2]["p25"], pain[2]["median"], pain[2]["p75"]) == (5, 1, 2, 3)
    assert band == reference_band(others)


async def test_percentiles_interpolate_like_statistics_quantiles(
    world: World, db: Database
) -> None:
    doctor = await world.practitioner()
    clinic = await clinic_of(db)
    rng = random.Random(20260310)
    others = []
    for index in range(11):
        sessions = [D0 - timedelta(days=40), D0] if index % 3 else [D0]
        checkins = {
            D0 + timedelta(days=offset): {
                "pain": rng.randint(0, 10),
                **{symptom: rng.randint(0, 3) for symptom in SYMPTOMS[1:]},
            }
            for offset in range(-40, 10)
            if rng.random() < 0.6
        }
        others.append(Course(sessions, checkins))
    for course in others:
        await add_patient(db, clinic, course)
    me = Course([D0], {D0 + timedelta(days=d): {"pain": 10, "itching": 3} for d in range(9)})
    patient_id, patient = await api_patient(world, doctor, me)

    expected = reference_band(others)
    world.clock.set(LATER)
    band = (await patient.get("/api/me/timeline")).json()["band"]
    assert band == expected
    # Non-trivial: fractional percentiles, and cells at and above the threshold. Seven
    # patients had a session 40 days earlier: days 10-39 come from them alone.
    assert any(point["p25"] % 1 or point["p75"] % 1 for point in expected)
    assert min(point["n"] for point in expected) == 5 < max(point["n"] for point in expected)
    assert 10 <= max(point["day"] for point in expected) < 40
    # The practitioner's view of the same patient carries the same band.
    practitioner_view = await doctor.get(f"/api/patients/{patient_id}/timeline")
    assert practitioner_view.status_code == 200
    assert practitioner_view.json()["band"] == expected


async def test_band_ends_at_day_84(db: Database) -> None:
    clinic = await new_clinic(db, "Long Clinic")
    late = {MAX_DAY - 1: {"pain": 1}, MAX_DAY: {"pain": 1}, MAX_DAY + 1: {"pain": 1}}
    ids = [await add_patient(db, clinic, on_days(late)) for _ in range(6)]
    assert MAX_DAY == 84
    assert sorted(cells(await band_of(db, ids[0]))) == [83, 84]


async def test_timeline_without_sessions_has_no_band(world: World, db: Database) -> None:
    doctor = await world.practitioner()
    clinic = await clinic_of(db)
    for pain in range(5):
        await add_patient(db, clinic, Course([D0], {D0: {"pain": pain}}))
    _, patient = await world.patient(doctor)
    assert (await patient.get("/api/me/timeline")).json() == {
        "sessions": [],
        "points": [],
        "band": [],
        "photos": [],
        "outcomes": [],
        "ratings": [],
    }


# --- slower than usual -----------------------------------------------------------------


def on_days(values: Mapping[int, Scores]) -> Course:
    return Course([D0], {D0 + timedelta(days=day): v for day, v in values.items()})


def point(band: ClinicBand, day: int, symptom: str, left_out: int | None = None) -> Any:
    nobody, by_value = band.cells[(day, symptom)]
    found = nobody if left_out is None else by_value[left_out]
    assert found is not None
    return (found.n, found.p25, found.median, found.p75)


async def slower(db: Database, clinic: uuid.UUID, among: Sequence[uuid.UUID] | None = None) -> Any:
    async with db.read() as conn:
        return await slower_than_usual(conn, clinic, LATER, among, cache=None)


async def test_slower_than_usual_needs_three_check_ins_above_p75_after_day_7(
    db: Database,
) -> None:
    clinic = await new_clinic(db, "Slow Clinic")
    # Twelve patients at pain 1, swelling 0 from day 3 to day 12: with at most three of the
    # patients below in a cell, p75 stays at 1 for pain and 0 for swelling.
    for _ in range(12):
        await add_patient(db, clinic, on_days({d: {"pain": 1} for d in range(3, 13)}))
    high = {"pain": 5}
    slow = await add_patient(db, clinic, on_days({3: {}, 9: high, 10: high, 11: high}))
    day_seven = await add_patient(db, clinic, on_days({7: high, 8: high, 9: high}))
    at_p75 = await add_patient(db, clinic, on_days({10: high, 11: {"pain": 1}, 12: high}))
    # Above every time, but not for one symptom: pain twice, then swelling.
    mixed = await add_patient(db, clinic, on_days({9: high, 10: high, 11: {"swelling": 2}}))
    two_only = await add_patient(db, clinic, on_days({11: high, 12: high}))

    assert await slower(db, clinic) == {slow}
    assert await slower(db, clinic, [day_seven, at_p75, mixed, two_only]) == set()
    assert await slower(db, clinic, [slow, two_only]) == {slow}
    async with db.read() as conn:
        band = await clinic_band(conn, clinic, LATER)
    assert point(band, 10, "pain") == (15, 1, 1, 1)  # (n, p25, median, p75), everyone in
    assert point(band, 11, "swelling")[3] == 0


async def test_slower_than_usual_leaves_the_patient_out_of_their_band(db: Database) -> None:
    clinic = await new_clinic(db, "Small Clinic")
    # Six at pain 0 and three at pain 4 on days 8-10. With everyone in, p75 is 4 (nobody
    # above it). Without one of the three, the others' p75 is 0 + 0.25 * 4 = 1: each of the
    # three is above it.
    days = range(8, 11)
    for _ in range(6):
        await add_patient(db, clinic, on_days({d: {"pain": 0} for d in days}))
    fours = {
        await add_patient(db, clinic, on_days({d: {"pain": 4} for d in days})) for _ in range(3)
    }
    assert await slower(db, clinic) == fours
    async with db.read() as conn:
        band = await clinic_band(conn, clinic, LATER)
    assert point(band, 9, "pain") == (9, 0, 0, 4)
    assert point(band, 9, "pain", left_out=4) == (8, 0, 0, 1)


# --- the cache -------------------------------------------------------------------------


async def test_band_cache_serves_a_clinic_band_until_its_ttl_ends(db: Database) -> None:
    clinic = await new_clinic(db, "Cached Clinic")
    now = [0.0]
    cache = BandCache(ttl=60, timer=lambda: now[0])
    for pain in range(5):
        await add_patient(db, clinic, on_days({1: {"pain": pain}}))
    async with db.read() as conn:
        first = await cache.get(conn, clinic, LATER)
    assert point(first, 1, "pain")[0] == 5
    await add_patient(db, clinic, on_days({1: {"pain": 9}}))
    now[0] = 59.0
    async with db.read() as conn:
        assert await cache.get(conn, clinic, LATER) is first
        assert point(await clinic_band(conn, clinic, LATER), 1, "pain")[0] == 6
    # A value the band has never seen is not in it to leave out (the `_variant` defence).
    assert [(p.day, p.n) for p in band_for(first, {(1, "pain"): 7}) if p.symptom == "pain"] == [
        (1, 5)
    ]
    now[0] = 60.0
    async with db.read() as conn:
        assert point(await cache.get(conn, clinic, LATER), 1, "pain")[0] == 6


# --- the patient's own changes since the band was cut off ------------------------------

# Five other patients at days 2 and 3 since D0 (all symptoms but pain at 0). The values the
# patient changes to are among theirs, so leaving out a value the band does not hold for the
# patient would drop one of the others' (and day 3 would fall under five).
DAY2, DAY3 = D0 + timedelta(days=2), D0 + timedelta(days=3)
OTHERS = [Course([D0], {DAY2: {"pain": p}, DAY3: {"pain": p}}) for p in (1, 2, 3, 4, 6)]


def quartiles(*values: int) -> tuple[int, float, float, float]:
    """(n, p25, median, p75) of these values, as `point` gives them."""
    p25, median, p75 = statistics.quantiles(values, n=4, method="inclusive")
    return (len(values), p25, median, p75)


async def put_pain(world: World, patient: ApiClient, day: date, pain: int) -> Any:
    body = checkin_body(recorded_at=world.clock.now(), **scores(pain=pain))
    response = await patient.put(f"/api/me/checkins/{day}", json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def cached_with_patient(world: World, db: Database) -> tuple[str, ApiClient, uuid.UUID]:
    """The clinic's band cached (cut off at LATER) while the patient's day 2 is pain 9."""
    doctor = await world.practitioner()
    clinic = await clinic_of(db)
    for course in OTHERS:
        await add_patient(db, clinic, course)
    patient_id, patient = await api_patient(world, doctor, Course([D0], {DAY2: {"pain": 9}}))
    world.clock.set(LATER)
    assert (await patient.get("/api/me/timeline")).json()["band"] == reference_band(OTHERS)
    async with db.read() as conn:
        cached = await band_cache.get(conn, clinic, LATER)
    assert cached.cutoff == LATER
    assert point(cached, 2, "pain") == quartiles(1, 2, 3, 4, 6, 9)  # with the patient's 9
    world.clock.advance(timedelta(minutes=5))
    return patient_id, patient, clinic


async def still_cached(db: Database, clinic: uuid.UUID, now: datetime) -> ClinicBand:
    async with db.read() as conn:
        band = await band_cache.get(conn, clinic, now)
    assert band.cutoff == LATER, "the band must not have been recomputed"
    return band


async def test_after_editing_a_day_the_patient_is_still_left_out_of_a_cached_band(
    world: World, db: Database
) -> None:
    patient_id, patient, clinic = await cached_with_patient(world, db)
    assert (await put_pain(world, patient, DAY2, 2))["outcome"] == "updated"
    world.clock.advance(timedelta(minutes=5))

    # The cached band still holds their 9 (neither it nor the 2 may show), and their own
    # check-in no longer says 9: the band must be the other patients' alone.
    band = await still_cached(db, clinic, world.clock.now())
    assert point(band, 2, "pain")[0] == 6
    timeline = (await patient.get("/api/me/timeline")).json()
    assert [p["pain"] for p in timeline["points"]] == [2]
    assert timeline["band"] == reference_band(OTHERS)
    async with db.read() as conn:
        fresh = await clinic_band(conn, clinic, world.clock.now())
    assert point(fresh, 2, "pain") == quartiles(1, 2, 2, 3, 4, 6)  # the 2 in, not the 9
    doctor_view = await (await world.practitioner("dr2@clinic-a.test")).get(
        f"/api/patients/{patient_id}/timeline"
    )
    assert doctor_view.json()["band"] == reference_band(OTHERS)
    await still_cached(db, clinic, world.clock.now())


async def test_after_adding_a_day_the_patient_is_still_left_out_of_a_cached_band(
    world: World, db: Database
) -> None:
    _, patient, clinic = await cached_with_patient(world, db)
    assert (await put_pain(world, patient, DAY3, 4))["outcome"] == "created"
    world.clock.advance(timedelta(minutes=5))

    # Day 3 of the cached band is the five others; the new 4 is not in it to leave out.
    band = await still_cached(db, clinic, world.clock.now())
    assert point(band, 3, "pain") == quartiles(1, 2, 3, 4, 6)
    timeline = (await patient.get("/api/me/timeline")).json()
    assert timeline["band"] == reference_band(OTHERS)
    assert cells(timeline["band"])[3]["n"] == 5


async def test_another_patient_sees_the_edit_once_the_band_is_recomputed(
    world: World, db: Database
) -> None:
    """Others see the band as of its cutoff (the old value) until it is recomputed."""
    doctor = await world.practitioner()
    clinic = await clinic_of(db)
    others = [await add_patient(db, clinic, course) for course in OTHERS]
    mine = Course([D0], {DAY2: {"pain": 9}})
    me, patient = await api_patient(world, doctor, mine)
    timer = [0.0]
    cache = BandCache(ttl=3600, timer=lambda: timer[0])
    viewer, rest = others[0], OTHERS[1:]  # the viewer: pain 1 on both days
    assert await band_of(db, viewer, LATER, cache) == reference_band([*rest, mine])

    # After the band's cutoff, the patient edits day 2 to 2 and adds day 3 at 4.
    world.clock.set(LATER + timedelta(minutes=5))
    await put_pain(world, patient, DAY2, 2)
    await put_pain(world, patient, DAY3, 4)
    edited = Course([D0], {DAY2: {"pain": 2}, DAY3: {"pain": 4}})
    world.clock.advance(timedelta(minutes=5))
    now = world.clock.now()

    timer[0] = 3599.0  # cached: the viewer still sees the 9, not yet the 2 nor the new 4
    assert await band_of(db, viewer, now, cache) == reference_band([*rest, mine])
    assert await band_of(db, me, now, cache) == reference_band(OTHERS)
    timer[0] = 3600.0  # recomputed: the edit and the new day are in
    assert await band_of(db, viewer, now, cache) == reference_band([*rest, edited])
    assert await band_of(db, me, now, cache) == reference_band(OTHERS)
    async with db.read() as conn:
        assert (await cache.get(conn, clinic, now)).cutoff == now


async def test_a_check_in_changed_at_the_cutoff_instant_counts_as_after_it(
    world: World, db: Database
) -> None:
    doctor = await world.practitioner()
    clinic = await clinic_of(db)
    for course in OTHERS:
        await add_patient(db, clinic, course)
    # Created exactly at the cutoff (day 3, pain 2): in neither the band nor the patient's
    # contribution. Edited exactly at the cutoff (day 2, 9 then 4): its earlier 9 in both.
    patient_id, patient = await api_patient(world, doctor, Course([D0], {DAY2: {"pain": 9}}))
    cutoff = LATER
    world.clock.set(cutoff)
    async with db.read() as conn:
        cached = await band_cache.get(conn, clinic, cutoff)  # before the writes below
    assert cached.cutoff == cutoff and point(cached, 2, "pain")[0] == 6
    await put_pain(world, patient, DAY3, 2)
    await put_pain(world, patient, DAY2, 4)
    async with db.read() as conn:
        at_cutoff = await clinic_band(conn, clinic, cutoff)
        just_after = await clinic_band(conn, clinic, cutoff + timedelta(microseconds=1))
    assert point(at_cutoff, 3, "pain")[0] == 5 and point(just_after, 3, "pain")[0] == 6
    assert point(at_cutoff, 2, "pain")[0] == 5 and point(just_after, 2, "pain")[0] == 6

    world.clock.advance(timedelta(minutes=5))
    expected = reference_band(OTHERS)
    assert (await patient.get("/api/me/timeline")).json()["band"] == expected
    assert await band_of(db, patient_id, world.clock.now(), band_cache) == expected
    assert (await still_cached(db, clinic, world.clock.now())) is cached


async def test_a_session_recorded_after_the_band_was_cut_off_recomputes_it(
    world: World, db: Database
) -> None:
    doctor = await world.practitioner()
    clinic = await clinic_of(db)
    for course in OTHERS:
        await add_patient(db, clinic, course)
    # Pain 2 on March 6: day 5 since D0 (in the cached band), then day 2 of a new session.
    patient_id, patient = await api_patient(
        world, doctor, Course([D0], {D0 + timedelta(days=5): {"pain": 2}})
    )
    world.clock.set(LATER)
    assert (await patient.get("/api/me/timeline")).json()["band"] == reference_band(OTHERS)
    world.clock.advance(timedelta(minutes=5))
    response = await doctor.post(f"/api/patients/{patient_id}/sessions", json=session_body(DAY3))
    assert response.status_code == 201, response.text
    world.clock.advance(timedelta(minutes=5))

    timeline = (await patient.get("/api/me/timeline")).json()
    assert [p["day"] for p in timeline["points"]] == [2]
    assert timeline["band"] == reference_band(OTHERS)
    async with db.read() as conn:
        band = await band_cache.get(conn, clinic, world.clock.now())
    assert band.cutoff == world.clock.now(), "recomputed once, by that timeline"
