"""Who is asking, as the use cases need it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pos_core.adapters.repositories import OrderRepository
from pos_core.domain.orders import Order
from pos_kit.errors import NotFound


@dataclass(frozen=True)
class Caller:
    """A member of staff of one restaurant, with the token other services see on their behalf."""

    tenant_id: uuid.UUID
    subject: str
    role: str
    # Forwarded when pos-core asks on the caller's behalf (inventory's products, the
    # restaurant's tables and profile), so the answer is for the same tenant and person.
    # Stock holds are pos-core's own business: they go with its own token, never this one.
    token: str


async def load_order(
    repo: OrderRepository, caller: Caller, order_id: uuid.UUID, *, for_update: bool = False
) -> Order:
    """The caller's order; another restaurant's answers exactly like a missing one."""
    order = await repo.get(tenant_id=caller.tenant_id, order_id=order_id, for_update=for_update)
    if order is None:
        raise NotFound("No such order.")
    return order
