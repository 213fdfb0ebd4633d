"""Red-flag alerts raised for the practitioner by the rules in `api.alerts.rules`.

Two unique indexes make raising an alert idempotent, so the rules can run on every accepted
check-in, on replays and from several processes:
- at most one *open* alert per patient and rule (a partial unique index);
- at most one alert per patient, rule and local date, open or acknowledged, so an edit or a
  replay of an acknowledged day's check-in does not raise the same alert again (a warning
  sign that alert did not report yet reopens it: see `api.alerts.service`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, UUIDPrimaryKey

RULES = ("warning_sign", "pain_high", "pain_rising", "symptom_severe", "missed_checkins")
SEVERITIES = ("urgent", "watch")
STATUSES = ("open", "acknowledged")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


class Alert(UUIDPrimaryKey, Base):
    __tablename__ = "alert"
    __table_args__ = (
        CheckConstraint(_in("rule", RULES), name="rule"),
        CheckConstraint(_in("severity", SEVERITIES), name="severity"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        UniqueConstraint("patient_id", "rule", "local_date"),
        Index(
            "uq_alert_open_patient_id_rule",
            "patient_id",
            "rule",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_alert_clinic_id_status_created_at", "clinic_id", "status", "created_at"),
    )

    # The clinic is the patient's; kept here so the clinic's alert list is one index range.
    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinic.id", ondelete="CASCADE"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="open")
    # The patient's local date the alert is about: the triggering check-in's date, or for
    # missed check-ins the last day counted.
    local_date: Mapped[date] = mapped_column(Date())
    checkin_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("checkin.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(Text())
    # For warning-sign alerts, every sign it reports: signs ticked later that are not among
    # them update the open alert (or reopen an acknowledged one) and tell the clinic again.
    warning_signs: Mapped[list[str]] = mapped_column(JSON(), default=list)
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    note: Mapped[str | None] = mapped_column(Text())
