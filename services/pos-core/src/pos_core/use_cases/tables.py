"""An order's table must be one of the restaurant's own tables (issue 12).

The restaurant service owns the floor plan; pos-core asks it (with the caller's token,
so another restaurant's table answers 404 exactly like a made-up one) and remembers a
table it confirmed for a while, so that a busy dining room costs one call per table,
not one per order. With the restaurant service away, a table not confirmed lately
cannot be used (503): an order is never opened on a table that is not the restaurant's.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from pos_core.adapters.restaurant import RestaurantClient
from pos_core.domain.errors import UnknownTable
from pos_core.use_cases.caller import Caller


@dataclass
class TableCheck:
    restaurant: RestaurantClient
    remember_seconds: float = 600.0
    max_remembered: int = 10_000
    clock: Callable[[], float] = time.monotonic
    # (tenant, table) -> when the restaurant service last confirmed it; per tenant by key.
    _confirmed: OrderedDict[tuple[uuid.UUID, uuid.UUID], float] = field(default_factory=OrderedDict)

    async def ensure_ours(self, caller: Caller, table_id: uuid.UUID) -> None:
        """Return if the table is the caller's restaurant's; else UnknownTable (422)."""
        key = (caller.tenant_id, table_id)
        now = self.clock()
        confirmed_at = self._confirmed.get(key)
        if confirmed_at is not None and now - confirmed_at < self.remember_seconds:
            self._confirmed.move_to_end(key)
            return
        if not await self.restaurant.has_table(table_id, token=caller.token):
            self._confirmed.pop(key, None)
            raise UnknownTable(str(table_id))
        self._confirmed[key] = now
        self._confirmed.move_to_end(key)
        if len(self._confirmed) > self.max_remembered:
            self._confirmed.popitem(last=False)
