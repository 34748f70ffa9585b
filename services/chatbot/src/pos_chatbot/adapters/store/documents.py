"""The document store as repositories see it: collections answering PyMongo query documents.

Both engines implement these few operations, with MongoDB's semantics, and the
contract tests (tests/integration/test_store_contract.py) hold them to it. Only the
operators both run are used: `$set`, `$setOnInsert`, `$unset`, `$push` (with
`$each`), `$inc`; `$lt`, `$lte`, `$gt`, `$in`, `$or`, `$exists`; sorting, limits.

Every unique key of the chatbot is a document's `_id` (composite keys are written into
it), so uniqueness holds on an engine without secondary unique indexes too. Times
are timezone-aware UTC datetimes going in and coming out, stored to the millisecond
as BSON stores them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Document = dict[str, Any]
Query = Mapping[str, Any]
SortOrder = Sequence[tuple[str, int]]


class DuplicateDocument(Exception):
    """An insert (or an upsert's insert) met a document with the same `_id`."""


class StoreUnavailable(Exception):
    """The store did not answer: wait for it, the request or event was not at fault."""


@dataclass(frozen=True)
class Index:
    """An index MongoDB keeps for a collection (the embedded engine has none: see there)."""

    name: str
    keys: tuple[tuple[str, int], ...]
    unique: bool = False
    # Set: MongoDB's TTL monitor deletes documents once this many seconds past the
    # (single, date) key.
    expire_after_seconds: int | None = None


@dataclass(frozen=True)
class Updated:
    matched: int
    upserted: bool


class Collection(Protocol):
    async def find_one(self, query: Query) -> Document | None: ...

    async def find(
        self, query: Query, *, sort: SortOrder | None = None, limit: int = 0
    ) -> list[Document]: ...

    async def insert_one(self, document: Document) -> None: ...

    async def update_one(
        self, query: Query, update: Mapping[str, Any], *, upsert: bool = False
    ) -> Updated: ...

    async def delete_one(self, query: Query) -> int: ...

    async def delete_many(self, query: Query) -> int: ...


class DocumentStore(Protocol):
    def collection(self, name: str) -> Collection: ...

    async def prepare(self, indexes: Mapping[str, Sequence[Index]]) -> None:
        """Create what the collections need (indexes) before the first request."""

    async def ping(self) -> None:
        """For /readyz: raises unless the store answers."""

    async def close(self) -> None: ...
