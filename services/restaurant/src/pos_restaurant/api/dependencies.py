"""How routers reach restaurant's use cases and learn who is acting."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from pos_kit.db import Database
from pos_kit.problems import Unauthorized
from pos_kit.security import require_roles
from pos_kit.tokens import Principal
from pos_restaurant.domain.staff import ALL_ROLES, FRONT_OF_HOUSE, STAFF_ADMINS, Actor, Role
from pos_restaurant.services.floor_plan import FloorPlan
from pos_restaurant.services.profile import Profiles
from pos_restaurant.services.seating import Seating
from pos_restaurant.services.staff import StaffRoster


@dataclass
class RestaurantServices:
    profiles: Profiles
    floor_plan: FloorPlan
    seating: Seating
    staff: StaffRoster


def _services(request: Request) -> RestaurantServices:
    services: RestaurantServices = request.app.state.restaurant_services
    return services


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


Services = Annotated[RestaurantServices, Depends(_services)]
# For the one use case that runs its own transaction (adding staff with a login).
OwnDatabase = Annotated[Database, Depends(_database)]


def _acting(*roles: str) -> Callable[[Principal], Awaitable[Actor]]:
    """A dependency: the member of staff acting, if their role is one of `roles` (403 if not)."""
    check = require_roles(*roles)

    # A default rather than Annotated: `check` is a local, which FastAPI could not find
    # when it resolves this module's postponed (string) annotations.
    async def actor(principal: Principal = Depends(check)) -> Actor:
        try:
            tenant_id = uuid.UUID(str(principal.tenant_id))
        except ValueError as exc:
            raise Unauthorized("The token's tenant is not a valid id.") from exc
        return Actor(tenant_id=tenant_id, role=Role(str(principal.role)), user_id=principal.subject)

    return actor


AnyStaff = Annotated[Actor, Depends(_acting(*ALL_ROLES))]
FrontOfHouse = Annotated[Actor, Depends(_acting(*FRONT_OF_HOUSE))]
StaffAdmin = Annotated[Actor, Depends(_acting(*STAFF_ADMINS))]
