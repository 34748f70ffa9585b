"""Each restaurant's chatbot settings: how long its conversations are kept."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from pos_chatbot.adapters.store.documents import Collection

COLLECTION = "restaurants"


class RetentionRepository:
    def __init__(self, collection: Collection) -> None:
        self._restaurants = collection

    async def get(self, tenant_id: uuid.UUID) -> timedelta | None:
        found = await self._restaurants.find_one({"_id": str(tenant_id)})
        return timedelta(days=found["retention_days"]) if found is not None else None

    async def set(self, tenant_id: uuid.UUID, days: int, *, now: datetime) -> None:
        await self._restaurants.update_one(
            {"_id": str(tenant_id)},
            {"$set": {"retention_days": days, "changed_at": now}},
            upsert=True,
        )
