"""pos-core schema: orders, their items, per-restaurant order numbers, outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 12:42:27.031653
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pos_kit.events.outbox import create_outbox_tables, drop_outbox_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _by(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, sa.String(length=200), nullable=nullable)


def upgrade() -> None:
    create_outbox_tables(op)
    op.create_table(
        "order_counters",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_order_counters")),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("table_id", sa.Uuid(), nullable=True),
        sa.Column("guests", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("reservation_id", sa.String(length=100), nullable=True),
        sa.Column("reservation_status", sa.String(length=20), nullable=True),
        _at("placing_until", nullable=True),
        _at("created_at", nullable=False),
        _by("created_by", nullable=False),
        _at("placed_at", nullable=True),
        _by("placed_by", nullable=True),
        _at("paid_at", nullable=True),
        _by("paid_by", nullable=True),
        _at("closed_at", nullable=True),
        _by("closed_by", nullable=True),
        _at("cancelled_at", nullable=True),
        _by("cancelled_by", nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("request_fingerprint", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint(
            "tenant_id", "idempotency_key", name="uq_orders_tenant_idempotency_key"
        ),
        sa.UniqueConstraint("tenant_id", "number", name="uq_orders_tenant_number"),
    )
    op.create_index(
        "ix_orders_tenant_created", "orders", ["tenant_id", "created_at", "id"], unique=False
    )
    op.create_index(
        "ix_orders_tenant_status_created",
        "orders",
        ["tenant_id", "status", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "order_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("base_price", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("tax_rate_bps", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("modifiers", sa.JSON(), nullable=False),
        _at("added_at", nullable=False),
        _by("added_by", nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_items_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_items")),
    )
    op.create_index(op.f("ix_order_items_order_id"), "order_items", ["order_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_order_items_order_id"), table_name="order_items")
    op.drop_table("order_items")
    op.drop_index("ix_orders_tenant_status_created", table_name="orders")
    op.drop_index("ix_orders_tenant_created", table_name="orders")
    op.drop_table("orders")
    op.drop_table("order_counters")
    drop_outbox_tables(op)
