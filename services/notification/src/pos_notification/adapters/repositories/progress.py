"""What webhook deliveries and e-mails share: their progress columns, and claiming due rows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVarTuple

from sqlalchemy import Select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pos_notification.adapters.tables import EmailDeliveryRow, WebhookDeliveryRow
from pos_notification.domain.deliveries import DeliveryProgress, DeliveryStatus

DeliveryRow = WebhookDeliveryRow | EmailDeliveryRow
Columns = TypeVarTuple("Columns")


def progress_of(row: DeliveryRow) -> DeliveryProgress:
    return DeliveryProgress(
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        last_status_code=row.last_status_code if isinstance(row, WebhookDeliveryRow) else None,
        delivered_at=row.delivered_at,
    )


def progress_values(progress: DeliveryProgress) -> dict[str, Any]:
    """The columns `DeliveryProgress` is kept in (webhook deliveries add the status code)."""
    return {
        "status": progress.status.value,
        "attempts": progress.attempts,
        "next_attempt_at": progress.next_attempt_at,
        "last_error": progress.last_error,
        "delivered_at": progress.delivered_at,
    }


def due(
    query: Select[*Columns], table: type[DeliveryRow], *, now: datetime, limit: int
) -> Select[*Columns]:
    """`query` narrowed to up to `limit` rows due now, across tenants, oldest due first.

    On PostgreSQL rows another dispatcher holds are skipped (FOR UPDATE SKIP LOCKED).
    """
    return (
        query.where(table.status == DeliveryStatus.PENDING.value, table.next_attempt_at <= now)
        .order_by(table.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=table)
    )


async def lease(
    session: AsyncSession,
    table: type[DeliveryRow],
    ids: Sequence[uuid.UUID],
    *,
    until: datetime,
) -> None:
    """Push the claimed rows' next attempt to `until`: after the commit no one else takes
    them until the lease runs out (a crashed sender)."""
    await session.execute(update(table).where(table.id.in_(ids)).values(next_attempt_at=until))
