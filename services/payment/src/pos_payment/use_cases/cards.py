"""Card payments and refunds at the processor: ask (no transaction open), then settle.

The question is always the same for one payment: its amount, its token and its own
idempotency key, derived from the payment's id. Asking again, from a retried
request or the reconciler, can therefore only fetch the first answer, never make
a second charge. No answer (a timeout) leaves the payment pending.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog

from pos_kit.uow import UnitOfWork
from pos_payment.adapters.processors import (
    Approved,
    CardCharge,
    CardProcessor,
    CardRefund,
    NoAnswer,
    Refused,
)
from pos_payment.adapters.repositories import (
    OrderRepository,
    PaymentRepository,
    PendingCheck,
    RefundRepository,
)
from pos_payment.adapters.tables import OrderRow
from pos_payment.domain.orders import Order
from pos_payment.domain.payments import Payment
from pos_payment.domain.refunds import Refund
from pos_payment.use_cases.settlement import Settlement

log = structlog.get_logger(__name__)


def charge_of(payment: Payment) -> CardCharge:
    assert payment.payment_method is not None
    return CardCharge(
        idempotency_key=f"pos-payment-{payment.id}",
        amount=payment.charged,
        currency=payment.currency,
        payment_method=payment.payment_method,
        metadata=_metadata(payment.tenant_id, payment.order_id, payment_id=str(payment.id)),
    )


def refund_of(refund: Refund, payment: Payment) -> CardRefund:
    assert payment.processor_reference is not None
    return CardRefund(
        idempotency_key=f"pos-refund-{refund.id}",
        charge_reference=payment.processor_reference,
        amount=refund.amount,
        metadata=_metadata(refund.tenant_id, refund.order_id, refund_id=str(refund.id)),
    )


def _metadata(tenant_id: uuid.UUID, order_id: uuid.UUID, **ids: str) -> dict[str, str]:
    """What the processor's dashboard shows of ours: ids only, never a card detail."""
    return {"tenant_id": str(tenant_id), "order_id": str(order_id), **ids}


async def _lock_order(uow: UnitOfWork, tenant_id: uuid.UUID, order_id: uuid.UUID) -> Order | None:
    """The order's copy, locked until the step ends: the settlement's sums cannot move."""
    orders = OrderRepository(uow.session)
    await orders.take_write_lock(OrderRow)
    return await orders.lock(tenant_id=tenant_id, order_id=order_id)


class CardDesk:
    """Puts card payments and refunds to the processor and settles what it answers."""

    def __init__(self, processor: CardProcessor, settlement: Settlement) -> None:
        self.processor = processor
        self.settlement = settlement

    async def charge(self, uow: UnitOfWork, payment: Payment) -> Payment:
        """Ask the processor to charge a pending payment; the payment as it stands after."""
        outcome = await self.processor.charge(charge_of(payment))
        if isinstance(outcome, NoAnswer):
            log.warning("card_payment_pending", payment_id=str(payment.id), why=outcome.why)
            return payment
        async with uow.step():
            order = await _lock_order(uow, payment.tenant_id, payment.order_id)
            assert order is not None  # the payment was recorded against this copy
            settled: Payment | None
            if isinstance(outcome, Approved):
                settled = await self.settlement.complete_payment(
                    uow, payment, order=order, approved=outcome
                )
            else:
                settled = await self.settlement.fail_payment(uow, payment, refused=outcome)
            if settled is not None:
                return settled
            # Settled meanwhile by the reconciler or a retry: their outcome stands.
            current = await PaymentRepository(uow.session).get(
                tenant_id=payment.tenant_id, payment_id=payment.id
            )
            assert current is not None
            return current

    async def refund(self, uow: UnitOfWork, refund: Refund, payment: Payment) -> Refund:
        """Ask the processor to give a pending refund back; the refund as it stands after."""
        outcome = await self.processor.refund(refund_of(refund, payment))
        if isinstance(outcome, NoAnswer):
            log.warning("card_refund_pending", refund_id=str(refund.id), why=outcome.why)
            return refund
        async with uow.step():
            await _lock_order(uow, refund.tenant_id, refund.order_id)
            settled: Refund | None
            if isinstance(outcome, Refused):
                settled = await self.settlement.fail_refund(uow, refund, refused=outcome)
            else:
                settled = await self.settlement.complete_refund(
                    uow, refund, payment=payment, approved=outcome
                )
            if settled is not None:
                return settled
            current = await RefundRepository(uow.session).get(
                tenant_id=refund.tenant_id, refund_id=refund.id
            )
            assert current is not None
            return current

    async def recheck_payment(
        self, uow: UnitOfWork, check: PendingCheck, *, next_at: datetime
    ) -> None:
        """Ask again about a pending payment, if this process wins this round of asking."""
        async with uow.step():
            payments = PaymentRepository(uow.session)
            if not await payments.claim_check(check, next_at=next_at):
                return
            payment = await payments.get(tenant_id=check.tenant_id, payment_id=check.id)
        assert payment is not None
        await self.charge(uow, payment)

    async def recheck_refund(
        self, uow: UnitOfWork, check: PendingCheck, *, next_at: datetime
    ) -> None:
        """Ask again about a pending card refund, if this process wins this round."""
        async with uow.step():
            refunds = RefundRepository(uow.session)
            if not await refunds.claim_check(check, next_at=next_at):
                return
            refund = await refunds.get(tenant_id=check.tenant_id, refund_id=check.id)
            assert refund is not None
            payment = await PaymentRepository(uow.session).get(
                tenant_id=refund.tenant_id, payment_id=refund.payment_id
            )
        assert payment is not None
        await self.refund(uow, refund, payment)
