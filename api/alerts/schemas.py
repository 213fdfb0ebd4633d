"""Alert bodies for the practitioner's alert list."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from api.core.body import Strict

AlertStatus = Literal["open", "acknowledged"]


class AlertPatient(msgspec.Struct):
    id: uuid.UUID
    name: str


class AlertOut(msgspec.Struct):
    id: uuid.UUID
    patient: AlertPatient
    rule: str
    severity: str
    status: str
    local_date: date
    reason: str
    # The check-in that raised it (null for missed check-ins, or if it was deleted).
    checkin_id: uuid.UUID | None
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    note: str | None


class AcknowledgeIn(Strict):
    note: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
