"""The `data` of the events notification reads, validated at the edge.

Only what notification uses is checked; fields it does not know are ignored, so a
producer may add some without breaking it. Anything off raises `MalformedEventData`,
which the consumer retries and then dead-letters (pos.dlq.notification).
"""

from __future__ import annotations

import uuid
from typing import Annotated, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from pos_kit.events import Event
from pos_notification.domain.emails import StockLow, TenantContact
from pos_notification.domain.tickets import PlacedOrder, TicketLine

SUPPORTED_SCHEMA_VERSION = "1"


class MalformedEventData(ValueError):
    """The event's data is not what its type promises; it can only be dead-lettered."""


class _Data(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)


Text200 = Annotated[str, Field(min_length=1, max_length=200)]


class _Modifier(_Data):
    name: Text200


class _OrderItem(_Data):
    product_id: uuid.UUID | None = None
    name: Text200
    quantity: int = Field(ge=1, le=10_000)
    notes: str | None = Field(default=None, max_length=1000)
    modifiers: list[Text200 | _Modifier] = Field(default_factory=list, max_length=50)


class _OrderPlaced(_Data):
    order_id: uuid.UUID
    # dine_in, takeout or delivery today; a new kind of order must not stop the kitchen.
    type: str = Field(min_length=1, max_length=20, pattern=r"^[a-z_]+$")
    table_id: uuid.UUID | None = None
    guests: int | None = Field(default=None, ge=0, le=1000)
    items: list[_OrderItem] = Field(min_length=1, max_length=500)
    placed_at: AwareDatetime | None = None
    placed_by: str | None = Field(default=None, max_length=100)


class _OrderCancelled(_Data):
    order_id: uuid.UUID


class _TenantRegistered(_Data):
    tenant_id: uuid.UUID
    restaurant_name: Text200
    owner_user_id: str = Field(min_length=1, max_length=100)
    owner_email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    owner_full_name: Text200
    registered_at: AwareDatetime


class _StockLow(_Data):
    product_id: uuid.UUID
    name: Text200
    available: int
    threshold: int


_M = TypeVar("_M", bound=_Data)


def _parse(model: type[_M], event: Event) -> _M:
    if event.dataschemaversion != SUPPORTED_SCHEMA_VERSION:
        raise MalformedEventData(
            f"{event.type} data schema version {event.dataschemaversion} is not supported"
        )
    try:
        return model.model_validate(dict(event.data))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'data'}: {e['msg']}" for e in exc.errors()
        )
        raise MalformedEventData(f"{event.type} data is not valid: {problems}") from exc


def tenant_of(event: Event) -> uuid.UUID:
    try:
        return uuid.UUID(event.tenantid)
    except ValueError as exc:
        raise MalformedEventData(f"tenantid {event.tenantid!r} is not a UUID") from exc


def _modifier_name(modifier: str | _Modifier) -> str:
    return modifier if isinstance(modifier, str) else modifier.name


def placed_order(event: Event) -> PlacedOrder:
    data = _parse(_OrderPlaced, event)
    return PlacedOrder(
        order_id=data.order_id,
        order_type=data.type,
        table_id=data.table_id,
        guests=data.guests,
        lines=tuple(
            TicketLine(
                product_id=item.product_id,
                name=item.name,
                quantity=item.quantity,
                notes=item.notes or None,
                modifiers=tuple(_modifier_name(m) for m in item.modifiers),
            )
            for item in data.items
        ),
        placed_at=data.placed_at or event.time,
        placed_by=data.placed_by,
    )


def cancelled_order_id(event: Event) -> uuid.UUID:
    return _parse(_OrderCancelled, event).order_id


def tenant_contact(event: Event) -> TenantContact:
    data = _parse(_TenantRegistered, event)
    if str(data.tenant_id) != event.tenantid:
        raise MalformedEventData("tenant.registered names another tenant than its envelope")
    return TenantContact(
        tenant_id=data.tenant_id,
        restaurant_name=data.restaurant_name,
        owner_user_id=data.owner_user_id,
        owner_email=data.owner_email,
        owner_full_name=data.owner_full_name,
        registered_at=data.registered_at,
    )


def stock_low(event: Event) -> StockLow:
    data = _parse(_StockLow, event)
    return StockLow(
        product_id=data.product_id,
        name=data.name,
        available=data.available,
        threshold=data.threshold,
    )
