"""How long conversations are kept: per restaurant (30 days unless it says otherwise).

Every change to a conversation moves its `expires_at` to now plus the restaurant's
retention. MongoDB's TTL index deletes it then; the sweeper does the same on the
embedded engine, which has no TTL monitor (on MongoDB it finds little left to do).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import structlog

from pos_chatbot.adapters.store.conversations import ConversationRepository
from pos_chatbot.adapters.store.restaurants import RetentionRepository
from pos_chatbot.domain.callers import RETENTION_MANAGERS, Caller
from pos_kit.errors import Forbidden
from pos_kit.events.worker import PeriodicJob

log = structlog.get_logger(__name__)

MIN_DAYS, MAX_DAYS = 1, 365


class Retention:
    def __init__(self, settings: RetentionRepository, *, default: timedelta) -> None:
        self._settings = settings
        self.default = default

    async def of(self, tenant_id: uuid.UUID) -> timedelta:
        return await self._settings.get(tenant_id) or self.default

    async def set(self, caller: Caller, *, days: int) -> timedelta:
        if caller.role not in RETENTION_MANAGERS:
            raise Forbidden("Only an owner or a manager sets how long conversations are kept.")
        await self._settings.set(caller.tenant_id, days, now=datetime.now(UTC))
        return timedelta(days=days)


class ExpiredConversationSweeper(PeriodicJob):
    """Deletes conversations past their `expires_at`, every `interval` seconds; a store
    blip does not end the sweeping (it is tried again a little later)."""

    def __init__(self, conversations: ConversationRepository, *, interval: float) -> None:
        super().__init__(name="expired-conversation-sweeper", interval=interval, max_backoff=300.0)
        self.conversations = conversations

    async def run_once(self) -> int:
        return await self.conversations.delete_expired(now=datetime.now(UTC))
