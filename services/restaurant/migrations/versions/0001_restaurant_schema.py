"""restaurant schema: profiles, floors, tables and their seatings, staff, outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 12:43:11.960920
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pos_kit.events.outbox import create_outbox_tables, drop_outbox_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # restaurant both publishes (table.status_changed) and consumes: outbox and inbox.
    create_outbox_tables(op)
    op.create_table(
        "floors",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_floors")),
        sa.UniqueConstraint("tenant_id", "name", name="uq_floors_tenant_name"),
    )
    with op.batch_alter_table("floors", schema=None) as batch_op:
        batch_op.create_index(
            "ix_floors_tenant_order", ["tenant_id", "sort_order", "id"], unique=False
        )

    op.create_table(
        "restaurant_profiles",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("default_tax_rate_bps", sa.Integer(), nullable=False),
        sa.Column("receipt_footer", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_restaurant_profiles")),
    )
    op.create_table(
        "staff_members",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("auth_user_id", sa.Uuid(), nullable=True),
        sa.Column("login_email", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_members")),
        sa.UniqueConstraint("tenant_id", "auth_user_id", name="uq_staff_members_tenant_login"),
    )
    with op.batch_alter_table("staff_members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_staff_members_tenant_created", ["tenant_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "dining_tables",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("floor_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("shape", sa.String(length=20), nullable=False),
        sa.Column("x", sa.Integer(), nullable=False),
        sa.Column("y", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["floor_id"], ["floors.id"], name=op.f("fk_dining_tables_floor_id_floors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dining_tables")),
        sa.UniqueConstraint("tenant_id", "floor_id", "name", name="uq_dining_tables_floor_name"),
    )
    with op.batch_alter_table("dining_tables", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dining_tables_tenant_name", ["tenant_id", "name", "id"], unique=False
        )

    op.create_table(
        "table_seatings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("table_id", sa.Uuid(), nullable=False),
        sa.Column("seated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["dining_tables.id"],
            name=op.f("fk_table_seatings_table_id_dining_tables"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "order_id", name=op.f("pk_table_seatings")),
    )
    with op.batch_alter_table("table_seatings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_table_seatings_table_id"), ["table_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("table_seatings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_table_seatings_table_id"))

    op.drop_table("table_seatings")
    with op.batch_alter_table("dining_tables", schema=None) as batch_op:
        batch_op.drop_index("ix_dining_tables_tenant_name")

    op.drop_table("dining_tables")
    with op.batch_alter_table("staff_members", schema=None) as batch_op:
        batch_op.drop_index("ix_staff_members_tenant_created")

    op.drop_table("staff_members")
    op.drop_table("restaurant_profiles")
    with op.batch_alter_table("floors", schema=None) as batch_op:
        batch_op.drop_index("ix_floors_tenant_order")

    op.drop_table("floors")
    drop_outbox_tables(op)
