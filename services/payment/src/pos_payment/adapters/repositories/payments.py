"""The payments' SQL: record one, settle a pending one exactly once, list, and find those to
ask the processor about again."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from pos_kit.pagination import PageRequest, Slice
from pos_payment.adapters.repositories.rechecks import WaitingRepository
from pos_payment.adapters.tables import PaymentRow
from pos_payment.domain.payments import Payment, PaymentStatus


class PaymentRepository(WaitingRepository[Payment]):
    table = PaymentRow
    domain = Payment

    async def get(self, *, tenant_id: uuid.UUID, payment_id: uuid.UUID) -> Payment | None:
        return await self._find(tenant_id=tenant_id, row_id=payment_id)

    async def list_page(
        self, *, tenant_id: uuid.UUID, order_id: uuid.UUID | None, page: PageRequest
    ) -> Slice[Payment]:
        query = select(PaymentRow).where(PaymentRow.tenant_id == tenant_id)
        if order_id is not None:
            query = query.where(PaymentRow.order_id == order_id)
        found = await self.keyset_page(
            query, key=[PaymentRow.created_at, PaymentRow.id], page=page, descending=True
        )
        return found.map(self._from_row)

    async def pending_total(self, *, tenant_id: uuid.UUID, order_id: uuid.UUID) -> int:
        """What pending card payments of the order have reserved of its balance."""
        return await self._pending_amount(
            tenant_id=tenant_id, where=PaymentRow.order_id == order_id
        )

    async def settle(self, payment: Payment) -> bool:
        """Write a pending payment's outcome; False if it was not pending any more.

        The condition on the status makes the request and the reconciler race safely:
        only one of them settles a payment, and only that one writes its ledger entries.
        """
        return await self._settle(
            tenant_id=payment.tenant_id,
            row_id=payment.id,
            status=payment.status.value,
            processor_reference=payment.processor_reference,
            card_brand=payment.card_brand,
            card_last4=payment.card_last4,
            failure_code=payment.failure_code,
            balance_after=payment.balance_after,
            completed_at=payment.completed_at,
            failed_at=payment.failed_at,
        )

    async def set_status(self, payment: Payment, status: PaymentStatus) -> None:
        await self.session.execute(
            update(PaymentRow)
            .where(PaymentRow.tenant_id == payment.tenant_id, PaymentRow.id == payment.id)
            .values(status=status.value)
        )
