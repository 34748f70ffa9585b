"""The refunds' SQL: record one, settle a pending one exactly once, and what is still pending."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update

from pos_kit.repository import rowcount
from pos_payment.adapters.repositories.base import BaseRepository
from pos_payment.adapters.repositories.rechecks import PendingCheck, claim_check, due_for_check
from pos_payment.adapters.tables import RefundRow
from pos_payment.domain.payments import Method
from pos_payment.domain.refunds import Refund, RefundStatus


class RefundRepository(BaseRepository):
    async def add(self, refund: Refund, *, recheck_at: datetime | None = None) -> None:
        self.session.add(_row(refund, recheck_at))
        await self.session.flush()

    async def get(self, *, tenant_id: uuid.UUID, refund_id: uuid.UUID) -> Refund | None:
        row = await self.session.scalar(
            select(RefundRow).where(RefundRow.tenant_id == tenant_id, RefundRow.id == refund_id)
        )
        return _refund(row) if row else None

    async def of_payment(self, *, tenant_id: uuid.UUID, payment_id: uuid.UUID) -> list[Refund]:
        rows = await self.session.scalars(
            select(RefundRow)
            .where(RefundRow.tenant_id == tenant_id, RefundRow.payment_id == payment_id)
            .order_by(RefundRow.created_at, RefundRow.id)
        )
        return [_refund(row) for row in rows]

    async def pending_total(self, *, tenant_id: uuid.UUID, payment_id: uuid.UUID) -> int:
        """What refunds waiting for the processor will give back of the payment."""
        total = await self.session.scalar(
            select(func.coalesce(func.sum(RefundRow.amount), 0)).where(
                RefundRow.tenant_id == tenant_id,
                RefundRow.payment_id == payment_id,
                RefundRow.status == RefundStatus.PENDING.value,
            )
        )
        return int(total or 0)

    async def settle(self, refund: Refund) -> bool:
        """Write a pending refund's outcome; False if it was not pending any more."""
        result = await self.session.execute(
            update(RefundRow)
            .where(
                RefundRow.tenant_id == refund.tenant_id,
                RefundRow.id == refund.id,
                RefundRow.status == RefundStatus.PENDING.value,
            )
            .values(
                status=refund.status.value,
                processor_reference=refund.processor_reference,
                failure_code=refund.failure_code,
                completed_at=refund.completed_at,
                recheck_at=None,
            )
        )
        return rowcount(result) == 1

    async def due_for_check(self, *, now: datetime, limit: int) -> Sequence[PendingCheck]:
        return await due_for_check(self.session, RefundRow, now=now, limit=limit)

    async def claim_check(self, check: PendingCheck, *, next_at: datetime) -> bool:
        return await claim_check(self.session, RefundRow, check, next_at=next_at)


def _row(refund: Refund, recheck_at: datetime | None) -> RefundRow:
    return RefundRow(
        id=refund.id,
        tenant_id=refund.tenant_id,
        payment_id=refund.payment_id,
        order_id=refund.order_id,
        method=refund.method.value,
        status=refund.status.value,
        amount=refund.amount,
        currency=refund.currency,
        reason=refund.reason,
        lines=[str(line) for line in refund.lines],
        refunded_by=refund.refunded_by,
        drawer_session_id=refund.drawer_session_id,
        processor_reference=refund.processor_reference,
        failure_code=refund.failure_code,
        idempotency_key=refund.idempotency_key,
        created_at=refund.created_at,
        completed_at=refund.completed_at,
        recheck_at=recheck_at,
        processor_checks=0,
    )


def _refund(row: RefundRow) -> Refund:
    return Refund(
        id=row.id,
        tenant_id=row.tenant_id,
        payment_id=row.payment_id,
        order_id=row.order_id,
        method=Method(row.method),
        amount=row.amount,
        currency=row.currency,
        reason=row.reason,
        refunded_by=row.refunded_by,
        idempotency_key=row.idempotency_key,
        created_at=row.created_at,
        status=RefundStatus(row.status),
        lines=tuple(uuid.UUID(line) for line in row.lines),
        drawer_session_id=row.drawer_session_id,
        processor_reference=row.processor_reference,
        failure_code=row.failure_code,
        completed_at=row.completed_at,
    )
