"""Payments and refunds waiting for the processor: the SQL their repositories share.

A pending card payment or refund carries `recheck_at` (when to ask next) and
`processor_checks` (how often it was asked). Any process's reconciler may find it
due; claiming a round moves `recheck_at` on with a compare-and-set, so one process
asks per round, and a crash mid-round only delays the next. Settling one is a
compare-and-set from pending too: of the request and the reconciler, one settles it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import ColumnElement, func, select, update

from pos_kit.mapping import build
from pos_kit.repository import Repository, column_values, rowcount
from pos_payment.adapters.tables import PaymentRow, RefundRow
from pos_payment.domain.payments import Payment
from pos_payment.domain.refunds import Refund

PENDING = "pending"  # the status both payments and refunds wait in
Waiting = type[PaymentRow] | type[RefundRow]
W = TypeVar("W", Payment, Refund)


@dataclass(frozen=True)
class PendingCheck:
    """A pending card payment or refund due to be asked about, as the reconciler saw it."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    recheck_at: datetime
    checks: int


class WaitingRepository(Repository, Generic[W]):
    """The repository of `table` (rows of `domain`), whose rows may wait (pending) for the
    processor."""

    table: ClassVar[Waiting]
    domain: type[W]

    async def due_for_check(self, *, now: datetime, limit: int) -> Sequence[PendingCheck]:
        """Pending rows of every restaurant whose time to be asked about has come, oldest first."""
        table = self.table
        rows = await self.session.execute(
            select(table.id, table.tenant_id, table.recheck_at, table.processor_checks)
            .where(table.status == PENDING, table.recheck_at <= now)
            .order_by(table.recheck_at)
            .limit(limit)
        )
        return [PendingCheck(r.id, r.tenant_id, r.recheck_at, r.processor_checks) for r in rows]

    async def claim_check(self, check: PendingCheck, *, next_at: datetime) -> bool:
        """Take this round of asking; False if another process took it (or it was settled)."""
        result = await self.session.execute(
            update(self.table)
            .where(
                self.table.id == check.id,
                self.table.status == PENDING,
                self.table.recheck_at == check.recheck_at,
            )
            .values(recheck_at=next_at, processor_checks=check.checks + 1)
        )
        return rowcount(result) == 1

    async def add(self, new: W, *, recheck_at: datetime | None = None) -> None:
        """Store a new payment or refund; one to ask the processor about has a `recheck_at`."""
        lines = [str(line) for line in new.lines]
        self.session.add(
            self.table(
                **column_values(
                    new, self.table, lines=lines, recheck_at=recheck_at, processor_checks=0
                )
            )
        )
        await self.session.flush()

    async def _pending_amount(self, *, tenant_id: uuid.UUID, where: ColumnElement[bool]) -> int:
        """The sum of the amounts still pending among the tenant's rows that match `where`."""
        total = await self.session.scalar(
            select(func.coalesce(func.sum(self.table.amount), 0)).where(
                self.table.tenant_id == tenant_id, where, self.table.status == PENDING
            )
        )
        return int(total or 0)

    async def _settle(self, *, tenant_id: uuid.UUID, row_id: uuid.UUID, **outcome: Any) -> bool:
        """Write a pending row's `outcome` and ask no more about it; False if it was not
        pending any more (settled meanwhile by the request or the reconciler)."""
        result = await self.session.execute(
            update(self.table)
            .where(
                self.table.tenant_id == tenant_id,
                self.table.id == row_id,
                self.table.status == PENDING,
            )
            .values(**outcome, recheck_at=None)
        )
        return rowcount(result) == 1

    async def _find(self, *, tenant_id: uuid.UUID, row_id: uuid.UUID) -> W | None:
        row: PaymentRow | RefundRow | None = await self.session.scalar(
            select(self.table).where(self.table.tenant_id == tenant_id, self.table.id == row_id)
        )
        return self._from_row(row) if row else None

    def _from_row(self, row: PaymentRow | RefundRow) -> W:
        return build(self.domain, row, lines=tuple(uuid.UUID(line) for line in row.lines))
