"""What the patient's Today screen reads."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

from api.checkins.schemas import Advice, CheckinOut, TimelineSession, WarningAdvice


class WarningFollowUp(msgspec.Struct):
    """The patient's own warning-sign alert: open (what to do now) or seen by the clinic."""

    status: Literal["open", "acknowledged"]
    warning_signs: list[str]
    last_reported_on: date
    acknowledged_at: datetime | None
    # What to do now, while the clinic has not acknowledged it yet.
    advice: WarningAdvice | None


class RatingDue(msgspec.Struct):
    """A session the patient is asked to rate now (see api.outcomes.asking)."""

    session_id: uuid.UUID
    performed_on: date
    # "four_weeks" (4 weeks after the session) or "review" (its review date has come).
    reason: str


class Today(msgspec.Struct):
    local_date: date
    timezone: str
    day: int | None
    session: TimelineSession | None
    checked_in: bool
    checkin: CheckinOut | None
    advice: list[Advice]
    # Whether today's check-in asks about the compression garment: exactly the days it
    # should be worn (never when every session so far has 0 compression days).
    ask_compression: bool
    # A warning sign the patient reported, while its alert is open or recently seen.
    follow_up: WarningFollowUp | None
    # When the daily reminder comes ("19:00", the patient's local time), for the done state.
    reminder_time: str = "19:00"
    # Results: a session to rate now, and whether this week's photo is still to take.
    rating_due: RatingDue | None = None
    photo_due: bool = False
