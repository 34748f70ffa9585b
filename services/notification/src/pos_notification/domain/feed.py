"""The kitchen feed: each ticket change, numbered per restaurant, so a screen can catch up."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FeedKind(StrEnum):
    TICKET_CREATED = "ticket.created"
    TICKET_CANCELLED = "ticket.cancelled"
    TICKET_BUMPED = "ticket.bumped"


@dataclass(frozen=True)
class FeedEntry:
    """One change of one ticket. `seq` grows by one per restaurant, in commit order."""

    seq: int
    kind: FeedKind
    payload: str  # the ticket as JSON, as it was after the change
    created_at: datetime


@dataclass(frozen=True)
class StreamGrant:
    """Who a kitchen stream is for: one member of staff of one restaurant."""

    tenant_id: uuid.UUID
    user_id: str
    role: str
