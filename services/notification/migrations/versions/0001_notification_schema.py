"""notification schema: kitchen tickets and feed, stream tickets, webhooks, e-mails.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 12:44:54.807142
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
    create_outbox_tables(op)
    op.create_table(
        "email_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_deliveries")),
        sa.UniqueConstraint("kind", "event_id", name="uq_email_deliveries_kind_event"),
    )
    with op.batch_alter_table("email_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_email_deliveries_due", ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            "ix_email_deliveries_tenant_created", ["tenant_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "kitchen_feed",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "seq", name=op.f("pk_kitchen_feed")),
    )
    with op.batch_alter_table("kitchen_feed", schema=None) as batch_op:
        batch_op.create_index("ix_kitchen_feed_created_at", ["created_at"], unique=False)

    op.create_table(
        "kitchen_feed_positions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_kitchen_feed_positions")),
    )
    op.create_table(
        "kitchen_tickets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("order_type", sa.String(length=20), nullable=True),
        sa.Column("table_id", sa.Uuid(), nullable=True),
        sa.Column("guests", sa.Integer(), nullable=True),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("placed_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bumped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bumped_by", sa.String(length=100), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kitchen_tickets")),
        sa.UniqueConstraint("tenant_id", "order_id", name="uq_kitchen_tickets_tenant_order"),
    )
    with op.batch_alter_table("kitchen_tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kitchen_tickets_tenant_status_placed",
            ["tenant_id", "status", "placed_at", "id"],
            unique=False,
        )

    op.create_table(
        "stream_tickets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("ticket_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stream_tickets")),
        sa.UniqueConstraint("ticket_hash", name=op.f("uq_stream_tickets_ticket_hash")),
    )
    with op.batch_alter_table("stream_tickets", schema=None) as batch_op:
        batch_op.create_index("ix_stream_tickets_expires_at", ["expires_at"], unique=False)

    op.create_table(
        "tenant_contacts",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("restaurant_name", sa.String(length=200), nullable=False),
        sa.Column("owner_user_id", sa.String(length=100), nullable=False),
        sa.Column("owner_email", sa.String(length=320), nullable=False),
        sa.Column("owner_full_name", sa.String(length=200), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_tenant_contacts")),
    )
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhooks_tenant_created", ["tenant_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("webhook_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name=op.f("fk_webhook_deliveries_webhook_id_webhooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_webhook_event"),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_deliveries_due", ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            "ix_webhook_deliveries_webhook_created",
            ["webhook_id", "created_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_deliveries_webhook_created")
        batch_op.drop_index("ix_webhook_deliveries_due")

    op.drop_table("webhook_deliveries")
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.drop_index("ix_webhooks_tenant_created")

    op.drop_table("webhooks")
    op.drop_table("tenant_contacts")
    with op.batch_alter_table("stream_tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_stream_tickets_expires_at")

    op.drop_table("stream_tickets")
    with op.batch_alter_table("kitchen_tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_kitchen_tickets_tenant_status_placed")

    op.drop_table("kitchen_tickets")
    op.drop_table("kitchen_feed_positions")
    with op.batch_alter_table("kitchen_feed", schema=None) as batch_op:
        batch_op.drop_index("ix_kitchen_feed_created_at")

    op.drop_table("kitchen_feed")
    with op.batch_alter_table("email_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_email_deliveries_tenant_created")
        batch_op.drop_index("ix_email_deliveries_due")

    op.drop_table("email_deliveries")
    drop_outbox_tables(op)
