"""The expected-course band: how the clinic's other patients usually feel on each day.

For each symptom and day since session: the 25th, 50th and 75th percentiles of the scores
the clinic's *other* patients logged that day, where at least `MIN_PATIENTS` of them did.

- A check-in's day counts from the patient's latest session on or before its local date
  (the timeline's rule; same-date sessions: the one recorded last). Check-ins before a
  first session do not count, nor days after `MAX_DAY`: 12 weeks, the end of the "results
  in 6-12 weeks" course and past the default review (day 56), all the chart needs.
- `n` counts patients: with two check-ins at one day (two sessions), a patient contributes
  the most recent, i.e. their latest course's.
- Percentiles interpolate linearly between ranks (PostgreSQL `percentile_cont`, numpy's
  default, `statistics.quantiles(method="inclusive")`). Scores are whole numbers, so a
  quartile lands on a quarter: SQL computes it exactly as an integer number of quarters,
  and a quarter is exact in binary. Rounding to 2 decimals is then exact (x.25, x.5,
  x.75), and SQLite and PostgreSQL cannot differ.

Leaving the patient out cheaply: removing one value from a sorted list depends only on
the value (equal values are interchangeable). So one statement computes, per clinic, each
(day, symptom) cell "leaving out nobody" and "leaving out one patient whose value was v"
for each v present, from a histogram of values: a few thousand rows, which `BandCache`
keeps. A patient's band is then one lookup per cell with their own value.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    SmallInteger,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement

from api.checkins.models import SYMPTOMS, Checkin
from api.checkins.schemas import BandPoint
from api.core.db import DbConnection
from api.core.sql import days_between
from api.patients.models import Patient
from api.treatments.models import TreatmentSession
from api.treatments.plan import is_latest_session_sql

MIN_PATIENTS = 5
MAX_DAY = 84
SLOWER_AFTER_DAY = 7
SLOWER_CHECKINS = 3
QUARTILES = (1, 2, 3)  # p25, median, p75 as k/4

Cell = tuple[int, str]  # (day, symptom)
# Every variant of a clinic's band, ready to serve: cell -> (the point with nobody left out,
# {value left out: point}), None where fewer than MIN_PATIENTS remain; cells in the order
# the API returns them (by day, then symptom).
ClinicBand = dict[Cell, tuple[BandPoint | None, dict[int, BandPoint | None]]]
_ORDER = {symptom: index for index, symptom in enumerate(SYMPTOMS)}


def _checkins(*where: ColumnElement[bool]) -> Select[Any]:
    return select(
        Checkin.patient_id, Checkin.local_date, *(getattr(Checkin, s) for s in SYMPTOMS)
    ).where(*where)


def _dated(source: Select[Any]) -> Select[Any]:
    """Check-ins from `source` with their day since session; `latest == 1` is the one
    contribution of a patient to a day (their most recent course's)."""
    checkins = source.subquery("checkins")
    session = aliased(TreatmentSession)
    day = days_between(checkins.c.local_date, session.performed_on)
    on_session = and_(
        session.patient_id == checkins.c.patient_id,
        session.performed_on <= checkins.c.local_date,
        is_latest_session_sql(session, checkins.c.local_date),
    )
    newest_first = func.row_number().over(
        partition_by=(checkins.c.patient_id, day), order_by=checkins.c.local_date.desc()
    )
    return select(checkins, day.label("day"), newest_first.label("latest")).join(
        session, on_session
    )


def _clinic_band_query(clinic_id: uuid.UUID) -> Select[Any]:
    in_clinic = select(Patient.id).where(Patient.clinic_id == clinic_id)
    dated = _dated(_checkins(Checkin.patient_id.in_(in_clinic))).cte("dated")
    # Score combinations per day first (a few hundred rows, not one per check-in), then
    # one row per (day, symptom, value) with its number of patients.
    scores = [dated.c[symptom] for symptom in SYMPTOMS]
    combos = (
        select(dated.c.day, *scores, func.count().label("count"))
        .where(dated.c.latest == 1, dated.c.day <= MAX_DAY)
        .group_by(dated.c.day, *scores)
        .cte("combos")
    )
    contribution = union_all(
        *(
            select(
                combos.c.day,
                literal(symptom, String(16)).label("symptom"),
                combos.c[symptom].label("value"),
                combos.c.count,
            )
            for symptom in SYMPTOMS
        )
    ).cte("contribution")
    c = contribution.c
    hist = (
        select(c.day, c.symptom, c.value, cast(func.sum(c.count), Integer).label("count"))
        .group_by(c.day, c.symptom, c.value)
        .cte("hist")
    )
    cell = (hist.c.day, hist.c.symptom)
    # A value's ranks in its cell's sorted list are [start, end); n is the cell's size.
    running = func.sum(hist.c.count).over(partition_by=cell, order_by=hist.c.value)
    end = cast(running, Integer)  # values are distinct within a cell: RANGE = ROWS here
    bins = select(
        *cell,
        hist.c.value,
        (end - hist.c.count).label("start"),
        end.label("end"),
        cast(func.sum(hist.c.count).over(partition_by=cell), Integer).label("n"),
    ).cte("bins")
    # Each cell's variants: nobody left out (removed = n: no rank moves), or one patient
    # whose value is v (removed at v's first rank; the ranks after it move down one). Made
    # for every v present, even below the minimum, so a missing variant always means "not
    # in the data" (see `_variant`).
    b = bins.c
    nobody = literal(None, SmallInteger).label("excluded")
    options = union_all(
        select(b.day, b.symptom, nobody, b.n.label("m"), b.n.label("removed")).where(b.start == 0),
        select(b.day, b.symptom, b.value, b.n - 1, b.start),
    ).cte("options")
    o = options.c
    columns: list[Any] = [o.day, o.symptom, o.excluded, o.m]
    for k in QUARTILES:
        quarters = (o.m - 1) * k  # the percentile's rank, times 4
        low = quarters // 4
        high = low + case((quarters % 4 > 0, 1), else_=0)
        columns += [
            (quarters % 4).label(f"frac{k}"),
            (low + case((low >= o.removed, 1), else_=0)).label(f"low{k}"),
            (high + case((high >= o.removed, 1), else_=0)).label(f"high{k}"),
        ]
    ranks = select(*columns).where(o.m >= MIN_PATIENTS - 1).cte("ranks")

    def value_at(rank: Any) -> Any:
        return func.max(case((and_(bins.c.start <= rank, rank < bins.c.end), bins.c.value)))

    picked: list[Any] = [ranks.c.day, ranks.c.symptom, ranks.c.excluded, ranks.c.m]
    for k in QUARTILES:
        low, high = value_at(ranks.c[f"low{k}"]), value_at(ranks.c[f"high{k}"])
        # Linear interpolation times 4, in integers: low*4 + (high - low) * frac.
        picked.append((low * 4 + (high - low) * ranks.c[f"frac{k}"]).label(f"q{k}"))
    return (
        select(*picked)
        .join(bins, and_(bins.c.day == ranks.c.day, bins.c.symptom == ranks.c.symptom))
        .group_by(*ranks.c)
    )


async def clinic_band(conn: DbConnection, clinic_id: uuid.UUID) -> ClinicBand:
    """Every variant of the clinic's band, in one statement (see the module docstring)."""
    band: ClinicBand = {}
    for r in await conn.execute(_clinic_band_query(clinic_id)):
        # Quarters divided by 4 are exact in binary: the 2-decimal rounding changes nothing.
        point = BandPoint(r.day, r.symptom, r.q1 / 4, r.q2 / 4, r.q3 / 4, r.m)
        variant = point if r.m >= MIN_PATIENTS else None
        left_out = band.setdefault((r.day, r.symptom), (None, {}))[1]
        if r.excluded is None:
            band[(r.day, r.symptom)] = (variant, left_out)
        else:
            left_out[r.excluded] = variant
    return dict(sorted(band.items(), key=lambda item: (item[0][0], _ORDER[item[0][1]])))


def own_contributions(points: Iterable[Any]) -> dict[Cell, int]:
    """A patient's own value per cell, from rows with `day` and scores in date order."""
    own: dict[Cell, int] = {}
    for point in points:
        if point.day is not None and point.day <= MAX_DAY:
            for symptom in SYMPTOMS:
                own[(point.day, symptom)] = getattr(point, symptom)  # the newest wins
    return own


def _variant(
    nobody: BandPoint | None, left_out: dict[int, BandPoint | None], mine: int | None
) -> BandPoint | None:
    """A cell without the patient's own value (`mine`); None under 5 other patients.

    A value absent from the clinic band is not in its data to leave out (the patient
    checked in after a cached band was computed): "nobody left out" is then the variant.
    """
    return left_out[mine] if mine is not None and mine in left_out else nobody


def band_for(clinic: ClinicBand, own: dict[Cell, int]) -> list[BandPoint]:
    """The band as one patient sees it, by day then symptom."""
    points = []
    for cell, (nobody, left_out) in clinic.items():
        if (point := _variant(nobody, left_out, own.get(cell))) is not None:
            points.append(point)
    return points


class BandCache:
    """Clinic bands kept in this process for `ttl` seconds of process time.

    A band scans the clinic's check-ins (0.6 s on SQLite for 180,000): far too much for the
    timeline, the hot read, and SQLite reads run on the event loop. The band moves slowly;
    the issue allows a day of staleness, an hour keeps it fresher while the scan runs at
    most hourly per clinic and process. Another process needs nothing from here (it
    computes the same band). Concurrent misses for one clinic wait for one computation.
    """

    def __init__(
        self,
        ttl: float = 3600.0,
        max_clinics: int = 256,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl, self.max_clinics, self._timer = ttl, max_clinics, timer
        self._entries: OrderedDict[uuid.UUID, tuple[float, ClinicBand]] = OrderedDict()
        self._locks: dict[uuid.UUID, asyncio.Lock] = {}

    def _fresh(self, clinic_id: uuid.UUID) -> ClinicBand | None:
        entry = self._entries.get(clinic_id)
        if entry is None or entry[0] <= self._timer():
            return None
        self._entries.move_to_end(clinic_id)
        return entry[1]

    async def get(self, conn: DbConnection, clinic_id: uuid.UUID) -> ClinicBand:
        if (found := self._fresh(clinic_id)) is not None:
            return found
        async with self._locks.setdefault(clinic_id, asyncio.Lock()):
            if (found := self._fresh(clinic_id)) is None:
                found = await clinic_band(conn, clinic_id)
                self._entries[clinic_id] = (self._timer() + self.ttl, found)
                self._entries.move_to_end(clinic_id)
                while len(self._entries) > self.max_clinics:
                    self._locks.pop(self._entries.popitem(last=False)[0], None)
        return found

    def clear(self) -> None:
        self._entries.clear()


band_cache = BandCache()


async def _band(conn: DbConnection, clinic_id: uuid.UUID, cache: BandCache | None) -> ClinicBand:
    return await (cache.get(conn, clinic_id) if cache else clinic_band(conn, clinic_id))


async def expected_band(
    conn: DbConnection, patient_id: uuid.UUID, cache: BandCache | None = None
) -> list[BandPoint]:
    """The band for this patient from their clinic's other patients (fresh unless `cache`)."""
    clinic_id = await conn.scalar(select(Patient.clinic_id).where(Patient.id == patient_id))
    if clinic_id is None:
        return []
    dated = _dated(_checkins(Checkin.patient_id == patient_id)).subquery("dated")
    own = await conn.execute(select(dated).where(dated.c.latest == 1).order_by(dated.c.local_date))
    return band_for(await _band(conn, clinic_id, cache), own_contributions(own))


async def slower_than_usual(
    conn: DbConnection,
    clinic_id: uuid.UUID,
    patient_ids: Sequence[uuid.UUID] | None = None,
    cache: BandCache | None = band_cache,
) -> set[uuid.UUID]:
    """Patients above their band's p75 for one symptom on each of their last 3 check-ins.

    All three at days 8 to `MAX_DAY` since their session, each in a cell with a band
    (without them). SQL finds each patient's last three check-ins by index lookups; the
    band (cached by default: the patient list is read often) is looked up for those rows.
    """
    third_latest = (
        select(Checkin.local_date)
        .where(Checkin.patient_id == Patient.id)
        .order_by(Checkin.local_date.desc())
        .limit(1)
        .offset(SLOWER_CHECKINS - 1)
        .scalar_subquery()
    )
    chosen = [Patient.id.in_(list(patient_ids))] if patient_ids is not None else []
    # MATERIALIZED: PostgreSQL would otherwise run the lookup per check-in, not per patient.
    since = (
        select(Patient.id, third_latest.label("since"))
        .where(Patient.clinic_id == clinic_id, *chosen)
        .cte("since")
        .prefix_with("MATERIALIZED")
    )
    last = _checkins().join(
        since, and_(since.c.id == Checkin.patient_id, Checkin.local_date >= since.c.since)
    )
    recent = _dated(select(last.cte("last").prefix_with("MATERIALIZED"))).subquery("recent")
    rows = await conn.execute(select(recent).order_by(recent.c.patient_id, recent.c.local_date))
    by_patient: dict[uuid.UUID, list[Any]] = {}
    for row in rows:
        by_patient.setdefault(row.patient_id, []).append(row)
    if not by_patient:
        return set()
    clinic = await _band(conn, clinic_id, cache)
    return {patient for patient, last in by_patient.items() if _is_slower(clinic, last)}


def _is_slower(clinic: ClinicBand, last: list[Any]) -> bool:
    if len(last) < SLOWER_CHECKINS or not all(SLOWER_AFTER_DAY < r.day <= MAX_DAY for r in last):
        return False
    own = own_contributions(last)

    def above(row: Any, symptom: str) -> bool:
        cell = (row.day, symptom)
        found = _variant(*clinic[cell], own.get(cell)) if cell in clinic else None
        return found is not None and getattr(row, symptom) > found.p75

    return any(all(above(row, symptom) for row in last) for symptom in SYMPTOMS)
