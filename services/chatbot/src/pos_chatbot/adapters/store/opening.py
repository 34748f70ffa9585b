"""Which document store a process uses: MongoDB when a URL is set, the embedded one otherwise."""

from __future__ import annotations

from pos_chatbot.adapters.store.documents import DocumentStore
from pos_chatbot.adapters.store.embedded import EmbeddedStore
from pos_chatbot.adapters.store.mongo import MongoStore


def open_store(
    *, mongodb_url: str | None, embedded_path: str, timeout_seconds: float
) -> DocumentStore:
    if mongodb_url:
        return MongoStore(mongodb_url, timeout_seconds=timeout_seconds)
    return EmbeddedStore(embedded_path)
