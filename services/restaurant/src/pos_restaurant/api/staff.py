"""Staff: owners and managers add, edit and deactivate the people who work here."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, status

from pos_kit.dependencies import UoW
from pos_kit.pagination import Keyset, PageRequest, page_request
from pos_restaurant.api.dependencies import StaffAdmin, UseCases
from pos_restaurant.api.schemas import StaffIn, StaffOut, StaffPage, StaffPatch
from pos_restaurant.use_cases.staff import NewLogin

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])

STAFF = Keyset(datetime, uuid.UUID)  # in the order they were added: (created_at, id)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=StaffOut)
async def hire(body: StaffIn, actor: StaffAdmin, uow: UoW, use_cases: UseCases) -> StaffOut:
    """With `login`, auth makes the person's login first; if auth is down the answer is
    503 with Retry-After and nothing is saved anywhere."""
    login = (
        NewLogin(email=str(body.login.email), password=body.login.password)
        if body.login is not None
        else None
    )
    member = await use_cases.staff.hire(
        uow,
        actor=actor,
        full_name=body.full_name,
        role=body.role,
        phone=body.phone,
        email=str(body.email) if body.email is not None else None,
        login=login,
    )
    return StaffOut.model_validate(member)


@router.get("", response_model=StaffPage)
async def list_staff(
    actor: StaffAdmin,
    uow: UoW,
    use_cases: UseCases,
    page: Annotated[PageRequest, Depends(page_request(STAFF))],
) -> StaffPage:
    found = await use_cases.staff.list_page(uow, tenant_id=actor.tenant_id, page=page)
    return StaffPage.build(found, STAFF, StaffOut.model_validate)


@router.get("/{staff_id}", response_model=StaffOut)
async def get_staff_member(
    staff_id: uuid.UUID, actor: StaffAdmin, uow: UoW, use_cases: UseCases
) -> StaffOut:
    member = await use_cases.staff.get(uow, tenant_id=actor.tenant_id, staff_id=staff_id)
    return StaffOut.model_validate(member)


@router.patch("/{staff_id}", response_model=StaffOut)
async def edit_staff_member(
    staff_id: uuid.UUID, body: StaffPatch, actor: StaffAdmin, uow: UoW, use_cases: UseCases
) -> StaffOut:
    member = await use_cases.staff.edit(uow, actor=actor, staff_id=staff_id, changes=body.changes())
    return StaffOut.model_validate(member)


@router.post("/{staff_id}/deactivate", response_model=StaffOut)
async def deactivate_staff_member(
    staff_id: uuid.UUID, actor: StaffAdmin, uow: UoW, use_cases: UseCases
) -> StaffOut:
    """Stops the person's login in auth too (503 and no change while auth is down)."""
    member = await use_cases.staff.deactivate(uow, actor=actor, staff_id=staff_id)
    return StaffOut.model_validate(member)
