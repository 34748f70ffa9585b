"""GET|PATCH /api/v1/restaurant: the profile (receipt heading and payment settings) every
member of staff reads and owners and managers edit."""

from __future__ import annotations

from fastapi import APIRouter

from pos_kit.dependencies import UoW
from pos_restaurant.api.dependencies import AnyStaff, StaffAdmin, UseCases
from pos_restaurant.api.schemas import ProfileOut, ProfilePatch

router = APIRouter(prefix="/api/v1/restaurant", tags=["restaurant"])


@router.get("", response_model=ProfileOut)
async def get_profile(actor: AnyStaff, uow: UoW, use_cases: UseCases) -> ProfileOut:
    """404 until the restaurant's `tenant.registered` event has been handled (seconds).
    Other services fill their copy from here when they have none yet."""
    return ProfileOut.model_validate(await use_cases.profiles.get(uow, tenant_id=actor.tenant_id))


@router.patch("", response_model=ProfileOut)
async def edit_profile(
    body: ProfilePatch, actor: StaffAdmin, uow: UoW, use_cases: UseCases
) -> ProfileOut:
    """Every change raises `version` by one and is announced as `restaurant.profile_changed`."""
    profile = await use_cases.profiles.edit(uow, tenant_id=actor.tenant_id, changes=body.changes())
    return ProfileOut.model_validate(profile)
