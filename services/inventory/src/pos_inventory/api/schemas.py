"""What inventory's API accepts and answers. Money is integer minor units, never a float."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from pos_inventory.domain.menu import (
    MAX_LABEL_LENGTH,
    MAX_LABELS,
    MAX_MODIFIER_GROUPS,
    MAX_OPTIONS_PER_GROUP,
    MAX_PRICE,
    MAX_PRICE_DELTA,
    MAX_TAX_RATE_BPS,
)
from pos_inventory.domain.reservations import MAX_LINE_QUANTITY, MAX_LINES, ReservationStatus
from pos_inventory.domain.stock import MAX_ON_HAND
from pos_kit.pagination import Page
from pos_kit.schemas import RequestModel, ResponseModel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
ShortName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_LABEL_LENGTH)
]
Labels = Annotated[list[Label], Field(max_length=MAX_LABELS)]
Price = Annotated[StrictInt, Field(ge=0, le=MAX_PRICE, description="Minor units, e.g. cents.")]
PriceDelta = Annotated[StrictInt, Field(ge=-MAX_PRICE_DELTA, le=MAX_PRICE_DELTA)]
TaxRate = Annotated[StrictInt, Field(ge=0, le=MAX_TAX_RATE_BPS, description="Basis points.")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. EUR.")]
Sku = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/\-]{0,63}$")]
Position = Annotated[StrictInt, Field(ge=0, le=100_000)]
Quantity = Annotated[StrictInt, Field(ge=0, le=MAX_ON_HAND)]


class Strict(RequestModel):
    """A request body: unknown fields refused, text trimmed and storable."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Patch(Strict):
    """A partial update: absent fields stay; only `NULLABLE` fields may be set to null."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError("may not be null; leave the field out to keep it")
        return value

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


# --- categories -----------------------------------------------------------------------------


class CategoryIn(Strict):
    name: Name
    description: Description = ""
    position: Position = 0


class CategoryPatch(Patch):
    name: Name | None = None
    description: Description | None = None
    position: Position | None = None


class CategoryOut(ResponseModel):
    id: uuid.UUID
    name: str
    description: str
    position: int
    created_at: datetime
    updated_at: datetime


class CategoryPage(Page[CategoryOut]): ...


# --- products -------------------------------------------------------------------------------


class ModifierOptionIn(Strict):
    id: uuid.UUID | None = Field(default=None, description="Keep an option's id across edits.")
    name: ShortName
    price_delta: PriceDelta = 0


class ModifierGroupIn(Strict):
    id: uuid.UUID | None = None
    name: ShortName
    min_choices: Annotated[StrictInt, Field(ge=0, le=MAX_OPTIONS_PER_GROUP)] = 0
    max_choices: Annotated[StrictInt, Field(ge=1, le=MAX_OPTIONS_PER_GROUP)] = 1
    options: Annotated[
        list[ModifierOptionIn], Field(min_length=1, max_length=MAX_OPTIONS_PER_GROUP)
    ]


ModifierGroups = Annotated[list[ModifierGroupIn], Field(max_length=MAX_MODIFIER_GROUPS)]


class ProductIn(Strict):
    name: Name
    description: Description = ""
    price: Price
    currency: Currency | None = Field(
        default=None, description="Defaults to the restaurant's (its profile's currency)."
    )
    category_id: uuid.UUID | None = None
    sku: Sku | None = None
    tax_rate_bps: TaxRate | None = Field(default=None, description="Defaults to the service's.")
    tags: Labels = Field(default_factory=list)
    allergens: Labels = Field(default_factory=list)
    available: StrictBool = True
    track_stock: StrictBool = False
    modifier_groups: ModifierGroups = Field(default_factory=list)


class ProductPatch(Patch):
    NULLABLE = frozenset({"category_id", "sku"})

    name: Name | None = None
    description: Description | None = None
    price: Price | None = None
    currency: Currency | None = None
    category_id: uuid.UUID | None = None
    sku: Sku | None = None
    tax_rate_bps: TaxRate | None = None
    tags: Labels | None = None
    allergens: Labels | None = None
    available: StrictBool | None = None
    track_stock: StrictBool | None = None
    modifier_groups: ModifierGroups | None = None


class ModifierOptionOut(ResponseModel):
    id: uuid.UUID
    name: str
    price_delta: int


class ModifierGroupOut(ResponseModel):
    id: uuid.UUID
    name: str
    min_choices: int
    max_choices: int
    options: list[ModifierOptionOut]


class ProductOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    price: int = Field(description="Minor units of `currency`.")
    currency: str
    category_id: uuid.UUID | None
    sku: str | None
    tax_rate_bps: int
    tags: list[str]
    allergens: list[str]
    available: bool
    track_stock: bool
    modifier_groups: list[ModifierGroupOut]
    version: int
    created_at: datetime
    updated_at: datetime


class ProductPage(Page[ProductOut]): ...


# --- stock ----------------------------------------------------------------------------------


class StockIn(Strict):
    on_hand: Quantity
    low_stock_threshold: Quantity | None = Field(
        default=None, description="Left out: unchanged. null: no low-stock alarm."
    )


class StockOut(ResponseModel):
    product_id: uuid.UUID
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int | None
    is_low: bool
    updated_at: datetime


class AdjustmentIn(Strict):
    delta: Annotated[StrictInt, Field(ge=-MAX_ON_HAND, le=MAX_ON_HAND)]
    reason: Literal["received", "waste", "count", "correction"]
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class AdjustmentOut(ResponseModel):
    id: uuid.UUID
    product_id: uuid.UUID
    delta: int
    reason: str
    note: str | None
    on_hand_after: int
    reservation_id: uuid.UUID | None
    created_by: str
    created_at: datetime


class AdjustmentRecorded(AdjustmentOut):
    stock: StockOut


class AdjustmentPage(Page[AdjustmentOut]): ...


# --- reservations ---------------------------------------------------------------------------


class ReservationLineIn(Strict):
    product_id: uuid.UUID
    quantity: Annotated[StrictInt, Field(ge=1, le=MAX_LINE_QUANTITY)]


class ReservationIn(Strict):
    order_id: uuid.UUID
    # One line per product; a product twice is refused with the line named.
    lines: Annotated[list[ReservationLineIn], Field(min_length=1, max_length=MAX_LINES)]


class ReservationLineOut(ResponseModel):
    product_id: uuid.UUID
    quantity: int


class ReservationOut(ResponseModel):
    id: uuid.UUID
    order_id: uuid.UUID
    status: ReservationStatus
    lines: list[ReservationLineOut]
    created_at: datetime
    expires_at: datetime
    committed_at: datetime | None
    released_at: datetime | None


# The content of an error answer in `responses=` (its body is RFC 9457 problem details).
PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


class ShortLineOut(BaseModel):
    """One entry of `short_lines` in the 409 answer to a reservation that cannot be held."""

    product_id: uuid.UUID
    name: str
    requested: int
    available: int


class InsufficientStockProblem(BaseModel):
    """The 409 problem+json answer when some line is short (documentation of its shape)."""

    type: str
    title: str
    status: int
    detail: str
    correlation_id: str | None
    short_lines: list[ShortLineOut]
