"""How routers reach restaurant's use cases and learn which member of staff is acting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from pos_kit.dependencies import app_state
from pos_kit.security import require_roles
from pos_kit.tokens import Principal
from pos_restaurant.domain.staff import ALL_ROLES, FRONT_OF_HOUSE, STAFF_ADMINS, Actor, Role
from pos_restaurant.use_cases.floor_plan import FloorPlan
from pos_restaurant.use_cases.guest_links import GuestLinks
from pos_restaurant.use_cases.profile import Profiles
from pos_restaurant.use_cases.seating import Seating
from pos_restaurant.use_cases.staff import StaffRoster


@dataclass(frozen=True)
class RestaurantUseCases:
    profiles: Profiles
    floor_plan: FloorPlan
    seating: Seating
    staff: StaffRoster
    guest_links: GuestLinks


UseCases = Annotated[RestaurantUseCases, Depends(app_state(RestaurantUseCases))]


def _acting(*roles: str) -> Callable[[Principal], Awaitable[Actor]]:
    """A dependency: the member of staff acting, if their role is one of `roles` (403 if not)."""
    check = require_roles(*roles)

    # A default rather than Annotated: `check` is a local, which FastAPI could not find
    # when it resolves this module's postponed (string) annotations.
    async def actor(principal: Principal = Depends(check)) -> Actor:
        return Actor(
            tenant_id=principal.tenant, role=Role(str(principal.role)), user_id=principal.subject
        )

    return actor


AnyStaff = Annotated[Actor, Depends(_acting(*ALL_ROLES))]
FrontOfHouse = Annotated[Actor, Depends(_acting(*FRONT_OF_HOUSE))]
StaffAdmin = Annotated[Actor, Depends(_acting(*STAFF_ADMINS))]
