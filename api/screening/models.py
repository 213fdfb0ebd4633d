"""The patient's eligibility screening answers (one current set per patient).

Flags derived from them inform the practitioner and never block treatment.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, UUIDPrimaryKey


class Screening(UUIDPrimaryKey, Base):
    __tablename__ = "screening"
    __table_args__ = (
        CheckConstraint("largest_vein_mm >= 0", name="largest_vein_mm"),
        CheckConstraint("vein_count_estimate >= 0", name="vein_count_estimate"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), unique=True
    )
    pregnant_or_breastfeeding: Mapped[bool] = mapped_column(Boolean())
    sclerosant_allergy: Mapped[bool] = mapped_column(Boolean())
    clotting_disorder: Mapped[bool] = mapped_column(Boolean())
    acute_illness: Mapped[bool] = mapped_column(Boolean())
    largest_vein_mm: Mapped[float] = mapped_column(Float())
    vein_count_estimate: Mapped[int] = mapped_column(Integer())
    notes: Mapped[str | None] = mapped_column(Text())
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
