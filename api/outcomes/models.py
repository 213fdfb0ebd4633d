"""The review visit's outcome (practitioner) and the patient's own rating, one each per session.

Both are editable; every accepted body is also kept in `result_revision`, so a grade changed
at a second look, or a rating the patient revised at the review, never loses the first.
"""

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
    Index,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, UUIDPrimaryKey

RESULT_KINDS = ("outcome", "rating")


class SessionOutcome(UUIDPrimaryKey, Base):
    __tablename__ = "session_outcome"
    __table_args__ = (
        CheckConstraint(
            "clearance IN ('worse', 'none', 'partial', 'good', 'excellent')", name="clearance"
        ),
        CheckConstraint("hyperpigmentation BETWEEN 0 AND 3", name="hyperpigmentation"),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("treatment_session.id", ondelete="CASCADE"), unique=True
    )
    assessed_on: Mapped[date] = mapped_column(Date())
    clearance: Mapped[str] = mapped_column(String(16))
    hyperpigmentation: Mapped[int] = mapped_column(SmallInteger())
    matting: Mapped[bool] = mapped_column(Boolean())
    trapped_blood_drained: Mapped[bool] = mapped_column(Boolean())
    ulceration: Mapped[bool] = mapped_column(Boolean())
    notes: Mapped[str | None] = mapped_column(Text())
    assessed_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SessionRating(UUIDPrimaryKey, Base):
    """The patient global impression of change (1 best … 7 worst) and satisfaction (0-10)."""

    __tablename__ = "session_rating"
    __table_args__ = (
        CheckConstraint("pgic BETWEEN 1 AND 7", name="pgic"),
        CheckConstraint("satisfaction BETWEEN 0 AND 10", name="satisfaction"),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("treatment_session.id", ondelete="CASCADE"), unique=True
    )
    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), index=True
    )
    pgic: Mapped[int] = mapped_column(SmallInteger())
    satisfaction: Mapped[int] = mapped_column(SmallInteger())
    # The patient's calendar date of the latest answer (the review asks again after it).
    rated_on: Mapped[date] = mapped_column(Date())
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ResultRevision(UUIDPrimaryKey, Base):
    """Every accepted outcome or rating body, as it was stored, with who and when."""

    __tablename__ = "result_revision"
    __table_args__ = (
        CheckConstraint("kind IN ('outcome', 'rating')", name="kind"),
        Index("ix_result_revision_session_id_kind", "session_id", "kind"),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("treatment_session.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON())
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime]
