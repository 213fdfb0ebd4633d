"""The triage read model: one row per patient, kept with the inputs it is computed from.

The practitioner's list reads this table alone (`api.triage.listing`), in the order of
`attention_key`, so a page of 50 is one index range scan whatever the clinic's size. Each
row holds the patient's whole summary as the API returns it (msgspec JSON), the columns the
list filters and orders on, and `fresh_until`: the patient's next local midnight, when the
summary's day-dependent parts (a missed day, a phase ending, a review coming due, the pain
trend's window) move without any input changing. `api.triage.readmodel` writes the rows.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base

# Byte order on both databases: PostgreSQL's default collation would order the key by the
# locale's rules (ignoring the separators), SQLite's is already BINARY.
SortKey = String(400).with_variant(String(400, collation="C"), "postgresql")


class PatientTriage(Base):
    __tablename__ = "patient_triage"
    __table_args__ = (
        Index("ix_patient_triage_clinic_key", "clinic_id", "attention_key"),
        Index("ix_patient_triage_clinic_review_key", "clinic_id", "review_due", "attention_key"),
        Index("ix_patient_triage_fresh_until", "fresh_until"),  # the midnight roll
        Index("ix_patient_triage_clinic_fresh_until", "clinic_id", "fresh_until"),  # read repair
        # Covers the filters' counts: the rows (each with its summary) are never read for them.
        Index("ix_patient_triage_clinic_flags", "clinic_id", "needs_attention", "review_due"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), primary_key=True
    )
    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinic.id", ondelete="CASCADE"))
    # Ascending = who needs attention first (`api.triage.attention.attention_key`).
    attention_key: Mapped[str] = mapped_column(SortKey)
    needs_attention: Mapped[bool] = mapped_column(Boolean())
    review_due: Mapped[bool] = mapped_column(Boolean())
    # The name and email, case-folded, for the list's search box.
    search_text: Mapped[str] = mapped_column(String(600))
    # When the summary goes stale by the calendar alone (the patient's next local midnight).
    fresh_until: Mapped[datetime]
    # The PatientSummary as JSON, exactly as the API returns it.
    summary: Mapped[bytes] = mapped_column(LargeBinary())
    computed_at: Mapped[datetime]
