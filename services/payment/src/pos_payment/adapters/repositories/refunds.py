"""The refunds' SQL: record one, settle a pending one exactly once, and what is still pending."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from pos_payment.adapters.repositories.rechecks import WaitingRepository
from pos_payment.adapters.tables import RefundRow
from pos_payment.domain.refunds import Refund


class RefundRepository(WaitingRepository[Refund]):
    table = RefundRow
    domain = Refund

    async def get(self, *, tenant_id: uuid.UUID, refund_id: uuid.UUID) -> Refund | None:
        return await self._find(tenant_id=tenant_id, row_id=refund_id)

    async def of_payment(self, *, tenant_id: uuid.UUID, payment_id: uuid.UUID) -> list[Refund]:
        rows = await self.session.scalars(
            select(RefundRow)
            .where(RefundRow.tenant_id == tenant_id, RefundRow.payment_id == payment_id)
            .order_by(RefundRow.created_at, RefundRow.id)
        )
        return [self._from_row(row) for row in rows]

    async def pending_total(self, *, tenant_id: uuid.UUID, payment_id: uuid.UUID) -> int:
        """What refunds waiting for the processor will give back of the payment."""
        return await self._pending_amount(
            tenant_id=tenant_id, where=RefundRow.payment_id == payment_id
        )

    async def settle(self, refund: Refund) -> bool:
        """Write a pending refund's outcome; False if it was not pending any more."""
        return await self._settle(
            tenant_id=refund.tenant_id,
            row_id=refund.id,
            status=refund.status.value,
            processor_reference=refund.processor_reference,
            failure_code=refund.failure_code,
            completed_at=refund.completed_at,
        )
