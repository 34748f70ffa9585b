"""Floors of the floor plan; a floor's name is unique in its restaurant."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select, update

from pos_kit.mapping import build
from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository, column_values
from pos_restaurant.adapters.tables import DiningTableRow, FloorRow
from pos_restaurant.domain.errors import FloorNameTaken
from pos_restaurant.domain.floor_plan import Floor


class FloorRepository(Repository):
    async def add(self, floor: Floor) -> None:
        """Raises FloorNameTaken if the restaurant has a floor of that name."""
        async with self.unique(lambda: FloorNameTaken(floor.name)):
            self.session.add(FloorRow(**column_values(floor, FloorRow)))

    async def get(self, *, tenant_id: uuid.UUID, floor_id: uuid.UUID) -> Floor | None:
        row = await self.session.scalar(
            select(FloorRow).where(FloorRow.tenant_id == tenant_id, FloorRow.id == floor_id)
        )
        return build(Floor, row) if row else None

    async def list_page(self, *, tenant_id: uuid.UUID, page: PageRequest) -> Slice[Floor]:
        """In the order the floor plan shows them: by `sort_order`, then id."""
        rows = await self.keyset_page(
            select(FloorRow).where(FloorRow.tenant_id == tenant_id),
            key=[FloorRow.sort_order, FloorRow.id],
            page=page,
        )
        return rows.map(lambda row: build(Floor, row))

    async def save(self, floor: Floor) -> None:
        """Raises FloorNameTaken if another floor has the new name."""
        async with self.unique(lambda: FloorNameTaken(floor.name)):
            await self.session.execute(
                update(FloorRow)
                .where(FloorRow.tenant_id == floor.tenant_id, FloorRow.id == floor.id)
                .values(name=floor.name, sort_order=floor.sort_order, updated_at=floor.updated_at)
            )

    async def has_tables(self, *, tenant_id: uuid.UUID, floor_id: uuid.UUID) -> bool:
        count = await self.session.scalar(
            select(func.count(DiningTableRow.id)).where(
                DiningTableRow.tenant_id == tenant_id, DiningTableRow.floor_id == floor_id
            )
        )
        return bool(count)

    async def remove(self, *, tenant_id: uuid.UUID, floor_id: uuid.UUID) -> None:
        await self.session.execute(
            delete(FloorRow).where(FloorRow.tenant_id == tenant_id, FloorRow.id == floor_id)
        )
