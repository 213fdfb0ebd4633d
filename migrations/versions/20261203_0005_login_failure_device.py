"""login_failure.device: failures of a known device are counted under its device id

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:00:00

A browser that signed in to an account before carries a signed device cookie
(`api.identity.devices`); its failures are counted per device instead of per account and IP,
so attacks from elsewhere cannot lock the account's owner out. Existing rows are failures
of unknown devices (NULL).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.drop_column("device")
