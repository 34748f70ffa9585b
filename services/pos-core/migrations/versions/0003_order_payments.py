"""pos-core settles orders from payment.completed: the payments it saw, and close_when_paid.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-10 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "order_payments",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("tip", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("taken_by", sa.String(length=200), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "payment_id", name=op.f("pk_order_payments")),
    )
    op.create_index(
        "ix_order_payments_tenant_order", "order_payments", ["tenant_id", "order_id"], unique=False
    )
    # Copies made before the setting existed: staff close paid orders, as a new
    # restaurant starts; the next restaurant.profile_changed brings the real value.
    # The default is dropped afterwards because the service always writes the column.
    with op.batch_alter_table("restaurant_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("close_when_paid", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("restaurant_profiles", schema=None) as batch_op:
        batch_op.alter_column("close_when_paid", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("restaurant_profiles", schema=None) as batch_op:
        batch_op.drop_column("close_when_paid")
    op.drop_index("ix_order_payments_tenant_order", table_name="order_payments")
    op.drop_table("order_payments")
