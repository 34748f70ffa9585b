"""The events restaurant consumes: each one's `data` is checked, then one use case runs.

Anything this handler cannot read raises `MalformedEvent`; the consumer retries it
a few times and then dead-letters it on `pos.dlq.restaurant`, and moves on. Only
the fields used are checked, so producers may add fields freely.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

import structlog
from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from pos_kit.events import Event, Handler, MalformedEvent, subject_for
from pos_restaurant.api.dependencies import RestaurantServices
from pos_restaurant.domain.floor_plan import SeatingReason
from pos_restaurant.services.profile import Owner

log = structlog.get_logger(__name__)

CONSUMER_NAME = "restaurant"
TENANT_REGISTERED = "tenant.registered"
ORDER_PLACED = "order.placed"
ORDER_CLOSED = "order.closed"
ORDER_CANCELLED = "order.cancelled"
SUBJECTS = [
    subject_for(t) for t in (TENANT_REGISTERED, ORDER_PLACED, ORDER_CLOSED, ORDER_CANCELLED)
]
SUPPORTED_SCHEMA_VERSIONS = frozenset({"1"})
DINE_IN = "dine_in"


class _Data(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


_D = TypeVar("_D", bound=_Data)


class TenantRegistered(_Data):
    tenant_id: uuid.UUID
    restaurant_name: str = Field(min_length=1, max_length=200)
    owner_user_id: uuid.UUID | None = None
    owner_email: EmailStr | None = None
    owner_full_name: str | None = Field(default=None, min_length=1, max_length=200)


class OrderPlaced(_Data):
    order_id: uuid.UUID
    type: str = Field(min_length=1, max_length=50)
    table_id: uuid.UUID | None = None


class OrderEnded(_Data):
    order_id: uuid.UUID


def _data(model: type[_D], event: Event) -> _D:
    try:
        return model.model_validate(dict(event.data))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'data'}: {e['msg']}" for e in exc.errors()
        )
        raise MalformedEvent(f"{event.type} data is not usable: {problems}") from exc


def _tenant(event: Event) -> uuid.UUID:
    try:
        return uuid.UUID(event.tenantid)
    except ValueError as exc:
        raise MalformedEvent(f"tenantid {event.tenantid!r} is not a UUID") from exc


def event_handler(services: RestaurantServices) -> Handler:
    """The consumer's handler: runs inside the transaction that claims the event."""

    async def handle(session: AsyncSession, event: Event) -> None:
        if event.dataschemaversion not in SUPPORTED_SCHEMA_VERSIONS:
            raise MalformedEvent(
                f"{event.type} schema version {event.dataschemaversion} is not one this "
                "service reads yet"
            )
        tenant_id = _tenant(event)
        if event.type == TENANT_REGISTERED:
            await _tenant_registered(services, session, tenant_id, event)
        elif event.type == ORDER_PLACED:
            await _order_placed(services, session, tenant_id, event)
        elif event.type in (ORDER_CLOSED, ORDER_CANCELLED):
            order = _data(OrderEnded, event)
            reason = (
                SeatingReason.ORDER_CLOSED
                if event.type == ORDER_CLOSED
                else SeatingReason.ORDER_CANCELLED
            )
            await services.seating.order_ended(
                session, tenant_id=tenant_id, order_id=order.order_id, reason=reason
            )
        else:  # not subscribed; a filter change on the server would be a bug to notice
            raise MalformedEvent(f"restaurant does not handle {event.type} events")

    return handle


async def _tenant_registered(
    services: RestaurantServices, session: AsyncSession, tenant_id: uuid.UUID, event: Event
) -> None:
    data = _data(TenantRegistered, event)
    if data.tenant_id != tenant_id:
        raise MalformedEvent("tenant.registered names another tenant in data than in tenantid")
    owner = None
    if data.owner_user_id and data.owner_email and data.owner_full_name:
        owner = Owner(
            auth_user_id=data.owner_user_id,
            email=str(data.owner_email),
            full_name=data.owner_full_name,
        )
    await services.profiles.welcome(
        session, tenant_id=tenant_id, restaurant_name=data.restaurant_name, owner=owner
    )


async def _order_placed(
    services: RestaurantServices, session: AsyncSession, tenant_id: uuid.UUID, event: Event
) -> None:
    order = _data(OrderPlaced, event)
    if order.type != DINE_IN or order.table_id is None:
        # Takeaway, delivery, or dine-in at the bar: no table to seat anyone at.
        log.debug("order_placed_without_table", order_id=str(order.order_id), type=order.type)
        return
    await services.seating.order_placed(
        session, tenant_id=tenant_id, order_id=order.order_id, table_id=order.table_id
    )
