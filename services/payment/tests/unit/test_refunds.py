"""A refund gives back at most what a payment took, less what was given back or is pending."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from pos_payment.domain.errors import InvalidInput, PaymentNotRefundable, RefundExceedsPaid
from pos_payment.domain.ledger import EntryKind
from pos_payment.domain.payments import Method, PaymentStatus
from pos_payment.domain.refunds import Refund, RefundRequest, check_refund

NOW = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)
SOUP, BREAD = uuid.uuid4(), uuid.uuid4()


def test_what_is_left_to_refund_counts_refunds_given_and_pending(new_payment) -> None:
    taken = new_payment()
    lines = {SOUP: 600, BREAD: 400}

    check_refund(taken, RefundRequest(1100, "all"), order_lines=lines, refunded=0, pending=0)
    with pytest.raises(RefundExceedsPaid) as refused:
        check_refund(taken, RefundRequest(601, "x"), order_lines=lines, refunded=300, pending=200)
    assert refused.value.extra["refundable"] == 600


@pytest.mark.parametrize("status", [PaymentStatus.PENDING, PaymentStatus.FAILED])
def test_a_payment_not_taken_cannot_be_refunded(status: PaymentStatus, new_payment) -> None:
    with pytest.raises(PaymentNotRefundable):
        check_refund(
            new_payment(status=status), RefundRequest(1, "x"), order_lines={}, refunded=0, pending=0
        )


def test_refunded_lines_are_the_payments_own_or_else_the_orders(new_payment) -> None:
    by_items = new_payment(lines=(SOUP,))
    by_amount = new_payment()

    with pytest.raises(InvalidInput, match=str(BREAD)):
        check_refund(
            by_items, RefundRequest(100, "x", (BREAD,)), order_lines={SOUP: 1, BREAD: 1},
            refunded=0, pending=0,
        )  # fmt: skip
    check_refund(
        by_amount, RefundRequest(100, "x", (BREAD,)), order_lines={SOUP: 1, BREAD: 1},
        refunded=0, pending=0,
    )  # fmt: skip


def test_a_refund_is_a_negative_ledger_entry() -> None:
    refund = Refund(
        id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        payment_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        method=Method.CASH,
        amount=650,
        currency="EUR",
        reason="cold",
        refunded_by="manager-1",
        idempotency_key="k",
        created_at=NOW,
    )

    entry = refund.ledger_entry(at=NOW)

    assert (entry.kind, entry.amount, entry.refund_id, entry.staff_id) == (
        EntryKind.REFUND, -650, refund.id, "manager-1"
    )  # fmt: skip
