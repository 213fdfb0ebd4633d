"""tamper-evident audit chain

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 09:48:10.288496

Every audit event joins its clinic's hash chain (`api.audit.chain`): `clinic_id`, `seq`,
`prev_hash`, `hash`, and `audit_chain_head` per clinic. The events already recorded are
chained here, per clinic in the order they happened. The event's actor and patient ids stop
being foreign keys: the log must outlive what it names, and `SET NULL` would rewrite it.
"""

from collections import defaultdict
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from alembic import op

from api.audit.chain import GENESIS, SYSTEM, link

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _chain_what_is_there() -> None:
    bind = op.get_bind()
    events = sa.table(
        "audit_event",
        sa.column("id", sa.Uuid()),
        sa.column("actor_user_id", sa.Uuid()),
        sa.column("patient_id", sa.Uuid()),
        sa.column("action", sa.String()),
        sa.column("detail", sa.JSON()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("clinic_id", sa.Uuid()),
        sa.column("seq", sa.Integer()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    users = sa.table("user", sa.column("id", sa.Uuid()), sa.column("clinic_id", sa.Uuid()))
    patients = sa.table("patient", sa.column("id", sa.Uuid()), sa.column("clinic_id", sa.Uuid()))
    clinic_of = dict(bind.execute(sa.select(users.c.id, users.c.clinic_id)).all())
    clinic_of.update(dict(bind.execute(sa.select(patients.c.id, patients.c.clinic_id)).all()))
    chains: dict[Any, list[Any]] = defaultdict(list)
    rows = bind.execute(
        sa.select(
            events.c.id,
            events.c.actor_user_id,
            events.c.patient_id,
            events.c.action,
            events.c.detail,
            events.c.at,
        ).order_by(events.c.at, events.c.id)
    )
    for row in rows:
        named = (row.actor_user_id, row.patient_id)
        clinic = next((clinic_of[i] for i in named if i and clinic_of.get(i)), SYSTEM)
        chains[clinic].append(row)
    heads = sa.table(
        "audit_chain_head",
        sa.column("clinic_id", sa.Uuid()),
        sa.column("seq", sa.Integer()),
        sa.column("hash", sa.String()),
    )
    for clinic, chain in chains.items():
        last = GENESIS
        for seq, row in enumerate(chain, start=1):
            event = SimpleNamespace(**row._asdict(), clinic_id=clinic, seq=seq)
            digest = link(last, event)
            bind.execute(
                events.update()
                .where(events.c.id == row.id)
                .values(clinic_id=clinic, seq=seq, prev_hash=last, hash=digest)
            )
            last = digest
        bind.execute(heads.insert().values(clinic_id=clinic, seq=len(chain), hash=last))


def upgrade() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("clinic_id", name=op.f("pk_audit_chain_head")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clinic_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.drop_constraint(
            batch_op.f("fk_audit_event_patient_id_patient"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_audit_event_actor_user_id_user"), type_="foreignkey"
        )
    _chain_what_is_there()
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        for name in ("clinic_id", "seq", "prev_hash", "hash"):
            batch_op.alter_column(name, nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_audit_event_clinic_id_seq"), ["clinic_id", "seq"]
        )


def downgrade() -> None:
    # Ids of what is gone cannot be foreign keys again.
    op.execute(
        "UPDATE audit_event SET actor_user_id = NULL"
        ' WHERE actor_user_id NOT IN (SELECT id FROM "user")'
    )
    op.execute(
        "UPDATE audit_event SET patient_id = NULL WHERE patient_id NOT IN (SELECT id FROM patient)"
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_event_actor_user_id_user"),
            "user",
            ["actor_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_event_patient_id_patient"),
            "patient",
            ["patient_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_constraint(batch_op.f("uq_audit_event_clinic_id_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
        batch_op.drop_column("clinic_id")
    op.drop_table("audit_chain_head")
