"""The document store: one protocol, MongoDB in production, an embedded engine locally.

Repositories are written once, as PyMongo query documents; the engines only run them.
"""

from pos_chatbot.adapters.store.documents import (
    Collection,
    DocumentStore,
    DuplicateDocument,
    Index,
    StoreUnavailable,
)
from pos_chatbot.adapters.store.opening import open_store

__all__ = [
    "Collection",
    "DocumentStore",
    "DuplicateDocument",
    "Index",
    "StoreUnavailable",
    "open_store",
]
