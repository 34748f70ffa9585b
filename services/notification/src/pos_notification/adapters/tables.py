"""notification's tables. Every row that belongs to a restaurant carries its tenant_id."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
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
from pos_kit.events import Outbox, inbox_table, outbox_table


class Base(DeclarativeBase):
    metadata = service_metadata()


class KitchenTicketRow(Base):
    __tablename__ = "kitchen_tickets"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    order_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    table_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    guests: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # [{product_id, name, quantity, notes, modifiers: [name, ...]}, ...]
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    placed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    bumped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    bumped_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        # One ticket per order: a duplicated or republished order.placed never makes two.
        UniqueConstraint("tenant_id", "order_id", name="uq_kitchen_tickets_tenant_order"),
        # The kitchen's screen: a tenant's open tickets, oldest first.
        Index("ix_kitchen_tickets_tenant_status_placed", "tenant_id", "status", "placed_at", "id"),
    )


class KitchenFeedRow(Base):
    """The live kitchen feed, kept so a screen that reconnects can replay what it missed."""

    __tablename__ = "kitchen_feed"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_kitchen_feed_created_at", "created_at"),)


class KitchenFeedPositionRow(Base):
    """The last feed number handed out per tenant; its row lock orders a tenant's writers."""

    __tablename__ = "kitchen_feed_positions"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class StreamTicketRow(Base):
    """Short-lived, single-use tickets that let a browser's EventSource open the stream."""

    __tablename__ = "stream_tickets"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    user_id: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    # Only a hash is stored: a leaked table must not open anyone's stream.
    ticket_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_stream_tickets_expires_at", "expires_at"),)


class DeliveryProgressColumns:
    """Where a delivery's `DeliveryProgress` is kept: webhook deliveries and e-mails alike."""

    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WebhookRow(Base):
    __tablename__ = "webhooks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    url: Mapped[str] = mapped_column(Text)
    event_types: Mapped[list[str]] = mapped_column(JSON)
    # Needed in clear to sign each delivery; never returned after the webhook is made.
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))

    __table_args__ = (Index("ix_webhooks_tenant_created", "tenant_id", "created_at", "id"),)


class WebhookDeliveryRow(DeliveryProgressColumns, Base):
    __tablename__ = "webhook_deliveries"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    webhook_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(200))
    # The CloudEvent exactly as it is sent (and signed).
    payload: Mapped[str] = mapped_column(Text)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_webhook_event"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_webhook_created", "webhook_id", "created_at", "id"),
    )


class TenantContactRow(Base):
    """Who to write to: each restaurant's owner, from auth's tenant.registered."""

    __tablename__ = "tenant_contacts"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    restaurant_name: Mapped[str] = mapped_column(String(200))
    owner_user_id: Mapped[str] = mapped_column(String(100))
    owner_email: Mapped[str] = mapped_column(String(320))
    owner_full_name: Mapped[str] = mapped_column(String(200))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EmailDeliveryRow(DeliveryProgressColumns, Base):
    __tablename__ = "email_deliveries"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(36))
    # None until the owner's address is known (tenant.registered may arrive later).
    recipient: Mapped[str | None] = mapped_column(String(320), nullable=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("kind", "event_id", name="uq_email_deliveries_kind_event"),
        Index("ix_email_deliveries_due", "status", "next_attempt_at"),
        Index("ix_email_deliveries_tenant_created", "tenant_id", "created_at", "id"),
    )


outbox = Outbox(outbox_table(Base.metadata), source="notification")
inbox = inbox_table(Base.metadata)
