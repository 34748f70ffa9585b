"""The restaurant profiles: one row per restaurant, keyed by its tenant."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from pos_kit.mapping import build
from pos_kit.repository import Repository, column_values
from pos_restaurant.adapters.tables import ProfileRow
from pos_restaurant.domain.profile import RestaurantProfile

# What an edit never changes: the rest of the row is written again on every save.
_SET_AT_OPENING = ("tenant_id", "created_at")


class ProfileRepository(Repository):
    async def get(
        self, tenant_id: uuid.UUID, *, for_update: bool = False
    ) -> RestaurantProfile | None:
        """`for_update` locks the row until the transaction ends, so edits take turns."""
        query = select(ProfileRow).where(ProfileRow.tenant_id == tenant_id)
        if for_update:
            query = query.with_for_update()
        row = await self.session.scalar(query)
        return build(RestaurantProfile, row) if row else None

    async def open(self, profile: RestaurantProfile) -> bool:
        """Add a new restaurant's profile; False if it has one already."""
        return await self.insert_once(ProfileRow(**column_values(profile, ProfileRow)))

    async def save(self, profile: RestaurantProfile) -> None:
        await self.session.execute(
            update(ProfileRow)
            .where(ProfileRow.tenant_id == profile.tenant_id)
            .values(**column_values(profile, ProfileRow, exclude=_SET_AT_OPENING))
        )
