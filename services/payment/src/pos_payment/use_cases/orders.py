"""The orders money is taken against: from pos-core while it answers, else from the copy.

pos-core is asked first when taking a payment: it knows at once if the order was
cancelled. If it does not answer (down, circuit open), the copy built from its
events stands in; with neither, the payment cannot be taken (503, Retry-After).
Reads (a balance, a split preview) start from the copy: an order is frozen once
placed, so its total there is as good as pos-core's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import structlog

from pos_kit.http import DownstreamError
from pos_kit.uow import UnitOfWork
from pos_payment.adapters.pos_core import PosCoreClient
from pos_payment.adapters.repositories import (
    LedgerRepository,
    OrderRepository,
    PaymentRepository,
)
from pos_payment.domain.errors import OrderNotFound, OrderUnavailable
from pos_payment.domain.money import split_evenly
from pos_payment.domain.orders import Order
from pos_payment.domain.payments import OrderAccount

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Standing:
    """Where an order's bill stands: the order, and what the ledger says of it."""

    order: Order
    account: OrderAccount

    @property
    def balance(self) -> int:
        return self.account.balance(self.order)

    @property
    def payable(self) -> int:
        return self.account.payable(self.order)


@dataclass(frozen=True)
class SplitPreview:
    standing: Standing
    parts: list[int]


class OrderBook:
    def __init__(self, pos_core: PosCoreClient) -> None:
        self.pos_core = pos_core

    async def for_payment(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, order_id: uuid.UUID, token: str
    ) -> Order:
        """The order as pos-core shows it now; the copy if pos-core does not answer."""
        try:
            found = await self.pos_core.order(tenant_id=tenant_id, order_id=order_id, token=token)
        except DownstreamError as unavailable:
            async with uow.step():
                copy = await OrderRepository(uow.session).get(
                    tenant_id=tenant_id, order_id=order_id
                )
            if copy is None or copy.total is None:
                raise OrderUnavailable(
                    retry_after_seconds=unavailable.retry_after_seconds
                ) from unavailable
            log.info("order_from_copy", order_id=str(order_id), reason=unavailable.reason)
            return copy
        if found is None:
            raise OrderNotFound(order_id)
        return found

    async def standing(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, order_id: uuid.UUID, token: str
    ) -> Standing:
        """The order's bill as the ledger has it; 404 for an order of no concern to payment."""
        async with uow.step():
            order = await OrderRepository(uow.session).get(tenant_id=tenant_id, order_id=order_id)
        if order is None or order.total is None:
            order = await self.for_payment(uow, tenant_id=tenant_id, order_id=order_id, token=token)
        async with uow.step():
            return Standing(order, await account_of(uow, order))

    async def split(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        order_id: uuid.UUID,
        parts: int,
        token: str,
    ) -> SplitPreview:
        """`parts` amounts that pay exactly what is left to pay; nothing is written."""
        standing = await self.standing(uow, tenant_id=tenant_id, order_id=order_id, token=token)
        return SplitPreview(standing, split_evenly(max(0, standing.payable), parts))

    async def learn(self, uow: UnitOfWork, *, news: Order) -> None:
        """Keep what an order event says in the copy (a later status never goes back)."""
        await OrderRepository(uow.session).learn(news)


async def account_of(uow: UnitOfWork, order: Order) -> OrderAccount:
    """The ledger's and the pending payments' view of an order, for a payment's checks."""
    takings = await LedgerRepository(uow.session).of_order(
        tenant_id=order.tenant_id, order_id=order.id
    )
    return OrderAccount(
        paid=takings.paid,
        tips=takings.tips,
        pending=await PaymentRepository(uow.session).pending_total(
            tenant_id=order.tenant_id, order_id=order.id
        ),
        paid_lines=await OrderRepository(uow.session).paid_lines(
            tenant_id=order.tenant_id, order_id=order.id
        ),
    )
