"""pos-core's copy of each restaurant's profile: read one, keep a newer one."""

from __future__ import annotations

import uuid

from sqlalchemy import Table, select

from pos_core.adapters.tables import RestaurantProfileRow
from pos_core.domain.restaurant_profile import RestaurantProfile
from pos_kit.clock import utcnow
from pos_kit.mapping import build
from pos_kit.repository import Repository, column_values, rowcount


class RestaurantProfileRepository(Repository):
    async def get(self, tenant_id: uuid.UUID) -> RestaurantProfile | None:
        row = await self.session.scalar(
            select(RestaurantProfileRow).where(RestaurantProfileRow.tenant_id == tenant_id)
        )
        if row is None:
            return None
        return build(RestaurantProfile, row)

    async def keep_if_newer(self, tenant_id: uuid.UUID, profile: RestaurantProfile) -> bool:
        """Store `profile` unless the copy holds the same or a higher version; True if stored.

        One statement, so that an event and a catch-up arriving together cannot leave
        the older of the two behind.
        """
        table = RestaurantProfileRow.__table__
        assert isinstance(table, Table)
        values = column_values(profile, RestaurantProfileRow, updated_at=utcnow())
        statement = self.insert(table).values(tenant_id=tenant_id, **values)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.tenant_id],
            set_=values,
            where=table.c.version < statement.excluded.version,
        )
        return rowcount(await self.session.execute(statement)) > 0
