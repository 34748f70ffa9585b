"""How routers reach pos-core's use cases and learn who is calling."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pos_core.domain.roles import CASHIERS, ORDER_READERS, ORDER_TAKERS
from pos_core.services.caller import Caller
from pos_core.services.lifecycle import OrderLifecycle
from pos_core.services.orders import OrderTaking
from pos_core.services.receipts import Receipts
from pos_kit.problems import Unauthorized
from pos_kit.security import require_roles
from pos_kit.tokens import Principal


@dataclass
class CoreServices:
    taking: OrderTaking
    lifecycle: OrderLifecycle
    receipts: Receipts


def _services(request: Request) -> CoreServices:
    services: CoreServices = request.app.state.core_services
    return services


Services = Annotated[CoreServices, Depends(_services)]

_bearer = HTTPBearer(auto_error=False)


def staff(*roles: str) -> Callable[..., Awaitable[Caller]]:
    """A dependency that admits staff with one of `roles` and keeps their token for inventory."""
    allowed = require_roles(*roles)

    # Plain defaults, not Annotated: `allowed` is local, and annotations here are strings.
    async def caller(
        principal: Principal = Depends(allowed),
        credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    ) -> Caller:
        assert credentials is not None  # the principal was verified from these credentials
        try:
            tenant_id = uuid.UUID(principal.tenant_id or "")
        except ValueError as exc:
            raise Unauthorized("The token names no valid restaurant.") from exc
        return Caller(
            tenant_id=tenant_id,
            subject=principal.subject,
            role=principal.role or "",
            token=credentials.credentials,
        )

    return caller


OrderTaker = Annotated[Caller, Depends(staff(*ORDER_TAKERS))]
OrderReader = Annotated[Caller, Depends(staff(*ORDER_READERS))]
Cashier = Annotated[Caller, Depends(staff(*CASHIERS))]
