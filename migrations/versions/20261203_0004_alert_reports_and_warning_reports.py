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
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prompts_from", sa.Date(), nullable=True))
    _backfill_prompts_from()


def _backfill_reports() -> None:
    bind = op.get_bind()
    alert = sa.table(
        "alert",
        sa.column("id", sa.Uuid()),
        sa.column("patient_id", sa.Uuid()),
        sa.column("rule", sa.String()),
        sa.column("local_date", sa.Date()),
        sa.column("checkin_id", sa.Uuid()),
        sa.column("reason", sa.Text()),
        sa.column("warning_signs", sa.JSON()),
        sa.column("created_at", UTC_DATETIME),
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
                ("warning_signs", sa.JSON()),
                ("reported_at", UTC_DATETIME),
            )
        ),
    )
    rows = [
        {
            "id": uuid.uuid4(),
            "alert_id": row.id,
            "patient_id": row.patient_id,
            "rule": row.rule,
            "local_date": row.local_date,
            "checkin_id": row.checkin_id,
            "reason": row.reason,
            # Old alerts kept no score: a pain alert's pain is in its reason only.
            "items": row.warning_signs or [],
            "pain": None,
            "reported_at": row.created_at,
        }
        for row in bind.execute(sa.select(alert))
    ]
    if rows:
        bind.execute(report.insert(), rows)


def _backfill_prompts_from() -> None:
    bind = op.get_bind()
    patient = sa.table(
        "patient",
        sa.column("id", sa.Uuid()),
        sa.column("timezone", sa.String()),
        sa.column("prompts_from", sa.Date()),
    )
    invitation = sa.table(
        "invitation", sa.column("patient_id", sa.Uuid()), sa.column("used_at", UTC_DATETIME)
    )
    first_used = (
        sa.select(patient.c.id, patient.c.timezone, sa.func.min(invitation.c.used_at))
        .join(invitation, invitation.c.patient_id == patient.c.id)
        .where(invitation.c.used_at.is_not(None))
        .group_by(patient.c.id, patient.c.timezone)
    )
    for patient_id, timezone, used_at in bind.execute(first_used).all():
        local = used_at.astimezone(ZoneInfo(timezone)).date()
        bind.execute(patient.update().where(patient.c.id == patient_id).values(prompts_from=local))


def downgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_column("prompts_from")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_clinic_id_status_raised_at")
        batch_op.drop_column("raised_at")
        batch_op.drop_column("severe_symptoms")
        batch_op.drop_column("peak_pain")
        batch_op.drop_column("last_reported_on")
    op.drop_table("warning_report")
    with op.batch_alter_table("alert_report", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_report_patient_id_rule_local_date")
        batch_op.drop_index(op.f("ix_alert_report_alert_id"))
    op.drop_table("alert_report")
