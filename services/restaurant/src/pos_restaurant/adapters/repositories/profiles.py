"""The restaurant profiles: one row per restaurant, keyed by its tenant."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update

from pos_kit.repository import Repository
from pos_restaurant.adapters.tables import ProfileRow
from pos_restaurant.domain.profile import RestaurantProfile


class ProfileRepository(Repository):
    async def get(
        self, tenant_id: uuid.UUID, *, for_update: bool = False
    ) -> RestaurantProfile | None:
        """`for_update` locks the row until the transaction ends, so edits take turns."""
        query = select(ProfileRow).where(ProfileRow.tenant_id == tenant_id)
        if for_update:
            query = query.with_for_update()
        row = await self.session.scalar(query)
        return _profile(row) if row else None

    async def open(self, profile: RestaurantProfile) -> bool:
        """Add a new restaurant's profile; False if it has one already."""
        return await self.insert_once(
            ProfileRow(
                tenant_id=profile.tenant_id, created_at=profile.created_at, **_editable(profile)
            )
        )

    async def save(self, profile: RestaurantProfile) -> None:
        await self.session.execute(
            update(ProfileRow)
            .where(ProfileRow.tenant_id == profile.tenant_id)
            .values(**_editable(profile))
        )


def _editable(profile: RestaurantProfile) -> dict[str, Any]:
    """The columns an edit may change."""
    return {
        "name": profile.name,
        "address": profile.address,
        "currency": profile.currency,
        "timezone": profile.timezone,
        "default_tax_rate_bps": profile.default_tax_rate_bps,
        "receipt_footer": profile.receipt_footer,
        "cash_rounding_minor_units": profile.cash_rounding_minor_units,
        "waiters_take_payments": profile.waiters_take_payments,
        "close_when_paid": profile.close_when_paid,
        "version": profile.version,
        "updated_at": profile.updated_at,
    }


def _profile(row: ProfileRow) -> RestaurantProfile:
    return RestaurantProfile(
        tenant_id=row.tenant_id,
        name=row.name,
        address=row.address,
        currency=row.currency,
        timezone=row.timezone,
        default_tax_rate_bps=row.default_tax_rate_bps,
        receipt_footer=row.receipt_footer,
        cash_rounding_minor_units=row.cash_rounding_minor_units,
        waiters_take_payments=row.waiters_take_payments,
        close_when_paid=row.close_when_paid,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
