"""Webhook deliveries: one per webhook and event, claimed when due, their progress kept."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from pos_kit.mapping import build
from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository
from pos_notification.adapters.repositories.progress import (
    claim,
    delivery_values,
    progress_of,
    progress_values,
)
from pos_notification.adapters.tables import WebhookDeliveryRow, WebhookRow
from pos_notification.domain.deliveries import DeliveryProgress, WebhookDelivery


@dataclass(frozen=True)
class DueWebhookCall:
    """A claimed delivery with what sending it needs."""

    delivery: WebhookDelivery
    url: str
    secret: str


class WebhookDeliveryRepository(Repository):
    async def add(self, delivery: WebhookDelivery) -> bool:
        """False if this webhook already has this event (the transaction stays usable)."""
        values = delivery_values(delivery, WebhookDeliveryRow)
        return await self.insert_once(WebhookDeliveryRow, values)

    async def claim_due(
        self, *, now: datetime, limit: int, lease_until: datetime
    ) -> list[DueWebhookCall]:
        """Take up to `limit` due deliveries, across tenants, for this process, until
        `lease_until`."""
        d = WebhookDeliveryRow
        query = select(d, WebhookRow.url, WebhookRow.secret).join(
            WebhookRow, WebhookRow.id == d.webhook_id
        )
        rows = await claim(self.session, query, d, now=now, limit=limit, lease_until=lease_until)
        return [DueWebhookCall(_delivery(row), url, secret) for row, url, secret in rows]

    async def progress(self, delivery_id: uuid.UUID) -> DeliveryProgress | None:
        row = await self.session.get(WebhookDeliveryRow, delivery_id, with_for_update=True)
        return progress_of(row) if row else None

    async def save_progress(self, delivery_id: uuid.UUID, progress: DeliveryProgress) -> None:
        await self.session.execute(
            update(WebhookDeliveryRow)
            .where(WebhookDeliveryRow.id == delivery_id)
            .values(**progress_values(progress, WebhookDeliveryRow))
        )

    async def list_page(
        self, *, tenant_id: uuid.UUID, webhook_id: uuid.UUID, page: PageRequest
    ) -> Slice[WebhookDelivery]:
        """Newest first (by created_at, then id)."""
        d = WebhookDeliveryRow
        query = select(d).where(d.tenant_id == tenant_id, d.webhook_id == webhook_id)
        rows = await self.keyset_page(query, key=[d.created_at, d.id], page=page, descending=True)
        return rows.map(_delivery)


def _delivery(row: WebhookDeliveryRow) -> WebhookDelivery:
    return build(WebhookDelivery, row, progress=progress_of(row))
