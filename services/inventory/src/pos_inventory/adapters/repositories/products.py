"""Menu items' SQL; a deleted item stays as a row for the reservations and trail naming it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update

from pos_inventory.adapters.tables import ProductRow
from pos_inventory.domain.errors import SkuTaken
from pos_inventory.domain.menu import Product, modifier_groups_document, modifier_groups_from
from pos_kit.mapping import build
from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository, column_values


def _product(row: ProductRow) -> Product:
    return build(Product, row, modifier_groups=modifier_groups_from(row.modifier_groups))


def _columns(product: Product, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The item's row; its labels and modifier groups as JSON documents."""
    return column_values(
        product,
        ProductRow,
        exclude=exclude,
        tags=list(product.tags),
        allergens=list(product.allergens),
        modifier_groups=modifier_groups_document(product.modifier_groups),
    )


# What a save leaves as it was created.
_FIXED = ("id", "tenant_id", "created_at")


class ProductRepository(Repository):
    def _live(self, tenant_id: uuid.UUID) -> Select[ProductRow]:
        return select(ProductRow).where(
            ProductRow.tenant_id == tenant_id, ProductRow.deleted_at.is_(None)
        )

    async def add(self, product: Product) -> None:
        """SkuTaken if a concurrent write took the SKU first."""
        async with self.unique(lambda: SkuTaken(product.sku or ""), marker="sku"):
            self.session.add(ProductRow(**_columns(product)))

    async def get(self, *, tenant_id: uuid.UUID, product_id: uuid.UUID) -> Product | None:
        row = await self.session.scalar(self._live(tenant_id).where(ProductRow.id == product_id))
        return _product(row) if row else None

    async def get_many(
        self, *, tenant_id: uuid.UUID, product_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, Product]:
        rows = await self.session.scalars(
            self._live(tenant_id).where(ProductRow.id.in_(list(product_ids)))
        )
        return {r.id: _product(r) for r in rows}

    async def sku_taken(
        self, *, tenant_id: uuid.UUID, sku: str, other_than: uuid.UUID | None = None
    ) -> bool:
        query = (
            select(ProductRow.id)
            .where(ProductRow.tenant_id == tenant_id, ProductRow.deleted_at.is_(None))
            .where(ProductRow.sku == sku)
        )
        if other_than is not None:
            query = query.where(ProductRow.id != other_than)
        return (await self.session.scalar(query.limit(1))) is not None

    async def count_in_category(self, *, tenant_id: uuid.UUID, category_id: uuid.UUID) -> int:
        count = await self.session.scalar(
            select(func.count(ProductRow.id)).where(
                ProductRow.tenant_id == tenant_id,
                ProductRow.category_id == category_id,
                ProductRow.deleted_at.is_(None),
            )
        )
        return int(count or 0)

    async def list_page(
        self,
        *,
        tenant_id: uuid.UUID,
        page: PageRequest,
        category_id: uuid.UUID | None = None,
        available: bool | None = None,
        product_ids: Sequence[uuid.UUID] | None = None,
    ) -> Slice[Product]:
        """By name."""
        query = self._live(tenant_id)
        if product_ids is not None:
            query = query.where(ProductRow.id.in_(product_ids))
        if category_id is not None:
            query = query.where(ProductRow.category_id == category_id)
        if available is not None:
            query = query.where(ProductRow.available.is_(available))
        found = await self.keyset_page(query, key=[ProductRow.name, ProductRow.id], page=page)
        return found.map(_product)

    async def save(self, product: Product) -> None:
        async with self.unique(lambda: SkuTaken(product.sku or ""), marker="sku"):
            await self.session.execute(
                update(ProductRow)
                .where(
                    ProductRow.tenant_id == product.tenant_id,
                    ProductRow.id == product.id,
                    ProductRow.deleted_at.is_(None),
                )
                .values(**_columns(product, exclude=_FIXED))
                .execution_options(synchronize_session=False)
            )

    async def delete(self, product: Product, now: datetime) -> None:
        """Soft: reservations and the audit trail keep naming the item."""
        await self.session.execute(
            update(ProductRow)
            .where(ProductRow.tenant_id == product.tenant_id, ProductRow.id == product.id)
            .values(deleted_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
