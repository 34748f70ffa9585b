"""The events the chatbot consumes: inventory's product.* events keep its menu copy.

`product.created` and `product.updated` carry the whole item with its `version`; the
copy keeps an item only if it is newer than the one it holds, so a late or repeated
event changes nothing. `product.deleted` leaves a tombstone no older event overrides.
The tenant comes from the envelope only. Data the handler cannot read raises
`MalformedEvent`, and the consumer dead-letters it on `pos.dlq.chatbot` at once.
"""

from __future__ import annotations

import uuid

from pos_chatbot.adapters.inventory import ProductDocument
from pos_chatbot.use_cases.menu_copy import MenuCopy
from pos_kit.events import Event, EventData, by_type, parse_data, subjects_of, tenant_of

PRODUCT_CREATED = "product.created"
PRODUCT_UPDATED = "product.updated"
PRODUCT_DELETED = "product.deleted"


class ProductDeleted(EventData):
    id: uuid.UUID


async def _apply(menu: MenuCopy, event: Event) -> None:
    await menu.apply(tenant_of(event), parse_data(event, ProductDocument).to_menu_item())


async def _remove(menu: MenuCopy, event: Event) -> None:
    await menu.remove(tenant_of(event), parse_data(event, ProductDeleted).id)


_HANDLERS = {PRODUCT_CREATED: _apply, PRODUCT_UPDATED: _apply, PRODUCT_DELETED: _remove}
SUBJECTS = subjects_of(_HANDLERS)
# The consumer's handler: runs once per event, through the chatbot's inbox.
keep_menu_copy = by_type(_HANDLERS)
