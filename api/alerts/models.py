"""Red-flag alerts raised for the practitioner by the rules in `api.alerts.rules`.

Two unique indexes make raising an alert idempotent, so the rules can run on every accepted
check-in, on replays and from several processes:
- at most one *open* alert per patient and rule (a partial unique index);
- at most one alert per patient, rule and local date, open or acknowledged, so an edit or a
  replay of an acknowledged day's check-in does not raise the same alert again.

An alert is raised once and then *reported* again: every time a check-in (or a warning sign
sent on its own) brings news the alert does not hold yet, a warning sign on another day, a
new sign, a higher pain, a new severe symptom, an `AlertReport` row records it and the alert
takes the latest reason (`raised_at` moves; its place in the list, oldest `created_at` first
within a severity, does not: see `api.alerts.service`). See `api.alerts.raising`.
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
        Index("ix_alert_clinic_id_status_raised_at", "clinic_id", "status", "raised_at"),
    )

    # The clinic is the patient's; kept here so the clinic's alert list is one index range.
    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinic.id", ondelete="CASCADE"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="open")
    # The patient's local date the alert was first raised for: the triggering check-in's
    # date, or for missed check-ins the last day counted. Never moves (see the unique index).
    local_date: Mapped[date] = mapped_column(Date())
    # The latest local date reported to this alert (a warning sign again, a worse reading).
    last_reported_on: Mapped[date] = mapped_column(Date())
    checkin_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("checkin.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(Text())
    # For warning-sign alerts, every sign it reports: signs ticked later that are not among
    # them update the open alert (or reopen an acknowledged one) and tell the clinic again.
    warning_signs: Mapped[list[str]] = mapped_column(JSON(), default=list)
    # The worst reading behind a pain alert, and the severe symptoms behind a
    # `symptom_severe` one: a later reading is "worse" only against these.
    peak_pain: Mapped[int | None]
    severe_symptoms: Mapped[list[str]] = mapped_column(JSON(), default=list)
    created_at: Mapped[datetime]
    # When it was last raised or reported again. (The list orders by `created_at`, oldest
    # first within a severity: a repeat keeps the alert's place.)
    raised_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    note: Mapped[str | None] = mapped_column(Text())


class AlertReport(UUIDPrimaryKey, Base):
    """One report behind an alert: the first raise and every later one that told the clinic.

    Append-only. Lets the practitioner see every date a warning sign was reported, and lets
    the rules tell news from a replay: a sign already reported for a date is not news.
    """

    __tablename__ = "alert_report"
    __table_args__ = (
        Index("ix_alert_report_patient_id_rule_local_date", "patient_id", "rule", "local_date"),
    )

    alert_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("alert.id", ondelete="CASCADE"), index=True
    )
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(32))
    local_date: Mapped[date] = mapped_column(Date())
    checkin_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("checkin.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(Text())
    # What this report held: the warning signs, or the severe symptoms; and the pain for
    # the pain rules. A later finding for the same date is news only beyond these.
    items: Mapped[list[str]] = mapped_column(JSON(), default=list)
    pain: Mapped[int | None]
    reported_at: Mapped[datetime]


class WarningReport(UUIDPrimaryKey, Base):
    """Warning signs a patient sent on their own (`POST /api/me/warning-signs`).

    Accepted whatever the date or the patient's sessions, so a sign is never refused with a
    check-in that cannot be stored. Unique per patient and client `recorded_at`: an offline
    queue replaying the same report stores and tells nothing twice.
    """

    __tablename__ = "warning_report"
    __table_args__ = (UniqueConstraint("patient_id", "recorded_at"),)

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date())
    warning_signs: Mapped[list[str]] = mapped_column(JSON())
    note: Mapped[str | None] = mapped_column(Text())
    recorded_at: Mapped[datetime]
    received_at: Mapped[datetime]
