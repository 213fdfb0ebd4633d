"""Treatment sessions as the practitioner records them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, UUIDPrimaryKey


class TreatmentSession(UUIDPrimaryKey, Base):
    __tablename__ = "treatment_session"
    __table_args__ = (
        CheckConstraint("review_on > performed_on", name="review_after_session"),
        CheckConstraint("compression_days >= 0", name="compression_days"),
        CheckConstraint("restriction_days >= 0", name="restriction_days"),
        CheckConstraint("injections > 0", name="injections"),
        CheckConstraint("daily_days BETWEEN 0 AND 120", name="daily_days"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), index=True
    )
    performed_on: Mapped[date] = mapped_column(Date())
    areas: Mapped[list[str]] = mapped_column(JSON())
    sclerosant: Mapped[str] = mapped_column(String(40))
    concentration_pct: Mapped[float] = mapped_column(Float())
    volume_ml: Mapped[float] = mapped_column(Float())
    injections: Mapped[int] = mapped_column(Integer())
    compression_days: Mapped[int] = mapped_column(Integer())
    restriction_days: Mapped[int] = mapped_column(Integer())
    review_on: Mapped[date] = mapped_column(Date())
    # The check-in plan (see api.treatments.plan): daily for this many days, then weekly.
    daily_days: Mapped[int] = mapped_column(Integer(), default=14, server_default="14")
    notes: Mapped[str | None] = mapped_column(Text())
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
