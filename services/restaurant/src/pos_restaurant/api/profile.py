"""GET|PATCH /api/v1/restaurant: the profile every member of staff reads and owners edit."""

from __future__ import annotations

from fastapi import APIRouter

from pos_kit.dependencies import DbSession
from pos_restaurant.api.dependencies import AnyStaff, Services, StaffAdmin
from pos_restaurant.api.schemas import ProfileOut, ProfilePatch

router = APIRouter(prefix="/api/v1/restaurant", tags=["restaurant"])


@router.get("", response_model=ProfileOut)
async def get_profile(actor: AnyStaff, db: DbSession, services: Services) -> ProfileOut:
    """404 until the restaurant's `tenant.registered` event has been handled (seconds)."""
    return ProfileOut.of(await services.profiles.get(db, tenant_id=actor.tenant_id))


@router.patch("", response_model=ProfileOut)
async def edit_profile(
    body: ProfilePatch, actor: StaffAdmin, db: DbSession, services: Services
) -> ProfileOut:
    profile = await services.profiles.edit(db, tenant_id=actor.tenant_id, changes=body.changes())
    return ProfileOut.of(profile)
