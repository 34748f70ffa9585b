"""The events restaurant consumes: each one's `data` is read, then one use case runs.

Only the fields used are checked, so producers may add fields freely. Anything a
handler cannot use raises `MalformedEvent`: the consumer dead-letters it on
`pos.dlq.restaurant` at once (no retry could mend it) and moves on.
"""

from __future__ import annotations

import uuid
from functools import partial

import structlog
from pydantic import EmailStr, Field

from pos_kit.events import (
    Event,
    EventData,
    Handler,
    MalformedEvent,
    by_type,
    parse_data,
    subjects_of,
    tenant_of,
)
from pos_kit.uow import UnitOfWork
from pos_restaurant.api.dependencies import RestaurantUseCases
from pos_restaurant.domain.floor_plan import SeatingReason
from pos_restaurant.use_cases.profile import Owner

log = structlog.get_logger(__name__)

TENANT_REGISTERED = "tenant.registered"
ORDER_PLACED = "order.placed"
# An order that ended lets its table go, for this reason.
ORDER_ENDED = {
    "order.closed": SeatingReason.ORDER_CLOSED,
    "order.cancelled": SeatingReason.ORDER_CANCELLED,
}
DINE_IN = "dine_in"


class TenantRegistered(EventData):
    tenant_id: uuid.UUID
    restaurant_name: str = Field(min_length=1, max_length=200)
    owner_user_id: uuid.UUID | None = None
    owner_email: EmailStr | None = None
    owner_full_name: str | None = Field(default=None, min_length=1, max_length=200)


class OrderPlaced(EventData):
    order_id: uuid.UUID
    type: str = Field(min_length=1, max_length=50)
    table_id: uuid.UUID | None = None


class OrderEnded(EventData):
    order_id: uuid.UUID


async def _tenant_registered(use_cases: RestaurantUseCases, uow: UnitOfWork, event: Event) -> None:
    data = parse_data(event, TenantRegistered)
    tenant_id = tenant_of(event)
    if data.tenant_id != tenant_id:
        raise MalformedEvent("tenant.registered names another tenant in data than in tenantid")
    owner = None
    if data.owner_user_id and data.owner_email and data.owner_full_name:
        owner = Owner(
            auth_user_id=data.owner_user_id,
            email=str(data.owner_email),
            full_name=data.owner_full_name,
        )
    await use_cases.profiles.welcome(
        uow, tenant_id=tenant_id, restaurant_name=data.restaurant_name, owner=owner
    )


async def _order_placed(use_cases: RestaurantUseCases, uow: UnitOfWork, event: Event) -> None:
    order = parse_data(event, OrderPlaced)
    if order.type != DINE_IN or order.table_id is None:
        # Takeaway, delivery, or dine-in at the bar: no table to seat anyone at.
        log.debug("order_placed_without_table", order_id=str(order.order_id), type=order.type)
        return
    await use_cases.seating.order_placed(
        uow, tenant_id=tenant_of(event), order_id=order.order_id, table_id=order.table_id
    )


async def _order_ended(use_cases: RestaurantUseCases, uow: UnitOfWork, event: Event) -> None:
    order = parse_data(event, OrderEnded)
    await use_cases.seating.order_ended(
        uow, tenant_id=tenant_of(event), order_id=order.order_id, reason=ORDER_ENDED[event.type]
    )


_HANDLERS = {
    TENANT_REGISTERED: _tenant_registered,
    ORDER_PLACED: _order_placed,
    **dict.fromkeys(ORDER_ENDED, _order_ended),
}
SUBJECTS = subjects_of(_HANDLERS)


def event_handler(use_cases: RestaurantUseCases) -> Handler:
    """The consumer's handler: runs in the unit of work that claims the event."""
    return by_type({type_: partial(handle, use_cases) for type_, handle in _HANDLERS.items()})
