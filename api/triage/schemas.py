"""The practitioner's list: one row per patient, in the order they need attention."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

import msgspec

from api.checkins.schemas import SymptomScores


class LatestScores(SymptomScores):
    local_date: date


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


Tone = Literal["urgent", "alert", "attention", "review", "ok", "quiet"]


class Status(msgspec.Struct):
    """A patient's status in words: the headline and what else stands out."""

    # urgent (an open urgent alert), alert (an open watch alert), attention (missed
    # check-ins or worse scores), review (review due), ok (on track), quiet (no session
    # yet, inactive, course finished).
    tone: Tone
    text: str
    more: list[str]


class Attention(msgspec.Struct):
    """Whether and why the patient needs the clinic's attention (`api.triage.attention`)."""

    # 2: an open urgent alert; 1: open watch alerts only; 0: none.
    alert_rank: int
    missed: bool
    worsening: bool
    # Short reasons in words, most important first; empty when nothing stands out.
    reasons: list[str]
    # Whole days from the last session to the patient's today; null without a session.
    days_since_session: int | None
    # Whole days from today to the review (negative once passed); null without one.
    review_in_days: int | None
    review_due: bool
    treating: bool
    needs_attention: bool
    status: Status


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
    # Who needs attention and the status in words, as of the patient's own today.
    attention: Attention


Filter = Literal["attention", "all", "review_due"]


class ListCounts(msgspec.Struct):
    """How many of the clinic's patients each filter shows (the search aside)."""

    all: int
    attention: int
    review_due: int


class PatientPage(msgspec.Struct):
    """A page of the list in attention order; `next_cursor` asks for the next (null: last)."""

    items: list[PatientSummary]
    next_cursor: str | None
    # On the first page only (no cursor): the filters' counts.
    counts: ListCounts | None
