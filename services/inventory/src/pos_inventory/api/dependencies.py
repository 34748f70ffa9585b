"""How routers reach inventory's use cases, and who the caller is and may be."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from pos_inventory.domain.access import MENU_MANAGERS, RESERVE_SCOPE, STAFF
from pos_inventory.services.catalogue import CategoryServices, ProductServices
from pos_inventory.services.reservations import ReservationServices
from pos_inventory.services.stock import StockServices
from pos_kit.pagination import decode_cursor
from pos_kit.problems import BadRequest, Forbidden, Unauthorized
from pos_kit.security import CurrentPrincipal, require_roles
from pos_kit.tokens import Principal


@dataclass
class InventoryServices:
    categories: CategoryServices
    products: ProductServices
    stock: StockServices
    reservations: ReservationServices


def _services(request: Request) -> InventoryServices:
    services: InventoryServices = request.app.state.inventory_services
    return services


Services = Annotated[InventoryServices, Depends(_services)]

MenuReader = Annotated[Principal, Depends(require_roles(*STAFF))]
MenuManager = Annotated[Principal, Depends(require_roles(*MENU_MANAGERS))]


async def _may_reserve(principal: CurrentPrincipal) -> Principal:
    """Staff reserve for the orders they take; a service account only with the scope and a
    token that names the tenant (the tenant never comes from the request)."""
    if principal.role in STAFF:
        return principal
    if RESERVE_SCOPE in principal.scopes and principal.tenant_id:
        return principal
    raise Forbidden(
        f"Reserving stock needs a staff login or a service token with the scope "
        f"'{RESERVE_SCOPE}' issued for the restaurant."
    )


Reserver = Annotated[Principal, Depends(_may_reserve)]


def tenant_of(principal: Principal) -> uuid.UUID:
    try:
        return uuid.UUID(principal.tenant_id or "")
    except ValueError as exc:
        raise Unauthorized("The token names no valid restaurant (tenant).") from exc


T = TypeVar("T")


def position(cursor: str | None, parse: Callable[[dict[str, Any]], T]) -> T | None:
    """Where a page starts: the decoded cursor, or 400 if it is not one we handed out."""
    decoded = decode_cursor(cursor)
    if decoded is None:
        return None
    try:
        return parse(decoded)
    except (KeyError, TypeError, ValueError) as exc:
        raise BadRequest("The cursor is not one this service handed out.") from exc
