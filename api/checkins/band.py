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

The lookup needs the value the band holds for the patient, not their value now: a band is
kept for up to an hour, and a patient who checked in or edited a day since would otherwise
remove their new value (or nothing) and still see their old score in their usual range.
Keeping every patient's contributions would cost a row per check-in, so each band has a
cutoff instant instead (`ClinicBand.cutoff`, the clock's `now` when computed) and counts
only check-ins last changed before it (`updated_at < cutoff`, applied before the "latest
per day" choice), which pins down what each patient contributed, from their own rows alone
(`own_contributions`): a check-in still with `updated_at < cutoff` is unchanged since, so
it counts with its current value; one created since is in no band cut off before it; one
edited since counts with its value at the cutoff, which the row no longer holds but the
revision log does (every accepted body is kept, received at the row's new `updated_at`):
`earlier_scores` reads it, by index, only when such an edit exists. The leave-one-out is
then exact whatever the patient did since, with no invalidation, so it holds across API
processes. Their check-ins' days also depend on their sessions, which neither covers: a
band cut off before a change to the patient's sessions is recomputed (`BandCache.get`).
What the cutoff cannot see is a write stamped before it but committed after the band's
read (a transaction in flight, or a process whose clock runs behind): see `_variant`.
"""

from __future__ import annotations

import asyncio
import functools
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    SmallInteger,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement

from api.checkins.models import SYMPTOMS, Checkin, CheckinRevision
from api.checkins.schemas import BandPoint
from api.core.db import DbConnection, off_loop
from api.core.sql import days_between
from api.identity.models import Patient
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
BandCells = dict[Cell, tuple[BandPoint | None, dict[int, BandPoint | None]]]
_ORDER = {symptom: index for index, symptom in enumerate(SYMPTOMS)}


@dataclass(frozen=True, slots=True)
class ClinicBand:
    """A clinic's band over the check-ins last changed before `cutoff` (module docstring)."""

    cutoff: datetime
    cells: BandCells


def _checkins(*where: ColumnElement[bool]) -> Select[Any]:
    return select(
        Checkin.id,
        Checkin.patient_id,
        Checkin.local_date,
        Checkin.created_at,
        Checkin.updated_at,
        *(getattr(Checkin, s) for s in SYMPTOMS),
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


def _clinic_band_query(clinic_id: uuid.UUID, cutoff: datetime) -> Select[Any]:
    in_clinic = select(Patient.id).where(Patient.clinic_id == clinic_id)
    # The cutoff filters the check-ins before `_dated` picks each patient's latest per day:
    # a patient's contribution is then their newest check-in at that day changed before it.
    source = _checkins(Checkin.patient_id.in_(in_clinic), Checkin.updated_at < cutoff)
    dated = _dated(source).cte("dated")
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


async def clinic_band(conn: DbConnection, clinic_id: uuid.UUID, cutoff: datetime) -> ClinicBand:
    """Every variant of the clinic's band over the check-ins changed before `cutoff`, in one
    statement (see the module docstring)."""
    conn = off_loop(conn)  # a clinic-wide scan: never on the event loop
    band: BandCells = {}
    for r in await conn.execute(_clinic_band_query(clinic_id, cutoff)):
        # Quarters divided by 4 are exact in binary: the 2-decimal rounding changes nothing.
        point = BandPoint(r.day, r.symptom, r.q1 / 4, r.q2 / 4, r.q3 / 4, r.m)
        variant = point if r.m >= MIN_PATIENTS else None
        left_out = band.setdefault((r.day, r.symptom), (None, {}))[1]
        if r.excluded is None:
            band[(r.day, r.symptom)] = (variant, left_out)
        else:
            left_out[r.excluded] = variant
    cells = dict(sorted(band.items(), key=lambda item: (item[0][0], _ORDER[item[0][1]])))
    return ClinicBand(cutoff=cutoff, cells=cells)


# `points` below: one patient's (point, stamp) pairs in date order; the point has `day` and
# the scores, the stamp where its check-in stood at the band's cutoff (see `Stamp`).
Points = Sequence[tuple[Any, Any]]
Scores = tuple[int, ...]  # in SYMPTOMS order


@dataclass(frozen=True, slots=True)
class Stamp:
    """Where a check-in stood at a band's cutoff: `unchanged` if last changed before it (the
    band holds its current values); `edited_id` its id if created before and changed since
    (the band holds its values then). Neither: created since, in no such band.

    A long history (the timeline's) has these computed by SQL as columns of the same names
    (`stamp_columns`), sparing a UUID and two timestamps decoded per row."""

    unchanged: bool
    edited_id: uuid.UUID | None

    @classmethod
    def of(cls, checkin: Any, cutoff: datetime) -> Stamp:
        """From a row with `id`, `created_at` and `updated_at`."""
        edited = checkin.created_at < cutoff <= checkin.updated_at
        return cls(checkin.updated_at < cutoff, checkin.id if edited else None)


def stamp_columns(cutoff: Any) -> list[ColumnElement[Any]]:
    """`Stamp`'s two fields as columns of a query on `Checkin`, for the cutoff `cutoff`."""
    edited = and_(Checkin.created_at < cutoff, Checkin.updated_at >= cutoff)
    return [
        (Checkin.updated_at < cutoff).label("unchanged"),
        case((edited, Checkin.id), else_=null()).label("edited_id"),
    ]


def stamped(rows: Sequence[Any], cutoff: datetime) -> list[tuple[Any, Stamp]]:
    """(row, its `Stamp`) for rows with `id`, `created_at` and `updated_at`."""
    return [(row, Stamp.of(row, cutoff)) for row in rows]


def _in_band(point: Any) -> bool:
    return point.day is not None and point.day <= MAX_DAY


async def earlier_scores(
    conn: DbConnection, points: Points, cutoff: datetime
) -> dict[uuid.UUID, Scores]:
    """The scores at `cutoff` of the check-ins edited since (created before it).

    The band holds their value from then, which the row no longer has: it is the last
    accepted body received before the cutoff in `checkin_revision`, where every accepted
    write keeps one with `received_at` = its `updated_at`. One indexed query, and only when
    such a check-in exists (a new day needs none: it is in no band cut off before it).
    """
    edited = [stamp.edited_id for p, stamp in points if _in_band(p) and stamp.edited_id]
    if not edited:
        return {}
    revisions = await conn.execute(
        select(CheckinRevision.checkin_id, CheckinRevision.payload)
        .where(
            CheckinRevision.checkin_id.in_(edited),
            CheckinRevision.outcome.in_(("created", "updated")),
            CheckinRevision.received_at < cutoff,
        )
        # Accepted bodies of one check-in never go back in `recorded_at`: a tie-break.
        .order_by(CheckinRevision.received_at, CheckinRevision.recorded_at)
    )
    return {r.checkin_id: tuple(int(r.payload[s]) for s in SYMPTOMS) for r in revisions}


def own_contributions(points: Points, earlier: Mapping[uuid.UUID, Scores]) -> dict[Cell, int]:
    """A patient's own value per cell in the band their points are stamped for.

    The band's rule exactly: their check-ins as they were at the cutoff (changed before it,
    the same strict `<`; or edited since, valued from `earlier_scores`), and of those the
    newest at a day (their latest course's). A check-in created since is in no such band.
    """
    own: dict[Cell, int] = {}
    for point, stamp in points:
        if not _in_band(point):
            continue
        if stamp.unchanged:
            scores: Scores | None = tuple(getattr(point, symptom) for symptom in SYMPTOMS)
        else:
            # Created since: in no such band. Edited since without a revision from before
            # (a bulk-loaded row): not known, so not left out.
            scores = earlier.get(stamp.edited_id) if stamp.edited_id else None
        if scores is not None:
            for symptom, value in zip(SYMPTOMS, scores, strict=True):
                own[(point.day, symptom)] = value  # the newest wins
    return own


def _variant(
    nobody: BandPoint | None, left_out: dict[int, BandPoint | None], mine: int | None
) -> BandPoint | None:
    """A cell without the patient's own value (`mine`); None under 5 other patients.

    With the cutoff, `mine` is what the band holds for the patient, so it is present. A
    defence remains for what the cutoff cannot see: a write stamped before the cutoff but
    committed after the band's read (or by a process whose clock is behind). Its value is
    not in the band's data to leave out, so "nobody left out" is the variant.
    """
    return left_out[mine] if mine is not None and mine in left_out else nobody


def band_for(clinic: ClinicBand, own: dict[Cell, int]) -> list[BandPoint]:
    """The band as one patient sees it (`own`: their `own_contributions` to `clinic`)."""
    points = []
    for cell, (nobody, left_out) in clinic.cells.items():
        if (point := _variant(nobody, left_out, own.get(cell))) is not None:
            points.append(point)
    return points


class BandCache:
    """Clinic bands kept in this process for `ttl` seconds of process time.

    A band scans the clinic's check-ins (0.6 s on SQLite for 180,000): far too much for the
    timeline, the hot read, and SQLite reads run on the event loop. The band moves slowly;
    the issue allows a day of staleness, an hour keeps it fresher while the scan runs at
    most hourly per clinic and process. Another process needs nothing from here: its band
    has its own cutoff, and a patient's view is exact against whichever band serves it (see
    the module docstring). Concurrent misses for one clinic wait for one computation.

    `after`: the caller's check-ins are dated by sessions changed at that instant, which a
    band cut off at or before it may not have seen; it is then recomputed (with `now` as
    its cutoff). Sessions change rarely (a practitioner records one), so this costs about
    one scan per change and process.
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

    def _fresh(self, clinic_id: uuid.UUID, after: datetime | None) -> ClinicBand | None:
        entry = self._entries.get(clinic_id)
        if entry is None or entry[0] <= self._timer():
            return None
        if after is not None and entry[1].cutoff <= after:
            return None
        self._entries.move_to_end(clinic_id)
        return entry[1]

    async def get(
        self,
        conn: DbConnection,
        clinic_id: uuid.UUID,
        now: datetime,
        after: datetime | None = None,
    ) -> ClinicBand:
        """The clinic's band, computed with `now` (UTC, the request's clock) as its cutoff
        unless a cached one is still fresh and cut off after `after`."""
        if (found := self._fresh(clinic_id, after)) is not None:
            return found
        async with self._locks.setdefault(clinic_id, asyncio.Lock()):
            if (found := self._fresh(clinic_id, after)) is None:
                found = await clinic_band(conn, clinic_id, now)
                self._entries[clinic_id] = (self._timer() + self.ttl, found)
                self._entries.move_to_end(clinic_id)
                while len(self._entries) > self.max_clinics:
                    self._locks.pop(self._entries.popitem(last=False)[0], None)
        return found

    def clear(self) -> None:
        self._entries.clear()


band_cache = BandCache()


async def _band(
    conn: DbConnection,
    clinic_id: uuid.UUID,
    now: datetime,
    cache: BandCache | None,
    sessions: ColumnElement[bool],
) -> ClinicBand:
    """The clinic's band from `cache` (fresh if None), recomputed if `sessions` (those the
    caller's check-ins are dated by) changed since its cutoff."""
    if cache is None:
        return await clinic_band(conn, clinic_id, now)
    changed = await conn.scalar(select(func.max(TreatmentSession.updated_at)).where(sessions))
    return await cache.get(conn, clinic_id, now, after=changed)


async def expected_band(
    conn: DbConnection, patient_id: uuid.UUID, now: datetime, cache: BandCache | None = None
) -> list[BandPoint]:
    """The band for this patient from their clinic's other patients (fresh unless `cache`)."""
    clinic_id = await conn.scalar(select(Patient.clinic_id).where(Patient.id == patient_id))
    if clinic_id is None:
        return []
    mine = TreatmentSession.patient_id == patient_id
    clinic = await _band(conn, clinic_id, now, cache, mine)
    # Every dated check-in, not only `latest`: the newest at the cutoff may be older.
    dated = _dated(_checkins(Checkin.patient_id == patient_id)).subquery("dated")
    rows = await conn.execute(select(dated).order_by(dated.c.local_date))
    points = stamped(rows.all(), clinic.cutoff)
    earlier = await earlier_scores(conn, points, clinic.cutoff)
    return band_for(clinic, own_contributions(points, earlier))


@dataclass(frozen=True, slots=True)
class _SlowerStatements:
    recent: Select[Any]  # the last SLOWER_CHECKINS check-ins of each patient, dated
    sessions_changed: Select[Any]  # when those patients' sessions last changed


@functools.cache
def _slower_statements(chosen: bool) -> _SlowerStatements:
    """Built once per shape and bound per call (`clinic_id`, and `patient_ids` if chosen):
    a check-in's transaction asks this for its patient, and building these statements
    costs more than running them."""
    third_latest = (
        select(Checkin.local_date)
        .where(Checkin.patient_id == Patient.id)
        .order_by(Checkin.local_date.desc())
        .limit(1)
        .offset(SLOWER_CHECKINS - 1)
        .scalar_subquery()
    )
    among = [Patient.id.in_(bindparam("patient_ids", expanding=True))] if chosen else []
    in_clinic = [Patient.clinic_id == bindparam("clinic_id"), *among]
    # MATERIALIZED: PostgreSQL would otherwise run the lookup per check-in, not per patient.
    since = (
        select(Patient.id, third_latest.label("since"))
        .where(*in_clinic)
        .cte("since")
        .prefix_with("MATERIALIZED")
    )
    last = _checkins().join(
        since, and_(since.c.id == Checkin.patient_id, Checkin.local_date >= since.c.since)
    )
    recent = _dated(select(last.cte("last").prefix_with("MATERIALIZED"))).subquery("recent")
    listed = TreatmentSession.patient_id.in_(select(Patient.id).where(*in_clinic))
    return _SlowerStatements(
        recent=select(recent).order_by(recent.c.patient_id, recent.c.local_date),
        sessions_changed=select(func.max(TreatmentSession.updated_at)).where(listed),
    )


async def slower_than_usual(
    conn: DbConnection,
    clinic_id: uuid.UUID,
    now: datetime,
    patient_ids: Sequence[uuid.UUID] | None = None,
    cache: BandCache | None = band_cache,
) -> set[uuid.UUID]:
    """Patients above their band's p75 for one symptom on each of their last 3 check-ins.

    All three at days 8 to `MAX_DAY` since their session, each in a cell with a band
    (without them). SQL finds each patient's last three check-ins by index lookups; the
    band (cached by default: the patient list is read often) is looked up for those rows.

    Their own contribution comes from those rows alone: exact unless one was created after
    the band's cutoff at a day where an earlier course's check-in is in the band (a newer one
    at that day would be among the three). Finding that one would mean reading all their
    check-ins, so it stays, one value among at least five, until the next recompute.
    """
    params: dict[str, Any] = {"clinic_id": clinic_id}
    if patient_ids is not None:
        params["patient_ids"] = list(patient_ids)
    statements = _slower_statements(patient_ids is not None)
    rows = await conn.execute(statements.recent, params)
    by_patient: dict[uuid.UUID, list[Any]] = {}
    for row in rows:
        by_patient.setdefault(row.patient_id, []).append(row)
    if not by_patient:
        return set()
    changed = await conn.scalar(statements.sessions_changed, params)
    clinic = (
        await cache.get(conn, clinic_id, now, after=changed)
        if cache is not None
        else await clinic_band(conn, clinic_id, now)
    )
    stamps = {patient: stamped(last, clinic.cutoff) for patient, last in by_patient.items()}
    all_points = [point for points in stamps.values() for point in points]
    earlier = await earlier_scores(conn, all_points, clinic.cutoff)
    return {
        patient
        for patient, points in stamps.items()
        if _is_slower(clinic, points, own_contributions(points, earlier))
    }


def _is_slower(clinic: ClinicBand, points: Points, own: dict[Cell, int]) -> bool:
    last = [row for row, _ in points]
    if len(last) < SLOWER_CHECKINS or not all(SLOWER_AFTER_DAY < r.day <= MAX_DAY for r in last):
        return False
    cells = clinic.cells

    def above(row: Any, symptom: str) -> bool:
        cell = (row.day, symptom)
        found = _variant(*cells[cell], own.get(cell)) if cell in cells else None
        return found is not None and getattr(row, symptom) > found.p75

    return any(all(above(row, symptom) for row in last) for symptom in SYMPTOMS)
