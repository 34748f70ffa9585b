"""Taking a payment: the Idempotency-Key, the order, the checks under the order's lock, the card.

`take` runs in steps so that no transaction is open while pos-core or the card
processor answers:

1. claim the Idempotency-Key (or answer from it: replay, 409, 422);
2. read the order from pos-core (or the copy kept from its events);
3. under the order's lock: check the amount against the balance (less what pending
   card payments reserved) and the lines, record the payment; cash and external
   payments complete right there (ledger, event, stored answer);
4. a card payment goes to the processor, then its outcome is settled in a last
   step; with no answer in time it stays pending (202) for the reconciler.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

from pos_kit.clock import utcnow
from pos_kit.errors import ProblemError
from pos_kit.pagination import PageRequest, Slice
from pos_kit.tokens import Principal
from pos_kit.uow import UnitOfWork
from pos_payment.adapters.repositories import (
    IdempotencyKeyRepository,
    LedgerRepository,
    OrderRepository,
    PaymentRepository,
    RestaurantSettingsRepository,
)
from pos_payment.adapters.tables import OrderRow
from pos_payment.domain.errors import (
    IdempotencyKeyInFlight,
    PaymentNotFound,
    WaitersMayNotTakePayments,
)
from pos_payment.domain.idempotency import Answer, IdempotencyKey, fingerprint
from pos_payment.domain.orders import Order
from pos_payment.domain.payments import (
    Method,
    Payment,
    PaymentRequest,
    PaymentStatus,
    cash_tender,
    check_payment,
)
from pos_payment.domain.roles import WAITER
from pos_payment.use_cases.answers import PAYMENTS_PATH, payment_answer
from pos_payment.use_cases.cards import CardDesk
from pos_payment.use_cases.drawers import drawer_for_cash
from pos_payment.use_cases.idempotency import IdempotencyKeys
from pos_payment.use_cases.orders import OrderBook, account_of
from pos_payment.use_cases.settlement import Settlement


class Payments:
    def __init__(
        self,
        *,
        orders: OrderBook,
        keys: IdempotencyKeys,
        cards: CardDesk,
        settlement: Settlement,
        reconcile_after: timedelta,
    ) -> None:
        self.orders = orders
        self.keys = keys
        self.cards = cards
        self.settlement = settlement
        self.reconcile_after = reconcile_after

    async def take(
        self, uow: UnitOfWork, *, who: Principal, key: str, request: PaymentRequest
    ) -> Answer:
        """Take a payment once per Idempotency-Key; the answer to give (and keep for retries)."""
        if who.role == WAITER:
            await self._ensure_waiters_may(uow, who.tenant)
        claim = await self.keys.claim(
            uow,
            tenant_id=who.tenant,
            key=key,
            fingerprint=fingerprint("POST", PAYMENTS_PATH, request.as_json()),
        )
        if isinstance(claim, Answer):
            return claim
        try:
            payment = await self._record(uow, who=who, claim=claim, request=request)
        except ProblemError:
            await self.keys.release(uow, claim)
            raise
        if payment.status is PaymentStatus.PENDING:
            payment = await self.cards.charge(uow, payment)
            if payment.status is PaymentStatus.PENDING:
                await self.keys.let_go(uow, claim)
        return payment_answer(payment)

    async def get(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, payment_id: uuid.UUID
    ) -> tuple[Payment, int]:
        """The payment and what was refunded of it."""
        payment = await PaymentRepository(uow.session).get(
            tenant_id=tenant_id, payment_id=payment_id
        )
        if payment is None:
            raise PaymentNotFound(payment_id)
        refunded = await LedgerRepository(uow.session).refunded(
            tenant_id=tenant_id, payment_ids=[payment.id]
        )
        return payment, refunded.get(payment.id, 0)

    async def list(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        order_id: uuid.UUID | None,
        page: PageRequest,
    ) -> Slice[tuple[Payment, int]]:
        """Payments newest first (of one order, if given), each with what was refunded of it."""
        found = await PaymentRepository(uow.session).list_page(
            tenant_id=tenant_id, order_id=order_id, page=page
        )
        refunded = await LedgerRepository(uow.session).refunded(
            tenant_id=tenant_id, payment_ids=[p.id for p in found.items]
        )
        return found.map(lambda p: (p, refunded.get(p.id, 0)))

    async def _ensure_waiters_may(self, uow: UnitOfWork, tenant_id: uuid.UUID) -> None:
        async with uow.step():
            known = await RestaurantSettingsRepository(uow.session).get(tenant_id=tenant_id)
        if not known.waiters_take_payments:
            raise WaitersMayNotTakePayments()

    async def _record(
        self, uow: UnitOfWork, *, who: Principal, claim: IdempotencyKey, request: PaymentRequest
    ) -> Payment:
        """Steps 2 and 3: the payment recorded (completed, unless by card), or the one an
        earlier holder of the key recorded before it stopped."""
        if claim.recorded_id is not None:
            async with uow.step():
                earlier = await PaymentRepository(uow.session).get(
                    tenant_id=claim.tenant_id, payment_id=claim.recorded_id
                )
            assert earlier is not None
            return earlier
        news = await self.orders.for_payment(
            uow, tenant_id=who.tenant, order_id=request.order_id, token=who.token
        )
        # An open or cancelled order is refused before its copy learns anything from here.
        news.ensure_payable()
        async with uow.step():
            orders = OrderRepository(uow.session)
            await orders.take_write_lock(OrderRow)
            payment_id = uuid.uuid4()
            if not await IdempotencyKeyRepository(uow.session).link(claim, recorded_id=payment_id):
                # Our lease ran out and a retry took the key over: it carries on, not us.
                raise IdempotencyKeyInFlight(retry_after_seconds=1)
            order = await orders.learn(news)
            check_payment(order, await account_of(uow, order), request)
            payment = await self._new_payment(uow, payment_id, who, claim, order, request)
            await PaymentRepository(uow.session).add(
                payment,
                recheck_at=payment.created_at + self.reconcile_after
                if payment.method is Method.CARD
                else None,
            )
            await orders.mark_lines_paid(
                tenant_id=order.tenant_id,
                order_id=order.id,
                lines=payment.lines,
                payment_id=payment.id,
            )
            if payment.method is Method.CARD:
                return payment
            done = await self.settlement.complete_payment(uow, payment, order=order)
            assert done is not None  # recorded in this very transaction
            return done

    async def _new_payment(
        self,
        uow: UnitOfWork,
        payment_id: uuid.UUID,
        who: Principal,
        claim: IdempotencyKey,
        order: Order,
        request: PaymentRequest,
    ) -> Payment:
        payment = Payment(
            id=payment_id,
            tenant_id=order.tenant_id,
            order_id=order.id,
            method=request.method,
            status=PaymentStatus.PENDING,
            amount=request.amount,
            tip=request.tip,
            currency=order.known_currency,
            taken_by=who.subject,
            served_by=order.placed_by,
            idempotency_key=claim.key,
            created_at=utcnow(),
            lines=request.lines,
            payment_method=request.payment_method,
        )
        if request.method is not Method.CASH:
            return payment
        known = await RestaurantSettingsRepository(uow.session).get(tenant_id=order.tenant_id)
        tender = cash_tender(
            amount=request.amount,
            tip=request.tip,
            tendered=request.tendered,
            unit=known.cash_rounding_minor_units,
        )
        drawer = await drawer_for_cash(
            uow, tenant_id=order.tenant_id, drawer=request.drawer, currency=payment.currency
        )
        return replace(
            payment,
            tendered=tender.tendered,
            change_given=tender.change,
            rounding=tender.rounding,
            drawer_session_id=drawer.id,
        )
