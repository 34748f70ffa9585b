"""The events notification consumes: each one's data is read at this edge, then one use case runs.

Every event is offered to the tenant's webhooks; four types also have an effect here
(a kitchen ticket opened or cancelled, the owner's contact kept, an e-mail recorded).
The models check only what notification uses, so a producer may add fields freely.
Data that does not fit raises `MalformedEvent`: the consumer dead-letters the event
at once (pos.dlq.notification) and goes on with the next.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field

from pos_kit.events import Event, EventData, Handler, MalformedEvent, parse_data, tenant_of
from pos_kit.mapping import build
from pos_kit.uow import UnitOfWork
from pos_notification.api.dependencies import NotificationUseCases
from pos_notification.domain.emails import StockLow, TenantContact
from pos_notification.domain.events import (
    ORDER_CANCELLED,
    ORDER_PLACED,
    STOCK_LOW,
    TENANT_REGISTERED,
)
from pos_notification.domain.tickets import PlacedOrder, TicketLine

# Every event: any type may be one a tenant's webhook asked for.
SUBJECTS = ("pos.events.>",)


class _Data(EventData):
    # Names come from other services: trimmed as they are read.
    model_config = ConfigDict(str_strip_whitespace=True)


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


def placed_order(event: Event) -> PlacedOrder:
    data = parse_data(event, _OrderPlaced)
    return build(
        PlacedOrder,
        data,
        order_type=data.type,
        lines=tuple(_ticket_line(item) for item in data.items),
        placed_at=data.placed_at or event.time,
    )


def _ticket_line(item: _OrderItem) -> TicketLine:
    modifiers = tuple(m if isinstance(m, str) else m.name for m in item.modifiers)
    return build(TicketLine, item, notes=item.notes or None, modifiers=modifiers)


def tenant_contact(event: Event) -> TenantContact:
    data = parse_data(event, _TenantRegistered)
    if data.tenant_id != tenant_of(event):
        raise MalformedEvent("tenant.registered names another tenant than its envelope")
    return build(TenantContact, data)


def stock_low(event: Event) -> StockLow:
    return build(StockLow, parse_data(event, _StockLow))


# What an event type does here besides being offered to webhooks: one use case each.
EffectHere = Callable[[NotificationUseCases, UnitOfWork, uuid.UUID, Event], Awaitable[None]]


async def _open_ticket(
    use_cases: NotificationUseCases, uow: UnitOfWork, tenant_id: uuid.UUID, event: Event
) -> None:
    await use_cases.tickets.open_for_order(uow, tenant_id=tenant_id, order=placed_order(event))


async def _cancel_ticket(
    use_cases: NotificationUseCases, uow: UnitOfWork, tenant_id: uuid.UUID, event: Event
) -> None:
    order_id = parse_data(event, _OrderCancelled).order_id
    await use_cases.tickets.cancel_for_order(uow, tenant_id=tenant_id, order_id=order_id)


async def _remember_owner(
    use_cases: NotificationUseCases, uow: UnitOfWork, tenant_id: uuid.UUID, event: Event
) -> None:
    await use_cases.emails.remember_contact(uow, contact=tenant_contact(event))


async def _mail_stock_low(
    use_cases: NotificationUseCases, uow: UnitOfWork, tenant_id: uuid.UUID, event: Event
) -> None:
    await use_cases.emails.notify_stock_low(
        uow, tenant_id=tenant_id, stock=stock_low(event), event_id=event.id
    )


_EFFECTS: dict[str, EffectHere] = {
    ORDER_PLACED: _open_ticket,
    ORDER_CANCELLED: _cancel_ticket,
    TENANT_REGISTERED: _remember_owner,
    STOCK_LOW: _mail_stock_low,
}


def event_handler(use_cases: NotificationUseCases) -> Handler:
    """The consumer's handler: runs in the unit of work that claims the event in the inbox."""

    async def handle(uow: UnitOfWork, event: Event) -> None:
        tenant_id = tenant_of(event)
        effect = _EFFECTS.get(event.type)
        if effect is not None:
            await effect(use_cases, uow, tenant_id, event)
        await use_cases.webhooks.fan_out(uow, tenant_id=tenant_id, event=event)

    return handle
