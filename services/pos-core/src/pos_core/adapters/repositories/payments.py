"""The payments pos-core saw completed for its orders: recorded once each, summed per order."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from pos_core.adapters.tables import OrderPaymentRow
from pos_core.domain.payments import CompletedPayment
from pos_kit.clock import utcnow
from pos_kit.repository import Repository, column_values


class OrderPaymentRepository(Repository):
    async def record_once(self, tenant_id: uuid.UUID, payment: CompletedPayment) -> bool:
        """Keep `payment`; False if it was kept before (the same payment announced again)."""
        return await self.insert_once(
            OrderPaymentRow(
                **column_values(payment, OrderPaymentRow, tenant_id=tenant_id, recorded_at=utcnow())
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
