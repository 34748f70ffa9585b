"""The payments pos-core saw completed for its orders: recorded once each, summed per order."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from pos_core.adapters.tables import OrderPaymentRow
from pos_core.domain.payments import CompletedPayment
from pos_kit.clock import utcnow
from pos_kit.repository import Repository


class OrderPaymentRepository(Repository):
    async def record_once(self, tenant_id: uuid.UUID, payment: CompletedPayment) -> bool:
        """Keep `payment`; False if it was kept before (the same payment announced again)."""
        return await self.insert_once(
            OrderPaymentRow(
                tenant_id=tenant_id,
                payment_id=payment.payment_id,
                order_id=payment.order_id,
                method=payment.method,
                amount=payment.amount,
                tip=payment.tip,
                currency=payment.currency,
                taken_by=payment.taken_by,
                completed_at=payment.completed_at,
                recorded_at=utcnow(),
            )
        )

    async def paid_towards(self, tenant_id: uuid.UUID, order_id: uuid.UUID) -> int:
        """What the order's recorded payments add up to, tips apart."""
        total = await self.session.scalar(
            select(func.coalesce(func.sum(OrderPaymentRow.amount), 0)).where(
                OrderPaymentRow.tenant_id == tenant_id, OrderPaymentRow.order_id == order_id
            )
        )
        return int(total or 0)
