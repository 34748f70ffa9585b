"""A payment against an order, and the rules it must pass before any money moves.

The order's balance is its total less the payments recorded in the ledger. A new
payment may take at most the balance less what pending card payments have
reserved. Cash may be tendered above the amount (the change is handed back), and
a restaurant may round cash to a unit (5 minor units, Swiss style): the guest hands
over the rounded amount, the payment still settles the amount asked, and the
difference is a rounding entry, so the balance reaches exactly 0.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from pos_payment.domain.errors import (
    AmountExceedsBalance,
    InvalidInput,
    LinesAlreadyPaid,
    OrderLinesUnknown,
)
from pos_payment.domain.money import round_to_unit
from pos_payment.domain.orders import Order


class Method(StrEnum):
    CASH = "cash"
    CARD = "card"
    # Recorded only (a voucher, a bank transfer): no processor, no drawer.
    EXTERNAL = "external"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


# Statuses in which the money was taken (and may be given back).
TAKEN = frozenset(
    {PaymentStatus.COMPLETED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
)


@dataclass(frozen=True)
class PaymentRequest:
    """What staff asked for: `amount` towards the order's balance, plus a `tip`."""

    order_id: uuid.UUID
    amount: int
    method: Method
    tip: int = 0
    # Cash handed over; the exact amount due when not given.
    tendered: int | None = None
    # The processor's token for a card (`pm_...`); never a card number.
    payment_method: str | None = None
    # Order lines this payment covers (paying by items); empty when paying by amount.
    lines: tuple[uuid.UUID, ...] = ()
    # The cash drawer the money goes into; the only open one when not named.
    drawer: str | None = None

    def as_json(self) -> dict[str, object]:
        """The request as JSON values, for its Idempotency-Key fingerprint."""
        return {
            "order_id": str(self.order_id),
            "amount": self.amount,
            "method": self.method.value,
            "tip": self.tip,
            "tendered": self.tendered,
            "payment_method": self.payment_method,
            "lines": [str(line) for line in self.lines],
            "drawer": self.drawer,
        }


@dataclass(frozen=True)
class OrderAccount:
    """What the ledger and the pending payments say of an order."""

    paid: int = 0
    tips: int = 0
    pending: int = 0
    paid_lines: frozenset[uuid.UUID] = frozenset()

    def balance(self, order: Order) -> int:
        """What is still owed: the total less the payments completed."""
        return order.known_total - self.paid

    def payable(self, order: Order) -> int:
        """What a new payment may take: the balance less what pending card payments reserved."""
        return self.balance(order) - self.pending


@dataclass(frozen=True)
class CashTender:
    """How cash changes hands: the rounding, what the guest owes in cash, the change."""

    rounding: int
    due: int
    tendered: int
    change: int


def check_payment(order: Order, account: OrderAccount, request: PaymentRequest) -> None:
    """Refuse a payment the order cannot take: cancelled, over the balance, lines paid twice."""
    order.ensure_payable()
    if request.lines:
        _check_lines(order, account.paid_lines, request)
    if request.amount > account.payable(order):
        raise AmountExceedsBalance(
            amount=request.amount,
            balance=account.balance(order),
            pending=account.pending,
            currency=order.known_currency,
        )


def _check_lines(order: Order, paid: Collection[uuid.UUID], request: PaymentRequest) -> None:
    if not order.lines:
        raise OrderLinesUnknown()
    unknown = sorted(str(line) for line in request.lines if line not in order.lines)
    if unknown:
        raise InvalidInput(f"Not lines of this order: {', '.join(unknown)}.", field="body.lines")
    already = [line for line in request.lines if line in paid]
    if already:
        raise LinesAlreadyPaid(already)
    covered = sum(order.lines[line] for line in request.lines)
    if request.amount != covered:
        raise InvalidInput(
            f"Paying by items: the amount must be the lines' total, {covered}, "
            f"not {request.amount}.",
            field="body.amount",
        )


def cash_tender(*, amount: int, tip: int, tendered: int | None, unit: int) -> CashTender:
    """The cash due for `amount` rounded to the restaurant's `unit`, plus the tip; the change."""
    rounding = round_to_unit(amount, unit) - amount
    due = amount + rounding + tip
    given = due if tendered is None else tendered
    if given < due:
        raise InvalidInput(
            f"{given} tendered does not cover the {due} due in cash.", field="body.tendered"
        )
    return CashTender(rounding=rounding, due=due, tendered=given, change=given - due)


@dataclass(frozen=True)
class Payment:
    id: uuid.UUID
    tenant_id: uuid.UUID
    order_id: uuid.UUID
    method: Method
    status: PaymentStatus
    amount: int
    tip: int
    currency: str
    taken_by: str
    served_by: str | None
    idempotency_key: str
    created_at: datetime
    lines: tuple[uuid.UUID, ...] = ()
    tendered: int | None = None
    change_given: int = 0
    rounding: int = 0
    drawer_session_id: uuid.UUID | None = None
    payment_method: str | None = None
    processor_reference: str | None = None
    card_brand: str | None = None
    card_last4: str | None = None
    failure_code: str | None = None
    # The order's balance once this payment completed; None while pending or if it failed.
    balance_after: int | None = None
    completed_at: datetime | None = None
    failed_at: datetime | None = None

    @property
    def charged(self) -> int:
        """What the guest pays with this payment: the amount and the tip (cash: rounded)."""
        return self.amount + self.rounding + self.tip

    @property
    def tip_recipient(self) -> str:
        """Tips belong to the server of the order; to whoever took the payment if unknown."""
        return self.served_by or self.taken_by

    def completed(
        self,
        *,
        at: datetime,
        balance_after: int,
        reference: str | None = None,
        card_brand: str | None = None,
        card_last4: str | None = None,
    ) -> Payment:
        return replace(
            self,
            status=PaymentStatus.COMPLETED,
            completed_at=at,
            balance_after=balance_after,
            processor_reference=reference or self.processor_reference,
            card_brand=card_brand,
            card_last4=card_last4,
        )

    def failed(self, *, at: datetime, code: str, reference: str | None) -> Payment:
        return replace(
            self,
            status=PaymentStatus.FAILED,
            failed_at=at,
            failure_code=code,
            processor_reference=reference or self.processor_reference,
        )


def refunded_status(payment: Payment, refunded: int) -> PaymentStatus:
    """A taken payment's status once `refunded` (the sum of its refunds) was given back."""
    if refunded <= 0:
        return PaymentStatus.COMPLETED
    if refunded >= payment.amount + payment.tip:
        return PaymentStatus.REFUNDED
    return PaymentStatus.PARTIALLY_REFUNDED
