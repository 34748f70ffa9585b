"""The ledger's SQL: append entries, and the sums every figure is made of.

There is no UPDATE or DELETE here, nor anywhere else: the ledger is append-only
(the database's triggers refuse both, see the migration).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, func, insert, select
from sqlalchemy.orm import InstrumentedAttribute

from pos_kit.mapping import build
from pos_kit.repository import Repository, column_values
from pos_payment.adapters.tables import LedgerEntryRow
from pos_payment.domain.ledger import EntryKind, LedgerEntry

K = TypeVar("K")


@dataclass(frozen=True)
class OrderTakings:
    """What the ledger holds for one order: payments towards its total, tips on top."""

    paid: int = 0
    tips: int = 0


class LedgerRepository(Repository):
    async def append(self, entries: Iterable[LedgerEntry]) -> None:
        rows = [column_values(entry, LedgerEntryRow) for entry in entries]
        if rows:
            await self.session.execute(insert(LedgerEntryRow), rows)

    async def of_order(self, *, tenant_id: uuid.UUID, order_id: uuid.UUID) -> OrderTakings:
        sums = await self._sums(
            LedgerEntryRow.kind,
            among=[EntryKind.PAYMENT.value, EntryKind.TIP.value],
            tenant_id=tenant_id,
            where=[LedgerEntryRow.order_id == order_id],
        )
        return OrderTakings(
            paid=sums.get(EntryKind.PAYMENT.value, 0), tips=sums.get(EntryKind.TIP.value, 0)
        )

    async def refunded(
        self, *, tenant_id: uuid.UUID, payment_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, int]:
        """What was given back of each payment (positive amounts)."""
        sums = await self._sums(
            LedgerEntryRow.payment_id,
            among=payment_ids,
            tenant_id=tenant_id,
            where=[LedgerEntryRow.kind == EntryKind.REFUND.value],
        )
        return {payment_id: -total for payment_id, total in sums.items()}

    async def drawer_movements(
        self, *, tenant_id: uuid.UUID, session_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, int]:
        """The sum of the entries that went through each drawer session (0 for none)."""
        sums = await self._sums(
            LedgerEntryRow.drawer_session_id, among=session_ids, tenant_id=tenant_id
        )
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
        return [build(LedgerEntry, row) for row in rows]

    async def _sums(
        self,
        key: InstrumentedAttribute[K | None],
        *,
        among: Collection[K],
        tenant_id: uuid.UUID,
        where: Iterable[ColumnElement[bool]] = (),
    ) -> dict[K, int]:
        """The amounts of the tenant's entries whose `key` is `among` those given (and that
        match `where`), summed by `key`; none asked for, none read."""
        if not among:
            return {}
        rows = await self.session.execute(
            select(key, func.sum(LedgerEntryRow.amount))
            .where(LedgerEntryRow.tenant_id == tenant_id, key.in_(among), *where)
            .group_by(key)
        )
        return {value: int(total) for value, total in rows if value is not None}
