"""What payment's API accepts and answers. Money is integer minor units, never a float.

Every request body refuses a card number in any field (422, without the number in
the answer or the logs): this service takes processor tokens only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator
from pydantic_core import PydanticCustomError

from pos_kit.cards import find_card_number
from pos_kit.mapping import build
from pos_kit.pagination import Page
from pos_kit.schemas import RequestModel, ResponseModel
from pos_payment.domain.drawers import MAX_DRAWER_NAME
from pos_payment.domain.money import MAX_AMOUNT, MAX_SPLIT_PARTS, MIN_SPLIT_PARTS
from pos_payment.domain.payments import Method, PaymentRequest
from pos_payment.domain.refunds import RefundRequest
from pos_payment.use_cases.answers import PaymentOut, RefundOut
from pos_payment.use_cases.drawers import DrawerCount
from pos_payment.use_cases.orders import SplitPreview, Standing

Amount = Annotated[StrictInt, Field(ge=1, le=MAX_AMOUNT)]
Tip = Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)]
# Stripe's PaymentMethod ids and test tokens (pm_card_visa): letters, digits, underscores.
PaymentToken = Annotated[str, Field(pattern=r"^pm_[A-Za-z0-9_]{1,200}$")]
DrawerName = Annotated[str, Field(min_length=1, max_length=MAX_DRAWER_NAME)]
Reason = Annotated[str, Field(min_length=1, max_length=500)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
# An order has at most a few hundred lines; this bounds a body, not a rule.
MAX_LINES = 500


class CardFreeBody(RequestModel):
    """A request body that refuses card numbers, wherever they hide, before reading a field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_card_numbers(cls, data: Any) -> Any:
        where = find_card_number(data)
        if where is not None:
            # The message names where, never what: the number must not reach any log.
            raise PydanticCustomError(
                "card_number_refused",
                "{where} holds a card number. This service never takes card numbers: send "
                "the card processor's token as payment_method.",
                {"where": where},
            )
        return data


class PaymentIn(CardFreeBody):
    order_id: uuid.UUID
    amount: Amount = Field(description="Towards the order's balance, in minor units.")
    method: Method
    tip: Tip = Field(default=0, description="On top of the balance, for the order's server.")
    tendered: Amount | None = Field(default=None, description="Cash handed over (cash only).")
    payment_method: PaymentToken | None = Field(
        default=None, description="The card processor's token, e.g. pm_card_visa (card only)."
    )
    lines: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=MAX_LINES,
        description="Order lines this payment pays (paying by items); amount = their total.",
    )
    drawer: DrawerName | None = Field(
        default=None, description="The cash drawer (cash only); the only open one if omitted."
    )

    @model_validator(mode="after")
    def _fits_method(self) -> Self:
        card = self.method is Method.CARD
        if card != (self.payment_method is not None):
            raise ValueError(
                "a card payment needs payment_method (the processor's token), and only a card "
                "payment takes one"
            )
        if self.method is not Method.CASH and (self.tendered is not None or self.drawer):
            raise ValueError("tendered and drawer are for cash payments only")
        if len(set(self.lines)) != len(self.lines):
            raise ValueError("lines names a line twice")
        return self

    def to_request(self) -> PaymentRequest:
        return build(PaymentRequest, self, lines=tuple(self.lines))


class PaymentPage(Page[PaymentOut]):
    """A page of payments; with `order_id`, where the order's bill stands (else null)."""

    order_id: uuid.UUID | None = None
    currency: str | None = None
    total: int | None = None
    paid: int | None = Field(default=None, description="Payments completed, tips apart.")
    tips: int | None = None
    pending: int | None = Field(default=None, description="Card payments awaiting the processor.")
    balance: int | None = Field(default=None, description="Total less paid.")

    @staticmethod
    def standing(standing: Standing) -> dict[str, Any]:
        return {
            "order_id": standing.order.id,
            "currency": standing.order.currency,
            "total": standing.order.total,
            "paid": standing.account.paid,
            "tips": standing.account.tips,
            "pending": standing.account.pending,
            "balance": standing.balance,
        }


