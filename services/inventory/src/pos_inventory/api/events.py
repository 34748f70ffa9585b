"""The events inventory consumes: order outcomes settle stock holds; profile changes keep the copy.

pos-core commits or releases a hold with a direct call right after an order is paid,
closed or cancelled, but only on a best-effort basis: if inventory is down then, the
order's event settles the hold when inventory consumes it. Both paths are idempotent,
so whichever comes second changes nothing.

restaurant's `restaurant.profile_changed` keeps inventory's copy of each restaurant's
profile (the currency of new menu items) up to date.

Anything a handler cannot read raises `MalformedEvent`, and the consumer dead-letters
it on `pos.dlq.inventory` at once. Only the fields used are read, so producers may add
fields freely.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated

from pydantic import Field

from pos_inventory.domain.profiles import ProfileCopy
from pos_inventory.use_cases import InventoryUseCases
from pos_kit.events import (
    Event,
    EventData,
    Handler,
    by_type,
    parse_data,
    subjects_of,
    tenant_of,
)
from pos_kit.uow import UnitOfWork

ORDER_PAID = "order.paid"
ORDER_CLOSED = "order.closed"
ORDER_CANCELLED = "order.cancelled"
PROFILE_CHANGED = "restaurant.profile_changed"
SOLD = frozenset({ORDER_PAID, ORDER_CLOSED})


class OrderOutcome(EventData):
    """What inventory reads from `order.paid`, `order.closed` and `order.cancelled`."""

    order_id: uuid.UUID
    # Null for an order pos-core never placed (cancelled while open).
    reservation_id: uuid.UUID | None = None


class ProfileChanged(EventData):
    """What inventory reads from `restaurant.profile_changed`."""

    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    version: Annotated[int, Field(ge=1)]


async def _settle_order(use_cases: InventoryUseCases, uow: UnitOfWork, event: Event) -> None:
    outcome = parse_data(event, OrderOutcome)
    await use_cases.reservations.settle_order(
        uow,
        # The tenant comes from the event's envelope only: an event can reach no other
        # restaurant's reservation, whatever ids its data names.
        tenant_id=tenant_of(event),
        order_id=outcome.order_id,
        reservation_id=outcome.reservation_id,
        sold=event.type in SOLD,
        actor=f"{event.source}:{event.type}"[:100],  # the audit trail's created_by
    )


async def _copy_profile(use_cases: InventoryUseCases, uow: UnitOfWork, event: Event) -> None:
    changed = parse_data(event, ProfileChanged)
    await use_cases.profiles.copy(
        uow, profile=ProfileCopy(tenant_of(event), changed.currency, changed.version)
    )


_HANDLERS = {
    ORDER_PAID: _settle_order,
    ORDER_CLOSED: _settle_order,
    ORDER_CANCELLED: _settle_order,
    PROFILE_CHANGED: _copy_profile,
}
SUBJECTS = subjects_of(_HANDLERS)


def event_handler(use_cases: InventoryUseCases) -> Handler:
    """The consumer's handler: runs inside the unit of work that claims the event."""
    return by_type({type_: partial(handle, use_cases) for type_, handle in _HANDLERS.items()})
