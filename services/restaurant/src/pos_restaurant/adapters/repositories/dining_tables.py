"""Dining tables and the open orders seated at them; a table's name is unique on its floor."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from sqlalchemy import delete, select, update

from pos_kit.mapping import build
from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository, column_values
from pos_restaurant.adapters.tables import DiningTableRow, SeatingRow
from pos_restaurant.domain.errors import TableNameTaken
from pos_restaurant.domain.floor_plan import Placement, Seating, Table, TableStatus

# The columns rearranging a table leaves alone: its seating is saved on its own.
_NOT_LAYOUT = ("id", "tenant_id", "status", "created_at")


class TableRepository(Repository):
    async def add(self, table: Table) -> None:
        """Raises TableNameTaken if the floor has a table of that name."""
        async with self.unique(lambda: TableNameTaken(table.name)):
            self.session.add(DiningTableRow(**_columns(table)))

    async def get(
        self, *, tenant_id: uuid.UUID, table_id: uuid.UUID, for_update: bool = False
    ) -> Table | None:
        """`for_update` locks the row until the transaction ends (seating changes do)."""
        query = select(DiningTableRow).where(
            DiningTableRow.tenant_id == tenant_id, DiningTableRow.id == table_id
        )
        if for_update:
            query = query.with_for_update()
        row = await self.session.scalar(query)
        if row is None:
            return None
        return (await self._with_seatings([row]))[0]

    async def holding_order(self, *, tenant_id: uuid.UUID, order_id: uuid.UUID) -> uuid.UUID | None:
        """The id of the table the order is seated at, if any."""
        return await self.session.scalar(
            select(SeatingRow.table_id).where(
                SeatingRow.tenant_id == tenant_id, SeatingRow.order_id == order_id
            )
        )

    async def list_page(
        self,
        *,
        tenant_id: uuid.UUID,
        floor_id: uuid.UUID | None,
        status: TableStatus | None,
        page: PageRequest,
    ) -> Slice[Table]:
        """By name, then id; only one floor's or one status's if asked."""
        query = select(DiningTableRow).where(DiningTableRow.tenant_id == tenant_id)
        if floor_id is not None:
            query = query.where(DiningTableRow.floor_id == floor_id)
        if status is not None:
            query = query.where(DiningTableRow.status == status.value)
        rows = await self.keyset_page(
            query, key=[DiningTableRow.name, DiningTableRow.id], page=page
        )
        return Slice(await self._with_seatings(rows.items), rows.next_after)

    async def save_layout(self, table: Table) -> None:
        """Raises TableNameTaken if the (new) floor has a table of the new name."""
        async with self.unique(lambda: TableNameTaken(table.name)):
            await self.session.execute(
                update(DiningTableRow)
                .where(DiningTableRow.tenant_id == table.tenant_id, DiningTableRow.id == table.id)
                .values(**_columns(table, exclude=_NOT_LAYOUT))
            )

    async def save_seating(self, table: Table) -> None:
        """Write the table's status and the orders seated at it."""
        await self.session.execute(
            update(DiningTableRow)
            .where(DiningTableRow.tenant_id == table.tenant_id, DiningTableRow.id == table.id)
            .values(status=table.status.value, updated_at=table.updated_at)
        )
        stored = {
            order_id
            for order_id in await self.session.scalars(
                select(SeatingRow.order_id).where(
                    SeatingRow.tenant_id == table.tenant_id, SeatingRow.table_id == table.id
                )
            )
        }
        wanted = {s.order_id: s for s in table.seatings}
        gone = stored - wanted.keys()
        if gone:
            await self.session.execute(
                delete(SeatingRow).where(
                    SeatingRow.tenant_id == table.tenant_id,
                    SeatingRow.table_id == table.id,
                    SeatingRow.order_id.in_(gone),
                )
            )
        for order_id in wanted.keys() - stored:
            self.session.add(
                SeatingRow(
                    tenant_id=table.tenant_id,
                    order_id=order_id,
                    table_id=table.id,
                    seated_at=wanted[order_id].seated_at,
                )
            )
        await self.session.flush()

    async def remove(self, table: Table) -> None:
        await self.session.execute(
            delete(SeatingRow).where(
                SeatingRow.tenant_id == table.tenant_id, SeatingRow.table_id == table.id
            )
        )
        await self.session.execute(
            delete(DiningTableRow).where(
                DiningTableRow.tenant_id == table.tenant_id, DiningTableRow.id == table.id
            )
        )

    async def _with_seatings(self, rows: list[DiningTableRow]) -> list[Table]:
        if not rows:
            return []
        seated: dict[uuid.UUID, list[Seating]] = {row.id: [] for row in rows}
        result = await self.session.execute(
            select(SeatingRow.table_id, SeatingRow.order_id, SeatingRow.seated_at)
            .where(SeatingRow.tenant_id == rows[0].tenant_id, SeatingRow.table_id.in_(seated))
            .order_by(SeatingRow.seated_at, SeatingRow.order_id)
        )
        for table_id, order_id, seated_at in result.all():
            seated[table_id].append(Seating(order_id=order_id, seated_at=seated_at))
        return [_table(row, seated[row.id]) for row in rows]


def _columns(table: Table, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The table's row, its placement spread over the columns of the same names."""
    placement = dataclasses.asdict(table.placement)
    return column_values(table, DiningTableRow, exclude=exclude, **placement)


def _table(row: DiningTableRow, seatings: list[Seating]) -> Table:
    return build(Table, row, placement=build(Placement, row), seatings=seatings)
