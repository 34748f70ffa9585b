"""Webhooks: a restaurant's URL and the event types it wants, from the event catalogue."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

# The catalogue v1 (add, never repurpose). A tenant may subscribe to any of these.
EVENT_CATALOGUE: tuple[str, ...] = (
    "tenant.registered",
    "user.created",
    "user.deactivated",
    "product.created",
    "product.updated",
    "product.deleted",
    "stock.low",
    "order.placed",
    "order.cancelled",
    "order.paid",
    "order.closed",
    "payment.completed",
    "payment.failed",
    "payment.refunded",
    "table.status_changed",
    "ticket.bumped",
)
_KNOWN = frozenset(EVENT_CATALOGUE)


def unknown_event_types(event_types: Iterable[str]) -> list[str]:
    return sorted({t for t in event_types if t not in _KNOWN})


def normalise_event_types(event_types: Iterable[str]) -> tuple[str, ...]:
    """Each type once, in catalogue order (callers have refused unknown ones)."""
    wanted = set(event_types)
    return tuple(t for t in EVENT_CATALOGUE if t in wanted)


@dataclass(frozen=True)
class Webhook:
    id: uuid.UUID
    tenant_id: uuid.UUID
    url: str
    event_types: tuple[str, ...]
    # Used to sign every delivery; shown to the tenant once, when the webhook is made.
    secret: str
    created_at: datetime
    created_by: str

    def wants(self, event_type: str) -> bool:
        return event_type in self.event_types
