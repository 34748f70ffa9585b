"""The stock audit trail's SQL: every change of on hand, newest first."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from pos_inventory.adapters.tables import StockAdjustmentRow
from pos_inventory.domain.stock import Adjustment
from pos_kit.mapping import build
from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository, column_values


class AdjustmentRepository(Repository):
    async def add(self, adjustment: Adjustment) -> None:
        self.session.add(StockAdjustmentRow(**column_values(adjustment, StockAdjustmentRow)))
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
        return found.map(lambda row: build(Adjustment, row))
