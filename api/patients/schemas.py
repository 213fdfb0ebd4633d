"""Request and response bodies of the practitioner's patient routes."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec

from api.checkins.schemas import SymptomScores
from api.core.body import Strict


class PatientCreate(Strict):
    name: str
    email: str
    timezone: str
    checkin_time: str = "19:00"


class PatientUpdate(Strict):
    name: str | msgspec.UnsetType = msgspec.UNSET
    email: str | msgspec.UnsetType = msgspec.UNSET
    timezone: str | msgspec.UnsetType = msgspec.UNSET
    checkin_time: str | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class LatestScores(SymptomScores):
    local_date: date


class PatientOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    email: str
    timezone: str
    checkin_time: str
    active: bool
    created_at: datetime
    has_password: bool


class AlertBrief(msgspec.Struct):
    """The open alert a list row names: urgent first, then the one that has waited longest."""

    id: uuid.UUID
    rule: str
    severity: str
    # The warning-sign codes behind a `warning_sign` alert, or the severe symptoms behind a
    # `symptom_severe` one; empty for the others.
    items: list[str]
    # The worst pain behind a pain alert (`pain_high`, `pain_rising`); null for the others.
    pain: int | None
    # The patient's local date it was first raised for.
    local_date: date


class PatientSummary(msgspec.Struct):
    """A row of the practitioner's list: who the patient is and how their recovery is going."""

    id: uuid.UUID
    name: str
    email: str
    timezone: str
    checkin_time: str
    active: bool
    last_session_on: date | None
    # The review date of the session in force today: the end of the check-in plan.
    review_on: date | None
    # Its daily phase (days 0 to daily_days - 1), then weekly check-ins until the review.
    daily_days: int | None
    last_checkin_on: date | None
    adherence_7d: float | None
    latest: LatestScores | None
    # Pain on each of the last 14 local days (the patient's zone), oldest first, ending
    # today; null for a day without a check-in.
    pain_14d: list[int | None]
    open_alerts: int
    # The most serious open alert ("urgent" or "watch"), null when none is open.
    alert_severity: str | None
    # The open alert to name first (see AlertBrief), null when none is open.
    alert: AlertBrief | None
    # Screening flags (api.screening.flags); empty when not answered or nothing to flag.
    flags: list[str]
    # Above the clinic's usual range for 3 check-ins in a row after day 7 (api.checkins.band).
    slower_than_usual: bool


class InviteOut(msgspec.Struct):
    invite_token: str
    invite_url: str
    invite_expires_at: datetime


class PatientCreated(PatientOut):
    """The new patient plus the one-time invite (the token is never shown again)."""

    invite_token: str
    invite_url: str
    invite_expires_at: datetime


class ClinicOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    timezone: str
    phone: str | None


class ClinicUpdate(Strict):
    timezone: str | msgspec.UnsetType = msgspec.UNSET
    # null clears it; patients who tick a warning sign are then told to call the clinic
    # without a number.
    phone: str | msgspec.UnsetType | None = msgspec.UNSET
