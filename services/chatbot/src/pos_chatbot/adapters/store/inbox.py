"""The event consumer's inbox on the document store: each event's effect once per consumer.

A document per (consumer, event id), `_id` "<consumer>:<event id>". With no
multi-document transaction on either engine (the embedded one has none, and MongoDB
has them only on replica sets), the handler runs first and the event is recorded
after: a crash in between runs the handler again on the redelivery, which the menu
copy's version rule makes harmless. A recorded event is never handled again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Generic, TypeVar

from pos_chatbot.adapters.store.documents import (
    Collection,
    DuplicateDocument,
    Index,
    StoreUnavailable,
)
from pos_kit.events import Event

W = TypeVar("W")
COLLECTION = "inbox"
INDEXES = (Index("consumer_handled", (("consumer", 1), ("handled_at", 1))),)


class MongoInbox(Generic[W]):
    """Runs a handler once per (consumer, event id), handing it `work` (the menu copy)."""

    def __init__(self, collection: Collection, work: W) -> None:
        self._inbox = collection
        self._work = work

    async def handle_once(
        self, consumer: str, event: Event, handler: Callable[[W, Event], Awaitable[None]]
    ) -> bool:
        key = f"{consumer}:{event.id}"
        if await self._inbox.find_one({"_id": key}) is not None:
            return False
        await handler(self._work, event)
        # A duplicate delivery may have handled it at the same moment: the same effect.
        with contextlib.suppress(DuplicateDocument):
            await self._inbox.insert_one(
                {
                    "_id": key,
                    "consumer": consumer,
                    "event_id": event.id,
                    "handled_at": datetime.now(UTC),
                }
            )
        return True

    async def forget(self, consumer: str, handled_before: datetime) -> int:
        return await self._inbox.delete_many(
            {"consumer": consumer, "handled_at": {"$lt": handled_before}}
        )

    def is_unavailable(self, exc: BaseException) -> bool:
        return isinstance(exc, StoreUnavailable)
