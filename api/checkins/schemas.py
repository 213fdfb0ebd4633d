"""Check-in bodies. Scores are strict integers in range; warning signs are fixed codes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from api.core.body import Strict
from api.core.vocabulary import WarningSign

Pain = Annotated[int, msgspec.Meta(ge=0, le=10, description="0-10 numeric rating scale")]
Grade = Annotated[int, msgspec.Meta(ge=0, le=3, description="0 none, 1 mild, 2 moderate, 3 severe")]
NOTE_MAX = 1000
Outcome = Literal["created", "updated", "unchanged", "stale"]


class CheckinIn(Strict):
    pain: Pain
    swelling: Grade
    bruising: Grade
    discolouration: Grade
    hardening: Grade
    itching: Grade
    recorded_at: Annotated[datetime, msgspec.Meta(tz=True)]
    compression_worn: bool | None = None
    warning_signs: Annotated[list[WarningSign], msgspec.Meta(max_length=6)] = []
    note: Annotated[str, msgspec.Meta(max_length=NOTE_MAX)] | None = None


class SymptomScores(msgspec.Struct):
    """The six scores of a check-in, shared by every view that shows them."""

    pain: int
    swelling: int
    bruising: int
    discolouration: int
    hardening: int
    itching: int


class CheckinOut(SymptomScores):
    id: uuid.UUID
    local_date: date
    compression_worn: bool | None
    warning_signs: list[str]
    note: str | None
    recorded_at: datetime
    updated_at: datetime


class WarningAdvice(msgspec.Struct):
    """Shown prominently to a patient whose check-in carries warning signs."""

    level: Literal["emergency", "contact_clinic"]
    title: str
    text: str
    clinic_phone: str | None


class CheckinResult(CheckinOut):
    """The PUT answer: the stored check-in, what this request did to it, and what to do now."""

    outcome: Outcome
    advice: WarningAdvice | None = None


class TimelineSession(msgspec.Struct):
    id: uuid.UUID
    performed_on: date
    review_on: date
    areas: list[str]


class TimelinePoint(SymptomScores):
    local_date: date
    session_id: uuid.UUID | None
    day: int | None


class BandPoint(msgspec.Struct):
    """The clinic's usual range for one symptom on one day since session (see checkins.band).

    p25/median/p75 over `n` other patients of the clinic (n >= 5), rounded to 2 decimals.
    """

    day: int
    symptom: str
    p25: float
    median: float
    p75: float
    n: int


class SymptomTimeline(msgspec.Struct):
    """The side effects over time (the recovery timeline adds the results, api.recovery)."""

    sessions: list[TimelineSession]
    points: list[TimelinePoint]
    band: list[BandPoint]


class Advice(msgspec.Struct):
    topic: str
    text: str
