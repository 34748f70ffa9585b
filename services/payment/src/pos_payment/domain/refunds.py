"""Giving money back: never more than a payment took, less what was already given back."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from pos_payment.domain.errors import InvalidInput, PaymentNotRefundable, RefundExceedsPaid
from pos_payment.domain.ledger import EntryKind, LedgerEntry
from pos_payment.domain.payments import TAKEN, Method, Payment


class RefundStatus(StrEnum):
    PENDING = "pending"  # the card processor has not answered yet
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True)
class RefundRequest:
    amount: int
    reason: str
    # Order lines given back (a dish sent back); informative, they must be the payment's.
    lines: tuple[uuid.UUID, ...] = ()
    drawer: str | None = None

    def as_json(self) -> dict[str, object]:
        """The request as JSON values, for its Idempotency-Key fingerprint."""
        return {
            "amount": self.amount,
            "reason": self.reason,
            "lines": [str(line) for line in self.lines],
            "drawer": self.drawer,
        }


@dataclass(frozen=True)
class Refund:
    id: uuid.UUID
    tenant_id: uuid.UUID
    payment_id: uuid.UUID
    order_id: uuid.UUID
    method: Method
    amount: int
    currency: str
    reason: str
    refunded_by: str
    idempotency_key: str
    created_at: datetime
    status: RefundStatus = RefundStatus.PENDING
    lines: tuple[uuid.UUID, ...] = ()
    drawer_session_id: uuid.UUID | None = None
    processor_reference: str | None = None
    failure_code: str | None = None
    completed_at: datetime | None = None

    def completed(self, *, at: datetime, reference: str | None = None) -> Refund:
        return replace(
            self,
            status=RefundStatus.COMPLETED,
            completed_at=at,
            processor_reference=reference or self.processor_reference,
        )

    def failed(self, *, code: str) -> Refund:
        return replace(self, status=RefundStatus.FAILED, failure_code=code)

    def ledger_entry(self, *, at: datetime) -> LedgerEntry:
        return LedgerEntry(
            id=uuid.uuid4(),
            tenant_id=self.tenant_id,
            kind=EntryKind.REFUND,
            amount=-self.amount,
            currency=self.currency,
            created_at=at,
            staff_id=self.refunded_by,
            method=self.method,
            order_id=self.order_id,
            payment_id=self.payment_id,
            refund_id=self.id,
            drawer_session_id=self.drawer_session_id,
            reason=self.reason,
        )


def check_refund(
    payment: Payment,
    request: RefundRequest,
    *,
    order_lines: Collection[uuid.UUID],
    refunded: int,
    pending: int,
) -> None:
    """Refuse a refund of a payment not taken, of lines it did not pay for, or above what is left.

    `refunded` is what the ledger says was given back, `pending` what card refunds
    still waiting for the processor will give back. Lines must be the payment's own
    when it paid by items, else lines of its order.
    """
    if payment.status not in TAKEN:
        raise PaymentNotRefundable(payment.status.value)
    allowed = payment.lines or tuple(order_lines)
    foreign = sorted(str(line) for line in request.lines if line not in allowed)
    if foreign:
        raise InvalidInput(
            f"This payment did not pay for these lines: {', '.join(foreign)}.",
            field="body.lines",
        )
    refundable = payment.amount + payment.tip - refunded - pending
    if request.amount > refundable:
        raise RefundExceedsPaid(
            amount=request.amount, refundable=max(0, refundable), currency=payment.currency
        )
