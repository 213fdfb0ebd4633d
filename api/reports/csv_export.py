"""A patient's check-ins as CSV: one row per check-in, oldest first, for a spreadsheet.

Written with the `csv` module (RFC 4180 quoting, CRLF row ends), so a note with commas,
quotes or line breaks stays one cell. Dates are ISO (`2026-03-09`), instants ISO in UTC with
`Z`, exactly as the JSON API spells them. `day` and `session_date` follow the timeline's
rule: the latest session on or before the check-in's date (empty before any session).

The note is the one cell a patient types freely, and spreadsheets run a cell that starts
with `=`, `+`, `-` or `@` as a formula (CSV injection). Such a note is written with a
leading `'`, the usual guard, which spreadsheets show as text; every other note is verbatim.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

from api.checkins.schemas import CheckinOut
from api.reports.record import PatientRecord
from api.treatments.plan import session_in_force

# Litestar adds `; charset=utf-8` (its response charset) to every text/* media type.
MEDIA_TYPE = "text/csv"
COLUMNS = (
    "local_date",
    "day",
    "session_date",
    "pain",
    "swelling",
    "bruising",
    "discolouration",
    "hardening",
    "itching",
    "compression_worn",
    "warning_signs",
    "note",
    "recorded_at",
    "updated_at",
    # The review outcome and the patient's rating of the session the check-in follows
    # (empty until recorded): results beside the side effects they followed.
    "outcome_assessed_on",
    "outcome_clearance",
    "outcome_hyperpigmentation",
    "outcome_matting",
    "outcome_trapped_blood_drained",
    "outcome_ulceration",
    "rating_pgic",
    "rating_satisfaction",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def instant(value: datetime) -> str:
    """UTC, ISO 8601, `Z` for the zone: the same text as the JSON API's."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def safe_note(note: str | None) -> str:
    if not note:
        return ""
    return f"'{note}" if note.startswith(FORMULA_STARTS) else note


def _flag(value: bool) -> str:
    return str(value).lower()


def _results(record: PatientRecord, session_id: uuid.UUID | None) -> list[str | int]:
    outcome = next((o for o in record.outcomes if o.session_id == session_id), None)
    rating = next((r for r in record.ratings if r.session_id == session_id), None)
    graded: list[str | int] = (
        [
            outcome.assessed_on.isoformat(),
            outcome.clearance,
            outcome.hyperpigmentation,
            _flag(outcome.matting),
            _flag(outcome.trapped_blood_drained),
            _flag(outcome.ulceration),
        ]
        if outcome
        else [""] * 6
    )
    rated: list[str | int] = [rating.pgic, rating.satisfaction] if rating else ["", ""]
    return graded + rated


def _row(record: PatientRecord, checkin: CheckinOut) -> list[str | int]:
    # The same rule as the timeline, so a CSV's day numbers match the chart's.
    session = session_in_force(record.sessions, checkin.local_date)
    return [
        checkin.local_date.isoformat(),
        (checkin.local_date - session.performed_on).days if session else "",
        session.performed_on.isoformat() if session else "",
        checkin.pain,
        checkin.swelling,
        checkin.bruising,
        checkin.discolouration,
        checkin.hardening,
        checkin.itching,
        "" if checkin.compression_worn is None else str(checkin.compression_worn).lower(),
        ";".join(checkin.warning_signs),
        safe_note(checkin.note),
        instant(checkin.recorded_at),
        instant(checkin.updated_at),
        *_results(record, session.id if session else None),
    ]


def checkins_csv(record: PatientRecord) -> bytes:
    """The header row, then one row per check-in, as UTF-8 bytes."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(_row(record, checkin) for checkin in record.checkins)
    return out.getvalue().encode()
