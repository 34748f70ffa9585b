"""The menu's use cases: categories and menu items, created, read, changed and removed."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pos_inventory.adapters.repositories import (
    CategoryRepository,
    DuplicateName,
    DuplicateSku,
    ProductRepository,
    StockRepository,
)
from pos_inventory.config import InventorySettings
from pos_inventory.domain.errors import InvalidInput
from pos_inventory.domain.menu import Category, ModifierGroup, Product
from pos_inventory.domain.stock import StockLevel
from pos_inventory.services.events import record_product_changed, record_product_deleted
from pos_kit.dbtypes import utcnow
from pos_kit.problems import Conflict, NotFound

log = structlog.get_logger(__name__)


def _duplicate_category(name: str) -> Conflict:
    return Conflict(f"There is already a category named '{name}'.")


def _duplicate_sku(sku: str) -> Conflict:
    return Conflict(f"The SKU '{sku}' is already used by another item on this menu.")


@dataclass
class CategoryServices:
    async def create(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        name: str,
        description: str,
        position: int,
    ) -> Category:
        categories = CategoryRepository(session)
        if await categories.name_taken(tenant_id=tenant_id, name=name):
            raise _duplicate_category(name)
        now = utcnow()
        category = Category(uuid.uuid4(), tenant_id, name, description, position, now, now)
        try:
            await categories.add(category)
        except DuplicateName as exc:  # lost a race with a concurrent create
            raise _duplicate_category(name) from exc
        return category

    async def get(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, category_id: uuid.UUID
    ) -> Category:
        category = await CategoryRepository(session).get(
            tenant_id=tenant_id, category_id=category_id
        )
        if category is None:
            raise NotFound("No such category.")
        return category

    async def list_page(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        limit: int,
        after: tuple[int, str, uuid.UUID] | None,
    ) -> list[Category]:
        return await CategoryRepository(session).list_page(
            tenant_id=tenant_id, limit=limit, after=after
        )

    async def update(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        category_id: uuid.UUID,
        changes: Mapping[str, Any],
    ) -> Category:
        category = await self.get(session, tenant_id=tenant_id, category_id=category_id)
        categories = CategoryRepository(session)
        name = changes.get("name")
        if name is not None and await categories.name_taken(
            tenant_id=tenant_id, name=name, other_than=category.id
        ):
            raise _duplicate_category(name)
        if category.revise(changes, utcnow()):
            try:
                await categories.save(category)
            except DuplicateName as exc:
                raise _duplicate_category(category.name) from exc
        return category

    async def delete(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, category_id: uuid.UUID
    ) -> None:
        category = await self.get(session, tenant_id=tenant_id, category_id=category_id)
        in_use = await ProductRepository(session).count_in_category(
            tenant_id=tenant_id, category_id=category.id
        )
        if in_use:
            raise Conflict(
                f"The category '{category.name}' still holds {in_use} item(s); "
                "move or delete them first."
            )
        await CategoryRepository(session).delete(category)


@dataclass
class ProductServices:
    settings: InventorySettings

    async def _ensure_category(
        self, session: AsyncSession, tenant_id: uuid.UUID, category_id: uuid.UUID | None
    ) -> None:
        if category_id is None:
            return
        found = await CategoryRepository(session).get(tenant_id=tenant_id, category_id=category_id)
        if found is None:
            raise InvalidInput(
                f"There is no category {category_id} on this menu.", field="body.category_id"
            )

    async def _ensure_sku_free(
        self,
        session: AsyncSession,
        tenant_id: uuid.UUID,
        sku: str | None,
        other_than: uuid.UUID | None = None,
    ) -> None:
        if sku is not None and await ProductRepository(session).sku_taken(
            tenant_id=tenant_id, sku=sku, other_than=other_than
        ):
            raise _duplicate_sku(sku)

    async def _ensure_stock_row(
        self, session: AsyncSession, product: Product, now: datetime
    ) -> None:
        stock = StockRepository(session)
        if (
            product.track_stock
            and await stock.get(tenant_id=product.tenant_id, product_id=product.id) is None
        ):
            await stock.add(StockLevel(product.tenant_id, product.id, 0, 0, None, now))

    async def create(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        name: str,
        description: str,
        price: int,
        currency: str | None,
        category_id: uuid.UUID | None,
        sku: str | None,
        tax_rate_bps: int | None,
        tags: tuple[str, ...],
        allergens: tuple[str, ...],
        available: bool,
        track_stock: bool,
        modifier_groups: tuple[ModifierGroup, ...],
    ) -> Product:
        now = utcnow()
        product = Product(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            name=name,
            description=description,
            price=price,
            currency=currency or self.settings.default_currency,
            category_id=category_id,
            sku=sku,
            tax_rate_bps=(
                self.settings.default_tax_rate_bps if tax_rate_bps is None else tax_rate_bps
            ),
            tags=tags,
            allergens=allergens,
            available=available,
            track_stock=track_stock,
            modifier_groups=modifier_groups,
            created_at=now,
            updated_at=now,
        )
        product.check()
        await self._ensure_category(session, tenant_id, category_id)
        await self._ensure_sku_free(session, tenant_id, sku)
        try:
            await ProductRepository(session).add(product)
        except DuplicateSku as exc:
            raise _duplicate_sku(sku or "") from exc
        await self._ensure_stock_row(session, product, now)
        await record_product_changed(session, product, "created")
        log.info("product_created", product_id=str(product.id))
        return product

    async def get(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, product_id: uuid.UUID
    ) -> Product:
        product = await ProductRepository(session).get(tenant_id=tenant_id, product_id=product_id)
        if product is None:
            raise NotFound("No such product.")
        return product

    async def list_page(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        limit: int,
        after: tuple[str, uuid.UUID] | None,
        category_id: uuid.UUID | None,
        available: bool | None,
    ) -> list[Product]:
        return await ProductRepository(session).list_page(
            tenant_id=tenant_id,
            limit=limit,
            after=after,
            category_id=category_id,
            available=available,
        )

    async def update(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        product_id: uuid.UUID,
        changes: Mapping[str, Any],
    ) -> Product:
        product = await self.get(session, tenant_id=tenant_id, product_id=product_id)
        if "category_id" in changes:
            await self._ensure_category(session, tenant_id, changes["category_id"])
        if "sku" in changes:
            await self._ensure_sku_free(session, tenant_id, changes["sku"], other_than=product.id)
        now = utcnow()
        if not product.revise(changes, now):
            return product  # nothing changed: no write, no event
        try:
            await ProductRepository(session).save(product)
        except DuplicateSku as exc:
            raise _duplicate_sku(product.sku or "") from exc
        await self._ensure_stock_row(session, product, now)
        await record_product_changed(session, product, "updated")
        log.info("product_updated", product_id=str(product.id), version=product.version)
        return product

    async def delete(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, product_id: uuid.UUID
    ) -> None:
        product = await self.get(session, tenant_id=tenant_id, product_id=product_id)
        await ProductRepository(session).delete(product, utcnow())
        await record_product_deleted(session, product)
        log.info("product_deleted", product_id=str(product.id))
