"""Receipts: an order's figures with the restaurant's name, in its time zone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from pos_core.adapters.repositories import OrderRepository
from pos_core.domain.receipts import Receipt, RestaurantProfile, build_receipt
from pos_core.services.caller import Caller, load_order


class RestaurantProfiles(Protocol):
    """The seam to the restaurant service (see adapters/restaurants.py)."""

    async def profile(self, tenant_id: uuid.UUID) -> RestaurantProfile: ...

    async def table_label(self, tenant_id: uuid.UUID, table_id: uuid.UUID) -> str | None: ...


@dataclass
class Receipts:
    restaurants: RestaurantProfiles

    async def for_order(
        self, session: AsyncSession, *, caller: Caller, order_id: uuid.UUID
    ) -> Receipt:
        order = await load_order(OrderRepository(session), caller, order_id)
        profile = await self.restaurants.profile(caller.tenant_id)
        table_label = None
        if order.table_id is not None:
            table_label = (
                await self.restaurants.table_label(caller.tenant_id, order.table_id)
                or str(order.table_id)[:8]
            )
        moment = order.placed_at or order.created_at
        return build_receipt(
            order,
            restaurant_name=profile.name,
            local_time=moment.astimezone(ZoneInfo(profile.timezone)),
            table_label=table_label,
            fallback_currency=profile.currency,
            footer=profile.receipt_footer,
        )
