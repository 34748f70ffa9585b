"""How routers reach inventory's use cases, and who the caller is and may be."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from pos_inventory.domain.access import MENU_MANAGERS, MENU_READ_SCOPE, RESERVE_SCOPE, STAFF
from pos_inventory.use_cases import InventoryUseCases
from pos_kit.dependencies import app_state
from pos_kit.security import require_role_or_scope, require_roles
from pos_kit.tokens import Principal

UseCases = Annotated[InventoryUseCases, Depends(app_state(InventoryUseCases))]

# Staff read the menu; so does a service account with the scope for one tenant (the
# chatbot's copy of the menu).
MenuReader = Annotated[Principal, Depends(require_role_or_scope(*STAFF, scope=MENU_READ_SCOPE))]
StockReader = Annotated[Principal, Depends(require_roles(*STAFF))]
MenuManager = Annotated[Principal, Depends(require_roles(*MENU_MANAGERS))]
# Staff reserve for the orders they take; a service account only with the scope and a
# token that names the tenant (the tenant never comes from the request).
Reserver = Annotated[Principal, Depends(require_role_or_scope(*STAFF, scope=RESERVE_SCOPE))]
