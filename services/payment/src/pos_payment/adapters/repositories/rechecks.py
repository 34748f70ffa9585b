"""Asking the processor again: the SQL the payments and refunds waiting for it share.

A pending card payment or refund carries `recheck_at` (when to ask next) and
`processor_checks` (how often it was asked). Any process's reconciler may find it
due; claiming a round moves `recheck_at` on with a compare-and-set, so one process
asks per round, and a crash mid-round only delays the next.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pos_kit.repository import rowcount
from pos_payment.adapters.tables import PaymentRow, RefundRow

PENDING = "pending"  # the status both payments and refunds wait in
Waiting = type[PaymentRow] | type[RefundRow]


@dataclass(frozen=True)
class PendingCheck:
    """A pending card payment or refund due to be asked about, as the reconciler saw it."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    recheck_at: datetime
    checks: int


async def due_for_check(
    session: AsyncSession, table: Waiting, *, now: datetime, limit: int
) -> Sequence[PendingCheck]:
    """Pending rows of every restaurant whose time to be asked about has come, oldest first."""
    rows = await session.execute(
        select(table.id, table.tenant_id, table.recheck_at, table.processor_checks)
        .where(table.status == PENDING, table.recheck_at <= now)
        .order_by(table.recheck_at)
        .limit(limit)
    )
    return [PendingCheck(r.id, r.tenant_id, r.recheck_at, r.processor_checks) for r in rows]


async def claim_check(
    session: AsyncSession, table: Waiting, check: PendingCheck, *, next_at: datetime
) -> bool:
    """Take this round of asking; False if another process took it (or it was settled)."""
    result = await session.execute(
        update(table)
        .where(
            table.id == check.id,
            table.status == PENDING,
            table.recheck_at == check.recheck_at,
        )
        .values(recheck_at=next_at, processor_checks=check.checks + 1)
    )
    return rowcount(result) == 1
