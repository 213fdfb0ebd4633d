"""Daily check-ins and the revision log that keeps every body a patient sent."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, UUIDPrimaryKey

GRADED_SYMPTOMS = ("swelling", "bruising", "discolouration", "hardening", "itching")
SYMPTOMS = ("pain", *GRADED_SYMPTOMS)


class Checkin(UUIDPrimaryKey, Base):
    """One per patient per local date; the session it follows is derived when read."""

    __tablename__ = "checkin"
    __table_args__ = (
        UniqueConstraint("patient_id", "local_date", name="uq_checkin_patient_id_local_date"),
        CheckConstraint("pain BETWEEN 0 AND 10", name="pain_range"),
        *(CheckConstraint(f"{s} BETWEEN 0 AND 3", name=f"{s}_range") for s in GRADED_SYMPTOMS),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date())
    pain: Mapped[int] = mapped_column(SmallInteger())
    swelling: Mapped[int] = mapped_column(SmallInteger())
    bruising: Mapped[int] = mapped_column(SmallInteger())
    discolouration: Mapped[int] = mapped_column(SmallInteger())
    hardening: Mapped[int] = mapped_column(SmallInteger())
    itching: Mapped[int] = mapped_column(SmallInteger())
    compression_worn: Mapped[bool | None] = mapped_column(Boolean())
    warning_signs: Mapped[list[str]] = mapped_column(JSON())
    note: Mapped[str | None] = mapped_column(Text())
    recorded_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CheckinRevision(UUIDPrimaryKey, Base):
    """Every accepted or stale body, as received, so nothing a patient entered is lost."""

    __tablename__ = "checkin_revision"

    checkin_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("checkin.id", ondelete="CASCADE"), index=True
    )
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date())
    payload: Mapped[dict[str, Any]] = mapped_column(JSON())
    outcome: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime]
    received_at: Mapped[datetime]
