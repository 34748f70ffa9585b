"""The events restaurant produces: their type names and their `data`, as plain JSON values.

Catalogued in docs/events.md and docs/asyncapi.yaml (schema version 1).
"""

from __future__ import annotations

import uuid
from typing import Any

from pos_restaurant.domain.floor_plan import SeatingChange
from pos_restaurant.domain.profile import RestaurantProfile

TABLE_STATUS_CHANGED = "table.status_changed"
PROFILE_CHANGED = "restaurant.profile_changed"


def table_status_changed(change: SeatingChange) -> dict[str, Any]:
    return {
        "table_id": str(change.table_id),
        "floor_id": str(change.floor_id),
        "table_name": change.table_name,
        "status": change.status.value,
        "previous_status": change.previous_status.value,
        "current_order_id": _str(change.current_order_id),
        "previous_order_id": _str(change.previous_order_id),
        "order_ids": [str(o) for o in change.order_ids],
        "reason": change.reason.value,
        "changed_at": change.changed_at.isoformat(),
    }


def profile_changed(profile: RestaurantProfile) -> dict[str, Any]:
    """The whole profile, receipts' fields and payment settings: a consumer's copy needs no
    call back."""
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
        "changed_at": profile.updated_at.isoformat(),
    }


def _str(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None
