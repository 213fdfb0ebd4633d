"""Alert bodies for the practitioner's alert list."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from api.checkins.schemas import NOTE_MAX, WarningAdvice
from api.core.body import Strict
from api.core.vocabulary import WarningSign

AlertStatus = Literal["open", "acknowledged"]


class AlertPatient(msgspec.Struct):
    id: uuid.UUID
    name: str


class AlertReportOut(msgspec.Struct):
    """One time the alert was raised or reported again, and what was reported."""

    local_date: date
    reason: str
    reported_at: datetime


class AlertOut(msgspec.Struct):
    id: uuid.UUID
    patient: AlertPatient
    rule: str
    severity: str
    status: str
    # The patient's local date it was first raised for, and the latest one reported to it.
    local_date: date
    last_reported_on: date
    # The latest reason (for a warning sign: every sign reported while it was open).
    reason: str
    # The codes behind it: the warning signs (warning_sign) or the severe symptoms
    # (symptom_severe), empty for the others; and the worst pain behind a pain alert. The
    # screens word them from the one vocabulary.
    items: list[str]
    pain: int | None
    # The check-in that raised it (null for missed check-ins, or if it was deleted).
    checkin_id: uuid.UUID | None
    # When it was first raised: within a severity, the open list is oldest first by this.
    created_at: datetime
    # The last time it was raised or reported again (a repeat keeps the alert's place).
    raised_at: datetime
    # Every report behind it, oldest first (none for missed check-ins).
    reports: list[AlertReportOut]
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    note: str | None


class AcknowledgeIn(Strict):
    note: Annotated[str, msgspec.Meta(max_length=1000)] | None = None


WarningReportOutcome = Literal["created", "updated", "unchanged"]


class WarningSignsIn(Strict):
    warning_signs: Annotated[list[WarningSign], msgspec.Meta(min_length=1, max_length=6)]
    recorded_at: Annotated[datetime, msgspec.Meta(tz=True)]
    note: Annotated[str, msgspec.Meta(max_length=NOTE_MAX)] | None = None


class WarningSignsResult(msgspec.Struct):
    """The stored report, whether this request stored it, and what to do now."""

    id: uuid.UUID
    local_date: date
    warning_signs: list[str]
    note: str | None
    recorded_at: datetime
    outcome: WarningReportOutcome
    advice: WarningAdvice
