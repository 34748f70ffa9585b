"""payment's tables. Every row belongs to a restaurant and carries its tenant_id.

`ledger_entries` is append-only: the code never updates or deletes a row, and the
migration adds triggers that refuse it on both PostgreSQL and SQLite.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pos_kit.db import service_metadata
from pos_kit.dbtypes import UTCDateTime
from pos_kit.events import Outbox, inbox_table, outbox_table

Document = JSON().with_variant(JSONB(), "postgresql")
Money = BigInteger
Subject = String(100)  # a token subject: a user id, or service:<client_id>


class Base(DeclarativeBase):
    metadata = service_metadata()


def _pending_index(table: str) -> Index:
    """The reconciler's way to the card payments or refunds to ask about: pending, by when."""
    pending = text("status = 'pending'")
    return Index(
        f"ix_{table}_pending", "recheck_at", postgresql_where=pending, sqlite_where=pending
    )


class DrawerSessionRow(Base):
    __tablename__ = "drawer_sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    drawer: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    opening_float: Mapped[int] = mapped_column(Money)
    opened_by: Mapped[str] = mapped_column(Subject)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(Subject, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    counted: Mapped[int | None] = mapped_column(Money, nullable=True)
    variance: Mapped[int | None] = mapped_column(Money, nullable=True)

    __table_args__ = (
        CheckConstraint("opening_float >= 0", name="float_not_negative"),
        # One open session per drawer: the second "open" is refused by the database.
        Index(
            "uq_drawer_sessions_one_open",
            "tenant_id",
            "drawer",
            unique=True,
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
        Index("ix_drawer_sessions_list", "tenant_id", "opened_at", "id"),
        Index("ix_drawer_sessions_closed", "tenant_id", "closed_at"),
    )


class PaymentRow(Base):
    __tablename__ = "payments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    method: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Money)
    tip: Mapped[int] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    tendered: Mapped[int | None] = mapped_column(Money, nullable=True)
    change_given: Mapped[int] = mapped_column(Money)
    rounding: Mapped[int] = mapped_column(Money)
    lines: Mapped[list[str]] = mapped_column(Document)
    served_by: Mapped[str | None] = mapped_column(Subject, nullable=True)
    taken_by: Mapped[str] = mapped_column(Subject)
    drawer_session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("drawer_sessions.id"), nullable=True
    )
    # The processor's token (pm_...) and its reference (the PaymentIntent id): no card data.
    payment_method: Mapped[str | None] = mapped_column(String(255), nullable=True)
    processor_reference: Mapped[str | None] = mapped_column(String(255), nullable=True)
    card_brand: Mapped[str | None] = mapped_column(String(20), nullable=True)
    card_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    failure_code: Mapped[str | None] = mapped_column(String(100), nullable=True)
    balance_after: Mapped[int | None] = mapped_column(Money, nullable=True)
    idempotency_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A pending card payment: when the reconciler asks the processor next, and how often it did.
    recheck_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    processor_checks: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("tip >= 0 AND change_given >= 0", name="tip_and_change_not_negative"),
        CheckConstraint("card_last4 IS NULL OR length(card_last4) = 4", name="last4_only"),
        Index("ix_payments_order", "tenant_id", "order_id", "status"),
        Index("ix_payments_list", "tenant_id", "created_at", "id"),
        _pending_index("payments"),
    )


class RefundRow(Base):
    __tablename__ = "refunds"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"))
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    method: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(500))
    lines: Mapped[list[str]] = mapped_column(Document)
    refunded_by: Mapped[str] = mapped_column(Subject)
    drawer_session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("drawer_sessions.id"), nullable=True
    )
    processor_reference: Mapped[str | None] = mapped_column(String(255), nullable=True)
    failure_code: Mapped[str | None] = mapped_column(String(100), nullable=True)
    idempotency_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    recheck_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    processor_checks: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_refunds_payment", "tenant_id", "payment_id", "created_at", "id"),
        _pending_index("refunds"),
    )


class LedgerEntryRow(Base):
    __tablename__ = "ledger_entries"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Money)  # signed: money out is negative
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str | None] = mapped_column(String(10), nullable=True)
    order_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payments.id"), nullable=True)
    refund_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("refunds.id"), nullable=True)
    drawer_session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("drawer_sessions.id"), nullable=True
    )
    staff_id: Mapped[str | None] = mapped_column(Subject, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        # Each kind moves money one way; a sign error is refused by the database.
        CheckConstraint(
            "(kind IN ('payment', 'tip', 'cash_in') AND amount > 0)"
            " OR (kind IN ('refund', 'cash_out') AND amount < 0)"
            " OR (kind = 'rounding' AND amount <> 0)",
            name="signed_by_kind",
        ),
        Index("ix_ledger_entries_order", "tenant_id", "order_id", "kind"),
        Index("ix_ledger_entries_day", "tenant_id", "created_at"),
        Index("ix_ledger_entries_payment", "payment_id"),
        Index("ix_ledger_entries_drawer", "drawer_session_id"),
    )


class IdempotencyKeyRow(Base):
    __tablename__ = "idempotency_keys"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20))
    lease_token: Mapped[uuid.UUID] = mapped_column(Uuid)
    lease_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[dict[str, Any] | None] = mapped_column(Document, nullable=True)
    response_headers: Mapped[dict[str, str] | None] = mapped_column(Document, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_idempotency_keys_created_at", "created_at"),)


class OrderRow(Base):
    """payment's copy of an order (fed by pos-core's events and answers)."""

    __tablename__ = "orders"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    total: Mapped[int | None] = mapped_column(Money, nullable=True)
    tax: Mapped[int | None] = mapped_column(Money, nullable=True)
    # pos-core's item id -> the line's total, tax included.
    lines: Mapped[dict[str, int]] = mapped_column(Document)
    placed_by: Mapped[str | None] = mapped_column(Subject, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PaidLineRow(Base):
    """A line is paid once: the primary key refuses a second payment of it."""

    __tablename__ = "paid_lines"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    item_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"))


class RestaurantSettingsRow(Base):
    """payment's copy of each restaurant's settings (fed by restaurant.profile_changed)."""

    __tablename__ = "restaurant_settings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64))
    cash_rounding_minor_units: Mapped[int] = mapped_column(Integer)
    waiters_take_payments: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)


outbox = Outbox(outbox_table(Base.metadata), source="payment")
inbox = inbox_table(Base.metadata)
