"""The order copies' SQL: learn what an event or pos-core says, lock an order, its paid lines."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import Select, delete, insert, select, update

from pos_kit.clock import utcnow
from pos_kit.mapping import build
from pos_kit.repository import Repository, column_values
from pos_payment.adapters.tables import OrderRow, PaidLineRow
from pos_payment.domain.orders import Order


class OrderRepository(Repository):
    async def get(self, *, tenant_id: uuid.UUID, order_id: uuid.UUID) -> Order | None:
        row = await self.session.scalar(_one(tenant_id, order_id))
        return _order(row) if row else None

    async def lock(self, *, tenant_id: uuid.UUID, order_id: uuid.UUID) -> Order | None:
        """The copy, its row locked until the transaction ends: payments of one order queue."""
        row = await self.session.scalar(_one(tenant_id, order_id).with_for_update())
        return _order(row) if row else None

    async def many(
        self, *, tenant_id: uuid.UUID, order_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, Order]:
        if not order_ids:
            return {}
        rows = await self.session.scalars(
            select(OrderRow).where(
                OrderRow.tenant_id == tenant_id, OrderRow.order_id.in_(order_ids)
            )
        )
        return {row.order_id: _order(row) for row in rows}

    async def learn(self, news: Order) -> Order:
        """Merge `news` into the copy (creating it) and lock it; the copy as it now stands."""
        await self.insert_once(OrderRow, _values(news))
        known = await self.lock(tenant_id=news.tenant_id, order_id=news.id)
        assert known is not None  # inserted above, or there already
        merged = known.merged_with(news)
        if merged != known:
            await self.session.execute(
                update(OrderRow)
                .where(OrderRow.tenant_id == news.tenant_id, OrderRow.order_id == news.id)
                .values(**_values(merged))
            )
        return merged

    async def paid_lines(
        self, *, tenant_id: uuid.UUID, order_id: uuid.UUID
    ) -> frozenset[uuid.UUID]:
        found = await self.session.scalars(
            select(PaidLineRow.item_id).where(
                PaidLineRow.tenant_id == tenant_id, PaidLineRow.order_id == order_id
            )
        )
        return frozenset(found)

    async def mark_lines_paid(
        self,
        *,
        tenant_id: uuid.UUID,
        order_id: uuid.UUID,
        lines: Collection[uuid.UUID],
        payment_id: uuid.UUID,
    ) -> None:
        """The primary key refuses a line paid twice, whatever the checks above did."""
        if lines:
            await self.session.execute(
                insert(PaidLineRow),
                [
                    {
                        "tenant_id": tenant_id,
                        "order_id": order_id,
                        "item_id": line,
                        "payment_id": payment_id,
                    }
                    for line in lines
                ],
            )

    async def free_lines(self, *, tenant_id: uuid.UUID, payment_id: uuid.UUID) -> None:
        """A declined payment's lines are unpaid again."""
        await self.session.execute(
            delete(PaidLineRow).where(
                PaidLineRow.tenant_id == tenant_id, PaidLineRow.payment_id == payment_id
            )
        )


def _one(tenant_id: uuid.UUID, order_id: uuid.UUID) -> Select[OrderRow]:
    return select(OrderRow).where(OrderRow.tenant_id == tenant_id, OrderRow.order_id == order_id)


def _values(order: Order) -> dict[str, object]:
    return column_values(
        order,
        OrderRow,
        order_id=order.id,
        lines={str(item): total for item, total in order.lines.items()},
        updated_at=utcnow(),
    )


def _order(row: OrderRow) -> Order:
    return build(
        Order,
        row,
        id=row.order_id,
        lines={uuid.UUID(item): total for item, total in row.lines.items()},
    )
