"""Who sits where: tables follow the orders placed, closed and cancelled at them.

Staff can also mark a table by hand and move an order to another table. Every
change is announced as `table.status_changed` through the outbox, in the same
transaction as the change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import structlog

from pos_kit.clock import utcnow
from pos_kit.errors import Conflict
from pos_kit.uow import UnitOfWork
from pos_restaurant.adapters.repositories import TableRepository
from pos_restaurant.adapters.tables import outbox
from pos_restaurant.domain.errors import TableNotFound
from pos_restaurant.domain.events import TABLE_STATUS_CHANGED, table_status_changed
from pos_restaurant.domain.floor_plan import SeatingReason, Table, TableStatus, move_order
from pos_restaurant.domain.staff import Actor

log = structlog.get_logger(__name__)


@dataclass
class Seating:
    # --- following pos-core's orders ----------------------------------------------

    async def order_placed(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        order_id: uuid.UUID,
        table_id: uuid.UUID,
    ) -> None:
        tables = TableRepository(uow.session)
        seated_at = await tables.holding_order(tenant_id=tenant_id, order_id=order_id)
        if seated_at is not None:
            # Seen before (a re-sent event under a new id), or moved here since: the
            # table it sits at now is the truth, not the one the order was placed at.
            log.info("order_already_seated", order_id=str(order_id), table_id=str(seated_at))
            return
        table = await tables.get(tenant_id=tenant_id, table_id=table_id, for_update=True)
        if table is None:
            # Deleted since, or a typo pos-core did not catch: nothing to seat, and no
            # retry would change that.
            log.warning(
                "order_placed_at_unknown_table", order_id=str(order_id), table_id=str(table_id)
            )
            return
        sharing = table.current_order_id
        change = table.seat_order(order_id, now=utcnow(), reason=SeatingReason.ORDER_PLACED)
        if change is None:
            return
        if sharing is not None:
            log.warning(
                "table_shared_by_orders",
                table_id=str(table.id),
                current_order_id=str(sharing),
                order_ids=[str(o) for o in table.order_ids],
            )
        await tables.save_seating(table)
        await outbox.record_event(
            uow, type=TABLE_STATUS_CHANGED, data=table_status_changed(change), tenant_id=tenant_id
        )

    async def order_ended(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        order_id: uuid.UUID,
        reason: SeatingReason,
    ) -> None:
        """An order closed or was cancelled: its table is found by the order, not by the
        table id in the event, which names where it was placed (it may have moved)."""
        tables = TableRepository(uow.session)
        table = await self._table_holding(tables, tenant_id=tenant_id, order_id=order_id)
        if table is None:
            log.info("ended_order_not_seated", order_id=str(order_id), reason=reason.value)
            return
        change = table.release_order(order_id, now=utcnow(), reason=reason)
        if change is None:
            return
        await tables.save_seating(table)
        await outbox.record_event(
            uow, type=TABLE_STATUS_CHANGED, data=table_status_changed(change), tenant_id=tenant_id
        )

    async def _table_holding(
        self, tables: TableRepository, *, tenant_id: uuid.UUID, order_id: uuid.UUID
    ) -> Table | None:
        # Look, lock, and look again: a move may have carried the order off in between.
        for _ in range(3):
            table_id = await tables.holding_order(tenant_id=tenant_id, order_id=order_id)
            if table_id is None:
                return None
            table = await tables.get(tenant_id=tenant_id, table_id=table_id, for_update=True)
            if table is not None and order_id in table.order_ids:
                return table
        return None

    # --- staff at the tables -------------------------------------------------------

    async def mark(
        self,
        uow: UnitOfWork,
        *,
        actor: Actor,
        table_id: uuid.UUID,
        status: TableStatus,
        order_id: uuid.UUID | None,
    ) -> Table:
        tables = TableRepository(uow.session)
        table = await tables.get(tenant_id=actor.tenant_id, table_id=table_id, for_update=True)
        if table is None:
            raise TableNotFound()
        now = utcnow()
        if status is TableStatus.FREE:
            change = table.mark_free(now=now)
        else:
            if order_id is not None:
                elsewhere = await tables.holding_order(tenant_id=actor.tenant_id, order_id=order_id)
                if elsewhere is not None and elsewhere != table.id:
                    raise Conflict(
                        "That order is seated at another table; move it from there instead."
                    )
            change = table.mark_occupied(now=now, order_id=order_id)
        if change is not None:
            await tables.save_seating(table)
            await outbox.record_event(
                uow,
                type=TABLE_STATUS_CHANGED,
                data=table_status_changed(change),
                tenant_id=actor.tenant_id,
            )
        return table

    async def move_order(
        self,
        uow: UnitOfWork,
        *,
        actor: Actor,
        from_table_id: uuid.UUID,
        to_table_id: uuid.UUID,
        order_id: uuid.UUID | None,
    ) -> tuple[Table, Table]:
        tables = TableRepository(uow.session)
        # Lock both rows in one order (by id), so two opposite moves cannot deadlock.
        locked: dict[uuid.UUID, Table] = {}
        for table_id in sorted({from_table_id, to_table_id}):
            table = await tables.get(tenant_id=actor.tenant_id, table_id=table_id, for_update=True)
            if table is None:
                raise TableNotFound()
            locked[table_id] = table
        source, target = locked[from_table_id], locked[to_table_id]
        left, arrived = move_order(source, target, order_id=order_id, now=utcnow())
        # The source first: an order sits at one table at most, so its seating row must
        # be gone from the source before the target's is written.
        await tables.save_seating(source)
        await tables.save_seating(target)
        for change in (left, arrived):
            await outbox.record_event(
                uow,
                type=TABLE_STATUS_CHANGED,
                data=table_status_changed(change),
                tenant_id=actor.tenant_id,
            )
        log.info(
            "order_moved",
            order_id=str(arrived.current_order_id) if arrived.current_order_id else None,
            from_table_id=str(source.id),
            to_table_id=str(target.id),
        )
        return source, target
