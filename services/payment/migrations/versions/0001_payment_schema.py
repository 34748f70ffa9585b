"""payment schema: payments, refunds, the append-only ledger, drawers, idempotency keys,
and the copies of orders and restaurant settings.

Revision ID: 0001
Revises:
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pos_kit.events.outbox import create_outbox_tables, drop_outbox_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_outbox_tables(op)
    op.create_table(
        "drawer_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("drawer", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("opening_float", sa.BigInteger(), nullable=False),
        sa.Column("opened_by", sa.String(length=100), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counted", sa.BigInteger(), nullable=True),
        sa.Column("variance", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "opening_float >= 0", name=op.f("ck_drawer_sessions_float_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drawer_sessions")),
    )
    with op.batch_alter_table("drawer_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_drawer_sessions_closed", ["tenant_id", "closed_at"], unique=False)
        batch_op.create_index(
            "ix_drawer_sessions_list", ["tenant_id", "opened_at", "id"], unique=False
        )
        batch_op.create_index(
            "uq_drawer_sessions_one_open",
            ["tenant_id", "drawer"],
            unique=True,
            postgresql_where=sa.text("closed_at IS NULL"),
            sqlite_where=sa.text("closed_at IS NULL"),
        )

    op.create_table(
        "idempotency_keys",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("lease_token", sa.Uuid(), nullable=False),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_id", sa.Uuid(), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column(
            "response_body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "response_headers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "key", name=op.f("pk_idempotency_keys")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index("ix_idempotency_keys_created_at", ["created_at"], unique=False)

    op.create_table(
        "orders",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("total", sa.BigInteger(), nullable=True),
        sa.Column("tax", sa.BigInteger(), nullable=True),
        sa.Column(
            "lines",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("placed_by", sa.String(length=100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "order_id", name=op.f("pk_orders")),
    )
    op.create_table(
        "restaurant_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("cash_rounding_minor_units", sa.Integer(), nullable=False),
        sa.Column("waiters_take_payments", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_restaurant_settings")),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("tip", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("tendered", sa.BigInteger(), nullable=True),
        sa.Column("change_given", sa.BigInteger(), nullable=False),
        sa.Column("rounding", sa.BigInteger(), nullable=False),
        sa.Column(
            "lines",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("served_by", sa.String(length=100), nullable=True),
        sa.Column("taken_by", sa.String(length=100), nullable=False),
        sa.Column("drawer_session_id", sa.Uuid(), nullable=True),
        sa.Column("payment_method", sa.String(length=255), nullable=True),
        sa.Column("processor_reference", sa.String(length=255), nullable=True),
        sa.Column("card_brand", sa.String(length=20), nullable=True),
        sa.Column("card_last4", sa.String(length=4), nullable=True),
        sa.Column("failure_code", sa.String(length=100), nullable=True),
        sa.Column("balance_after", sa.BigInteger(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recheck_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("processor_checks", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.CheckConstraint(
            "card_last4 IS NULL OR length(card_last4) = 4", name=op.f("ck_payments_last4_only")
        ),
        sa.CheckConstraint(
            "tip >= 0 AND change_given >= 0", name=op.f("ck_payments_tip_and_change_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["drawer_session_id"],
            ["drawer_sessions.id"],
            name=op.f("fk_payments_drawer_session_id_drawer_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_list", ["tenant_id", "created_at", "id"], unique=False)
        batch_op.create_index(
            "ix_payments_order", ["tenant_id", "order_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_payments_pending",
            ["recheck_at"],
            unique=False,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )

    op.create_table(
        "paid_lines",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_paid_lines_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "order_id", "item_id", name=op.f("pk_paid_lines")),
    )
    op.create_table(
        "refunds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column(
            "lines",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("refunded_by", sa.String(length=100), nullable=False),
        sa.Column("drawer_session_id", sa.Uuid(), nullable=True),
        sa.Column("processor_reference", sa.String(length=255), nullable=True),
        sa.Column("failure_code", sa.String(length=100), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recheck_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("processor_checks", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_refunds_amount_positive")),
        sa.ForeignKeyConstraint(
            ["drawer_session_id"],
            ["drawer_sessions.id"],
            name=op.f("fk_refunds_drawer_session_id_drawer_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_refunds_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
    )
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_index(
            "ix_refunds_payment", ["tenant_id", "payment_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_refunds_pending",
            ["recheck_at"],
            unique=False,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("refund_id", sa.Uuid(), nullable=True),
        sa.Column("drawer_session_id", sa.Uuid(), nullable=True),
        sa.Column("staff_id", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind IN ('payment', 'tip', 'cash_in') AND amount > 0)"
            " OR (kind IN ('refund', 'cash_out') AND amount < 0)"
            " OR (kind = 'rounding' AND amount <> 0)",
            name=op.f("ck_ledger_entries_signed_by_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["drawer_session_id"],
            ["drawer_sessions.id"],
            name=op.f("fk_ledger_entries_drawer_session_id_drawer_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_ledger_entries_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refunds.id"], name=op.f("fk_ledger_entries_refund_id_refunds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_entries_day", ["tenant_id", "created_at"], unique=False)
        batch_op.create_index("ix_ledger_entries_drawer", ["drawer_session_id"], unique=False)
        batch_op.create_index(
            "ix_ledger_entries_order", ["tenant_id", "order_id", "kind"], unique=False
        )
        batch_op.create_index("ix_ledger_entries_payment", ["payment_id"], unique=False)

    _refuse_ledger_changes()


def downgrade() -> None:
    _allow_ledger_changes()
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entries_payment")
        batch_op.drop_index("ix_ledger_entries_order")
        batch_op.drop_index("ix_ledger_entries_drawer")
        batch_op.drop_index("ix_ledger_entries_day")

    op.drop_table("ledger_entries")
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_refunds_pending",
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index("ix_refunds_payment")

    op.drop_table("refunds")
    op.drop_table("paid_lines")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_payments_pending",
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index("ix_payments_order")
        batch_op.drop_index("ix_payments_list")

    op.drop_table("payments")
    op.drop_table("restaurant_settings")
    op.drop_table("orders")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_idempotency_keys_created_at")

    op.drop_table("idempotency_keys")
    with op.batch_alter_table("drawer_sessions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_drawer_sessions_one_open",
            postgresql_where=sa.text("closed_at IS NULL"),
            sqlite_where=sa.text("closed_at IS NULL"),
        )
        batch_op.drop_index("ix_drawer_sessions_list")
        batch_op.drop_index("ix_drawer_sessions_closed")

    op.drop_table("drawer_sessions")
    drop_outbox_tables(op)


# The ledger is append-only: a row, once written, is a fact. The code never updates or
# deletes one; these triggers make the database refuse it too, whoever asks.
_APPEND_ONLY = "ledger entries are append-only: record a new entry instead"


def _refuse_ledger_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION ledger_entries_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{_APPEND_ONLY}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE "
            "ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()"
        )
        return
    for change in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER ledger_entries_no_{change} BEFORE {change.upper()} ON ledger_entries "
            f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
        )


def _allow_ledger_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ledger_entries_append_only ON ledger_entries")
        op.execute("DROP FUNCTION ledger_entries_append_only()")
        return
    for change in ("update", "delete"):
        op.execute(f"DROP TRIGGER ledger_entries_no_{change}")
