"""Outcome and rating bodies; the words for each code are in api.core.vocabulary."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import msgspec

from api.core.body import Strict
from api.core.vocabulary import Clearance

Hyperpigmentation = Annotated[int, msgspec.Meta(ge=0, le=3)]
Pgic = Annotated[int, msgspec.Meta(ge=1, le=7)]
Satisfaction = Annotated[int, msgspec.Meta(ge=0, le=10)]
Notes = Annotated[str, msgspec.Meta(max_length=2000)]


class OutcomeIn(Strict):
    """The review visit's findings for one session (every finding is asked, none assumed)."""

    assessed_on: date
    clearance: Clearance
    hyperpigmentation: Hyperpigmentation
    matting: bool
    trapped_blood_drained: bool
    ulceration: bool
    notes: Notes | None = None


class OutcomeOut(msgspec.Struct):
    session_id: uuid.UUID
    assessed_on: date
    clearance: str
    hyperpigmentation: int
    matting: bool
    trapped_blood_drained: bool
    ulceration: bool
    notes: str | None
    created_at: datetime
    updated_at: datetime
    # How many times it was saved (1: never changed); every version is kept.
    revisions: int


class RatingIn(Strict):
    """The patient's global impression of change (1 very much improved … 7 very much worse)
    and their satisfaction (0 not at all … 10 completely)."""

    pgic: Pgic
    satisfaction: Satisfaction


class RatingOut(msgspec.Struct):
    session_id: uuid.UUID
    pgic: int
    satisfaction: int
    rated_on: date
    created_at: datetime
    updated_at: datetime
    revisions: int
