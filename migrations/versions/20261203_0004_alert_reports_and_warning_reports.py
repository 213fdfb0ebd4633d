"""alert reports, warning reports, escalation columns and prompts_from

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:10:00

Alerts are now reported again (a warning sign on another day, a worse reading): each report
is an `alert_report` row, and `alert.raised_at` orders the list. Existing alerts get one
report each (their first raise), so a replay of an already-alerted day is not taken as news.
`patient.prompts_from` is filled from the first accepted invitation, in the patient's zone.
"""

import uuid
from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alert_report",
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("checkin_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.Column("reported_at", UTC_DATETIME, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alert.id"],
            name=op.f("fk_alert_report_alert_id_alert"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkin.id"],
            name=op.f("fk_alert_report_checkin_id_checkin"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_alert_report_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_report")),
    )
    with op.batch_alter_table("alert_report", schema=None) as batch_op:
        batch_op.create_index(op.f("ix_alert_report_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(
            "ix_alert_report_patient_id_rule_local_date",
            ["patient_id", "rule", "local_date"],
            unique=False,
        )
    op.create_table(
        "warning_report",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("warning_signs", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", UTC_DATETIME, nullable=False),
        sa.Column("received_at", UTC_DATETIME, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_warning_report_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_report")),
        sa.UniqueConstraint(
            "patient_id", "recorded_at", name=op.f("uq_warning_report_patient_id_recorded_at")
        ),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_reported_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("peak_pain", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("severe_symptoms", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("raised_at", UTC_DATETIME, nullable=True))
    op.execute("UPDATE alert SET raised_at = created_at, last_reported_on = local_date")
    _backfill_reports()
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.alter_column("last_reported_on", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("raised_at", existing_type=UTC_DATETIME, nullable=False)
        batch_op.alter_column("severe_symptoms", existing_type=sa.JSON(), server_default=None)
        batch_op.create_index(
            "ix_alert_clinic_id_status_raised_at",
            ["clinic_id", "status", "raised_at"],
            unique=False,
        )
        # The list is ordered by `raised_at` now.
        batch_op.drop_index("ix_alert_clinic_id_status_created_at")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prompts_from", sa.Date(), nullable=True))
    _backfill_prompts_from()


GRADED = ("swelling", "bruising", "discolouration", "hardening", "itching")
PAIN_RULES = ("pain_high", "pain_rising")


def _backfill_reports() -> None:
    """What the clinic was told before reports existed, so it is not taken for news again.

    One report per alert on its date, with the reading behind it (the alert's check-in:
    its pain for the pain rules, its severe symptoms), which also fills the alert's
    `peak_pain` and `severe_symptoms`; and one report per check-in carrying warning signs
    (the old rules folded repeats into the open alert without a trace), on the patient's
    warning-sign alert of that date or the latest one before it.
    """
    bind = op.get_bind()
    alert = sa.table(
        "alert",
        *(
            sa.column(name, type_)
            for name, type_ in (
                ("id", sa.Uuid()),
                ("patient_id", sa.Uuid()),
                ("rule", sa.String()),
                ("local_date", sa.Date()),
                ("checkin_id", sa.Uuid()),
                ("reason", sa.Text()),
                ("warning_signs", sa.JSON()),
                ("peak_pain", sa.Integer()),
                ("severe_symptoms", sa.JSON()),
                ("created_at", UTC_DATETIME),
            )
        ),
    )
    checkin = sa.table(
        "checkin",
        *(
            sa.column(name, type_)
            for name, type_ in (
                ("id", sa.Uuid()),
                ("patient_id", sa.Uuid()),
                ("local_date", sa.Date()),
                ("pain", sa.Integer()),
                ("warning_signs", sa.JSON()),
                ("updated_at", UTC_DATETIME),
                *((name, sa.Integer()) for name in GRADED),
            )
        ),
    )
    report = sa.table(
        "alert_report",
        *(
            sa.column(name, type_)
            for name, type_ in (
                ("id", sa.Uuid()),
                ("alert_id", sa.Uuid()),
                ("patient_id", sa.Uuid()),
                ("rule", sa.String()),
                ("local_date", sa.Date()),
                ("checkin_id", sa.Uuid()),
                ("reason", sa.Text()),
                ("items", sa.JSON()),
                ("pain", sa.Integer()),
                ("reported_at", UTC_DATETIME),
            )
        ),
    )
    readings = {row.id: row for row in bind.execute(sa.select(checkin))}
    rows: list[dict[str, object]] = []
    sign_alerts: dict[object, list[object]] = {}
    for row in bind.execute(sa.select(alert).order_by(alert.c.local_date)):
        reading = readings.get(row.checkin_id)
        pain = reading.pain if reading is not None and row.rule in PAIN_RULES else None
        severe = (
            [name for name in GRADED if getattr(reading, name) == 3]
            if reading is not None and row.rule == "symptom_severe"
            else []
        )
        if pain is not None or severe:
            bind.execute(
                alert.update()
                .where(alert.c.id == row.id)
                .values(peak_pain=pain, severe_symptoms=severe)
            )
        if row.rule == "warning_sign":
            sign_alerts.setdefault(row.patient_id, []).append(row)
        rows.append(
            {
                "id": uuid.uuid4(),
                "alert_id": row.id,
                "patient_id": row.patient_id,
                "rule": row.rule,
                "local_date": row.local_date,
                "checkin_id": row.checkin_id,
                "reason": row.reason,
                "items": list(row.warning_signs or []) or severe,
                "pain": pain,
                "reported_at": row.created_at,
            }
        )
    for reading in readings.values():
        alerts = sign_alerts.get(reading.patient_id)
        if not reading.warning_signs or not alerts:
            continue
        earlier = [a for a in alerts if a.local_date <= reading.local_date]
        target = earlier[-1] if earlier else alerts[0]
        if target.local_date == reading.local_date and target.checkin_id == reading.id:
            continue  # its own report, above
        rows.append(
            {
                "id": uuid.uuid4(),
                "alert_id": target.id,
                "patient_id": reading.patient_id,
                "rule": "warning_sign",
                "local_date": reading.local_date,
                "checkin_id": reading.id,
                "reason": target.reason,
                "items": list(reading.warning_signs),
                "pain": None,
                "reported_at": reading.updated_at,
            }
        )
    if rows:
        bind.execute(report.insert(), rows)


def _backfill_prompts_from() -> None:
    """As the app sets it on accepting an invitation (`api.identity.accounts.first_prompt_day`):
    the day of the first acceptance, or the next one if it came after the check-in time."""
    bind = op.get_bind()
    patient = sa.table(
        "patient",
        sa.column("id", sa.Uuid()),
        sa.column("timezone", sa.String()),
        sa.column("checkin_time", sa.Time()),
        sa.column("prompts_from", sa.Date()),
    )
    invitation = sa.table(
        "invitation", sa.column("patient_id", sa.Uuid()), sa.column("used_at", UTC_DATETIME)
    )
    first_used = (
        sa.select(
            patient.c.id,
            patient.c.timezone,
            patient.c.checkin_time,
            sa.func.min(invitation.c.used_at).label("used_at"),
        )
        .join(invitation, invitation.c.patient_id == patient.c.id)
        .where(invitation.c.used_at.is_not(None))
        .group_by(patient.c.id, patient.c.timezone, patient.c.checkin_time)
    )
    for row in bind.execute(first_used).all():
        local = row.used_at.astimezone(ZoneInfo(row.timezone))
        first = local.date() + timedelta(days=1 if local.time() >= row.checkin_time else 0)
        bind.execute(patient.update().where(patient.c.id == row.id).values(prompts_from=first))


def downgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_column("prompts_from")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_clinic_id_status_raised_at")
        batch_op.create_index(
            "ix_alert_clinic_id_status_created_at",
            ["clinic_id", "status", "created_at"],
            unique=False,
        )
        batch_op.drop_column("raised_at")
        batch_op.drop_column("severe_symptoms")
        batch_op.drop_column("peak_pain")
        batch_op.drop_column("last_reported_on")
    op.drop_table("warning_report")
    with op.batch_alter_table("alert_report", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_report_patient_id_rule_local_date")
        batch_op.drop_index(op.f("ix_alert_report_alert_id"))
    op.drop_table("alert_report")
