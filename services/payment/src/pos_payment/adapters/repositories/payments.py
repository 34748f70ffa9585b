"""The payments' SQL: record one, settle a pending one exactly once, list, and find those to
ask the processor about again."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update

from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import rowcount
from pos_payment.adapters.repositories.base import BaseRepository
from pos_payment.adapters.repositories.rechecks import PendingCheck, claim_check, due_for_check
from pos_payment.adapters.tables import PaymentRow
from pos_payment.domain.payments import Method, Payment, PaymentStatus


class PaymentRepository(BaseRepository):
    async def add(self, payment: Payment, *, recheck_at: datetime | None = None) -> None:
        self.session.add(_row(payment, recheck_at))
        await self.session.flush()

    async def get(self, *, tenant_id: uuid.UUID, payment_id: uuid.UUID) -> Payment | None:
        row = await self.session.scalar(
            select(PaymentRow).where(PaymentRow.tenant_id == tenant_id, PaymentRow.id == payment_id)
        )
        return _payment(row) if row else None

    async def list_page(
        self, *, tenant_id: uuid.UUID, order_id: uuid.UUID | None, page: PageRequest
    ) -> Slice[Payment]:
        query = select(PaymentRow).where(PaymentRow.tenant_id == tenant_id)
        if order_id is not None:
            query = query.where(PaymentRow.order_id == order_id)
        found = await self.keyset_page(
            query, key=[PaymentRow.created_at, PaymentRow.id], page=page, descending=True
        )
        return found.map(_payment)

    async def pending_total(self, *, tenant_id: uuid.UUID, order_id: uuid.UUID) -> int:
        """What pending card payments of the order have reserved of its balance."""
        total = await self.session.scalar(
            select(func.coalesce(func.sum(PaymentRow.amount), 0)).where(
                PaymentRow.tenant_id == tenant_id,
                PaymentRow.order_id == order_id,
                PaymentRow.status == PaymentStatus.PENDING.value,
            )
        )
        return int(total or 0)

    async def settle(self, payment: Payment) -> bool:
        """Write a pending payment's outcome; False if it was not pending any more.

        The condition on the status makes the request and the reconciler race safely:
        only one of them settles a payment, and only that one writes its ledger entries.
        """
        result = await self.session.execute(
            update(PaymentRow)
            .where(
                PaymentRow.tenant_id == payment.tenant_id,
                PaymentRow.id == payment.id,
                PaymentRow.status == PaymentStatus.PENDING.value,
            )
            .values(
                status=payment.status.value,
                processor_reference=payment.processor_reference,
                card_brand=payment.card_brand,
                card_last4=payment.card_last4,
                failure_code=payment.failure_code,
                balance_after=payment.balance_after,
                completed_at=payment.completed_at,
                failed_at=payment.failed_at,
                recheck_at=None,
            )
        )
        return rowcount(result) == 1

    async def set_status(self, payment: Payment, status: PaymentStatus) -> None:
        await self.session.execute(
            update(PaymentRow)
            .where(PaymentRow.tenant_id == payment.tenant_id, PaymentRow.id == payment.id)
            .values(status=status.value)
        )

    async def due_for_check(self, *, now: datetime, limit: int) -> Sequence[PendingCheck]:
        return await due_for_check(self.session, PaymentRow, now=now, limit=limit)

    async def claim_check(self, check: PendingCheck, *, next_at: datetime) -> bool:
        return await claim_check(self.session, PaymentRow, check, next_at=next_at)


def _row(payment: Payment, recheck_at: datetime | None) -> PaymentRow:
    return PaymentRow(
        id=payment.id,
        tenant_id=payment.tenant_id,
        order_id=payment.order_id,
        method=payment.method.value,
        status=payment.status.value,
        amount=payment.amount,
        tip=payment.tip,
        currency=payment.currency,
        tendered=payment.tendered,
        change_given=payment.change_given,
        rounding=payment.rounding,
        lines=[str(line) for line in payment.lines],
        served_by=payment.served_by,
        taken_by=payment.taken_by,
        drawer_session_id=payment.drawer_session_id,
        payment_method=payment.payment_method,
        processor_reference=payment.processor_reference,
        card_brand=payment.card_brand,
        card_last4=payment.card_last4,
        failure_code=payment.failure_code,
        balance_after=payment.balance_after,
        idempotency_key=payment.idempotency_key,
        created_at=payment.created_at,
        completed_at=payment.completed_at,
        failed_at=payment.failed_at,
        recheck_at=recheck_at,
        processor_checks=0,
    )


def _payment(row: PaymentRow) -> Payment:
    return Payment(
        id=row.id,
        tenant_id=row.tenant_id,
        order_id=row.order_id,
        method=Method(row.method),
        status=PaymentStatus(row.status),
        amount=row.amount,
        tip=row.tip,
        currency=row.currency,
        taken_by=row.taken_by,
        served_by=row.served_by,
        idempotency_key=row.idempotency_key,
        created_at=row.created_at,
        lines=tuple(uuid.UUID(line) for line in row.lines),
        tendered=row.tendered,
        change_given=row.change_given,
        rounding=row.rounding,
        drawer_session_id=row.drawer_session_id,
        payment_method=row.payment_method,
        processor_reference=row.processor_reference,
        card_brand=row.card_brand,
        card_last4=row.card_last4,
        failure_code=row.failure_code,
        balance_after=row.balance_after,
        completed_at=row.completed_at,
        failed_at=row.failed_at,
    )
