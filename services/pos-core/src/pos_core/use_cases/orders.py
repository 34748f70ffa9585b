"""Taking orders: open one, add and remove items, read them back.

Inventory is asked for products before the first SQL statement of the request,
so the request's transaction is never open while inventory answers.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import structlog

from pos_core.adapters.inventory import InventoryClient
from pos_core.adapters.repositories import OrderRepository
from pos_core.domain.errors import DuplicateIdempotencyKey, IdempotencyKeyReused
from pos_core.domain.menu import Product
from pos_core.domain.orders import Order, OrderItem, OrderStatus, OrderType
from pos_core.use_cases.caller import Caller, load_order
from pos_core.use_cases.tables import TableCheck
from pos_kit.clock import utcnow
from pos_kit.pagination import PageRequest, Slice
from pos_kit.uow import UnitOfWork

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class NewItem:
    product_id: uuid.UUID
    quantity: int
    notes: str | None = None
    modifiers: tuple[uuid.UUID, ...] = field(default_factory=tuple)


def request_fingerprint(
    *,
    type: OrderType,
    table_id: uuid.UUID | None,
    guests: int | None,
    items: Sequence[NewItem],
) -> str:
    canonical = {
        "type": type.value,
        "table_id": str(table_id) if table_id else None,
        "guests": guests,
        "items": [
            {
                "product_id": str(i.product_id),
                "quantity": i.quantity,
                "notes": i.notes,
                "modifiers": sorted(str(m) for m in i.modifiers),
            }
            for i in items
        ],
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


@dataclass
class OrderTaking:
    inventory: InventoryClient
    tables: TableCheck

    async def open_order(
        self,
        uow: UnitOfWork,
        *,
        caller: Caller,
        type: OrderType,
        table_id: uuid.UUID | None,
        guests: int | None,
        items: Sequence[NewItem],
        idempotency_key: str | None,
    ) -> tuple[Order, bool]:
        """The new order, and whether it is a replay of an earlier request with the same key."""
        fingerprint = (
            request_fingerprint(type=type, table_id=table_id, guests=guests, items=items)
            if idempotency_key
            else None
        )
        if table_id is not None:
            await self.tables.ensure_ours(caller, table_id)
        products = await self.inventory.products([i.product_id for i in items], token=caller.token)
        repo = OrderRepository(uow.session)
        if idempotency_key:
            earlier = await self._earlier(repo, caller, idempotency_key, fingerprint)
            if earlier is not None:
                return earlier, True
        now = utcnow()
        order = Order.open_new(
            tenant_id=caller.tenant_id,
            number=await repo.next_number(caller.tenant_id),
            type=type,
            table_id=table_id,
            guests=guests,
            now=now,
            by=caller.subject,
        )
        for new in items:
            order.add_item(self._item(products[new.product_id], new, caller, now), now)
        try:
            await repo.add(order, idempotency_key=idempotency_key, request_fingerprint=fingerprint)
        except DuplicateIdempotencyKey:
            # A concurrent request with the same key committed first: answer its order.
            assert idempotency_key is not None
            earlier = await self._earlier(repo, caller, idempotency_key, fingerprint)
            assert earlier is not None
            return earlier, True
        log.info("order_opened", order_id=str(order.id), order_number=order.number)
        return order, False

    async def _earlier(
        self, repo: OrderRepository, caller: Caller, key: str, fingerprint: str | None
    ) -> Order | None:
        found = await repo.by_idempotency_key(tenant_id=caller.tenant_id, key=key)
        if found is None:
            return None
        order, stored_fingerprint = found
        if stored_fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        return order

    @staticmethod
    def _item(product: Product, new: NewItem, caller: Caller, now: datetime) -> OrderItem:
        return OrderItem.from_product(
            product,
            quantity=new.quantity,
            notes=new.notes,
            option_ids=list(new.modifiers),
            now=now,
            by=caller.subject,
        )

    async def add_item(
        self, uow: UnitOfWork, *, caller: Caller, order_id: uuid.UUID, new: NewItem
    ) -> Order:
        product = await self.inventory.product(new.product_id, token=caller.token)
        repo = OrderRepository(uow.session)
        order = await load_order(repo, caller, order_id, for_update=True)
        now = utcnow()
        order.add_item(self._item(product, new, caller, now), now)
        await repo.save(order)
        return order

    async def remove_item(
        self, uow: UnitOfWork, *, caller: Caller, order_id: uuid.UUID, item_id: uuid.UUID
    ) -> Order:
        repo = OrderRepository(uow.session)
        order = await load_order(repo, caller, order_id, for_update=True)
        order.remove_item(item_id, utcnow())
        await repo.save(order)
        return order

    async def get(self, uow: UnitOfWork, *, caller: Caller, order_id: uuid.UUID) -> Order:
        return await load_order(OrderRepository(uow.session), caller, order_id)

    async def list_page(
        self, uow: UnitOfWork, *, caller: Caller, status: OrderStatus | None, page: PageRequest
    ) -> Slice[Order]:
        return await OrderRepository(uow.session).list_page(
            tenant_id=caller.tenant_id, status=status, page=page
        )
