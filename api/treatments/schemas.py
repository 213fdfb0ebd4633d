"""Treatment-session bodies; areas and sclerosants are the vocabulary's fixed codes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import msgspec

from api.core.body import Strict
from api.core.vocabulary import Area, Sclerosant

# Percentages run from 0.1% (STS) up to 72% (chromated glycerin).
Concentration = Annotated[float, msgspec.Meta(gt=0, le=100)]
Volume = Annotated[float, msgspec.Meta(gt=0, le=100)]
Injections = Annotated[int, msgspec.Meta(ge=1, le=500)]
Days = Annotated[int, msgspec.Meta(ge=0, le=90)]
Areas = Annotated[list[Area], msgspec.Meta(min_length=1, max_length=16)]
Notes = Annotated[str, msgspec.Meta(max_length=2000)]
# The check-in plan: daily for this many days after the session, then weekly to the review.
DailyDays = Annotated[int, msgspec.Meta(ge=0, le=120)]


class SessionCreate(Strict):
    performed_on: date
    areas: Areas
    sclerosant: Sclerosant
    concentration_pct: Concentration
    volume_ml: Volume
    injections: Injections
    compression_days: Days = 3
    restriction_days: Days = 3
    review_on: date | None = None
    notes: Notes | None = None
    daily_days: DailyDays = 14


class SessionUpdate(Strict):
    performed_on: date | msgspec.UnsetType = msgspec.UNSET
    areas: Areas | msgspec.UnsetType = msgspec.UNSET
    sclerosant: Sclerosant | msgspec.UnsetType = msgspec.UNSET
    concentration_pct: Concentration | msgspec.UnsetType = msgspec.UNSET
    volume_ml: Volume | msgspec.UnsetType = msgspec.UNSET
    injections: Injections | msgspec.UnsetType = msgspec.UNSET
    compression_days: Days | msgspec.UnsetType = msgspec.UNSET
    restriction_days: Days | msgspec.UnsetType = msgspec.UNSET
    review_on: date | msgspec.UnsetType = msgspec.UNSET
    notes: Notes | msgspec.UnsetType | None = msgspec.UNSET
    daily_days: DailyDays | msgspec.UnsetType = msgspec.UNSET


class SessionOut(msgspec.Struct):
    id: uuid.UUID
    patient_id: uuid.UUID
    performed_on: date
    areas: list[str]
    sclerosant: str
    concentration_pct: float
    volume_ml: float
    injections: int
    compression_days: int
    restriction_days: int
    review_on: date
    daily_days: int
    notes: str | None
    created_at: datetime
    updated_at: datetime
