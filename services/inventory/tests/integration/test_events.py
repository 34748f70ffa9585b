"""Menu changes and low stock reach the stream, once each, with the request's correlation id."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from pos_kit.events.testing import wait_until


async def test_a_rename_is_published_once_with_the_requests_correlation_id(
    client, restaurant, bus
) -> None:
    product = await restaurant.product(name="Margherita", price=950)
    correlation_id = f"rename-{uuid.uuid4().hex[:8]}"
    renamed = await client.patch(
        f"/api/v1/products/{product['id']}",
        json={"name": "Pizza Margherita"},
        headers={**restaurant.headers(), "X-Correlation-ID": correlation_id},
    )
    assert renamed.status_code == 200
    assert renamed.headers["x-correlation-id"] == correlation_id

    async def published() -> list[dict[str, Any]]:
        return await bus.events("product.updated", tenant_id=restaurant.tenant_id)

    await wait_until(published, within=15, what="product.updated on the stream")
    await asyncio.sleep(1.0)  # a duplicate would show up by now
    updated = await published()
    assert len(updated) == 1
    event = updated[0]
    assert event["source"] == "inventory"
    assert event["correlationid"] == correlation_id
    assert event["data"]["name"] == "Pizza Margherita"
    # The event carries the item exactly as the API answers it.
    api_view = renamed.json()
    shared = ("id", "price", "currency", "tax_rate_bps", "available", "modifier_groups", "version")
    assert {k: event["data"][k] for k in shared} == {k: api_view[k] for k in shared}

    created = await bus.events("product.created", tenant_id=restaurant.tenant_id)
    assert [e["data"]["name"] for e in created] == ["Margherita"]


async def test_deleting_an_item_is_published(client, restaurant, bus) -> None:
    product = await restaurant.product()
    await client.delete(f"/api/v1/products/{product['id']}", headers=restaurant.headers())

    async def deleted() -> list[dict[str, Any]]:
        return await bus.events("product.deleted", tenant_id=restaurant.tenant_id)

    found = await wait_until(deleted, within=15, what="product.deleted on the stream")
    assert [e["data"] for e in found] == [{"id": product["id"]}]


async def test_crossing_the_low_stock_threshold_is_published_once(client, restaurant, bus) -> None:
    pizza = await restaurant.stocked(5, threshold=2, name="Quattro Formaggi")
    assert (await restaurant.reserve((pizza, 2))).status_code == 201  # available 3: fine
    assert (await restaurant.reserve((pizza, 1))).status_code == 201  # available 2: low
    assert (await restaurant.reserve((pizza, 1))).status_code == 201  # still low: no repeat

    async def low() -> list[dict[str, Any]]:
        return await bus.events("stock.low", tenant_id=restaurant.tenant_id)

    await wait_until(low, within=15, what="stock.low on the stream")
    await asyncio.sleep(1.0)
    events = await low()
    assert [e["data"] for e in events] == [
        {"product_id": pizza["id"], "name": "Quattro Formaggi", "available": 2, "threshold": 2}
    ]
