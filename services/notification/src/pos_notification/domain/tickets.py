"""Kitchen tickets: what the kitchen cooks for one order, and when it is done with it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pos_kit.mapping import build
from pos_notification.domain.errors import TicketNotOpen


class TicketStatus(StrEnum):
    OPEN = "open"  # on the kitchen's screen
    BUMPED = "bumped"  # the kitchen is done with it
    CANCELLED = "cancelled"  # the order was cancelled before the kitchen finished


@dataclass(frozen=True)
class TicketLine:
    product_id: uuid.UUID | None
    name: str
    quantity: int
    notes: str | None
    modifiers: tuple[str, ...]


@dataclass(frozen=True)
class PlacedOrder:
    """What the kitchen needs to know of an order that was placed."""

    order_id: uuid.UUID
    order_type: str
    table_id: uuid.UUID | None
    guests: int | None
    lines: tuple[TicketLine, ...]
    placed_at: datetime
    placed_by: str | None


@dataclass
class KitchenTicket:
    id: uuid.UUID
    tenant_id: uuid.UUID
    order_id: uuid.UUID
    order_type: str | None
    table_id: uuid.UUID | None
    guests: int | None
    lines: tuple[TicketLine, ...]
    status: TicketStatus
    # None only for an order cancelled before it was ever placed (see `cancelled_unplaced`).
    placed_at: datetime | None
    placed_by: str | None
    created_at: datetime
    bumped_at: datetime | None = None
    bumped_by: str | None = None
    cancelled_at: datetime | None = None

    @classmethod
    def for_placed_order(
        cls, *, tenant_id: uuid.UUID, order: PlacedOrder, now: datetime
    ) -> KitchenTicket:
        # The order's id, type, table, guests, lines and placing, as the order says them.
        return build(
            cls,
            order,
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            status=TicketStatus.OPEN,
            created_at=now,
        )

    @classmethod
    def cancelled_unplaced(
        cls, *, tenant_id: uuid.UUID, order_id: uuid.UUID, now: datetime
    ) -> KitchenTicket:
        """The record of an order cancelled before its `order.placed` arrived.

        Events can overtake each other (a retried one comes later), and a draft order
        can be cancelled without ever being placed. Either way a late `order.placed`
        must not put the order on the kitchen's screen: this record holds its place.
        """
        return cls(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            order_id=order_id,
            order_type=None,
            table_id=None,
            guests=None,
            lines=(),
            status=TicketStatus.CANCELLED,
            placed_at=None,
            placed_by=None,
            created_at=now,
            cancelled_at=now,
        )

    def bump(self, *, by: str, now: datetime) -> None:
        if self.status is not TicketStatus.OPEN:
            raise TicketNotOpen(self.status)
        self.status = TicketStatus.BUMPED
        self.bumped_at = now
        self.bumped_by = by

    def cancel(self, *, now: datetime) -> bool:
        """Take the ticket off the screen. False when there was nothing to take off.

        A bumped ticket stays bumped: the food already went out, and the kitchen's
        screen no longer shows it anyway.
        """
        if self.status is not TicketStatus.OPEN:
            return False
        self.status = TicketStatus.CANCELLED
        self.cancelled_at = now
        return True

    def age_seconds(self, now: datetime) -> int:
        """How long the order has waited since it was placed, in whole seconds."""
        if self.placed_at is None:
            return 0
        return max(0, int((now - self.placed_at).total_seconds()))
