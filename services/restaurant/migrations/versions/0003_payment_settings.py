"""restaurant profiles get payment settings: cash rounding, who takes payments, close when paid.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-10 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing profiles get what a new one starts with (no rounding, only cashiers and
    # managers take payments, staff close paid orders); the defaults are dropped
    # afterwards because the service always writes these columns itself.
    with op.batch_alter_table("restaurant_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "cash_rounding_minor_units",
                sa.Integer(),
                nullable=False,
                server_default=sa.text("1"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "waiters_take_payments", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("close_when_paid", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("restaurant_profiles", schema=None) as batch_op:
        batch_op.alter_column("cash_rounding_minor_units", server_default=None)
        batch_op.alter_column("waiters_take_payments", server_default=None)
        batch_op.alter_column("close_when_paid", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("restaurant_profiles", schema=None) as batch_op:
        batch_op.drop_column("close_when_paid")
        batch_op.drop_column("waiters_take_payments")
        batch_op.drop_column("cash_rounding_minor_units")
