"""What webhook deliveries and e-mails share: their progress columns, and claiming due rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar, TypeVarTuple

import sqlalchemy as sa
from sqlalchemy import Select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pos_kit.mapping import build
from pos_kit.repository import column_values
from pos_notification.adapters.tables import EmailDeliveryRow, WebhookDeliveryRow
from pos_notification.domain.deliveries import DeliveryProgress, DeliveryStatus, WebhookDelivery
from pos_notification.domain.emails import EmailDelivery

DeliveryRow = WebhookDeliveryRow | EmailDeliveryRow
RowT = TypeVar("RowT", WebhookDeliveryRow, EmailDeliveryRow)
Columns = TypeVarTuple("Columns")


def progress_of(row: DeliveryRow) -> DeliveryProgress:
    # An e-mail's row has no status code: the field keeps its default (None).
    return build(DeliveryProgress, row)


def progress_values(progress: DeliveryProgress, table: type[DeliveryRow]) -> dict[str, Any]:
    """The columns of `table` that `progress` is kept in (a webhook's add the status code)."""
    return column_values(progress, table)


def delivery_values(
    delivery: WebhookDelivery | EmailDelivery, table: type[DeliveryRow], **overrides: Any
) -> dict[str, Any]:
    """A new delivery's row: its own columns (`overrides` first), then its progress's."""
    values = column_values(delivery, table, **overrides)
    return {**values, **progress_values(delivery.progress, table)}


async def claim(
    session: AsyncSession,
    query: Select[RowT, *Columns],
    table: type[RowT],
    *,
    now: datetime,
    limit: int,
    lease_until: datetime,
) -> Sequence[sa.Row[RowT, *Columns]]:
    """Up to `limit` of `query`'s rows (the delivery's row first) due now, across tenants,
    oldest due first, leased to this process until `lease_until`.

    On PostgreSQL rows another dispatcher holds are skipped (FOR UPDATE SKIP LOCKED).
    The lease pushes the rows' next attempt to `lease_until`: after the commit no one
    else takes them until it runs out (a crashed sender).
    """
    due = (
        query.where(table.status == DeliveryStatus.PENDING.value, table.next_attempt_at <= now)
        .order_by(table.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=table)
    )
    rows = (await session.execute(due)).all()
    if rows:
        leased = table.id.in_([row[0].id for row in rows])
        await session.execute(update(table).where(leased).values(next_attempt_at=lease_until))
    return rows
