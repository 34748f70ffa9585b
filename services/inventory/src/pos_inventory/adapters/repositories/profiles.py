"""The restaurant profile copy's SQL: read it, and keep only a newer version."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from pos_inventory.adapters.tables import RestaurantProfileRow
from pos_inventory.domain.profiles import ProfileCopy
from pos_kit.repository import Repository, rowcount


class ProfileCopyRepository(Repository):
    async def get(self, *, tenant_id: uuid.UUID) -> ProfileCopy | None:
        row = await self.session.scalar(
            select(RestaurantProfileRow).where(RestaurantProfileRow.tenant_id == tenant_id)
        )
        return ProfileCopy(row.tenant_id, row.currency, row.version) if row else None

    async def keep_newer(self, copy: ProfileCopy) -> bool:
        """Store `copy` unless the one stored has its version or a higher one; True if stored.

        One statement, so that an event and a catch-up storing at once cannot both win.
        """
        insert = self.insert(RestaurantProfileRow).values(
            tenant_id=copy.tenant_id, currency=copy.currency, version=copy.version
        )
        upsert = insert.on_conflict_do_update(
            index_elements=[RestaurantProfileRow.tenant_id],
            set_={"currency": insert.excluded.currency, "version": insert.excluded.version},
            where=RestaurantProfileRow.version < insert.excluded.version,
        )
        return rowcount(await self.session.execute(upsert)) > 0
