"""Staff: owners and managers add, edit and deactivate the people who work here."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from pos_kit.dependencies import DbSession
from pos_kit.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from pos_restaurant.api import cursors
from pos_restaurant.api.dependencies import OwnDatabase, Services, StaffAdmin
from pos_restaurant.api.schemas import StaffIn, StaffOut, StaffPage, StaffPatch
from pos_restaurant.services.staff import NewLogin

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=StaffOut)
async def hire(
    body: StaffIn, actor: StaffAdmin, database: OwnDatabase, services: Services
) -> StaffOut:
    """With `login`, auth makes the person's login first; if auth is down the answer is
    503 with Retry-After and nothing is saved anywhere."""
    login = (
        NewLogin(email=str(body.login.email), password=body.login.password)
        if body.login is not None
        else None
    )
    member = await services.staff.hire(
        database,
        actor=actor,
        full_name=body.full_name,
        role=body.role,
        phone=body.phone,
        email=str(body.email) if body.email is not None else None,
        login=login,
    )
    return StaffOut.of(member)


@router.get("", response_model=StaffPage)
async def list_staff(
    actor: StaffAdmin,
    db: DbSession,
    services: Services,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> StaffPage:
    found = await services.staff.list_page(
        db, tenant_id=actor.tenant_id, limit=limit + 1, after=cursors.time_position(cursor)
    )
    page = found[:limit]
    last = page[-1] if len(found) > limit else None
    return StaffPage(
        items=[StaffOut.of(m) for m in page],
        next_cursor=cursors.encode(last.created_at, last.id) if last else None,
    )


@router.get("/{staff_id}", response_model=StaffOut)
async def get_staff_member(
    staff_id: uuid.UUID, actor: StaffAdmin, db: DbSession, services: Services
) -> StaffOut:
    return StaffOut.of(await services.staff.get(db, tenant_id=actor.tenant_id, staff_id=staff_id))


@router.patch("/{staff_id}", response_model=StaffOut)
async def edit_staff_member(
    staff_id: uuid.UUID, body: StaffPatch, actor: StaffAdmin, db: DbSession, services: Services
) -> StaffOut:
    member = await services.staff.edit(db, actor=actor, staff_id=staff_id, changes=body.changes())
    return StaffOut.of(member)


@router.post("/{staff_id}/deactivate", response_model=StaffOut)
async def deactivate_staff_member(
    staff_id: uuid.UUID, actor: StaffAdmin, db: DbSession, services: Services
) -> StaffOut:
    """Stops the person's login in auth too (503 and no change while auth is down)."""
    member = await services.staff.deactivate(db, actor=actor, staff_id=staff_id)
    return StaffOut.of(member)
