"""pos-core's tables. Every row carries its tenant_id; money columns hold integer minor units."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pos_kit.db import service_metadata
from pos_kit.dbtypes import UTCDateTime
from pos_kit.events.outbox import Outbox, inbox_table, outbox_table


class Base(DeclarativeBase):
    metadata = service_metadata()


class OrderRow(Base):
    __tablename__ = "orders"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # What staff and guests call the order: 1, 2, 3... per restaurant.
    number: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    table_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    guests: Mapped[int | None] = mapped_column(Integer, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    reservation_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reservation_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    placing_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    placed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    paid_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # A create repeated with the same Idempotency-Key answers the order it made first.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    request_fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        UniqueConstraint("tenant_id", "number", name="uq_orders_tenant_number"),
        UniqueConstraint("tenant_id", "idempotency_key", name="uq_orders_tenant_idempotency_key"),
        Index("ix_orders_tenant_created", "tenant_id", "created_at", "id"),
        Index("ix_orders_tenant_status_created", "tenant_id", "status", "created_at", "id"),
    )


class OrderItemRow(Base):
    __tablename__ = "order_items"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # Copied from inventory when the item was added; never updated afterwards.
    name: Mapped[str] = mapped_column(Text)
    base_price: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    tax_rate_bps: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    # [{group_id, group_name, option_id, name, price_delta}], in menu order.
    modifiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    added_by: Mapped[str] = mapped_column(String(200))


class OrderCounterRow(Base):
    """The last order number handed out per restaurant."""

    __tablename__ = "order_counters"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    last_number: Mapped[int] = mapped_column(BigInteger)


class RestaurantProfileRow(Base):
    """pos-core's copy of each restaurant's profile (owned by the restaurant service)."""

    __tablename__ = "restaurant_profiles"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    receipt_footer: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The restaurant service's version of the profile: only a higher one replaces it.
    version: Mapped[int] = mapped_column(BigInteger)
    # A paid dine-in order closes at once (the restaurant's setting).
    close_when_paid: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrderPaymentRow(Base):
    """A payment the payment service completed for an order (`payment.completed`), once.

    The payment service owns payments and their ledger; this is what pos-core saw of
    them, so that an order is paid once its payments cover its total.
    """

    __tablename__ = "order_payments"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    payment_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    method: Mapped[str] = mapped_column(String(20))
    # Towards the order's total; the tip is on top (the server's), in the same currency.
    amount: Mapped[int] = mapped_column(BigInteger)
    tip: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    taken_by: Mapped[str] = mapped_column(String(200))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_order_payments_tenant_order", "tenant_id", "order_id"),)


outbox = Outbox(outbox_table(Base.metadata), source="pos-core")
inbox = inbox_table(Base.metadata)
