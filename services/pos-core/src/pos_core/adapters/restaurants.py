"""Where receipts learn the restaurant's name, time zone and currency.

The restaurant service will own this profile. Until it exists the values come
from pos-core's settings (one default, optional names per tenant). This class is
the seam: replace it with one that reads a local copy fed by the restaurant's
events (or calls its API) without touching the receipt use case.
"""

from __future__ import annotations

import uuid

from pos_core.config import CoreSettings
from pos_core.domain.receipts import RestaurantProfile


class SettingsRestaurantProfiles:
    def __init__(self, settings: CoreSettings) -> None:
        self._settings = settings

    async def profile(self, tenant_id: uuid.UUID) -> RestaurantProfile:
        s = self._settings
        return RestaurantProfile(
            name=s.restaurant_names.get(str(tenant_id), s.restaurant_name),
            timezone=s.restaurant_timezone,
            currency=s.restaurant_currency,
            receipt_footer=s.receipt_footer,
        )

    async def table_label(self, tenant_id: uuid.UUID, table_id: uuid.UUID) -> str | None:
        """A table's name as the floor plan shows it; unknown until the restaurant service."""
        return None
