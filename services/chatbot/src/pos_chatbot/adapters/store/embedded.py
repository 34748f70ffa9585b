"""The embedded document store of `make run` and the tests: montydb, MongoDB's queries on SQLite.

The same query documents as on MongoDB, run in-process with no server. montydb is
synchronous, so every call runs on one dedicated thread: the event loop never waits
on SQLite, and the calls keep their order. Where it differs from MongoDB, this adapter
closes the gap (the contract tests check both engines agree):

- datetimes: montydb returns naive datetimes unless asked (`tz_aware`), and cannot
  compare naive with aware ones; it is asked, as PyMongo is.
- duplicates: montydb raises two different errors for a duplicate `_id` (its own
  `DuplicateKeyError`, and a storage error from an upsert); both become
  `DuplicateDocument`.
- collections: a delete on a collection montydb has not created yet fails, so each
  collection is created on its first use.
- indexes: montydb keeps none (`create_index` does nothing), so `prepare` creates none.
  Uniqueness rests on `_id` (every unique key is an `_id` here), and expiry on the
  retention sweeper, which does on this engine what MongoDB's TTL monitor does.
- one process: SQLite's file is this process's own; run one chatbot process on it.
- process-wide settings: montydb keeps its encoding (BSON here) per process, and its
  memory storage (`:memory:`, for unit tests) is one store per process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import montydb
from montydb.errors import DuplicateKeyError as MontyDuplicateKeyError
from montydb.storage import StorageDuplicateKeyError

from pos_chatbot.adapters.store.documents import (
    Document,
    DuplicateDocument,
    Index,
    Query,
    SortOrder,
    Updated,
)

T = TypeVar("T")
MEMORY = ":memory:"
DATABASE = "chatbot"


class EmbeddedCollection:
    def __init__(self, store: EmbeddedStore, name: str) -> None:
        self._store = store
        self._name = name

    async def find_one(self, query: Query) -> Document | None:
        found: Document | None = await self._store.run(
            self._name, lambda db: db[self._name].find_one(query)
        )
        return found

    async def find(
        self, query: Query, *, sort: SortOrder | None = None, limit: int = 0
    ) -> list[Document]:
        def run(db: Any) -> list[Document]:
            cursor = db[self._name].find(query)
            if sort:
                cursor = cursor.sort(list(sort))
            if limit:
                cursor = cursor.limit(limit)
            return list(cursor)

        return await self._store.run(self._name, run)

    async def insert_one(self, document: Document) -> None:
        await self._store.run(self._name, lambda db: db[self._name].insert_one(document))

    async def update_one(
        self, query: Query, update: Mapping[str, Any], *, upsert: bool = False
    ) -> Updated:
        result = await self._store.run(
            self._name,
            lambda db: db[self._name].update_one(query, update, upsert=upsert),
        )
        return Updated(matched=result.matched_count, upserted=result.upserted_id is not None)

    async def delete_one(self, query: Query) -> int:
        result = await self._store.run(self._name, lambda db: db[self._name].delete_one(query))
        return int(result.deleted_count)

    async def delete_many(self, query: Query) -> int:
        result = await self._store.run(self._name, lambda db: db[self._name].delete_many(query))
        return int(result.deleted_count)


class EmbeddedStore:
    """montydb on SQLite in a folder (or in memory, for unit tests)."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedded-store")
        self._client: Any = None
        self._created: set[str] = set()

    def _database(self) -> Any:
        if self._client is None:
            # BSON encoding: the same types and comparisons as MongoDB.
            if self._path == MEMORY:
                montydb.set_storage(MEMORY, storage="memory", use_bson=True)
            else:
                Path(self._path).mkdir(parents=True, exist_ok=True)
                montydb.set_storage(self._path, storage="sqlite", use_bson=True)
            self._client = montydb.MontyClient(self._path, tz_aware=True)
        return self._client[DATABASE]

    async def run(self, collection: str | None, call: Callable[[Any], T]) -> T:
        """`call(database)` on the store's thread, `collection` created first if named."""

        def on_thread() -> T:
            database = self._database()
            if collection is not None and collection not in self._created:
                if collection not in database.list_collection_names():
                    database.create_collection(collection)
                self._created.add(collection)
            try:
                return call(database)
            except (MontyDuplicateKeyError, StorageDuplicateKeyError) as exc:
                raise DuplicateDocument(str(exc)) from exc

        return await asyncio.get_running_loop().run_in_executor(self._thread, on_thread)

    def collection(self, name: str) -> EmbeddedCollection:
        return EmbeddedCollection(self, name)

    async def prepare(self, indexes: Mapping[str, Sequence[Index]]) -> None:
        for collection in indexes:  # open the store, and make its collections, now
            await self.run(collection, lambda db: None)

    async def ping(self) -> None:
        await self.run(None, lambda db: db.list_collection_names())

    async def close(self) -> None:
        def close_client(_: Any) -> None:
            if self._client is not None:
                self._client.close()
                self._client = None
                self._created.clear()

        await self.run(None, close_client)
        self._thread.shutdown(wait=True)