class SplitIn(CardFreeBody):
    parts: Annotated[StrictInt, Field(ge=MIN_SPLIT_PARTS, le=MAX_SPLIT_PARTS)]


class SplitOut(BaseModel):
    order_id: uuid.UUID
    currency: str | None
    balance: int
    pending: int
    payable: int = Field(description="What the parts add up to: the balance less pending.")
    parts: list[int] = Field(description="Equal shares; the first ones carry the remainder.")

    @classmethod
    def of(cls, preview: SplitPreview) -> SplitOut:
        standing = preview.standing
        return cls(
            order_id=standing.order.id,
            currency=standing.order.currency,
            balance=standing.balance,
            pending=standing.account.pending,
            payable=sum(preview.parts),
            parts=preview.parts,
        )


class RefundIn(CardFreeBody):
    amount: Amount
    reason: Reason
    lines: list[uuid.UUID] = Field(
        default_factory=list, max_length=MAX_LINES, description="The order lines given back."
    )
    drawer: DrawerName | None = Field(
        default=None,
        description="Cash refunds: the drawer paying out; the only open one if omitted.",
    )

    def to_request(self) -> RefundRequest:
        return build(RefundRequest, self, lines=tuple(self.lines))


class RefundList(BaseModel):
    items: list[RefundOut]


class DrawerOpenIn(CardFreeBody):
    drawer: DrawerName = Field(description="Which drawer, e.g. 'front'.")
    opening_float: Count = Field(description="The cash counted into the drawer.")
    currency: Currency | None = Field(
        default=None, description="The restaurant's currency if omitted."
    )


class CashMovementIn(CardFreeBody):
    amount: Amount
    reason: Reason


class DrawerCloseIn(CardFreeBody):
    counted: Count = Field(description="The cash counted in the drawer at the close.")


class DrawerOut(BaseModel):
    id: uuid.UUID
    drawer: str
    status: Literal["open", "closed"]
    currency: str
    opening_float: int
    expected: int = Field(description="Float plus the cash that went through the session.")
    counted: int | None
    variance: int | None = Field(description="Counted less expected: negative is missing cash.")
    opened_by: str
    opened_at: datetime
    closed_by: str | None
    closed_at: datetime | None

    @classmethod
    def of(cls, count: DrawerCount) -> DrawerOut:
        """The session's fields by name, whether it is open, and the cash it should hold."""
        session = count.session
        status = "open" if session.is_open else "closed"
        return cls.model_validate({**vars(session), "status": status, "expected": count.expected})


class DrawerPage(Page[DrawerOut]):
    pass


# A paid-in or paid-out ledger entry; it always names its session, reason and who moved
# the cash, and its kind is cash_in or cash_out.
class CashMovementOut(ResponseModel):
    id: uuid.UUID
    drawer_session_id: uuid.UUID
    kind: Literal["cash_in", "cash_out"]
    amount: int = Field(description="Signed: paid out is negative.")
    currency: str
    reason: str
    staff_id: str
    created_at: datetime


class MethodTotalsOut(ResponseModel):
    method: str
    sales: int
    tips: int
    refunds: int
    payments: int


class StaffTotalsOut(ResponseModel):
    staff_id: str
    sales: int = Field(description="Payments this person took.")
    tips: int = Field(description="Tips for this person, as the orders' server.")
    payments: int


class ClosedDrawerOut(ResponseModel):
    session_id: uuid.UUID
    drawer: str
    variance: int


class DailySalesOut(ResponseModel):
    date: Annotated[date, Field(validation_alias="day")]
    timezone: str
    currency: str | None
    gross_sales: int = Field(description="Payments towards orders, tips and rounding apart.")
    tax: int = Field(description="Each order's tax in proportion to what was paid of it.")
    tips: int
    rounding: int = Field(description="Cash rounding, signed.")
    refunds: int
    net_sales: int = Field(description="Gross sales less refunds.")
    orders: int = Field(description="Orders with a payment that day.")
    by_method: list[MethodTotalsOut]
    by_staff: list[StaffTotalsOut]
    cash_variance: int = Field(description="Of the drawer sessions closed that day.")
    drawers: list[ClosedDrawerOut]
