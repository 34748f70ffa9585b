"""What pos-core's API accepts and answers. Money is integer minor units, never a float.

Answers are read from the domain objects by field name (`ResponseModel`); where a name
differs, the field says where its value comes from (`validation_alias`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AliasPath, ConfigDict, Field, StrictInt

from pos_core.domain.orders import (
    MAX_GUESTS,
    MAX_MODIFIERS_PER_ITEM,
    MAX_NOTES_LENGTH,
    MAX_QUANTITY,
    MIN_GUESTS,
    MIN_QUANTITY,
    OrderStatus,
    OrderType,
)
from pos_core.use_cases.orders import NewItem
from pos_kit.pagination import Page
from pos_kit.schemas import RequestModel, ResponseModel

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


class ModifierOut(ResponseModel):
    group_id: uuid.UUID
    group_name: str
    option_id: uuid.UUID
    name: str
    price_delta: int


class ItemOut(ResponseModel):
    id: uuid.UUID
    product_id: uuid.UUID
    name: str
    quantity: int
    notes: str | None
    modifiers: list[ModifierOut]
    base_price: int = Field(description="The product's price when the item was added.")
    unit_price: int = Field(description="base_price plus the modifiers' price deltas.")
    tax_rate_bps: int
    line_amount: int = Field(
        validation_alias="amount", description="unit_price * quantity, tax excluded."
    )
    line_tax: int = Field(validation_alias="tax")
    line_total: int = Field(validation_alias="total")
    added_at: datetime


class TaxOut(ResponseModel):
    rate_bps: int
    taxable: int
    tax: int


class OrderOut(ResponseModel):
    id: uuid.UUID
    number: int
    type: OrderType
    status: OrderStatus
    table_id: uuid.UUID | None
    guests: int | None
    currency: str | None = Field(description="Set by the first item; null while empty.")
    items: list[ItemOut]
    subtotal: int = Field(validation_alias=AliasPath("totals", "subtotal"))
    tax: int = Field(validation_alias=AliasPath("totals", "tax"))
    total: int = Field(validation_alias=AliasPath("totals", "total"))
    taxes: list[TaxOut] = Field(validation_alias=AliasPath("totals", "taxes"))
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


class OrderPage(Page[OrderOut]):
    """A page of the restaurant's orders, newest first."""


class ReceiptModifierOut(ResponseModel):
    name: str
    amount: int


class ReceiptLineOut(ResponseModel):
    quantity: int
    name: str
    unit_price: int
    amount: int
    tax_rate_bps: int
    modifiers: list[ReceiptModifierOut]
    notes: str | None


class ReceiptOut(ResponseModel):
    restaurant_name: str
    restaurant_address: str | None
    order_id: uuid.UUID
    order_number: int
    status: OrderStatus
    type: OrderType = Field(validation_alias="order_type")
    table: str | None = Field(validation_alias="table_label")
    guests: int | None
    issued_at: datetime = Field(description="In the restaurant's time zone.")
    currency: str
    lines: list[ReceiptLineOut]
    subtotal: int = Field(validation_alias=AliasPath("totals", "subtotal"))
    taxes: list[TaxOut] = Field(validation_alias=AliasPath("totals", "taxes"))
    tax: int = Field(validation_alias=AliasPath("totals", "tax"))
    total: int = Field(validation_alias=AliasPath("totals", "total"))
    prices_include_tax: Literal[False] = False
    footer: str
