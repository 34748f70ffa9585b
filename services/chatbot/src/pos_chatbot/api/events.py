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
from pos_kit.events import Event, EventData, MalformedEvent, parse_data, subject_for, tenant_of

PRODUCT_CREATED = "product.created"
PRODUCT_UPDATED = "product.updated"
PRODUCT_DELETED = "product.deleted"
SUBJECTS = [subject_for(t) for t in (PRODUCT_CREATED, PRODUCT_UPDATED, PRODUCT_DELETED)]


class ProductDeleted(EventData):
    id: uuid.UUID


async def keep_menu_copy(menu: MenuCopy, event: Event) -> None:
    """The consumer's handler: runs once per event, through the chatbot's inbox."""
    tenant_id = tenant_of(event)
    if event.type in (PRODUCT_CREATED, PRODUCT_UPDATED):
        await menu.apply(tenant_id, parse_data(event, ProductDocument).to_menu_item())
    elif event.type == PRODUCT_DELETED:
        await menu.remove(tenant_id, parse_data(event, ProductDeleted).id)
    else:
        # Not subscribed; a filter change on the server would be a bug to notice.
        raise MalformedEvent(f"the chatbot does not handle {event.type} events")
