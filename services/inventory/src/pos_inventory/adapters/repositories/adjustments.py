"""The stock audit trail's SQL: every change of on hand, newest first."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from pos_inventory.adapters.tables import StockAdjustmentRow
from pos_inventory.domain.stock import Adjustment, AdjustmentReason
from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository


def _adjustment(row: StockAdjustmentRow) -> Adjustment:
    return Adjustment(
        id=row.id,
        tenant_id=row.tenant_id,
        product_id=row.product_id,
        delta=row.delta,
        reason=AdjustmentReason(row.reason),
        note=row.note,
        on_hand_after=row.on_hand_after,
        created_at=row.created_at,
        created_by=row.created_by,
        reservation_id=row.reservation_id,
    )


class AdjustmentRepository(Repository):
    async def add(self, adjustment: Adjustment) -> None:
        self.session.add(
            StockAdjustmentRow(
                id=adjustment.id,
                tenant_id=adjustment.tenant_id,
                product_id=adjustment.product_id,
                delta=adjustment.delta,
                reason=adjustment.reason.value,
                note=adjustment.note,
                on_hand_after=adjustment.on_hand_after,
                reservation_id=adjustment.reservation_id,
                created_by=adjustment.created_by,
                created_at=adjustment.created_at,
            )
        )
        await self.session.flush()

    async def list_page(
        self, *, tenant_id: uuid.UUID, product_id: uuid.UUID, page: PageRequest
    ) -> Slice[Adjustment]:
        """Newest first."""
        t = StockAdjustmentRow
        found = await self.keyset_page(
            select(t).where(t.tenant_id == tenant_id, t.product_id == product_id),
            key=[t.created_at, t.id],
            page=page,
            descending=True,
        )
        return found.map(_adjustment)
