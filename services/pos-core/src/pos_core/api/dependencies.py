"""How routers reach pos-core's use cases and learn who is calling."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from pos_core.domain.roles import CASHIERS, ORDER_READERS, ORDER_TAKERS
from pos_core.use_cases.caller import Caller
from pos_core.use_cases.lifecycle import OrderLifecycle
from pos_core.use_cases.orders import OrderTaking
from pos_core.use_cases.receipts import Receipts
from pos_core.use_cases.restaurant_profiles import RestaurantProfiles
from pos_core.use_cases.settlement import Settlement
from pos_kit.dependencies import app_state
from pos_kit.security import require_roles
from pos_kit.tokens import Principal


@dataclass
class CoreUseCases:
    taking: OrderTaking
    lifecycle: OrderLifecycle
    receipts: Receipts
    restaurant_profiles: RestaurantProfiles
    settlement: Settlement


UseCases = Annotated[CoreUseCases, Depends(app_state(CoreUseCases))]


def staff(*roles: str) -> Callable[..., Awaitable[Caller]]:
    """A dependency that admits staff with one of `roles` and keeps their token for inventory."""
    allowed = require_roles(*roles)

    # A plain default, not Annotated: `allowed` is local, and annotations here are strings.
    async def caller(principal: Principal = Depends(allowed)) -> Caller:
        return Caller(
            tenant_id=principal.tenant,
            subject=principal.subject,
            role=principal.role or "",
            token=principal.token,
        )

    return caller


OrderTaker = Annotated[Caller, Depends(staff(*ORDER_TAKERS))]
OrderReader = Annotated[Caller, Depends(staff(*ORDER_READERS))]
Cashier = Annotated[Caller, Depends(staff(*CASHIERS))]
