"""payment's events: what it announces (`data`, schema version 1).

`payment.completed` carries the order's standing after the payment (its total,
what has been paid, the balance left) so that pos-core can settle the order
(mark it paid when the balance is 0) without calling back. Amounts are integer
minor units in `currency`; times RFC 3339 UTC; `*_by` are token subjects.
"""

from __future__ import annotations

from typing import Any

from pos_payment.domain.payments import Payment
from pos_payment.domain.refunds import Refund

PAYMENT_COMPLETED = "payment.completed"
PAYMENT_FAILED = "payment.failed"
PAYMENT_REFUNDED = "payment.refunded"


def payment_completed(payment: Payment, *, order_total: int, paid_total: int) -> dict[str, Any]:
    assert payment.completed_at is not None
    return {
        "payment_id": str(payment.id),
        "order_id": str(payment.order_id),
        "method": payment.method.value,
        "amount": payment.amount,
        "tip": payment.tip,
        "currency": payment.currency,
        "rounding": payment.rounding,
        "order_total": order_total,
        "paid_total": paid_total,
        "balance": order_total - paid_total,
        "lines": [str(line) for line in payment.lines],
        "served_by": payment.served_by,
        "taken_by": payment.taken_by,
        "completed_at": payment.completed_at.isoformat(),
    }


def payment_failed(payment: Payment) -> dict[str, Any]:
    assert payment.failed_at is not None
    return {
        "payment_id": str(payment.id),
        "order_id": str(payment.order_id),
        "method": payment.method.value,
        "amount": payment.amount,
        "currency": payment.currency,
        "reason": payment.failure_code,
        "failed_at": payment.failed_at.isoformat(),
    }


def payment_refunded(refund: Refund) -> dict[str, Any]:
    assert refund.completed_at is not None
    return {
        "refund_id": str(refund.id),
        "payment_id": str(refund.payment_id),
        "order_id": str(refund.order_id),
        "method": refund.method.value,
        "amount": refund.amount,
        "currency": refund.currency,
        "reason": refund.reason,
        "lines": [str(line) for line in refund.lines],
        "refunded_at": refund.completed_at.isoformat(),
    }
