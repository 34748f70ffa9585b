"""What payment keeps of each restaurant's settings (fed by `restaurant.profile_changed`).

Until the first event arrives a restaurant has the defaults: no cash rounding,
waiters do not take payments, the business day in UTC.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

DEFAULT_TIMEZONE = "UTC"


@dataclass(frozen=True)
class RestaurantSettings:
    tenant_id: uuid.UUID
    currency: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    # Cash is rounded to this many minor units (1: not rounded; 5: Swiss francs).
    cash_rounding_minor_units: int = 1
    waiters_take_payments: bool = False
    # The profile version this copy holds; 0 for the defaults.
    version: int = 0
