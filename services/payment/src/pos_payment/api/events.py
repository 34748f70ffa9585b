"""The events payment consumes: pos-core's orders feed the copy, restaurant's profile the settings.

The copy of each order (status, currency, total, tax, lines, who placed it) lets a
payment be taken while pos-core is away; a status only moves forward, whatever
order the events arrive in. The settings copy gives cash rounding, whether waiters
take payments, and the time zone of the business day.

Anything a handler cannot read raises `MalformedEvent`, and the consumer dead-letters
it on `pos.dlq.payment` at once. Only the fields used are read.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from pos_kit.events import (
    Event,
    EventData,
    Handler,
    by_type,
    parse_data,
    subjects_of,
    tenant_of,
)
from pos_kit.mapping import build
from pos_kit.uow import UnitOfWork
from pos_payment.domain.money import MAX_ROUNDING_UNIT
from pos_payment.domain.orders import Order, OrderStatus
from pos_payment.domain.restaurants import RestaurantSettings
from pos_payment.use_cases import PaymentUseCases

ORDER_PLACED = "order.placed"
ORDER_CANCELLED = "order.cancelled"
ORDER_PAID = "order.paid"
ORDER_CLOSED = "order.closed"
PROFILE_CHANGED = "restaurant.profile_changed"
ORDER_STATUS = {
    ORDER_PLACED: OrderStatus.PLACED,
    ORDER_CANCELLED: OrderStatus.CANCELLED,
    ORDER_PAID: OrderStatus.PAID,
    ORDER_CLOSED: OrderStatus.CLOSED,
}

Minor = Annotated[int, Field(ge=0)]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class _Item(EventData):
    item_id: uuid.UUID
    line_total: Minor


class _Totals(EventData):
    total: Minor
    tax: Minor


class OrderNews(EventData):
    """What payment reads of `order.*`: `order.placed` has it all, the others part of it."""

    order_id: uuid.UUID
    currency: CurrencyCode | None = None
    totals: _Totals | None = None
    items: list[_Item] = []
    placed_by: str | None = None


class ProfileChanged(EventData):
    """What payment reads of `restaurant.profile_changed`; the payment settings default
    (no rounding, waiters do not take payments) in an event from before they existed."""

    currency: CurrencyCode
    timezone: str
    version: Annotated[int, Field(ge=1)]
    cash_rounding_minor_units: Annotated[int, Field(ge=1, le=MAX_ROUNDING_UNIT)] = 1
    waiters_take_payments: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{zone!r} is not an IANA time zone") from exc
        return zone


async def _learn_order(use_cases: PaymentUseCases, uow: UnitOfWork, event: Event) -> None:
    news = parse_data(event, OrderNews)
    await use_cases.orders.learn(
        uow,
        news=Order(
            id=news.order_id,
            # From the envelope only: an event reaches no other restaurant's order.
            tenant_id=tenant_of(event),
            status=ORDER_STATUS[event.type],
            currency=news.currency,
            total=news.totals.total if news.totals else None,
            tax=news.totals.tax if news.totals else None,
            lines={item.item_id: item.line_total for item in news.items},
            placed_by=news.placed_by,
        ),
    )


async def _copy_settings(use_cases: PaymentUseCases, uow: UnitOfWork, event: Event) -> None:
    changed = parse_data(event, ProfileChanged)
    await use_cases.restaurants.copy(
        uow, settings=build(RestaurantSettings, changed, tenant_id=tenant_of(event))
    )


_HANDLERS = {
    **dict.fromkeys(ORDER_STATUS, _learn_order),
    PROFILE_CHANGED: _copy_settings,
}
SUBJECTS = subjects_of(_HANDLERS)


def event_handler(use_cases: PaymentUseCases) -> Handler:
    """The consumer's handler: runs inside the unit of work that claims the event."""
    return by_type({type_: partial(handle, use_cases) for type_, handle in _HANDLERS.items()})
