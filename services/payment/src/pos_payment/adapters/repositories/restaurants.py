"""The restaurant settings copy's SQL: read it (defaults when absent), keep only a newer version."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from pos_kit.mapping import build
from pos_kit.repository import Repository, column_values, rowcount
from pos_payment.adapters.tables import RestaurantSettingsRow
from pos_payment.domain.restaurants import RestaurantSettings


class RestaurantSettingsRepository(Repository):
    async def get(self, *, tenant_id: uuid.UUID) -> RestaurantSettings:
        row = await self.session.scalar(
            select(RestaurantSettingsRow).where(RestaurantSettingsRow.tenant_id == tenant_id)
        )
        if row is None:
            return RestaurantSettings(tenant_id)
        return build(RestaurantSettings, row)

    async def keep_newer(self, settings: RestaurantSettings) -> bool:
        """Store `settings` unless the copy has its version or a higher one; True if stored.

        One statement, so that two deliveries storing at once cannot both win.
        """
        values = column_values(settings, RestaurantSettingsRow, exclude=("tenant_id",))
        insert = self.insert(RestaurantSettingsRow).values(tenant_id=settings.tenant_id, **values)
        upsert = insert.on_conflict_do_update(
            index_elements=[RestaurantSettingsRow.tenant_id],
            set_=values,
            where=RestaurantSettingsRow.version < insert.excluded.version,
        )
        return rowcount(await self.session.execute(upsert)) > 0
