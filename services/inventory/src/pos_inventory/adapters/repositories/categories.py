"""Menu categories' SQL."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update

from pos_inventory.adapters.tables import CategoryRow
from pos_inventory.domain.errors import CategoryNameTaken
from pos_inventory.domain.menu import Category
from pos_kit.mapping import build
from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository, column_values

# What a save leaves as it was created.
_FIXED = ("id", "tenant_id", "created_at")


class CategoryRepository(Repository):
    async def add(self, category: Category) -> None:
        """CategoryNameTaken if a concurrent create took the name first."""
        async with self.unique(lambda: CategoryNameTaken(category.name), marker="name"):
            self.session.add(CategoryRow(**column_values(category, CategoryRow)))

    async def get(self, *, tenant_id: uuid.UUID, category_id: uuid.UUID) -> Category | None:
        row = await self.session.scalar(
            select(CategoryRow).where(
                CategoryRow.tenant_id == tenant_id, CategoryRow.id == category_id
            )
        )
        return build(Category, row) if row else None

    async def name_taken(
        self, *, tenant_id: uuid.UUID, name: str, other_than: uuid.UUID | None = None
    ) -> bool:
        query = select(CategoryRow.id).where(
            CategoryRow.tenant_id == tenant_id, func.lower(CategoryRow.name) == name.lower()
        )
        if other_than is not None:
            query = query.where(CategoryRow.id != other_than)
        return (await self.session.scalar(query.limit(1))) is not None

    async def list_page(self, *, tenant_id: uuid.UUID, page: PageRequest) -> Slice[Category]:
        """In menu order: by position, then name."""
        found = await self.keyset_page(
            select(CategoryRow).where(CategoryRow.tenant_id == tenant_id),
            key=[CategoryRow.position, CategoryRow.name, CategoryRow.id],
            page=page,
        )
        return found.map(lambda row: build(Category, row))

    async def save(self, category: Category) -> None:
        async with self.unique(lambda: CategoryNameTaken(category.name), marker="name"):
            await self.session.execute(
                update(CategoryRow)
                .where(CategoryRow.tenant_id == category.tenant_id, CategoryRow.id == category.id)
                .values(**column_values(category, CategoryRow, exclude=_FIXED))
                .execution_options(synchronize_session=False)
            )

    async def delete(self, category: Category) -> None:
        row = await self.session.get(CategoryRow, category.id)
        if row is not None and row.tenant_id == category.tenant_id:
            await self.session.delete(row)
            await self.session.flush()
