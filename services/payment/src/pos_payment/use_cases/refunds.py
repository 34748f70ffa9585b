"""Refunds: money given back of a payment, once per Idempotency-Key, never more than it took.

Like taking a payment, in steps: claim the key; under the order's lock, check what
is left to give back (the ledger's refunds and the card refunds still pending)
and record the refund (cash and external refunds complete at once, cash from an
open drawer); a card refund then goes to the processor with no transaction open.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from pos_kit.clock import utcnow
from pos_kit.errors import ProblemError
from pos_kit.tokens import Principal
from pos_kit.uow import UnitOfWork
from pos_payment.adapters.repositories import (
    IdempotencyKeyRepository,
    LedgerRepository,
    OrderRepository,
    PaymentRepository,
    RefundRepository,
)
from pos_payment.adapters.tables import OrderRow
from pos_payment.domain.errors import IdempotencyKeyInFlight, PaymentNotFound
from pos_payment.domain.idempotency import Answer, IdempotencyKey, fingerprint
from pos_payment.domain.payments import Method, Payment
from pos_payment.domain.refunds import Refund, RefundRequest, RefundStatus, check_refund
from pos_payment.use_cases.answers import PAYMENTS_PATH, refund_answer
from pos_payment.use_cases.cards import CardDesk
from pos_payment.use_cases.drawers import drawer_for_cash
from pos_payment.use_cases.idempotency import IdempotencyKeys
from pos_payment.use_cases.settlement import Settlement


class Refunds:
    def __init__(
        self,
        *,
        keys: IdempotencyKeys,
        cards: CardDesk,
        settlement: Settlement,
        reconcile_after: timedelta,
    ) -> None:
        self.keys = keys
        self.cards = cards
        self.settlement = settlement
        self.reconcile_after = reconcile_after

    async def refund(
        self,
        uow: UnitOfWork,
        *,
        who: Principal,
        payment_id: uuid.UUID,
        key: str,
        request: RefundRequest,
    ) -> Answer:
        claim = await self.keys.claim(
            uow,
            tenant_id=who.tenant,
            key=key,
            fingerprint=fingerprint(
                "POST", f"{PAYMENTS_PATH}/{payment_id}/refunds", request.as_json()
            ),
        )
        if isinstance(claim, Answer):
            return claim
        try:
            refund, payment = await self._record(
                uow, who=who, claim=claim, payment_id=payment_id, request=request
            )
        except ProblemError:
            await self.keys.release(uow, claim)
            raise
        if refund.status is RefundStatus.PENDING:
            refund = await self.cards.refund(uow, refund, payment)
            if refund.status is RefundStatus.PENDING:
                await self.keys.let_go(uow, claim)
        return refund_answer(refund)

    async def of_payment(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, payment_id: uuid.UUID
    ) -> list[Refund]:
        if (
            await PaymentRepository(uow.session).get(tenant_id=tenant_id, payment_id=payment_id)
            is None
        ):
            raise PaymentNotFound(payment_id)
        return await RefundRepository(uow.session).of_payment(
            tenant_id=tenant_id, payment_id=payment_id
        )

    async def _record(
        self,
        uow: UnitOfWork,
        *,
        who: Principal,
        claim: IdempotencyKey,
        payment_id: uuid.UUID,
        request: RefundRequest,
    ) -> tuple[Refund, Payment]:
        tenant_id = who.tenant
        async with uow.step():
            payments = PaymentRepository(uow.session)
            refunds = RefundRepository(uow.session)
            if claim.recorded_id is not None:
                earlier = await refunds.get(tenant_id=tenant_id, refund_id=claim.recorded_id)
                assert earlier is not None
                paid = await payments.get(tenant_id=tenant_id, payment_id=earlier.payment_id)
                assert paid is not None
                return earlier, paid
            orders = OrderRepository(uow.session)
            await orders.take_write_lock(OrderRow)
            refund_id = uuid.uuid4()
            if not await IdempotencyKeyRepository(uow.session).link(claim, recorded_id=refund_id):
                raise IdempotencyKeyInFlight(retry_after_seconds=1)
            payment = await payments.get(tenant_id=tenant_id, payment_id=payment_id)
            if payment is None:
                raise PaymentNotFound(payment_id)
            order = await orders.lock(tenant_id=tenant_id, order_id=payment.order_id)
            refunded = await LedgerRepository(uow.session).refunded(
                tenant_id=tenant_id, payment_ids=[payment.id]
            )
            check_refund(
                payment,
                request,
                order_lines=order.lines if order else {},
                refunded=refunded.get(payment.id, 0),
                pending=await refunds.pending_total(tenant_id=tenant_id, payment_id=payment.id),
            )
            drawer = None
            if payment.method is Method.CASH:
                drawer = await drawer_for_cash(
                    uow, tenant_id=tenant_id, drawer=request.drawer, currency=payment.currency
                )
            refund = Refund(
                id=refund_id,
                tenant_id=tenant_id,
                payment_id=payment.id,
                order_id=payment.order_id,
                method=payment.method,
                amount=request.amount,
                currency=payment.currency,
                reason=request.reason,
                refunded_by=who.subject,
                idempotency_key=claim.key,
                created_at=utcnow(),
                lines=request.lines,
                drawer_session_id=drawer.id if drawer else None,
            )
            card = payment.method is Method.CARD
            await refunds.add(
                refund, recheck_at=refund.created_at + self.reconcile_after if card else None
            )
            if card:
                return refund, payment
            done = await self.settlement.complete_refund(uow, refund, payment=payment)
            assert done is not None  # recorded in this very transaction
            return done, payment
