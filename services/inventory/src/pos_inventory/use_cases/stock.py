"""Stock use cases: read a tracked item's level, count it, adjust it, read the audit trail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pos_inventory.adapters.repositories import AdjustmentRepository, StockRepository
from pos_inventory.adapters.tables import outbox
from pos_inventory.domain.errors import StockNotTracked
from pos_inventory.domain.events import STOCK_LOW, stock_went_low
from pos_inventory.domain.menu import Product
from pos_inventory.domain.stock import Adjustment, AdjustmentReason, StockLevel
from pos_inventory.use_cases.catalogue import live_product
from pos_kit.clock import utcnow
from pos_kit.pagination import PageRequest, Slice
from pos_kit.uow import UnitOfWork


async def _tracked_product(uow: UnitOfWork, tenant_id: uuid.UUID, product_id: uuid.UUID) -> Product:
    product = await live_product(uow, tenant_id, product_id)
    if not product.track_stock:
        raise StockNotTracked(product)
    return product


async def _locked_level(uow: UnitOfWork, product: Product, now: datetime) -> StockLevel:
    stock = StockRepository(uow.session)
    levels = await stock.lock(tenant_id=product.tenant_id, product_ids=[product.id])
    if product.id in levels:
        return levels[product.id]
    # Tracked items get their row when created; an older row may be missing, so make it.
    level = StockLevel(product.tenant_id, product.id, 0, 0, None, now)
    await stock.add(level)
    return level


async def save_level(uow: UnitOfWork, level: StockLevel, product: Product) -> None:
    """Write a changed level and announce it if it just went low."""
    await StockRepository(uow.session).save(level)
    for low in level.events:
        await outbox.record_event(
            uow, type=STOCK_LOW, data=stock_went_low(product, low), tenant_id=product.tenant_id
        )
    level.events.clear()


@dataclass
class Stockroom:
    async def get(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, product_id: uuid.UUID
    ) -> StockLevel:
        product = await _tracked_product(uow, tenant_id, product_id)
        level = await StockRepository(uow.session).get(tenant_id=tenant_id, product_id=product.id)
        return level or StockLevel(tenant_id, product.id, 0, 0, None, product.created_at)

    async def count(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        actor: str,
        product_id: uuid.UUID,
        on_hand: int,
        low_stock_threshold: int | None,
        threshold_given: bool,
    ) -> StockLevel:
        """Set what is on hand (a stock count); the change goes into the audit trail."""
        product = await _tracked_product(uow, tenant_id, product_id)
        now = utcnow()
        level = await _locked_level(uow, product, now)
        threshold = low_stock_threshold if threshold_given else level.low_stock_threshold
        delta = level.count(on_hand, threshold, now)
        if delta:
            await AdjustmentRepository(uow.session).add(
                Adjustment.of_change(
                    level,
                    delta,
                    AdjustmentReason.COUNT,
                    note=f"Stock set to {on_hand}.",
                    by=actor,
                    at=now,
                )
            )
        await save_level(uow, level, product)
        return level

    async def adjust(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        actor: str,
        product_id: uuid.UUID,
        delta: int,
        reason: AdjustmentReason,
        note: str | None,
    ) -> tuple[Adjustment, StockLevel]:
        product = await _tracked_product(uow, tenant_id, product_id)
        now = utcnow()
        level = await _locked_level(uow, product, now)
        level.adjust(delta, reason, now)
        adjustment = Adjustment.of_change(level, delta, reason, note=note, by=actor, at=now)
        await AdjustmentRepository(uow.session).add(adjustment)
        await save_level(uow, level, product)
        return adjustment, level

    async def list_adjustments(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, product_id: uuid.UUID, page: PageRequest
    ) -> Slice[Adjustment]:
        # The trail stays readable after an item stops tracking stock.
        product = await live_product(uow, tenant_id, product_id)
        return await AdjustmentRepository(uow.session).list_page(
            tenant_id=tenant_id, product_id=product.id, page=page
        )
