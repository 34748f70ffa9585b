"""Floors and the tables on them: laying out the floor plan (owner or manager)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pos_kit.dbtypes import utcnow
from pos_kit.problems import Conflict, NotFound
from pos_restaurant.adapters.repositories import DuplicateName, FloorRepository, TableRepository
from pos_restaurant.domain.floor_plan import Floor, Placement, Table, TableShape, TableStatus
from pos_restaurant.domain.staff import Actor, ensure_may_lay_out_floors


class FloorNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such floor.")


class TableNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such table.")


def _floor_name_taken(name: str) -> Conflict:
    return Conflict(f"The restaurant already has a floor called {name!r}.")


def _table_name_taken(name: str) -> Conflict:
    return Conflict(f"That floor already has a table called {name!r}.")


@dataclass
class FloorPlan:
    async def add_floor(
        self, session: AsyncSession, *, actor: Actor, name: str, sort_order: int
    ) -> Floor:
        floor = Floor.lay_out(
            tenant_id=actor.tenant_id, name=name, sort_order=sort_order, now=utcnow()
        )
        try:
            await FloorRepository(session).add(floor)
        except DuplicateName as exc:
            raise _floor_name_taken(floor.name) from exc
        return floor

    async def floor(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, floor_id: uuid.UUID
    ) -> Floor:
        floor = await FloorRepository(session).get(tenant_id=tenant_id, floor_id=floor_id)
        if floor is None:
            raise FloorNotFound()
        return floor

    async def floors(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        limit: int,
        after: tuple[int, uuid.UUID] | None,
    ) -> list[Floor]:
        return await FloorRepository(session).list_page(
            tenant_id=tenant_id, limit=limit, after=after
        )

    async def edit_floor(
        self, session: AsyncSession, *, actor: Actor, floor_id: uuid.UUID, changes: dict[str, Any]
    ) -> Floor:
        floor = await self.floor(session, tenant_id=actor.tenant_id, floor_id=floor_id)
        floor.edit(now=utcnow(), **changes)
        try:
            await FloorRepository(session).save(floor)
        except DuplicateName as exc:
            raise _floor_name_taken(floor.name) from exc
        return floor

    async def remove_floor(
        self, session: AsyncSession, *, actor: Actor, floor_id: uuid.UUID
    ) -> None:
        floors = FloorRepository(session)
        await self.floor(session, tenant_id=actor.tenant_id, floor_id=floor_id)
        if await floors.has_tables(tenant_id=actor.tenant_id, floor_id=floor_id):
            raise Conflict("The floor still has tables; move or remove them first.")
        await floors.remove(tenant_id=actor.tenant_id, floor_id=floor_id)

    async def add_table(
        self,
        session: AsyncSession,
        *,
        actor: Actor,
        floor_id: uuid.UUID,
        name: str,
        seats: int,
        shape: TableShape,
        placement: Placement,
    ) -> Table:
        await self.floor(session, tenant_id=actor.tenant_id, floor_id=floor_id)
        table = Table.set_up(
            tenant_id=actor.tenant_id,
            floor_id=floor_id,
            name=name,
            seats=seats,
            shape=shape,
            placement=placement,
            now=utcnow(),
        )
        try:
            await TableRepository(session).add(table)
        except DuplicateName as exc:
            raise _table_name_taken(table.name) from exc
        return table

    async def table(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, table_id: uuid.UUID
    ) -> Table:
        table = await TableRepository(session).get(tenant_id=tenant_id, table_id=table_id)
        if table is None:
            raise TableNotFound()
        return table

    async def tables(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        floor_id: uuid.UUID | None,
        status: TableStatus | None,
        limit: int,
        after: tuple[str, uuid.UUID] | None,
    ) -> list[Table]:
        return await TableRepository(session).list_page(
            tenant_id=tenant_id, floor_id=floor_id, status=status, limit=limit, after=after
        )

    async def rearrange_table(
        self, session: AsyncSession, *, actor: Actor, table_id: uuid.UUID, changes: dict[str, Any]
    ) -> Table:
        """`changes`: floor_id, name, seats, shape, x, y, width, height; only those sent."""
        ensure_may_lay_out_floors(actor.role)
        tables = TableRepository(session)
        table = await tables.get(tenant_id=actor.tenant_id, table_id=table_id, for_update=True)
        if table is None:
            raise TableNotFound()
        if "floor_id" in changes:
            await self.floor(session, tenant_id=actor.tenant_id, floor_id=changes["floor_id"])
        table.rearrange(now=utcnow(), **changes)
        try:
            await tables.save_layout(table)
        except DuplicateName as exc:
            raise _table_name_taken(table.name) from exc
        return table

    async def remove_table(
        self, session: AsyncSession, *, actor: Actor, table_id: uuid.UUID
    ) -> None:
        tables = TableRepository(session)
        table = await tables.get(tenant_id=actor.tenant_id, table_id=table_id, for_update=True)
        if table is None:
            raise TableNotFound()
        table.ensure_removable()
        await tables.remove(table)
