"""Writing a payment's or a refund's outcome, exactly once: status, ledger, event, stored answer.

The request that took the payment and the background reconciler may both learn
the outcome of a card payment; the status change is a compare-and-set from
`pending`, and only the one that makes it writes the ledger entries, the event and
the answer kept for Idempotency-Key retries, all in the same transaction. The
caller holds the order's lock, so the order's sums cannot move meanwhile.
"""

from __future__ import annotations

import uuid

import structlog

from pos_kit.clock import utcnow
from pos_kit.events import Outbox
from pos_kit.uow import UnitOfWork
from pos_payment.adapters.processors import Approved, Refused
from pos_payment.adapters.repositories import (
    IdempotencyKeyRepository,
    LedgerRepository,
    OrderRepository,
    PaymentRepository,
    RefundRepository,
)
from pos_payment.domain import events
from pos_payment.domain.idempotency import Answer
from pos_payment.domain.ledger import payment_entries
from pos_payment.domain.orders import Order
from pos_payment.domain.payments import Payment, refunded_status
from pos_payment.domain.refunds import Refund
from pos_payment.use_cases.answers import payment_answer, refund_answer

log = structlog.get_logger(__name__)


class Settlement:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def complete_payment(
        self, uow: UnitOfWork, payment: Payment, *, order: Order, approved: Approved | None = None
    ) -> Payment | None:
        """The payment taken: None if it was settled already (by the request or the reconciler)."""
        now = utcnow()
        takings = await LedgerRepository(uow.session).of_order(
            tenant_id=payment.tenant_id, order_id=payment.order_id
        )
        paid_total = takings.paid + payment.amount
        done = payment.completed(
            at=now,
            balance_after=order.known_total - paid_total,
            reference=approved.reference if approved else None,
            card_brand=approved.card_brand if approved else None,
            card_last4=approved.card_last4 if approved else None,
        )
        if not await PaymentRepository(uow.session).settle(done):
            return None
        await LedgerRepository(uow.session).append(payment_entries(done, at=now))
        await self.outbox.record_event(
            uow,
            type=events.PAYMENT_COMPLETED,
            data=events.payment_completed(
                done, order_total=order.known_total, paid_total=paid_total
            ),
            tenant_id=done.tenant_id,
        )
        await self._answer(uow, done.tenant_id, done.idempotency_key, done.id, payment_answer(done))
        log.info(
            "payment_completed",
            payment_id=str(done.id),
            order_id=str(done.order_id),
            method=done.method.value,
            amount=done.amount,
            balance=done.balance_after,
        )
        return done

    async def fail_payment(
        self, uow: UnitOfWork, payment: Payment, *, refused: Refused
    ) -> Payment | None:
        """The card declined: nothing taken, its lines unpaid again. None if settled already."""
        failed = payment.failed(at=utcnow(), code=refused.code, reference=refused.reference)
        if not await PaymentRepository(uow.session).settle(failed):
            return None
        await OrderRepository(uow.session).free_lines(
            tenant_id=failed.tenant_id, payment_id=failed.id
        )
        await self.outbox.record_event(
            uow,
            type=events.PAYMENT_FAILED,
            data=events.payment_failed(failed),
            tenant_id=failed.tenant_id,
        )
        await self._answer(
            uow, failed.tenant_id, failed.idempotency_key, failed.id, payment_answer(failed)
        )
        log.info("payment_failed", payment_id=str(failed.id), reason=failed.failure_code)
        return failed

    async def complete_refund(
        self, uow: UnitOfWork, refund: Refund, *, payment: Payment, approved: Approved | None = None
    ) -> Refund | None:
        """The money given back; the payment's status follows. None if settled already."""
        now = utcnow()
        done = refund.completed(at=now, reference=approved.reference if approved else None)
        if not await RefundRepository(uow.session).settle(done):
            return None
        ledger = LedgerRepository(uow.session)
        await ledger.append([done.ledger_entry(at=now)])
        refunded = await ledger.refunded(tenant_id=done.tenant_id, payment_ids=[payment.id])
        await PaymentRepository(uow.session).set_status(
            payment, refunded_status(payment, refunded.get(payment.id, 0))
        )
        await self.outbox.record_event(
            uow,
            type=events.PAYMENT_REFUNDED,
            data=events.payment_refunded(done),
            tenant_id=done.tenant_id,
        )
        await self._answer(uow, done.tenant_id, done.idempotency_key, done.id, refund_answer(done))
        log.info("payment_refunded", refund_id=str(done.id), amount=done.amount)
        return done

    async def fail_refund(
        self, uow: UnitOfWork, refund: Refund, *, refused: Refused
    ) -> Refund | None:
        failed = refund.failed(code=refused.code)
        if not await RefundRepository(uow.session).settle(failed):
            return None
        await self._answer(
            uow, failed.tenant_id, failed.idempotency_key, failed.id, refund_answer(failed)
        )
        log.warning("refund_refused", refund_id=str(failed.id), reason=failed.failure_code)
        return failed

    async def _answer(
        self,
        uow: UnitOfWork,
        tenant_id: uuid.UUID,
        key: str,
        recorded_id: uuid.UUID,
        answer: Answer,
    ) -> None:
        """Keep the final answer for retries with the client's key (it may have given up)."""
        await IdempotencyKeyRepository(uow.session).answer(
            tenant_id=tenant_id, key=key, recorded_id=recorded_id, answer=answer
        )
