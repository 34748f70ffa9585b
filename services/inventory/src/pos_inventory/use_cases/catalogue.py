"""The menu's use cases: categories and menu items, created, read, changed and removed."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

from pos_inventory.adapters.repositories import (
    CategoryRepository,
    ProductRepository,
    StockRepository,
)
from pos_inventory.adapters.tables import outbox
from pos_inventory.domain.errors import CategoryNameTaken, InvalidInput, SkuTaken
from pos_inventory.domain.events import (
    PRODUCT_CREATED,
    PRODUCT_DELETED,
    PRODUCT_UPDATED,
    product_deleted,
    product_document,
)
from pos_inventory.domain.menu import Category, ModifierGroup, Product
from pos_inventory.domain.stock import StockLevel
from pos_inventory.use_cases.found import found
from pos_inventory.use_cases.profiles import RestaurantProfiles
from pos_kit.clock import utcnow
from pos_kit.errors import Conflict
from pos_kit.pagination import PageRequest, Slice
from pos_kit.uow import UnitOfWork

log = structlog.get_logger(__name__)


async def live_product(uow: UnitOfWork, tenant_id: uuid.UUID, product_id: uuid.UUID) -> Product:
    """A menu item that was not deleted; NotFound otherwise."""
    products = ProductRepository(uow.session)
    return found(await products.get(tenant_id=tenant_id, product_id=product_id), "product")


@dataclass
class Categories:
    async def create(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        name: str,
        description: str,
        position: int,
    ) -> Category:
        categories = CategoryRepository(uow.session)
        if await categories.name_taken(tenant_id=tenant_id, name=name):
            raise CategoryNameTaken(name)
        now = utcnow()
        category = Category(uuid.uuid4(), tenant_id, name, description, position, now, now)
        await categories.add(category)
        return category

    async def get(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, category_id: uuid.UUID
    ) -> Category:
        categories = CategoryRepository(uow.session)
        return found(await categories.get(tenant_id=tenant_id, category_id=category_id), "category")

    async def list_page(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, page: PageRequest
    ) -> Slice[Category]:
        return await CategoryRepository(uow.session).list_page(tenant_id=tenant_id, page=page)

    async def update(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        category_id: uuid.UUID,
        changes: Mapping[str, Any],
    ) -> Category:
        category = await self.get(uow, tenant_id=tenant_id, category_id=category_id)
        categories = CategoryRepository(uow.session)
        name = changes.get("name")
        if name is not None and await categories.name_taken(
            tenant_id=tenant_id, name=name, other_than=category.id
        ):
            raise CategoryNameTaken(name)
        if category.revise(changes, utcnow()):
            await categories.save(category)
        return category

    async def delete(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, category_id: uuid.UUID
    ) -> None:
        category = await self.get(uow, tenant_id=tenant_id, category_id=category_id)
        in_use = await ProductRepository(uow.session).count_in_category(
            tenant_id=tenant_id, category_id=category.id
        )
        if in_use:
            raise Conflict(
                f"The category '{category.name}' still holds {in_use} item(s); "
                "move or delete them first."
            )
        await CategoryRepository(uow.session).delete(category)


@dataclass
class Products:
    profiles: RestaurantProfiles
    default_tax_rate_bps: int

    async def _ensure_category(
        self, uow: UnitOfWork, tenant_id: uuid.UUID, category_id: uuid.UUID | None
    ) -> None:
        if category_id is None:
            return
        found = await CategoryRepository(uow.session).get(
            tenant_id=tenant_id, category_id=category_id
        )
        if found is None:
            raise InvalidInput(
                f"There is no category {category_id} on this menu.", field="body.category_id"
            )

    async def _ensure_sku_free(
        self,
        uow: UnitOfWork,
        tenant_id: uuid.UUID,
        sku: str | None,
        other_than: uuid.UUID | None = None,
    ) -> None:
        if sku is not None and await ProductRepository(uow.session).sku_taken(
            tenant_id=tenant_id, sku=sku, other_than=other_than
        ):
            raise SkuTaken(sku)

    async def _ensure_stock_row(self, uow: UnitOfWork, product: Product, now: datetime) -> None:
        stock = StockRepository(uow.session)
        if (
            product.track_stock
            and await stock.get(tenant_id=product.tenant_id, product_id=product.id) is None
        ):
            await stock.add(StockLevel(product.tenant_id, product.id, 0, 0, None, now))

    async def create(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        token: str,
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
        """A new menu item; without a currency, the restaurant's (`token`: the caller's, to
        ask restaurant for it when inventory has no copy of the profile yet)."""
        if currency is None:
            currency = await self.profiles.menu_currency(uow, tenant_id=tenant_id, token=token)
        now = utcnow()
        product = Product(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            name=name,
            description=description,
            price=price,
            currency=currency,
            category_id=category_id,
            sku=sku,
            tax_rate_bps=self.default_tax_rate_bps if tax_rate_bps is None else tax_rate_bps,
            tags=tags,
            allergens=allergens,
            available=available,
            track_stock=track_stock,
            modifier_groups=modifier_groups,
            created_at=now,
            updated_at=now,
        )
        product.check()
        await self._ensure_category(uow, tenant_id, category_id)
        await self._ensure_sku_free(uow, tenant_id, sku)
        await ProductRepository(uow.session).add(product)
        await self._ensure_stock_row(uow, product, now)
        await outbox.record_event(
            uow, type=PRODUCT_CREATED, data=product_document(product), tenant_id=tenant_id
        )
        log.info("product_created", product_id=str(product.id))
        return product

    async def get(self, uow: UnitOfWork, *, tenant_id: uuid.UUID, product_id: uuid.UUID) -> Product:
        return await live_product(uow, tenant_id, product_id)

    async def list_page(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        page: PageRequest,
        category_id: uuid.UUID | None,
        available: bool | None,
        product_ids: Sequence[uuid.UUID] | None = None,
    ) -> Slice[Product]:
        return await ProductRepository(uow.session).list_page(
            tenant_id=tenant_id,
            page=page,
            category_id=category_id,
            available=available,
            product_ids=product_ids,
        )

    async def update(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        product_id: uuid.UUID,
        changes: Mapping[str, Any],
    ) -> Product:
        product = await self.get(uow, tenant_id=tenant_id, product_id=product_id)
        if "category_id" in changes:
            await self._ensure_category(uow, tenant_id, changes["category_id"])
        if "sku" in changes:
            await self._ensure_sku_free(uow, tenant_id, changes["sku"], other_than=product.id)
        now = utcnow()
        if not product.revise(changes, now):
            return product  # nothing changed: no write, no event
        await ProductRepository(uow.session).save(product)
        await self._ensure_stock_row(uow, product, now)
        await outbox.record_event(
            uow, type=PRODUCT_UPDATED, data=product_document(product), tenant_id=tenant_id
        )
        log.info("product_updated", product_id=str(product.id), version=product.version)
        return product

    async def delete(self, uow: UnitOfWork, *, tenant_id: uuid.UUID, product_id: uuid.UUID) -> None:
        product = await self.get(uow, tenant_id=tenant_id, product_id=product_id)
        await ProductRepository(uow.session).delete(product, utcnow())
        await outbox.record_event(
            uow, type=PRODUCT_DELETED, data=product_deleted(product), tenant_id=tenant_id
        )
        log.info("product_deleted", product_id=str(product.id))
