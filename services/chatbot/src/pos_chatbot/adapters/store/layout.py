"""The chatbot's collections, the indexes MongoDB keeps for them, and who creates those."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import structlog

from pos_chatbot.adapters.store import conversations, inbox, menu_items, restaurants
from pos_chatbot.adapters.store.documents import DocumentStore, Index
from pos_kit.events.worker import BackgroundWorker, backoff_delay, pause

log = structlog.get_logger(__name__)

INDEXES: Mapping[str, Sequence[Index]] = {
    conversations.COLLECTION: conversations.INDEXES,
    menu_items.COLLECTION: menu_items.INDEXES,
    inbox.COLLECTION: inbox.INDEXES,
    restaurants.COLLECTION: (),
}


class StorePreparation(BackgroundWorker):
    """Creates the indexes as the app starts, retrying while the store is away, so that the
    service starts (and says it is not ready) rather than crashing without its store."""

    def __init__(self, store: DocumentStore) -> None:
        super().__init__(name="store-preparation")
        self.store = store

    async def run(self) -> None:
        failures = 0
        while not self.stopping:
            try:
                with self.job():
                    await self.store.prepare(INDEXES)
            except Exception as exc:
                failures += 1
                delay = backoff_delay(failures, 1.0, 30.0)
                log.warning("store_preparation_failed", error=str(exc) or repr(exc), retry_in=delay)
                await pause(delay)
                continue
            log.info("store_prepared")
            return
