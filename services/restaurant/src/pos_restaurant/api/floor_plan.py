"""Floors and tables: the floor plan (owner or manager) and seating (front-of-house staff)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from pos_kit.dependencies import UoW
from pos_kit.pagination import Keyset, PageRequest, page_request
from pos_restaurant.api.dependencies import AnyStaff, FrontOfHouse, StaffAdmin, UseCases
from pos_restaurant.api.schemas import (
    FloorIn,
    FloorOut,
    FloorPage,
    FloorPatch,
    MoveOrderIn,
    MoveOrderOut,
    TableIn,
    TableOut,
    TablePage,
    TablePatch,
)
from pos_restaurant.domain.floor_plan import TableStatus

router = APIRouter(prefix="/api/v1", tags=["floor plan"])

FLOORS = Keyset(int, uuid.UUID)  # as the floor plan shows them: (sort_order, id)
TABLES = Keyset(str, uuid.UUID)  # by (name, id)


@router.post("/floors", status_code=status.HTTP_201_CREATED, response_model=FloorOut)
async def add_floor(body: FloorIn, actor: StaffAdmin, uow: UoW, use_cases: UseCases) -> FloorOut:
    floor = await use_cases.floor_plan.add_floor(
        uow, actor=actor, name=body.name, sort_order=body.sort_order
    )
    return FloorOut.model_validate(floor)


@router.get("/floors", response_model=FloorPage)
async def list_floors(
    actor: AnyStaff,
    uow: UoW,
    use_cases: UseCases,
    page: Annotated[PageRequest, Depends(page_request(FLOORS))],
) -> FloorPage:
    """In the order the floor plan shows them (`sort_order`)."""
    found = await use_cases.floor_plan.floors(uow, tenant_id=actor.tenant_id, page=page)
    return FloorPage.build(found, FLOORS, FloorOut.model_validate)


@router.get("/floors/{floor_id}", response_model=FloorOut)
async def get_floor(
    floor_id: uuid.UUID, actor: AnyStaff, uow: UoW, use_cases: UseCases
) -> FloorOut:
    floor = await use_cases.floor_plan.floor(uow, tenant_id=actor.tenant_id, floor_id=floor_id)
    return FloorOut.model_validate(floor)


@router.patch("/floors/{floor_id}", response_model=FloorOut)
async def edit_floor(
    floor_id: uuid.UUID, body: FloorPatch, actor: StaffAdmin, uow: UoW, use_cases: UseCases
) -> FloorOut:
    floor = await use_cases.floor_plan.edit_floor(
        uow, actor=actor, floor_id=floor_id, changes=body.changes()
    )
    return FloorOut.model_validate(floor)


@router.delete("/floors/{floor_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_floor(
    floor_id: uuid.UUID, actor: StaffAdmin, uow: UoW, use_cases: UseCases
) -> Response:
    """Only an empty floor can be removed (409 while it has tables)."""
    await use_cases.floor_plan.remove_floor(uow, actor=actor, floor_id=floor_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/tables", status_code=status.HTTP_201_CREATED, response_model=TableOut)
async def add_table(body: TableIn, actor: StaffAdmin, uow: UoW, use_cases: UseCases) -> TableOut:
    table = await use_cases.floor_plan.add_table(
        uow,
        actor=actor,
        floor_id=body.floor_id,
        name=body.name,
        seats=body.seats,
        shape=body.shape,
        placement=body.placement(),
    )
    return TableOut.model_validate(table)


@router.get("/tables", response_model=TablePage)
async def list_tables(
    actor: AnyStaff,
    uow: UoW,
    use_cases: UseCases,
    page: Annotated[PageRequest, Depends(page_request(TABLES))],
    floor_id: uuid.UUID | None = None,
    status: TableStatus | None = None,
) -> TablePage:
    """By name; filter by `floor_id` and `status` (free|occupied)."""
    found = await use_cases.floor_plan.tables(
        uow, tenant_id=actor.tenant_id, floor_id=floor_id, status=status, page=page
    )
    return TablePage.build(found, TABLES, TableOut.model_validate)


@router.get("/tables/{table_id}", response_model=TableOut)
async def get_table(
    table_id: uuid.UUID, actor: AnyStaff, uow: UoW, use_cases: UseCases
) -> TableOut:
    table = await use_cases.floor_plan.table(uow, tenant_id=actor.tenant_id, table_id=table_id)
    return TableOut.model_validate(table)


@router.patch("/tables/{table_id}", response_model=TableOut)
async def edit_table(
    table_id: uuid.UUID, body: TablePatch, actor: FrontOfHouse, uow: UoW, use_cases: UseCases
) -> TableOut:
    """Layout fields need an owner or manager; `status` (and `current_order_id`) any
    front-of-house staff. Both parts commit together or not at all."""
    table = await use_cases.floor_plan.table(uow, tenant_id=actor.tenant_id, table_id=table_id)
    layout = body.layout_changes()
    if layout:
        table = await use_cases.floor_plan.rearrange_table(
            uow, actor=actor, table_id=table_id, changes=layout
        )
    if body.status is not None:
        table = await use_cases.seating.mark(
            uow, actor=actor, table_id=table_id, status=body.status, order_id=body.current_order_id
        )
    return TableOut.model_validate(table)


@router.delete("/tables/{table_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_table(
    table_id: uuid.UUID, actor: StaffAdmin, uow: UoW, use_cases: UseCases
) -> Response:
    """Only a free table can be removed (409 while it is occupied)."""
    await use_cases.floor_plan.remove_table(uow, actor=actor, table_id=table_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/tables/{table_id}/move-order", response_model=MoveOrderOut)
async def move_order(
    table_id: uuid.UUID, body: MoveOrderIn, actor: FrontOfHouse, uow: UoW, use_cases: UseCases
) -> MoveOrderOut:
    """Guests change tables with their order: this table must be occupied, the target
    free (409 otherwise). Both tables change, and both announce it, in one transaction."""
    source, target = await use_cases.seating.move_order(
        uow,
        actor=actor,
        from_table_id=table_id,
        to_table_id=body.to_table_id,
        order_id=body.order_id,
    )
    return MoveOrderOut(
        from_table=TableOut.model_validate(source), to_table=TableOut.model_validate(target)
    )
