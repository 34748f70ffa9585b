"""Stock use cases: read a tracked item's level, count it, adjust it, read the audit trail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pos_inventory.adapters.repositories import (
    AdjustmentRepository,
    ProductRepository,
    StockRepository,
)
from pos_inventory.domain.menu import Product
from pos_inventory.domain.stock import Adjustment, AdjustmentReason, StockLevel
from pos_inventory.services.events import record_stock_low
from pos_kit.dbtypes import utcnow
from pos_kit.problems import Conflict, NotFound


class StockNotTracked(Conflict):
    type_slug = "stock-not-tracked"
    title = "Stock not tracked"

    def __init__(self, product: Product) -> None:
        super().__init__(f"'{product.name}' does not track stock; set track_stock to true first.")


async def tracked_product(
    session: AsyncSession, tenant_id: uuid.UUID, product_id: uuid.UUID
) -> Product:
    product = await ProductRepository(session).get(tenant_id=tenant_id, product_id=product_id)
    if product is None:
        raise NotFound("No such product.")
    if not product.track_stock:
        raise StockNotTracked(product)
    return product


async def _locked_level(session: AsyncSession, product: Product, now: datetime) -> StockLevel:
    stock = StockRepository(session)
    levels = await stock.lock(tenant_id=product.tenant_id, product_ids=[product.id])
    if product.id in levels:
        return levels[product.id]
    # Tracked items get their row when created; an older row may be missing, so make it.
    level = StockLevel(product.tenant_id, product.id, 0, 0, None, now)
    await stock.add(level)
    return level


async def save_level(session: AsyncSession, level: StockLevel, product: Product) -> None:
    """Write a changed level and announce it if it just went low."""
    await StockRepository(session).save(level)
    for low in level.events:
        await record_stock_low(session, product, low)
    level.events.clear()


@dataclass
class StockServices:
    async def get(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, product_id: uuid.UUID
    ) -> StockLevel:
        product = await tracked_product(session, tenant_id, product_id)
        level = await StockRepository(session).get(tenant_id=tenant_id, product_id=product.id)
        return level or StockLevel(tenant_id, product.id, 0, 0, None, product.created_at)

    async def count(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        actor: str,
        product_id: uuid.UUID,
        on_hand: int,
        low_stock_threshold: int | None,
        threshold_given: bool,
    ) -> StockLevel:
        """Set what is on hand (a stock count); the change goes into the audit trail."""
        product = await tracked_product(session, tenant_id, product_id)
        now = utcnow()
        level = await _locked_level(session, product, now)
        threshold = low_stock_threshold if threshold_given else level.low_stock_threshold
        delta = level.count(on_hand, threshold, now)
        if delta:
            await AdjustmentRepository(session).add(
                Adjustment(
                    id=uuid.uuid4(),
                    tenant_id=tenant_id,
                    product_id=product.id,
                    delta=delta,
                    reason=AdjustmentReason.COUNT,
                    note=f"Stock set to {on_hand}.",
                    on_hand_after=level.on_hand,
                    created_at=now,
                    created_by=actor,
                )
            )
        await save_level(session, level, product)
        return level

    async def adjust(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        actor: str,
        product_id: uuid.UUID,
        delta: int,
        reason: AdjustmentReason,
        note: str | None,
    ) -> tuple[Adjustment, StockLevel]:
        product = await tracked_product(session, tenant_id, product_id)
        now = utcnow()
        level = await _locked_level(session, product, now)
        level.adjust(delta, reason, now)
        adjustment = Adjustment(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            product_id=product.id,
            delta=delta,
            reason=reason,
            note=note,
            on_hand_after=level.on_hand,
            created_at=now,
            created_by=actor,
        )
        await AdjustmentRepository(session).add(adjustment)
        await save_level(session, level, product)
        return adjustment, level

    async def list_adjustments(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        product_id: uuid.UUID,
        limit: int,
        before: tuple[datetime, uuid.UUID] | None,
    ) -> list[Adjustment]:
        # The trail stays readable after an item stops tracking stock.
        product = await ProductRepository(session).get(tenant_id=tenant_id, product_id=product_id)
        if product is None:
            raise NotFound("No such product.")
        return await AdjustmentRepository(session).list_page(
            tenant_id=tenant_id, product_id=product.id, limit=limit, before=before
        )
