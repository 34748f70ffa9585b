"""Receipts: an order's figures under its restaurant's name, in the restaurant's time zone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pos_core.adapters.repositories import OrderRepository, RestaurantProfileRepository
from pos_core.domain.receipts import Receipt, build_receipt
from pos_core.use_cases.caller import Caller, load_order
from pos_core.use_cases.restaurant_profiles import RestaurantProfiles
from pos_kit.uow import UnitOfWork


@dataclass
class Receipts:
    profiles: RestaurantProfiles

    async def for_order(self, uow: UnitOfWork, *, caller: Caller, order_id: uuid.UUID) -> Receipt:
        async with uow.step():
            order = await load_order(OrderRepository(uow.session), caller, order_id)
            profile = await RestaurantProfileRepository(uow.session).get(caller.tenant_id)
        if profile is None:
            # Between the steps: no transaction is open while the restaurant service answers.
            profile = await self.profiles.catch_up(uow, caller=caller)
        # Until the restaurant service names tables, a table shows as the start of its id.
        table_label = str(order.table_id)[:8] if order.table_id is not None else None
        moment = order.placed_at or order.created_at
        return build_receipt(
            order,
            restaurant_name=profile.name,
            restaurant_address=profile.address,
            local_time=moment.astimezone(ZoneInfo(profile.timezone)),
            table_label=table_label,
            fallback_currency=profile.currency,
            footer=profile.receipt_footer or "",
        )
