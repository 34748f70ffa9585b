"""The events notification reads and the one it announces, with that one's payload."""

from __future__ import annotations

from typing import Any

from pos_notification.domain.tickets import KitchenTicket

# Read: each has an effect here besides being offered to the tenant's webhooks.
ORDER_PLACED = "order.placed"
ORDER_CANCELLED = "order.cancelled"
TENANT_REGISTERED = "tenant.registered"
STOCK_LOW = "stock.low"

# Announced when the kitchen is done with a ticket.
TICKET_BUMPED = "ticket.bumped"


def ticket_bumped(ticket: KitchenTicket) -> dict[str, Any]:
    """`ticket.bumped` data: which ticket of which order, when and by whom."""
    if ticket.bumped_at is None or ticket.bumped_by is None:
        raise ValueError(f"ticket {ticket.id} is not bumped")
    return {
        "ticket_id": str(ticket.id),
        "order_id": str(ticket.order_id),
        "bumped_at": ticket.bumped_at.isoformat(),
        "bumped_by": ticket.bumped_by,
    }
