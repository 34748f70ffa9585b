"""A restaurant's webhooks: registered, counted, listed newest first, deleted with deliveries."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select

from pos_kit.mapping import build
from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository, column_values, rowcount
from pos_notification.adapters.tables import WebhookDeliveryRow, WebhookRow
from pos_notification.domain.webhooks import Webhook


class WebhookRepository(Repository):
    async def add(self, webhook: Webhook) -> None:
        self.session.add(
            WebhookRow(**column_values(webhook, WebhookRow, event_types=list(webhook.event_types)))
        )
        await self.session.flush()

    async def count(self, tenant_id: uuid.UUID) -> int:
        found = await self.session.scalar(
            select(func.count(WebhookRow.id)).where(WebhookRow.tenant_id == tenant_id)
        )
        return int(found or 0)

    async def get(self, *, tenant_id: uuid.UUID, webhook_id: uuid.UUID) -> Webhook | None:
        row = await self.session.scalar(
            select(WebhookRow).where(WebhookRow.tenant_id == tenant_id, WebhookRow.id == webhook_id)
        )
        return _webhook(row) if row else None

    async def all_for(self, tenant_id: uuid.UUID) -> list[Webhook]:
        """A tenant's webhooks (a handful, bounded by settings)."""
        rows = await self.session.scalars(
            select(WebhookRow)
            .where(WebhookRow.tenant_id == tenant_id)
            .order_by(WebhookRow.created_at)
        )
        return [_webhook(r) for r in rows]

    async def list_page(self, *, tenant_id: uuid.UUID, page: PageRequest) -> Slice[Webhook]:
        """Newest first (by created_at, then id)."""
        w = WebhookRow
        query = select(w).where(w.tenant_id == tenant_id)
        rows = await self.keyset_page(query, key=[w.created_at, w.id], page=page, descending=True)
        return rows.map(_webhook)

    async def delete(self, *, tenant_id: uuid.UUID, webhook_id: uuid.UUID) -> bool:
        """Delete the webhook and its deliveries: nothing more is sent to it."""
        await self.session.execute(
            delete(WebhookDeliveryRow).where(
                WebhookDeliveryRow.tenant_id == tenant_id,
                WebhookDeliveryRow.webhook_id == webhook_id,
            )
        )
        result = await self.session.execute(
            delete(WebhookRow).where(WebhookRow.tenant_id == tenant_id, WebhookRow.id == webhook_id)
        )
        return rowcount(result) == 1


def _webhook(row: WebhookRow) -> Webhook:
    return build(Webhook, row, event_types=tuple(row.event_types))
