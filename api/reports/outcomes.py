"""What works best in this clinic: results per sclerosant and concentration and area group.

For every sclerosant and concentration the clinic has used, once over all areas and once per
area group (legs, face, other; a session treating a leg and the face counts in both): how
many sessions, how many were assessed at review, the clearance grades, the median of the
patients' own impression of change, and how often each finding (brown staining, matting,
trapped blood drained, skin ulcer) was seen. A cell with fewer than `MIN_ASSESSED` assessed
sessions says "too few" and shows no grades or rates: a percentage of three sessions would
read as a finding.

Computed from one query of the clinic's sessions with their outcome and rating (a clinic has
thousands of sessions, not millions), so the figures and the CSV always agree.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any

import msgspec
from sqlalchemy import select

from api.core.db import DbConnection
from api.core.vocabulary import AREA_GROUPS, CLEARANCE, FINDINGS, area_group
from api.identity.models import Patient
from api.outcomes.models import SessionOutcome, SessionRating
from api.treatments.models import TreatmentSession

MIN_ASSESSED = 5
ALL_AREAS = "all"
CSV_MEDIA_TYPE = "text/csv"


class OutcomeCell(msgspec.Struct):
    sclerosant: str
    concentration_pct: float
    # "all", or one of the area groups of the vocabulary (legs, face, other).
    area_group: str
    sessions: int
    assessed: int
    rated: int
    too_few: bool
    # Counts per clearance grade; None when too few sessions were assessed.
    clearance: dict[str, int] | None
    # Share of assessed sessions (0-1) with each finding; hyperpigmentation counts grade >= 1.
    rates: dict[str, float] | None
    # The median patient global impression of change (1 very much improved ... 7 very much
    # worse) of the rated sessions; None when too few were assessed or none was rated.
    median_pgic: float | None


class OutcomesReport(msgspec.Struct):
    min_assessed: int
    cells: list[OutcomeCell]


@dataclass(frozen=True, slots=True)
class SessionResult:
    """One session as the report counts it (public so tests can build them)."""

    sclerosant: str
    concentration_pct: float
    areas: Sequence[str]
    clearance: str | None = None
    hyperpigmentation: int | None = None
    matting: bool | None = None
    trapped_blood_drained: bool | None = None
    ulceration: bool | None = None
    pgic: int | None = None


@dataclass
class _Tally:
    sessions: int = 0
    assessed: list[SessionResult] = field(default_factory=list)
    pgic: list[int] = field(default_factory=list)


def _groups(areas: Iterable[str]) -> list[str]:
    return [ALL_AREAS, *sorted({area_group(area) for area in areas})]


def _finding(result: SessionResult, name: str) -> bool:
    if name == "hyperpigmentation":
        return (result.hyperpigmentation or 0) >= 1
    return bool(getattr(result, name))


def summarise(results: Iterable[SessionResult]) -> OutcomesReport:
    tallies: dict[tuple[str, float, str], _Tally] = defaultdict(_Tally)
    for result in results:
        for group in _groups(result.areas):
            tally = tallies[(result.sclerosant, result.concentration_pct, group)]
            tally.sessions += 1
            if result.clearance is not None:
                tally.assessed.append(result)
            if result.pgic is not None:
                tally.pgic.append(result.pgic)
    order = [ALL_AREAS, *AREA_GROUPS]
    cells = []
    for (sclerosant, concentration, group), tally in sorted(
        tallies.items(), key=lambda item: (item[0][0], item[0][1], order.index(item[0][2]))
    ):
        assessed = len(tally.assessed)
        too_few = assessed < MIN_ASSESSED
        cells.append(
            OutcomeCell(
                sclerosant=sclerosant,
                concentration_pct=concentration,
                area_group=group,
                sessions=tally.sessions,
                assessed=assessed,
                rated=len(tally.pgic),
                too_few=too_few,
                clearance=None
                if too_few
                else {
                    grade: sum(1 for r in tally.assessed if r.clearance == grade)
                    for grade in CLEARANCE
                },
                rates=None
                if too_few
                else {
                    name: round(sum(_finding(r, name) for r in tally.assessed) / assessed, 4)
                    for name in FINDINGS
                },
                median_pgic=None if too_few or not tally.pgic else float(median(tally.pgic)),
            )
        )
    return OutcomesReport(min_assessed=MIN_ASSESSED, cells=cells)


async def clinic_results(conn: DbConnection, clinic_id: uuid.UUID) -> list[SessionResult]:
    query = (
        select(
            TreatmentSession.sclerosant,
            TreatmentSession.concentration_pct,
            TreatmentSession.areas,
            SessionOutcome.clearance,
            SessionOutcome.hyperpigmentation,
            SessionOutcome.matting,
            SessionOutcome.trapped_blood_drained,
            SessionOutcome.ulceration,
            SessionRating.pgic,
        )
        .join(Patient, Patient.id == TreatmentSession.patient_id)
        .outerjoin(SessionOutcome, SessionOutcome.session_id == TreatmentSession.id)
        .outerjoin(SessionRating, SessionRating.session_id == TreatmentSession.id)
        .where(Patient.clinic_id == clinic_id)
    )
    rows: Sequence[Any] = (await conn.execute(query)).all()
    return [SessionResult(*row) for row in rows]


async def outcomes_report(conn: DbConnection, clinic_id: uuid.UUID) -> OutcomesReport:
    return summarise(await clinic_results(conn, clinic_id))


CSV_COLUMNS = (
    "sclerosant",
    "concentration_pct",
    "area_group",
    "sessions",
    "assessed",
    "rated",
    *(f"clearance_{grade}" for grade in CLEARANCE),
    *(f"rate_{name}" for name in FINDINGS),
    "median_pgic",
)


def report_csv(report: OutcomesReport) -> bytes:
    """One row per cell; a "too few" cell leaves its grades, rates and median empty."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for cell in report.cells:
        clearance = cell.clearance or {}
        rates = cell.rates or {}
        writer.writerow(
            [
                cell.sclerosant,
                cell.concentration_pct,
                cell.area_group,
                cell.sessions,
                cell.assessed,
                cell.rated,
                *(clearance.get(grade, "") for grade in CLEARANCE),
                *(rates.get(name, "") for name in FINDINGS),
                "" if cell.median_pgic is None else cell.median_pgic,
            ]
        )
    return out.getvalue().encode()
