"""How routers reach inventory's use cases, and who the caller is and may be."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from pos_inventory.domain.access import MENU_MANAGERS, MENU_READ_SCOPE, RESERVE_SCOPE, STAFF
from pos_inventory.use_cases import InventoryUseCases
from pos_kit.dependencies import app_state
from pos_kit.security import require_role_or_scope, require_roles, require_service_scope
from pos_kit.tokens import Principal

UseCases = Annotated[InventoryUseCases, Depends(app_state(InventoryUseCases))]

# Staff read the menu; so does a service account with the scope for one tenant (the
# chatbot's copy of the menu).
MenuReader = Annotated[Principal, Depends(require_role_or_scope(*STAFF, scope=MENU_READ_SCOPE))]
StockReader = Annotated[Principal, Depends(require_roles(*STAFF))]
MenuManager = Annotated[Principal, Depends(require_roles(*MENU_MANAGERS))]
# Holding, committing and releasing stock is pos-core's, as itself: only a service token
# with the scope that names the tenant (the tenant never comes from the request). No member
# of staff does it directly, whatever their role: they place, close and cancel orders.
Reserver = Annotated[Principal, Depends(require_service_scope(RESERVE_SCOPE))]
# A reservation is read by staff, or by the service account that holds it.
ReservationReader = Annotated[
    Principal, Depends(require_role_or_scope(*STAFF, scope=RESERVE_SCOPE))
]
