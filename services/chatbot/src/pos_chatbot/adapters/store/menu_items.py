"""The menu copy's documents: one per (restaurant, item), kept only if newer than what is held.

`_id` is "<tenant>:<product>": the unique key on every engine. A write carries the
item's version and only replaces an older one (`version < new` in the query, with an
upsert): if the copy holds the same or a newer version, the upsert's insert meets the
existing `_id` and is refused, which is how a stale event is recognised. A deletion
writes a tombstone (`deleted`, version `TOMBSTONE_VERSION`) that nothing overwrites.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Any

from pos_chatbot.adapters.plain import from_plain, to_plain
from pos_chatbot.adapters.store.documents import Collection, Document, DuplicateDocument, Index
from pos_chatbot.domain.menu import TOMBSTONE_VERSION, MenuItem

COLLECTION = "menu_items"
INDEXES = (Index("tenant_product", (("tenant_id", 1), ("product_id", 1)), unique=True),)
# What a tombstone no longer holds: the item's description, all but its id and version.
_DESCRIPTION = tuple(
    field.name for field in dataclasses.fields(MenuItem) if field.name not in ("id", "version")
)


def _key(tenant_id: uuid.UUID, product_id: uuid.UUID) -> str:
    return f"{tenant_id}:{product_id}"


def _document(item: MenuItem, copied_at: datetime) -> dict[str, Any]:
    """What a write sets: the item's fields but its id (the `product_id`, set on insert)."""
    fields = to_plain(item)
    del fields["id"]
    return {**fields, "deleted": False, "copied_at": copied_at}


def _item(document: Document) -> MenuItem:
    return from_plain(MenuItem, {**document, "id": document["product_id"]})


class MenuItemRepository:
    def __init__(self, collection: Collection) -> None:
        self._items = collection

    async def put(self, tenant_id: uuid.UUID, item: MenuItem, *, now: datetime) -> bool:
        """Keep `item` unless the copy holds this version or a newer one; True if kept."""
        try:
            await self._items.update_one(
                {"_id": _key(tenant_id, item.id), "version": {"$lt": item.version}},
                {
                    "$set": _document(item, now),
                    "$setOnInsert": {"tenant_id": str(tenant_id), "product_id": str(item.id)},
                },
                upsert=True,
            )
        except DuplicateDocument:
            return False
        return True

    async def bury(self, tenant_id: uuid.UUID, product_id: uuid.UUID, *, now: datetime) -> None:
        """Leave a tombstone: the item is gone, and no older description brings it back."""
        await self._items.update_one(
            {"_id": _key(tenant_id, product_id)},
            {
                "$set": {"version": TOMBSTONE_VERSION, "deleted": True, "copied_at": now},
                "$unset": dict.fromkeys(_DESCRIPTION, ""),
                "$setOnInsert": {"tenant_id": str(tenant_id), "product_id": str(product_id)},
            },
            upsert=True,
        )

    async def menu(self, tenant_id: uuid.UUID) -> tuple[list[MenuItem], bool]:
        """The restaurant's items by name, and whether the copy knows the restaurant at all
        (a tenant whose items were all deleted is known: only tombstones are left)."""
        found = await self._items.find({"tenant_id": str(tenant_id)}, sort=[("name", 1)])
        return [_item(d) for d in found if not d["deleted"]], bool(found)

    async def get(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> MenuItem | None:
        found = await self._items.find_one(
            {"_id": _key(tenant_id, product_id), "tenant_id": str(tenant_id), "deleted": False}
        )
        return _item(found) if found is not None else None

    async def version_of(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> int | None:
        """The version the copy holds (a tombstone's too), or None if it never heard of it."""
        found = await self._items.find_one({"_id": _key(tenant_id, product_id)})
        return int(found["version"]) if found is not None else None
