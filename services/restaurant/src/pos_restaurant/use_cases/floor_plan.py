"""Floors and the tables on them: laying out the floor plan (owner or manager)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from pos_kit.clock import utcnow
from pos_kit.errors import Conflict
from pos_kit.pagination import PageRequest, Slice
from pos_kit.uow import UnitOfWork
from pos_restaurant.adapters.repositories import FloorRepository, TableRepository
from pos_restaurant.domain.errors import FloorNotFound, TableNotFound
from pos_restaurant.domain.floor_plan import Floor, Placement, Table, TableShape, TableStatus
from pos_restaurant.domain.staff import Actor, ensure_may_lay_out_floors


@dataclass
class FloorPlan:
    async def add_floor(
        self, uow: UnitOfWork, *, actor: Actor, name: str, sort_order: int
    ) -> Floor:
        floor = Floor.lay_out(
            tenant_id=actor.tenant_id, name=name, sort_order=sort_order, now=utcnow()
        )
        await FloorRepository(uow.session).add(floor)
        return floor

    async def floor(self, uow: UnitOfWork, *, tenant_id: uuid.UUID, floor_id: uuid.UUID) -> Floor:
        floor = await FloorRepository(uow.session).get(tenant_id=tenant_id, floor_id=floor_id)
        if floor is None:
            raise FloorNotFound()
        return floor

    async def floors(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, page: PageRequest
    ) -> Slice[Floor]:
        return await FloorRepository(uow.session).list_page(tenant_id=tenant_id, page=page)

    async def edit_floor(
        self, uow: UnitOfWork, *, actor: Actor, floor_id: uuid.UUID, changes: dict[str, Any]
    ) -> Floor:
        floor = await self.floor(uow, tenant_id=actor.tenant_id, floor_id=floor_id)
        floor.edit(now=utcnow(), **changes)
        await FloorRepository(uow.session).save(floor)
        return floor

    async def remove_floor(self, uow: UnitOfWork, *, actor: Actor, floor_id: uuid.UUID) -> None:
        floors = FloorRepository(uow.session)
        await self.floor(uow, tenant_id=actor.tenant_id, floor_id=floor_id)
        if await floors.has_tables(tenant_id=actor.tenant_id, floor_id=floor_id):
            raise Conflict("The floor still has tables; move or remove them first.")
        await floors.remove(tenant_id=actor.tenant_id, floor_id=floor_id)

    async def add_table(
        self,
        uow: UnitOfWork,
        *,
        actor: Actor,
        floor_id: uuid.UUID,
        name: str,
        seats: int,
        shape: TableShape,
        placement: Placement,
    ) -> Table:
        await self.floor(uow, tenant_id=actor.tenant_id, floor_id=floor_id)
        table = Table.set_up(
            tenant_id=actor.tenant_id,
            floor_id=floor_id,
            name=name,
            seats=seats,
            shape=shape,
            placement=placement,
            now=utcnow(),
        )
        await TableRepository(uow.session).add(table)
        return table

    async def table(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        table_id: uuid.UUID,
        for_update: bool = False,
    ) -> Table:
        """`for_update` locks the table until the transaction ends."""
        table = await TableRepository(uow.session).get(
            tenant_id=tenant_id, table_id=table_id, for_update=for_update
        )
        if table is None:
            raise TableNotFound()
        return table

    async def tables(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        floor_id: uuid.UUID | None,
        status: TableStatus | None,
        page: PageRequest,
    ) -> Slice[Table]:
        return await TableRepository(uow.session).list_page(
            tenant_id=tenant_id, floor_id=floor_id, status=status, page=page
        )

    async def rearrange_table(
        self, uow: UnitOfWork, *, actor: Actor, table_id: uuid.UUID, changes: dict[str, Any]
    ) -> Table:
        """`changes`: floor_id, name, seats, shape, x, y, width, height; only those sent."""
        ensure_may_lay_out_floors(actor.role)
        table = await self.table(uow, tenant_id=actor.tenant_id, table_id=table_id, for_update=True)
        if "floor_id" in changes:
            await self.floor(uow, tenant_id=actor.tenant_id, floor_id=changes["floor_id"])
        table.rearrange(now=utcnow(), **changes)
        await TableRepository(uow.session).save_layout(table)
        return table

    async def remove_table(self, uow: UnitOfWork, *, actor: Actor, table_id: uuid.UUID) -> None:
        table = await self.table(uow, tenant_id=actor.tenant_id, table_id=table_id, for_update=True)
        table.ensure_removable()
        await TableRepository(uow.session).remove(table)
