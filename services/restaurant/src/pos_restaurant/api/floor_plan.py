"""Floors and tables: the floor plan (owner or manager) and seating (front-of-house staff)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from pos_kit.dependencies import DbSession
from pos_kit.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from pos_restaurant.api import cursors
from pos_restaurant.api.dependencies import AnyStaff, FrontOfHouse, Services, StaffAdmin
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

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=500)]


@router.post("/floors", status_code=status.HTTP_201_CREATED, response_model=FloorOut)
async def add_floor(
    body: FloorIn, actor: StaffAdmin, db: DbSession, services: Services
) -> FloorOut:
    floor = await services.floor_plan.add_floor(
        db, actor=actor, name=body.name, sort_order=body.sort_order
    )
    return FloorOut.of(floor)


@router.get("/floors", response_model=FloorPage)
async def list_floors(
    actor: AnyStaff,
    db: DbSession,
    services: Services,
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> FloorPage:
    """In the order the floor plan shows them (`sort_order`)."""
    found = await services.floor_plan.floors(
        db, tenant_id=actor.tenant_id, limit=limit + 1, after=cursors.int_position(cursor)
    )
    page = found[:limit]
    last = page[-1] if len(found) > limit else None
    return FloorPage(
        items=[FloorOut.of(f) for f in page],
        next_cursor=cursors.encode(last.sort_order, last.id) if last else None,
    )


@router.get("/floors/{floor_id}", response_model=FloorOut)
async def get_floor(
    floor_id: uuid.UUID, actor: AnyStaff, db: DbSession, services: Services
) -> FloorOut:
    floor = await services.floor_plan.floor(db, tenant_id=actor.tenant_id, floor_id=floor_id)
    return FloorOut.of(floor)


@router.patch("/floors/{floor_id}", response_model=FloorOut)
async def edit_floor(
    floor_id: uuid.UUID, body: FloorPatch, actor: StaffAdmin, db: DbSession, services: Services
) -> FloorOut:
    floor = await services.floor_plan.edit_floor(
        db, actor=actor, floor_id=floor_id, changes=body.changes()
    )
    return FloorOut.of(floor)


@router.delete("/floors/{floor_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_floor(
    floor_id: uuid.UUID, actor: StaffAdmin, db: DbSession, services: Services
) -> Response:
    """Only an empty floor can be removed (409 while it has tables)."""
    await services.floor_plan.remove_floor(db, actor=actor, floor_id=floor_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/tables", status_code=status.HTTP_201_CREATED, response_model=TableOut)
async def add_table(
    body: TableIn, actor: StaffAdmin, db: DbSession, services: Services
) -> TableOut:
    table = await services.floor_plan.add_table(
        db,
        actor=actor,
        floor_id=body.floor_id,
        name=body.name,
        seats=body.seats,
        shape=body.shape,
        placement=body.placement(),
    )
    return TableOut.of(table)


@router.get("/tables", response_model=TablePage)
async def list_tables(
    actor: AnyStaff,
    db: DbSession,
    services: Services,
    floor_id: uuid.UUID | None = None,
    status: TableStatus | None = None,
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> TablePage:
    """By name; filter by `floor_id` and `status` (free|occupied)."""
    found = await services.floor_plan.tables(
        db,
        tenant_id=actor.tenant_id,
        floor_id=floor_id,
        status=status,
        limit=limit + 1,
        after=cursors.str_position(cursor),
    )
    page = found[:limit]
    last = page[-1] if len(found) > limit else None
    return TablePage(
        items=[TableOut.of(t) for t in page],
        next_cursor=cursors.encode(last.name, last.id) if last else None,
    )


@router.get("/tables/{table_id}", response_model=TableOut)
async def get_table(
    table_id: uuid.UUID, actor: AnyStaff, db: DbSession, services: Services
) -> TableOut:
    table = await services.floor_plan.table(db, tenant_id=actor.tenant_id, table_id=table_id)
    return TableOut.of(table)


@router.patch("/tables/{table_id}", response_model=TableOut)
async def edit_table(
    table_id: uuid.UUID, body: TablePatch, actor: FrontOfHouse, db: DbSession, services: Services
) -> TableOut:
    """Layout fields need an owner or manager; `status` (and `current_order_id`) any
    front-of-house staff. Both parts commit together or not at all."""
    table = await services.floor_plan.table(db, tenant_id=actor.tenant_id, table_id=table_id)
    layout = body.layout_changes()
    if layout:
        table = await services.floor_plan.rearrange_table(
            db, actor=actor, table_id=table_id, changes=layout
        )
    if body.status is not None:
        table = await services.seating.mark(
            db, actor=actor, table_id=table_id, status=body.status, order_id=body.current_order_id
        )
    return TableOut.of(table)


@router.delete("/tables/{table_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_table(
    table_id: uuid.UUID, actor: StaffAdmin, db: DbSession, services: Services
) -> Response:
    """Only a free table can be removed (409 while it is occupied)."""
    await services.floor_plan.remove_table(db, actor=actor, table_id=table_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/tables/{table_id}/move-order", response_model=MoveOrderOut)
async def move_order(
    table_id: uuid.UUID, body: MoveOrderIn, actor: FrontOfHouse, db: DbSession, services: Services
) -> MoveOrderOut:
    """Guests change tables with their order: this table must be occupied, the target
    free (409 otherwise). Both tables change, and both announce it, in one transaction."""
    source, target = await services.seating.move_order(
        db,
        actor=actor,
        from_table_id=table_id,
        to_table_id=body.to_table_id,
        order_id=body.order_id,
    )
    return MoveOrderOut(from_table=TableOut.of(source), to_table=TableOut.of(target))
