"""pos-core's events: what it announces (`data`, schema version 1) and the types it reads.

What pos-core announces is enough to act on without calling back: `order.placed` is
a kitchen ticket, every item with its name, quantity, notes and modifier names, plus
prices and totals for anyone who keeps books. Amounts are integer minor units in the
order's currency; times are RFC 3339 UTC.
"""

from __future__ import annotations

from typing import Any

from pos_core.domain.money import Totals
from pos_core.domain.orders import Order, OrderItem

ORDER_PLACED = "order.placed"
ORDER_CANCELLED = "order.cancelled"
ORDER_PAID = "order.paid"
ORDER_CLOSED = "order.closed"
SCHEMA_VERSION = "1"

# Read (see api/events.py): each restaurant's profile, for its receipts and whether a paid
# dine-in order closes at once; the payment service's payments, which settle orders.
RESTAURANT_PROFILE_CHANGED = "restaurant.profile_changed"
PAYMENT_COMPLETED = "payment.completed"


def _totals(totals: Totals) -> dict[str, Any]:
    return {
        "subtotal": totals.subtotal,
        "tax": totals.tax,
        "total": totals.total,
        "taxes": [
            {"rate_bps": t.rate_bps, "taxable": t.taxable, "tax": t.tax} for t in totals.taxes
        ],
    }


def _item(item: OrderItem) -> dict[str, Any]:
    return {
        "item_id": str(item.id),
        "product_id": str(item.product_id),
        "name": item.name,
        "quantity": item.quantity,
        "notes": item.notes,
        "modifiers": [m.name for m in item.modifiers],
        "base_price": item.base_price,
        "unit_price": item.unit_price,
        "tax_rate_bps": item.tax_rate_bps,
        "line_amount": item.amount,
        "line_tax": item.tax,
        "line_total": item.total,
    }


def _identity(order: Order) -> dict[str, Any]:
    return {
        "order_id": str(order.id),
        "order_number": order.number,
        "type": order.type.value,
        "table_id": str(order.table_id) if order.table_id else None,
    }


def order_placed(order: Order) -> dict[str, Any]:
    assert order.placed_at is not None
    return {
        **_identity(order),
        "guests": order.guests,
        "currency": order.currency,
        "items": [_item(i) for i in order.items],
        "totals": _totals(order.totals),
        "reservation_id": order.reservation_id,
        "placed_at": order.placed_at.isoformat(),
        "placed_by": order.placed_by,
    }


def order_cancelled(order: Order, *, previous_status: str) -> dict[str, Any]:
    assert order.cancelled_at is not None
    return {
        **_identity(order),
        "previous_status": previous_status,
        "reservation_id": order.reservation_id,
        "cancelled_at": order.cancelled_at.isoformat(),
        "cancelled_by": order.cancelled_by,
    }


def order_paid(order: Order) -> dict[str, Any]:
    assert order.paid_at is not None
    return {
        **_identity(order),
        "currency": order.currency,
        "totals": _totals(order.totals),
        "reservation_id": order.reservation_id,
        "paid_at": order.paid_at.isoformat(),
        "paid_by": order.paid_by,
    }


def order_closed(order: Order, *, previous_status: str) -> dict[str, Any]:
    assert order.closed_at is not None
    return {
        **_identity(order),
        "previous_status": previous_status,
        "currency": order.currency,
        "totals": _totals(order.totals),
        "reservation_id": order.reservation_id,
        "closed_at": order.closed_at.isoformat(),
        "closed_by": order.closed_by,
    }
