"""Kitchen tickets: one per order, the open ones listed oldest first, status changes guarded."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, select, update

from pos_kit.mapping import build
from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository, column_values, rowcount
from pos_notification.adapters.tables import KitchenTicketRow
from pos_notification.domain.tickets import KitchenTicket, TicketLine, TicketStatus


class TicketRepository(Repository):
    async def add(self, ticket: KitchenTicket) -> bool:
        """False when the order already has a ticket (the transaction stays usable)."""
        lines = [_line_document(line) for line in ticket.lines]
        # Two processes may handle two events of one order at once.
        return await self.insert_once(
            KitchenTicketRow, column_values(ticket, KitchenTicketRow, lines=lines)
        )

    async def get(self, *, tenant_id: uuid.UUID, ticket_id: uuid.UUID) -> KitchenTicket | None:
        return await self._one(tenant_id, KitchenTicketRow.id == ticket_id)

    async def for_order(self, *, tenant_id: uuid.UUID, order_id: uuid.UUID) -> KitchenTicket | None:
        return await self._one(tenant_id, KitchenTicketRow.order_id == order_id)

    async def _one(
        self, tenant_id: uuid.UUID, condition: ColumnElement[bool]
    ) -> KitchenTicket | None:
        t = KitchenTicketRow
        row = await self.session.scalar(select(t).where(t.tenant_id == tenant_id, condition))
        return _ticket(row) if row else None

    async def list_open(self, *, tenant_id: uuid.UUID, page: PageRequest) -> Slice[KitchenTicket]:
        """The tenant's open tickets, oldest first (by placed_at, then id)."""
        t = KitchenTicketRow
        query = select(t).where(t.tenant_id == tenant_id, t.status == TicketStatus.OPEN.value)
        rows = await self.keyset_page(query, key=[t.placed_at, t.id], page=page)
        return rows.map(_ticket)

    async def save_status(self, ticket: KitchenTicket, *, was: TicketStatus) -> bool:
        """Write the ticket's new status if it still has status `was`.

        False means another request changed it first (two cooks bumping at once).
        """
        result = await self.session.execute(
            update(KitchenTicketRow)
            .where(
                KitchenTicketRow.tenant_id == ticket.tenant_id,
                KitchenTicketRow.id == ticket.id,
                KitchenTicketRow.status == was.value,
            )
            .values(
                status=ticket.status.value,
                bumped_at=ticket.bumped_at,
                bumped_by=ticket.bumped_by,
                cancelled_at=ticket.cancelled_at,
            )
        )
        return rowcount(result) == 1


def _line_document(line: TicketLine) -> dict[str, Any]:
    return {
        "product_id": str(line.product_id) if line.product_id else None,
        "name": line.name,
        "quantity": line.quantity,
        "notes": line.notes,
        "modifiers": list(line.modifiers),
    }


def _line(doc: dict[str, Any]) -> TicketLine:
    product_id = doc.get("product_id")
    return TicketLine(
        product_id=uuid.UUID(product_id) if product_id else None,
        name=doc["name"],
        quantity=int(doc["quantity"]),
        notes=doc.get("notes"),
        modifiers=tuple(doc.get("modifiers") or ()),
    )


def _ticket(row: KitchenTicketRow) -> KitchenTicket:
    return build(KitchenTicket, row, lines=tuple(_line(doc) for doc in row.lines))
