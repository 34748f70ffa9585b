"""Orders and their items: the SQL of the order aggregate. Every query filters on the tenant."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Table, delete, insert, select, update

from pos_core.adapters.tables import OrderCounterRow, OrderItemRow, OrderRow
from pos_core.domain.errors import DuplicateIdempotencyKey
from pos_core.domain.menu import ChosenModifier
from pos_core.domain.orders import Order, OrderItem, OrderStatus, ReservationStatus
from pos_kit.mapping import build
from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository, column_values

# Chosen modifiers are stored as JSON: [{group_id, group_name, option_id, name, price_delta}].
_MODIFIERS = TypeAdapter(tuple[ChosenModifier, ...])
# What an order is opened with; every other column changes over its life.
_SET_AT_OPENING = (
    "id",
    "tenant_id",
    "number",
    "type",
    "table_id",
    "guests",
    "created_at",
    "created_by",
)


def _item(row: OrderItemRow) -> OrderItem:
    return build(OrderItem, row, modifiers=_MODIFIERS.validate_python(row.modifiers))


def _item_row(order: Order, item: OrderItem, position: int) -> dict[str, Any]:
    return column_values(
        item,
        OrderItemRow,
        tenant_id=order.tenant_id,
        order_id=order.id,
        position=position,
        modifiers=_MODIFIERS.dump_python(item.modifiers, mode="json"),
    )


def _order(row: OrderRow, items: list[OrderItem]) -> Order:
    return build(Order, row, items=items)


def _state(order: Order) -> dict[str, Any]:
    """The columns that change over an order's life."""
    return column_values(order, OrderRow, exclude=_SET_AT_OPENING)


class OrderRepository(Repository):
    async def next_number(self, tenant_id: uuid.UUID) -> int:
        """The restaurant's next order number. On PostgreSQL concurrent calls queue on the row."""
        table = OrderCounterRow.__table__
        assert isinstance(table, Table)
        statement = (
            self.insert(table)
            .values(tenant_id=tenant_id, last_number=1)
            .on_conflict_do_update(
                index_elements=[table.c.tenant_id],
                set_={"last_number": table.c.last_number + 1},
            )
            .returning(table.c.last_number)
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def add(
        self,
        order: Order,
        *,
        idempotency_key: str | None = None,
        request_fingerprint: str | None = None,
    ) -> None:
        row = column_values(
            order,
            OrderRow,
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint,
        )
        # A lost race on the Idempotency-Key leaves the transaction usable (a savepoint).
        async with self.unique(
            lambda: DuplicateIdempotencyKey(idempotency_key), marker="idempotency_key"
        ):
            await self.session.execute(insert(OrderRow).values(**row))
        if order.items:
            await self.session.execute(
                insert(OrderItemRow),
                [_item_row(order, item, n) for n, item in enumerate(order.items)],
            )

    async def by_idempotency_key(
        self, *, tenant_id: uuid.UUID, key: str
    ) -> tuple[Order, str | None] | None:
        row = await self.session.scalar(
            select(OrderRow).where(OrderRow.tenant_id == tenant_id, OrderRow.idempotency_key == key)
        )
        if row is None:
            return None
        return _order(row, await self._items(tenant_id, [row.id])), row.request_fingerprint

    async def get(
        self, *, tenant_id: uuid.UUID, order_id: uuid.UUID, for_update: bool = False
    ) -> Order | None:
        query = select(OrderRow).where(OrderRow.tenant_id == tenant_id, OrderRow.id == order_id)
        if for_update:
            # Serialises changes to one order; a no-op on SQLite, which has one writer anyway.
            query = query.with_for_update()
        row = await self.session.scalar(query)
        if row is None:
            return None
        return _order(row, await self._items(tenant_id, [row.id]))

    async def _items(self, tenant_id: uuid.UUID, order_ids: list[uuid.UUID]) -> list[OrderItem]:
        rows = await self.session.scalars(
            select(OrderItemRow)
            .where(OrderItemRow.tenant_id == tenant_id, OrderItemRow.order_id.in_(order_ids))
            .order_by(OrderItemRow.order_id, OrderItemRow.position)
        )
        return [_item(r) for r in rows]

    async def save(self, order: Order) -> None:
        """Write the order's state and bring its stored items in line with the aggregate's."""
        await self.session.execute(
            update(OrderRow)
            .where(OrderRow.tenant_id == order.tenant_id, OrderRow.id == order.id)
            .values(**_state(order))
        )
        positions = await self.session.execute(
            select(OrderItemRow.id, OrderItemRow.position).where(
                OrderItemRow.tenant_id == order.tenant_id,
                OrderItemRow.order_id == order.id,
            )
        )
        stored: dict[uuid.UUID, int] = {item_id: position for item_id, position in positions}
        wanted = {item.id for item in order.items}
        gone = [item_id for item_id in stored if item_id not in wanted]
        if gone:
            await self.session.execute(
                delete(OrderItemRow).where(
                    OrderItemRow.tenant_id == order.tenant_id, OrderItemRow.id.in_(gone)
                )
            )
        new = [item for item in order.items if item.id not in stored]
        if new:
            start = max(stored.values(), default=-1) + 1
            await self.session.execute(
                insert(OrderItemRow),
                [_item_row(order, item, start + n) for n, item in enumerate(new)],
            )

    async def record_reservation_status(
        self,
        *,
        tenant_id: uuid.UUID,
        order_id: uuid.UUID,
        reservation_id: str,
        status: ReservationStatus,
    ) -> None:
        await self.session.execute(
            update(OrderRow)
            .where(
                OrderRow.tenant_id == tenant_id,
                OrderRow.id == order_id,
                OrderRow.reservation_id == reservation_id,
            )
            .values(reservation_status=status.value)
        )

    async def list_page(
        self, *, tenant_id: uuid.UUID, status: OrderStatus | None, page: PageRequest
    ) -> Slice[Order]:
        """Newest first, by (created_at, id)."""
        query = select(OrderRow).where(OrderRow.tenant_id == tenant_id)
        if status is not None:
            query = query.where(OrderRow.status == status.value)
        rows: Slice[OrderRow] = await self.keyset_page(
            query, key=[OrderRow.created_at, OrderRow.id], page=page, descending=True
        )
        items: dict[uuid.UUID, list[OrderItem]] = {row.id: [] for row in rows.items}
        if items:
            for item_row in await self.session.scalars(
                select(OrderItemRow)
                .where(
                    OrderItemRow.tenant_id == tenant_id,
                    OrderItemRow.order_id.in_(list(items)),
                )
                .order_by(OrderItemRow.position)
            ):
                items[item_row.order_id].append(_item(item_row))
        return rows.map(lambda row: _order(row, items[row.id]))
