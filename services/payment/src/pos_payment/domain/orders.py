"""An order as payment knows it: its status, total, tax and lines, from pos-core or its events.

pos-core owns orders. payment keeps a copy of what it needs to take money against
one, fed by `order.*` events and refreshed whenever pos-core answers, so that a
payment can still be taken while pos-core is away. Orders are frozen once placed,
so any total or line the copy ever learnt stays true; only the status moves on.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from pos_payment.domain.errors import OrderCancelled, OrderNotPlaced


class OrderStatus(StrEnum):
    OPEN = "open"
    PLACED = "placed"
    PAID = "paid"
    CLOSED = "closed"
    CANCELLED = "cancelled"


# How far along its life an order is: events may arrive out of order, and a copy
# never goes back. Closed and cancelled both end an order (never the same one).
_PROGRESS = {
    OrderStatus.OPEN: 0,
    OrderStatus.PLACED: 1,
    OrderStatus.PAID: 2,
    OrderStatus.CLOSED: 3,
    OrderStatus.CANCELLED: 3,
}


@dataclass(frozen=True)
class Order:
    """What payment knows of one order. Money fields are None until an event or pos-core
    told them (an order cancelled before it was placed never had a total)."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    status: OrderStatus
    currency: str | None = None
    total: int | None = None
    tax: int | None = None
    # Each line's total (tax included) by pos-core's item id; empty until known.
    lines: Mapping[uuid.UUID, int] = field(default_factory=dict)
    # Who placed the order: the server a tip is recorded for.
    placed_by: str | None = None

    def ensure_payable(self) -> None:
        """Money is taken against a placed order (or a paid or closed one with a balance left)."""
        if self.status is OrderStatus.CANCELLED:
            raise OrderCancelled()
        if self.status is OrderStatus.OPEN:
            raise OrderNotPlaced()

    @property
    def known_total(self) -> int:
        if self.total is None:
            raise ValueError("the order's total is not known")
        return self.total

    @property
    def known_currency(self) -> str:
        if self.currency is None:
            raise ValueError("the order's currency is not known")
        return self.currency

    def merged_with(self, news: Order) -> Order:
        """This copy with what `news` adds: the further status, any money field it knows."""
        status = news.status if _PROGRESS[news.status] > _PROGRESS[self.status] else self.status
        return replace(
            self,
            status=status,
            currency=news.currency or self.currency,
            total=news.total if news.total is not None else self.total,
            tax=news.tax if news.tax is not None else self.tax,
            lines=news.lines or self.lines,
            placed_by=news.placed_by or self.placed_by,
        )
