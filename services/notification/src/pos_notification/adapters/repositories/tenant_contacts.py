"""Each restaurant's owner, as auth announced them: who the e-mails go to."""

from __future__ import annotations

import uuid
from datetime import datetime

from pos_kit.repository import Repository
from pos_notification.adapters.tables import TenantContactRow
from pos_notification.domain.emails import TenantContact


class TenantContactRepository(Repository):
    async def save(self, contact: TenantContact, now: datetime) -> None:
        """Keep the contact unless a newer registration is kept already."""
        row = await self.session.get(TenantContactRow, contact.tenant_id)
        if row is None:
            self.session.add(
                TenantContactRow(
                    tenant_id=contact.tenant_id,
                    restaurant_name=contact.restaurant_name,
                    owner_user_id=contact.owner_user_id,
                    owner_email=contact.owner_email,
                    owner_full_name=contact.owner_full_name,
                    registered_at=contact.registered_at,
                    updated_at=now,
                )
            )
        elif contact.registered_at >= row.registered_at:
            row.restaurant_name = contact.restaurant_name
            row.owner_user_id = contact.owner_user_id
            row.owner_email = contact.owner_email
            row.owner_full_name = contact.owner_full_name
            row.registered_at = contact.registered_at
            row.updated_at = now
        await self.session.flush()

    async def get(self, tenant_id: uuid.UUID) -> TenantContact | None:
        row = await self.session.get(TenantContactRow, tenant_id)
        if row is None:
            return None
        return TenantContact(
            tenant_id=row.tenant_id,
            restaurant_name=row.restaurant_name,
            owner_user_id=row.owner_user_id,
            owner_email=row.owner_email,
            owner_full_name=row.owner_full_name,
            registered_at=row.registered_at,
        )
