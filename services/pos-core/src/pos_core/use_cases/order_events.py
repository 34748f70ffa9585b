"""Recording an order's events: in the outbox, in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from pos_core.adapters.tables import outbox
from pos_core.domain import events
from pos_core.domain.orders import Order
from pos_kit.uow import UnitOfWork


async def record_order_event(
    uow: UnitOfWork, order: Order, event_type: str, data: dict[str, Any]
) -> None:
    """Record `order`'s event `event_type`; the relay publishes it once the change commits."""
    await outbox.record_event(
        uow,
        type=event_type,
        data=data,
        tenant_id=order.tenant_id,
        schema_version=events.SCHEMA_VERSION,
    )
