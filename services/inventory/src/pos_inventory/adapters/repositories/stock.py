"""Stock levels' SQL: read, and locked for a change always in product id order."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select, update

from pos_inventory.adapters.tables import StockLevelRow
from pos_inventory.domain.stock import StockLevel
from pos_kit.mapping import build
from pos_kit.repository import Repository, column_values


class StockRepository(Repository):
    async def add(self, level: StockLevel) -> None:
        self.session.add(StockLevelRow(**column_values(level, StockLevelRow)))
        await self.session.flush()

    async def get(self, *, tenant_id: uuid.UUID, product_id: uuid.UUID) -> StockLevel | None:
        row = await self.session.scalar(
            select(StockLevelRow).where(
                StockLevelRow.tenant_id == tenant_id, StockLevelRow.product_id == product_id
            )
        )
        return build(StockLevel, row) if row else None

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
        await self.take_write_lock(StockLevelRow)
        rows = await self.session.scalars(
            select(StockLevelRow)
            .where(StockLevelRow.tenant_id == tenant_id, StockLevelRow.product_id.in_(ids))
            .order_by(StockLevelRow.product_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {r.product_id: build(StockLevel, r) for r in rows}

    async def save(self, level: StockLevel) -> None:
        await self.session.execute(
            update(StockLevelRow)
            .where(
                StockLevelRow.tenant_id == level.tenant_id,
                StockLevelRow.product_id == level.product_id,
            )
            .values(**column_values(level, StockLevelRow, exclude=("tenant_id", "product_id")))
            .execution_options(synchronize_session=False)
        )
