"""What pos-core's API accepts and answers. Money is integer minor units, never a float."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from pos_core.domain.money import Totals
from pos_core.domain.orders import (
    MAX_GUESTS,
    MAX_MODIFIERS_PER_ITEM,
    MAX_NOTES_LENGTH,
    MAX_QUANTITY,
    MIN_GUESTS,
    MIN_QUANTITY,
    Order,
    OrderItem,
    OrderStatus,
    OrderType,
)
from pos_core.domain.receipts import Receipt
from pos_core.use_cases.orders import NewItem
from pos_kit.pagination import Page
from pos_kit.schemas import RequestModel

Quantity = Annotated[StrictInt, Field(ge=MIN_QUANTITY, le=MAX_QUANTITY)]
Guests = Annotated[StrictInt, Field(ge=MIN_GUESTS, le=MAX_GUESTS)]
# Enough for a big table ordering in one go; more goes through POST .../items.
MAX_ITEMS_ON_CREATE = 50


class Strict(RequestModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ItemIn(Strict):
    product_id: uuid.UUID
    quantity: Quantity
    notes: str | None = Field(default=None, max_length=MAX_NOTES_LENGTH)
    modifiers: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=MAX_MODIFIERS_PER_ITEM,
        description="Ids of the chosen modifier options.",
    )

    def to_new_item(self) -> NewItem:
        return NewItem(
            product_id=self.product_id,
            quantity=self.quantity,
            notes=self.notes or None,
            modifiers=tuple(self.modifiers),
        )


class OrderIn(Strict):
    type: OrderType
    table_id: uuid.UUID | None = None
    guests: Guests | None = None
    items: list[ItemIn] = Field(default_factory=list, max_length=MAX_ITEMS_ON_CREATE)


class ModifierOut(BaseModel):
    group_id: uuid.UUID
    group_name: str
    option_id: uuid.UUID
    name: str
    price_delta: int


class ItemOut(BaseModel):
    id: uuid.UUID
    product_id: uuid.UUID
    name: str
    quantity: int
    notes: str | None
    modifiers: list[ModifierOut]
    base_price: int = Field(description="The product's price when the item was added.")
    unit_price: int = Field(description="base_price plus the modifiers' price deltas.")
    tax_rate_bps: int
    line_amount: int = Field(description="unit_price * quantity, tax excluded.")
    line_tax: int
    line_total: int
    added_at: datetime

    @classmethod
    def of(cls, item: OrderItem) -> ItemOut:
        return cls(
            id=item.id,
            product_id=item.product_id,
            name=item.name,
            quantity=item.quantity,
            notes=item.notes,
            modifiers=[
                ModifierOut(
                    group_id=m.group_id,
                    group_name=m.group_name,
                    option_id=m.option_id,
                    name=m.name,
                    price_delta=m.price_delta,
                )
                for m in item.modifiers
            ],
            base_price=item.base_price,
            unit_price=item.unit_price,
            tax_rate_bps=item.tax_rate_bps,
            line_amount=item.amount,
            line_tax=item.tax,
            line_total=item.amount + item.tax,
            added_at=item.added_at,
        )


class TaxOut(BaseModel):
    rate_bps: int
    taxable: int
    tax: int


def _taxes(totals: Totals) -> list[TaxOut]:
    return [TaxOut(rate_bps=t.rate_bps, taxable=t.taxable, tax=t.tax) for t in totals.taxes]


class OrderOut(BaseModel):
    id: uuid.UUID
    number: int
    type: OrderType
    status: OrderStatus
    table_id: uuid.UUID | None
    guests: int | None
    currency: str | None = Field(description="Set by the first item; null while empty.")
    items: list[ItemOut]
    subtotal: int
    tax: int
    total: int
    taxes: list[TaxOut]
    prices_include_tax: Literal[False] = False
    reservation_id: str | None
    reservation_status: str | None
    created_at: datetime
    created_by: str
    placed_at: datetime | None
    placed_by: str | None
    paid_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None

    @classmethod
    def of(cls, order: Order) -> OrderOut:
        totals = order.totals
        return cls(
            id=order.id,
            number=order.number,
            type=order.type,
            status=order.status,
            table_id=order.table_id,
            guests=order.guests,
            currency=order.currency,
            items=[ItemOut.of(i) for i in order.items],
            subtotal=totals.subtotal,
            tax=totals.tax,
            total=totals.total,
            taxes=_taxes(totals),
            reservation_id=order.reservation_id,
            reservation_status=(
                order.reservation_status.value if order.reservation_status else None
            ),
            created_at=order.created_at,
            created_by=order.created_by,
            placed_at=order.placed_at,
            placed_by=order.placed_by,
            paid_at=order.paid_at,
            closed_at=order.closed_at,
            cancelled_at=order.cancelled_at,
        )


class OrderPage(Page[OrderOut]):
    """A page of the restaurant's orders, newest first."""


class ReceiptModifierOut(BaseModel):
    name: str
    amount: int


class ReceiptLineOut(BaseModel):
    quantity: int
    name: str
    unit_price: int
    amount: int
    tax_rate_bps: int
    modifiers: list[ReceiptModifierOut]
    notes: str | None


class ReceiptOut(BaseModel):
    restaurant_name: str
    restaurant_address: str | None
    order_id: uuid.UUID
    order_number: int
    status: OrderStatus
    type: OrderType
    table: str | None
    guests: int | None
    issued_at: datetime = Field(description="In the restaurant's time zone.")
    currency: str
    lines: list[ReceiptLineOut]
    subtotal: int
    taxes: list[TaxOut]
    tax: int
    total: int
    prices_include_tax: Literal[False] = False
    footer: str

    @classmethod
    def of(cls, receipt: Receipt) -> ReceiptOut:
        return cls(
            restaurant_name=receipt.restaurant_name,
            restaurant_address=receipt.restaurant_address,
            order_id=receipt.order_id,
            order_number=receipt.order_number,
            status=receipt.status,
            type=receipt.order_type,
            table=receipt.table_label,
            guests=receipt.guests,
            issued_at=receipt.issued_at,
            currency=receipt.currency,
            lines=[
                ReceiptLineOut(
                    quantity=line.quantity,
                    name=line.name,
                    unit_price=line.unit_price,
                    amount=line.amount,
                    tax_rate_bps=line.tax_rate_bps,
                    modifiers=[
                        ReceiptModifierOut(name=m.name, amount=m.amount) for m in line.modifiers
                    ],
                    notes=line.notes,
                )
                for line in receipt.lines
            ],
            subtotal=receipt.totals.subtotal,
            taxes=_taxes(receipt.totals),
            tax=receipt.totals.tax,
            total=receipt.totals.total,
            footer=receipt.footer,
        )
