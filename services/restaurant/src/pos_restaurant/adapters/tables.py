"""restaurant's database tables (a dining table is a `dining_tables` row); each names its tenant."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pos_kit.db import service_metadata
from pos_kit.dbtypes import UTCDateTime
from pos_kit.events.outbox import Outbox, inbox_table, outbox_table


class Base(DeclarativeBase):
    metadata = service_metadata()


class ProfileRow(Base):
    __tablename__ = "restaurant_profiles"

    # One profile per restaurant: the tenant is the key.
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500), nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(64))
    default_tax_rate_bps: Mapped[int] = mapped_column(Integer)
    receipt_footer: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # How payments are taken: cash rounding unit (1: none), waiters may take payments,
    # a fully paid dine-in order closes at once.
    cash_rounding_minor_units: Mapped[int] = mapped_column(Integer)
    waiters_take_payments: Mapped[bool] = mapped_column(Boolean)
    close_when_paid: Mapped[bool] = mapped_column(Boolean)
    # Raised by one on every change; consumers of restaurant.profile_changed keep the highest.
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FloorRow(Base):
    __tablename__ = "floors"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("tenant_id", "name", name="uq_floors_tenant_name"),
        Index("ix_floors_tenant_order", "tenant_id", "sort_order", "id"),
    )


class DiningTableRow(Base):
    __tablename__ = "dining_tables"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    floor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("floors.id"))
    name: Mapped[str] = mapped_column(String(50))
    seats: Mapped[int] = mapped_column(Integer)
    shape: Mapped[str] = mapped_column(String(20))
    x: Mapped[int] = mapped_column(Integer)
    y: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("tenant_id", "floor_id", "name", name="uq_dining_tables_floor_name"),
        Index("ix_dining_tables_tenant_name", "tenant_id", "name", "id"),
    )


class SeatingRow(Base):
    """An open order seated at a table. An order sits at one table at most."""

    __tablename__ = "table_seatings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    table_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dining_tables.id"), index=True)
    seated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaffRow(Base):
    __tablename__ = "staff_members"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # The auth login this person signs in with, if any (auth's user id and e-mail).
    auth_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    login_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("tenant_id", "auth_user_id", name="uq_staff_members_tenant_login"),
        Index("ix_staff_members_tenant_created", "tenant_id", "created_at", "id"),
    )


outbox = Outbox(outbox_table(Base.metadata), source="restaurant")
inbox = inbox_table(Base.metadata)
