"""MongoDB through PyMongo's async client: the production document store."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import ConnectionFailure, DuplicateKeyError, PyMongoError

from pos_chatbot.adapters.store.documents import (
    Document,
    DuplicateDocument,
    Index,
    Query,
    SortOrder,
    StoreUnavailable,
    Updated,
)

T = TypeVar("T")
DEFAULT_DATABASE = "chatbot"


async def _answer(call: Callable[[], Awaitable[T]]) -> T:
    try:
        return await call()
    except DuplicateKeyError as exc:
        raise DuplicateDocument(str(exc)) from exc
    except ConnectionFailure as exc:
        raise StoreUnavailable(str(exc)) from exc
    except PyMongoError as exc:
        if exc.timeout:  # the client-side operation timeout: the server is slow or away
            raise StoreUnavailable(str(exc)) from exc
        raise


class MongoCollection:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def find_one(self, query: Query) -> Document | None:
        return await _answer(lambda: self._collection.find_one(query))

    async def find(
        self, query: Query, *, sort: SortOrder | None = None, limit: int = 0
    ) -> list[Document]:
        async def run() -> list[Document]:
            cursor = self._collection.find(query)
            if sort:
                cursor = cursor.sort(list(sort))
            return await cursor.limit(limit).to_list()

        return await _answer(run)

    async def insert_one(self, document: Document) -> None:
        await _answer(lambda: self._collection.insert_one(document))

    async def update_one(
        self, query: Query, update: Mapping[str, Any], *, upsert: bool = False
    ) -> Updated:
        result = await _answer(lambda: self._collection.update_one(query, update, upsert=upsert))
        return Updated(matched=result.matched_count, upserted=result.upserted_id is not None)

    async def delete_one(self, query: Query) -> int:
        return (await _answer(lambda: self._collection.delete_one(query))).deleted_count

    async def delete_many(self, query: Query) -> int:
        return (await _answer(lambda: self._collection.delete_many(query))).deleted_count


class MongoStore:
    """One database of a MongoDB deployment (the URL's, or `chatbot`)."""

    def __init__(self, url: str, *, timeout_seconds: float) -> None:
        timeout_ms = int(timeout_seconds * 1000)
        self._client: AsyncMongoClient[Document] = AsyncMongoClient(
            url,
            tz_aware=True,
            appname="pos-chatbot",
            # One budget per operation (CSOT), and as long to find a server at all.
            timeoutMS=timeout_ms,
            serverSelectionTimeoutMS=timeout_ms,
        )
        self._database = self._client.get_default_database(default=DEFAULT_DATABASE)

    def collection(self, name: str) -> MongoCollection:
        return MongoCollection(self._database[name])

    async def prepare(self, indexes: Mapping[str, Sequence[Index]]) -> None:
        for collection, wanted in indexes.items():
            for index in wanted:
                options: dict[str, Any] = {"name": index.name, "unique": index.unique}
                if index.expire_after_seconds is not None:
                    options["expireAfterSeconds"] = index.expire_after_seconds
                await _answer(
                    partial(self._database[collection].create_index, list(index.keys), **options)
                )

    async def ping(self) -> None:
        await _answer(lambda: self._client.admin.command("ping"))

    async def close(self) -> None:
        await self._client.close()
