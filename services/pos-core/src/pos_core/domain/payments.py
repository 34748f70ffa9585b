"""Payments as pos-core sees them: what the payment service completed for an order, and when
the order counts as paid.

The payment service owns payments, their ledger and the order's balance; it announces each
completed payment (`payment.completed`) with the order's standing after it. pos-core keeps
what it saw, once per payment, and moves the order to `paid` when its payments cover the
total (see `use_cases/settlement.py`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CompletedPayment:
    payment_id: uuid.UUID
    order_id: uuid.UUID
    method: str  # cash, card or external
    amount: int  # towards the order's total, minor units
    tip: int  # on top of the total, for the order's server
    currency: str
    # The order's standing after this payment, as the payment service's ledger had it.
    order_total: int
    paid_total: int
    taken_by: str  # subject of who took the payment
    completed_at: datetime


def covers(total: int, *, recorded: int, payment: CompletedPayment) -> bool:
    """Whether an order of `total` is paid in full, now that `payment` is recorded.

    `recorded` is the sum of the payments pos-core has seen for the order, this one
    included. The payment service's `paid_total` may be ahead of it (events can arrive
    out of order), and counts too, but only when it was reckoned against the same total.
    """
    reported = payment.paid_total if payment.order_total == total else 0
    return max(recorded, reported) >= total
