"""What a payment or a refund is answered with, and the answers kept for Idempotency-Key retries.

These models sit beside the use cases rather than in api/ because an answer is
stored: the first answer to a POST with an Idempotency-Key is kept and replayed to
every retry, and the background reconciler, which completes card payments whose
request gave up waiting, stores it too. The API answers exactly these models.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from pos_kit.schemas import ResponseModel
from pos_payment.domain.idempotency import Answer
from pos_payment.domain.payments import Method, Payment, PaymentStatus
from pos_payment.domain.refunds import Refund, RefundStatus

PAYMENTS_PATH = "/api/v1/payments"


class CardOut(BaseModel):
    """All that is ever kept of a card."""

    brand: str | None
    last4: str | None


class PaymentOut(BaseModel):
    id: uuid.UUID
    order_id: uuid.UUID
    method: Method
    status: PaymentStatus
    amount: int = Field(description="Towards the order's balance, in minor units.")
    tip: int = Field(description="On top of the balance, for the order's server.")
    currency: str
    rounding: int = Field(description="Cash rounding: what was handed over beyond the amount.")
    charged: int = Field(description="What the guest paid: amount + rounding + tip.")
    tendered: int | None = Field(description="Cash handed over.")
    change_given: int
    lines: list[uuid.UUID] = Field(description="The order lines paid (paying by items).")
    served_by: str | None
    taken_by: str
    card: CardOut | None
    drawer_session_id: uuid.UUID | None
    processor_reference: str | None
    failure_code: str | None
    balance_after: int | None = Field(
        description="The order's balance once this payment completed; null until then."
    )
    refunded: int = Field(description="What was given back of this payment so far.")
    created_at: datetime
    completed_at: datetime | None
    failed_at: datetime | None

    @classmethod
    def of(cls, payment: Payment, *, refunded: int = 0) -> PaymentOut:
        """The payment's fields by name, its card (a card payment's) and what was refunded."""
        card = None
        if payment.method is Method.CARD:
            card = CardOut(brand=payment.card_brand, last4=payment.card_last4)
        return cls.model_validate(
            {**vars(payment), "charged": payment.charged, "card": card, "refunded": refunded}
        )


class RefundOut(ResponseModel):
    id: uuid.UUID
    payment_id: uuid.UUID
    order_id: uuid.UUID
    method: Method
    status: RefundStatus
    amount: int
    currency: str
    reason: str
    lines: list[uuid.UUID]
    refunded_by: str
    drawer_session_id: uuid.UUID | None
    processor_reference: str | None
    failure_code: str | None
    created_at: datetime
    completed_at: datetime | None


def payment_answer(payment: Payment) -> Answer:
    """201 for a completed payment, 202 while a card payment waits for the processor, 402
    for a declined card (a problem: its detail and fields)."""
    if payment.status is PaymentStatus.FAILED:
        code = payment.failure_code or "card_declined"
        return Answer(
            402,
            {
                "detail": f"The card was declined ({code}). Nothing was charged; the order's "
                "balance is unchanged. Ask for another card or another way to pay.",
                "payment_id": str(payment.id),
                "decline_code": code,
            },
        )
    status = 202 if payment.status is PaymentStatus.PENDING else 201
    return Answer(
        status,
        PaymentOut.of(payment).model_dump(mode="json"),
        {"Location": f"{PAYMENTS_PATH}/{payment.id}"},
    )


def refund_answer(refund: Refund) -> Answer:
    """201 for a refund given, 202 while a card refund waits, 502 if the processor refused it."""
    if refund.status is RefundStatus.FAILED:
        return Answer(
            502,
            {
                "detail": f"The card processor refused the refund ({refund.failure_code}); "
                "nothing was given back.",
                "refund_id": str(refund.id),
                "reason": refund.failure_code or "refused",
            },
        )
    status = 202 if refund.status is RefundStatus.PENDING else 201
    return Answer(status, RefundOut.model_validate(refund).model_dump(mode="json"))
