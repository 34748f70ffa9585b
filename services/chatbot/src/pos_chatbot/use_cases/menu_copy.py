"""The chatbot's copy of each restaurant's menu: fed by inventory's events, caught up when needed.

Events keep the copy current (`apply`, `remove`). The copy catches up from inventory's
API only when it cannot answer from what it has: a restaurant it has never heard of
(the first question for a tenant), or an item a guest refers to that it has never
seen (a gap: its event is late or lost). Catching up is once per restaurant at a time
and at most every `catch_up_interval` seconds, so no stream of messages, and no guest
sending made-up ids, turns into a stream of calls to inventory. A catch-up reads the
menu with the chatbot's own token for the restaurant (scope `menu:read`), not the
caller's: a guest may not read inventory, yet their first question needs the menu.
If inventory cannot answer, the copy answers with what it has.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import structlog

from pos_chatbot.adapters.inventory import InventoryClient
from pos_chatbot.adapters.store.menu_items import MenuItemRepository
from pos_chatbot.domain.menu import Menu, MenuItem
from pos_chatbot.use_cases.metrics import MENU_CATCH_UPS
from pos_kit.http import DownstreamError

log = structlog.get_logger(__name__)


class MenuCopy:
    def __init__(
        self,
        items: MenuItemRepository,
        inventory: InventoryClient,
        *,
        catch_up_interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._items = items
        self._inventory = inventory
        self._catch_up_interval = catch_up_interval
        self._clock = clock
        self._last_catch_up: dict[uuid.UUID, float] = {}
        self._catching_up: dict[uuid.UUID, asyncio.Lock] = {}

    async def apply(self, tenant_id: uuid.UUID, item: MenuItem) -> bool:
        """Take inventory's description of an item unless the copy's is as new; True if taken."""
        return await self._items.put(tenant_id, item, now=datetime.now(UTC))

    async def remove(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> None:
        await self._items.bury(tenant_id, product_id, now=datetime.now(UTC))

    async def menu_for(self, tenant_id: uuid.UUID) -> Menu:
        """The restaurant's menu; caught up from inventory first if the copy never had it."""
        items, known = await self._items.menu(tenant_id)
        if not known:
            await self._catch_up(tenant_id)
            items, _ = await self._items.menu(tenant_id)
        return Menu(tuple(items))

    async def item_for(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> MenuItem | None:
        """One item; an item the copy never heard of is a gap, caught up once."""
        item = await self._items.get(tenant_id, product_id)
        if item is not None:
            return item
        if await self._items.version_of(tenant_id, product_id) is not None:
            return None  # deleted: the tombstone is the answer
        await self._catch_up(tenant_id)
        return await self._items.get(tenant_id, product_id)

    async def _catch_up(self, tenant_id: uuid.UUID) -> None:
        """Copy the restaurant's whole menu from inventory, unless that was done (or tried)
        a moment ago, maybe by the request this one waited behind."""
        lock = self._catching_up.setdefault(tenant_id, asyncio.Lock())
        async with lock:
            last = self._last_catch_up.get(tenant_id)
            if last is not None and self._clock() - last < self._catch_up_interval:
                return
            self._last_catch_up[tenant_id] = self._clock()
            try:
                items = await self._inventory.menu(tenant_id=tenant_id)
            except DownstreamError as exc:
                MENU_CATCH_UPS.labels("failed").inc()
                log.warning("menu_catch_up_failed", tenant_id=str(tenant_id), error=exc.detail)
                return
            for item in items:
                await self.apply(tenant_id, item)
            MENU_CATCH_UPS.labels("done").inc()
            log.info("menu_caught_up", tenant_id=str(tenant_id), items=len(items))
