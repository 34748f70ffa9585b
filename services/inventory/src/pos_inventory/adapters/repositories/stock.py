"""Stock levels' SQL: read, and locked for a change always in product id order."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select, update

from pos_inventory.adapters.repositories.base import InventoryRepository
from pos_inventory.adapters.tables import StockLevelRow
from pos_inventory.domain.stock import StockLevel


def _level(row: StockLevelRow) -> StockLevel:
    return StockLevel(
        tenant_id=row.tenant_id,
        product_id=row.product_id,
        on_hand=row.on_hand,
        reserved=row.reserved,
        low_stock_threshold=row.low_stock_threshold,
        updated_at=row.updated_at,
    )


class StockRepository(InventoryRepository):
    async def add(self, level: StockLevel) -> None:
        self.session.add(
            StockLevelRow(
                tenant_id=level.tenant_id,
                product_id=level.product_id,
                on_hand=level.on_hand,
                reserved=level.reserved,
                low_stock_threshold=level.low_stock_threshold,
                updated_at=level.updated_at,
            )
        )
        await self.session.flush()

    async def get(self, *, tenant_id: uuid.UUID, product_id: uuid.UUID) -> StockLevel | None:
        row = await self.session.scalar(
            select(StockLevelRow).where(
                StockLevelRow.tenant_id == tenant_id, StockLevelRow.product_id == product_id
            )
        )
        return _level(row) if row else None

    async def lock(
        self, *, tenant_id: uuid.UUID, product_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, StockLevel]:
        """Read and lock stock rows for a change, always in product id order.

        Every transaction that changes several stock rows takes their locks in the same
        order, so two of them can never wait on each other (no deadlock).
        """
        ids = sorted(set(product_ids))
        if not ids:
            return {}
        await self.take_write_lock()
        rows = await self.session.scalars(
            select(StockLevelRow)
            .where(StockLevelRow.tenant_id == tenant_id, StockLevelRow.product_id.in_(ids))
            .order_by(StockLevelRow.product_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {r.product_id: _level(r) for r in rows}

    async def save(self, level: StockLevel) -> None:
        await self.session.execute(
            update(StockLevelRow)
            .where(
                StockLevelRow.tenant_id == level.tenant_id,
                StockLevelRow.product_id == level.product_id,
            )
            .values(
                on_hand=level.on_hand,
                reserved=level.reserved,
                low_stock_threshold=level.low_stock_threshold,
                updated_at=level.updated_at,
            )
            .execution_options(synchronize_session=False)
        )
