"""E-mails to restaurants: one per kind and event, claimed when due, their progress kept."""

from __future__ import annotations

import uuid
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
from pos_notification.adapters.tables import EmailDeliveryRow
from pos_notification.domain.deliveries import DeliveryProgress
from pos_notification.domain.emails import EmailContent, EmailDelivery


class EmailDeliveryRepository(Repository):
    async def add(self, email: EmailDelivery) -> bool:
        """False if this event already made this e-mail (the transaction stays usable)."""
        content = email.content
        values = delivery_values(
            email, EmailDeliveryRow, subject=content.subject, body=content.body
        )
        return await self.insert_once(EmailDeliveryRow, values)

    async def claim_due(
        self, *, now: datetime, limit: int, lease_until: datetime
    ) -> list[EmailDelivery]:
        """Take up to `limit` due e-mails, across tenants, for this process, until
        `lease_until`."""
        e = EmailDeliveryRow
        rows = await claim(
            self.session, select(e), e, now=now, limit=limit, lease_until=lease_until
        )
        return [_email(row) for (row,) in rows]

    async def progress(self, email_id: uuid.UUID) -> DeliveryProgress | None:
        row = await self.session.get(EmailDeliveryRow, email_id, with_for_update=True)
        return progress_of(row) if row else None

    async def save_progress(
        self, email_id: uuid.UUID, progress: DeliveryProgress, *, recipient: str | None
    ) -> None:
        await self.session.execute(
            update(EmailDeliveryRow)
            .where(EmailDeliveryRow.id == email_id)
            .values(**progress_values(progress, EmailDeliveryRow), recipient=recipient)
        )

    async def list_page(self, *, tenant_id: uuid.UUID, page: PageRequest) -> Slice[EmailDelivery]:
        """Newest first (by created_at, then id)."""
        e = EmailDeliveryRow
        query = select(e).where(e.tenant_id == tenant_id)
        rows = await self.keyset_page(query, key=[e.created_at, e.id], page=page, descending=True)
        return rows.map(_email)


def _email(row: EmailDeliveryRow) -> EmailDelivery:
    content = EmailContent(subject=row.subject, body=row.body)
    return build(EmailDelivery, row, content=content, progress=progress_of(row))
