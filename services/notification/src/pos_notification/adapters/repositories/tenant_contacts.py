"""Each restaurant's owner, as auth announced them: who the e-mails go to."""

from __future__ import annotations

import uuid
from datetime import datetime

from pos_kit.mapping import build
from pos_kit.repository import Repository, column_values
from pos_notification.adapters.tables import TenantContactRow
from pos_notification.domain.emails import TenantContact


class TenantContactRepository(Repository):
    async def save(self, contact: TenantContact, now: datetime) -> None:
        """Keep the contact unless a newer registration is kept already."""
        values = column_values(contact, TenantContactRow, updated_at=now)
        row = await self.session.get(TenantContactRow, contact.tenant_id)
        if row is None:
            self.session.add(TenantContactRow(**values))
        elif contact.registered_at >= row.registered_at:
            for column, value in values.items():
                setattr(row, column, value)
        await self.session.flush()

    async def get(self, tenant_id: uuid.UUID) -> TenantContact | None:
        row = await self.session.get(TenantContactRow, tenant_id)
        return build(TenantContact, row) if row else None
