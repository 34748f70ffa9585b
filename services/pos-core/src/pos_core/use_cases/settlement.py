"""pos-core's side of the settlement saga: the payment service's payments settle orders.

Each `payment.completed` is recorded once per payment (the inbox already drops a
redelivered event; the payment id also absorbs the same payment announced again).
When the order's payments cover its total, a placed order becomes `paid`
(`order.paid` in the outbox), and a dine-in order of a restaurant whose
`close_when_paid` is set is closed at once too (`order.closed`, which frees its table
at the restaurant service). Everything happens in the consumer's one transaction,
under the order's row lock, so a cashier cancelling or closing the order at the same
moment takes turns with it.

No other service is called from here: there is no caller's token to call with.
inventory commits the order's stock hold from `order.paid` (or `order.closed`), as it
does whenever pos-core's own call did not; pos-core's `reservation_status` keeps what
pos-core itself last knew until a staff action settles the hold again (idempotent).
A cancelled order is never moved from an event: the payment service refuses to take
payments for one, so a payment that reaches it anyway is logged for a person to refund.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

import structlog

from pos_core.adapters.repositories import (
    OrderPaymentRepository,
    OrderRepository,
    RestaurantProfileRepository,
)
from pos_core.domain import events
from pos_core.domain.orders import Order, OrderStatus
from pos_core.domain.payments import CompletedPayment, covers
from pos_core.use_cases.order_events import record_order_event
from pos_kit.clock import utcnow
from pos_kit.uow import UnitOfWork

log = structlog.get_logger(__name__)


class Settled(StrEnum):
    """What a completed payment did to its order."""

    UNKNOWN_ORDER = "unknown_order"  # not an order of this restaurant: nothing recorded
    WRONG_CURRENCY = "wrong_currency"  # not in the order's currency: nothing recorded
    SEEN_BEFORE = "seen_before"  # this payment was recorded already
    RECORDED = "recorded"  # recorded; the order stays as it is
    PAID = "paid"
    PAID_AND_CLOSED = "paid_and_closed"


@dataclass
class Settlement:
    async def payment_completed(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, payment: CompletedPayment
    ) -> Settled:
        orders = OrderRepository(uow.session)
        order = await orders.get(tenant_id=tenant_id, order_id=payment.order_id, for_update=True)
        if order is None:
            return Settled.UNKNOWN_ORDER
        if payment.currency != order.currency:
            return Settled.WRONG_CURRENCY
        payments = OrderPaymentRepository(uow.session)
        if not await payments.record_once(tenant_id, payment):
            log.info("payment_seen_before", payment_id=str(payment.payment_id))
            return Settled.SEEN_BEFORE
        recorded = await payments.paid_towards(tenant_id, order.id)
        total = order.totals.total
        context = {
            "order_id": str(order.id),
            "payment_id": str(payment.payment_id),
            "status": order.status.value,
            "paid": recorded,
            "total": total,
        }
        if order.status is OrderStatus.CANCELLED:
            # The payment service refuses cancelled orders; one that slipped through
            # (cancelled while the card was being charged) is money to give back.
            log.error("payment_for_cancelled_order", **context)
            return Settled.RECORDED
        if order.status is not OrderStatus.PLACED:
            # Paid already (an overlapping payment) or closed by staff: nothing to move.
            log.info("payment_recorded", **context)
            return Settled.RECORDED
        if not covers(total, recorded=recorded, payment=payment):
            log.info("order_partly_paid", **context)
            return Settled.RECORDED
        return await self._settle(uow, orders, order, payment)

    async def _settle(
        self,
        uow: UnitOfWork,
        orders: OrderRepository,
        order: Order,
        payment: CompletedPayment,
    ) -> Settled:
        """Paid in full: `paid`, and closed too if the restaurant wants it so."""
        # Whoever took the payment that settled the bill is who the order was paid to.
        order.pay(now=utcnow(), by=payment.taken_by)
        await orders.save(order)
        await record_order_event(uow, order, events.ORDER_PAID, events.order_paid(order))
        log.info("order_paid", order_id=str(order.id), order_number=order.number)
        # Without a copy of the profile (its event still on its way) staff close the order.
        profile = await RestaurantProfileRepository(uow.session).get(order.tenant_id)
        if profile is None or not order.closes_once_paid(close_when_paid=profile.close_when_paid):
            return Settled.PAID
        order.close(now=utcnow(), by=payment.taken_by)
        await orders.save(order)
        closed = events.order_closed(order, previous_status=OrderStatus.PAID.value)
        await record_order_event(uow, order, events.ORDER_CLOSED, closed)
        log.info("order_closed", order_id=str(order.id), order_number=order.number, why="paid")
        return Settled.PAID_AND_CLOSED
