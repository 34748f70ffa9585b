"""The ledger's SQL: append entries, and the sums every figure is made of.

There is no UPDATE or DELETE here, nor anywhere else: the ledger is append-only
(the database's triggers refuse both, see the migration).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select

from pos_payment.adapters.repositories.base import BaseRepository
from pos_payment.adapters.tables import LedgerEntryRow
from pos_payment.domain.ledger import EntryKind, LedgerEntry
from pos_payment.domain.payments import Method


@dataclass(frozen=True)
class OrderTakings:
    """What the ledger holds for one order: payments towards its total, tips on top."""

    paid: int = 0
    tips: int = 0


class LedgerRepository(BaseRepository):
    async def append(self, entries: Iterable[LedgerEntry]) -> None:
        rows = [_values(entry) for entry in entries]
        if rows:
            await self.session.execute(insert(LedgerEntryRow), rows)

    async def of_order(self, *, tenant_id: uuid.UUID, order_id: uuid.UUID) -> OrderTakings:
        rows = await self.session.execute(
            select(LedgerEntryRow.kind, func.sum(LedgerEntryRow.amount))
            .where(
                LedgerEntryRow.tenant_id == tenant_id,
                LedgerEntryRow.order_id == order_id,
                LedgerEntryRow.kind.in_([EntryKind.PAYMENT.value, EntryKind.TIP.value]),
            )
            .group_by(LedgerEntryRow.kind)
        )
        sums = {kind: int(total) for kind, total in rows}
        return OrderTakings(
            paid=sums.get(EntryKind.PAYMENT.value, 0), tips=sums.get(EntryKind.TIP.value, 0)
        )

    async def refunded(
        self, *, tenant_id: uuid.UUID, payment_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, int]:
        """What was given back of each payment (positive amounts)."""
        if not payment_ids:
            return {}
        rows = await self.session.execute(
            select(LedgerEntryRow.payment_id, func.sum(LedgerEntryRow.amount))
            .where(
                LedgerEntryRow.tenant_id == tenant_id,
                LedgerEntryRow.payment_id.in_(payment_ids),
                LedgerEntryRow.kind == EntryKind.REFUND.value,
            )
            .group_by(LedgerEntryRow.payment_id)
        )
        return {payment_id: -int(total) for payment_id, total in rows if payment_id}

    async def drawer_movements(
        self, *, tenant_id: uuid.UUID, session_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, int]:
        """The sum of the entries that went through each drawer session (0 for none)."""
        if not session_ids:
            return {}
        rows = await self.session.execute(
            select(LedgerEntryRow.drawer_session_id, func.sum(LedgerEntryRow.amount))
            .where(
                LedgerEntryRow.tenant_id == tenant_id,
                LedgerEntryRow.drawer_session_id.in_(session_ids),
            )
            .group_by(LedgerEntryRow.drawer_session_id)
        )
        sums = {session_id: int(total) for session_id, total in rows if session_id}
        return {session_id: sums.get(session_id, 0) for session_id in session_ids}

    async def between(
        self, *, tenant_id: uuid.UUID, start: datetime, end: datetime
    ) -> list[LedgerEntry]:
        """Every entry from `start` (included) to `end` (excluded), oldest first."""
        rows = await self.session.scalars(
            select(LedgerEntryRow)
            .where(
                LedgerEntryRow.tenant_id == tenant_id,
                LedgerEntryRow.created_at >= start,
                LedgerEntryRow.created_at < end,
            )
            .order_by(LedgerEntryRow.created_at, LedgerEntryRow.id)
        )
        return [_entry(row) for row in rows]


def _values(entry: LedgerEntry) -> dict[str, object]:
    return {
        "id": entry.id,
        "tenant_id": entry.tenant_id,
        "kind": entry.kind.value,
        "amount": entry.amount,
        "currency": entry.currency,
        "method": entry.method.value if entry.method else None,
        "order_id": entry.order_id,
        "payment_id": entry.payment_id,
        "refund_id": entry.refund_id,
        "drawer_session_id": entry.drawer_session_id,
        "staff_id": entry.staff_id,
        "reason": entry.reason,
        "created_at": entry.created_at,
    }


def _entry(row: LedgerEntryRow) -> LedgerEntry:
    return LedgerEntry(
        id=row.id,
        tenant_id=row.tenant_id,
        kind=EntryKind(row.kind),
        amount=row.amount,
        currency=row.currency,
        created_at=row.created_at,
        staff_id=row.staff_id,
        method=Method(row.method) if row.method else None,
        order_id=row.order_id,
        payment_id=row.payment_id,
        refund_id=row.refund_id,
        drawer_session_id=row.drawer_session_id,
        reason=row.reason,
    )
