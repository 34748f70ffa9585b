"""The ledger: one row per money movement, appended and never changed.

Every figure the service answers (an order's balance, what a payment may still
refund, a drawer's expected cash, the day's sales) is a sum over these entries,
never a running total kept somewhere: a total can drift, a sum of facts cannot.
Amounts are signed: money in is positive, money given back or paid out negative.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pos_payment.domain.payments import Method, Payment


class EntryKind(StrEnum):
    PAYMENT = "payment"  # towards an order's balance
    TIP = "tip"  # for the server, on top of the balance
    REFUND = "refund"  # given back (negative)
    ROUNDING = "rounding"  # cash rounding: what the drawer got more (or less) than the amount
    CASH_IN = "cash_in"  # paid into a drawer (change brought from the safe)
    CASH_OUT = "cash_out"  # paid out of a drawer (a supplier paid in cash; negative)


@dataclass(frozen=True)
class LedgerEntry:
    id: uuid.UUID
    tenant_id: uuid.UUID
    kind: EntryKind
    amount: int
    currency: str
    created_at: datetime
    # Who the money is for or who moved it: taken_by for payments, the server for tips.
    staff_id: str | None = None
    method: Method | None = None
    order_id: uuid.UUID | None = None
    payment_id: uuid.UUID | None = None
    refund_id: uuid.UUID | None = None
    drawer_session_id: uuid.UUID | None = None
    reason: str | None = None


def payment_entries(payment: Payment, *, at: datetime) -> list[LedgerEntry]:
    """What a completed payment adds: the amount, the tip (if any), the cash rounding (if any)."""
    amounts = [
        (EntryKind.PAYMENT, payment.amount, payment.taken_by),
        (EntryKind.TIP, payment.tip, payment.tip_recipient),
        (EntryKind.ROUNDING, payment.rounding, payment.taken_by),
    ]
    return [
        LedgerEntry(
            id=uuid.uuid4(),
            tenant_id=payment.tenant_id,
            kind=kind,
            amount=amount,
            currency=payment.currency,
            created_at=at,
            staff_id=staff,
            method=payment.method,
            order_id=payment.order_id,
            payment_id=payment.id,
            drawer_session_id=payment.drawer_session_id,
        )
        for kind, amount, staff in amounts
        if amount != 0 or kind is EntryKind.PAYMENT
    ]
