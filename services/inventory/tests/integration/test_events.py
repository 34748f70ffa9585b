"""Menu changes and low stock reach the stream, once each, with the request's correlation id."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import pytest

from pos_kit.testing.nats import read_stream

pytestmark = pytest.mark.integration


async def _events(nats_url: str, event_type: str, tenant_id: str) -> list[dict]:
    raw = await read_stream(nats_url, f"pos.events.{event_type}")
    return [e for e in map(json.loads, raw) if e["tenantid"] == tenant_id]


async def _eventually(check, within: float = 15.0):
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.2)


async def test_a_rename_is_published_once_with_the_requests_correlation_id(
    client, restaurant, nats_server
) -> None:
    product = await restaurant.product(name="Margherita", price=950)
    correlation_id = f"rename-{uuid.uuid4().hex[:8]}"
    renamed = await client.patch(
        f"/api/v1/products/{product['id']}",
        json={"name": "Pizza Margherita"},
        headers={**restaurant.as_(), "X-Correlation-ID": correlation_id},
    )
    assert renamed.status_code == 200
    assert renamed.headers["x-correlation-id"] == correlation_id

    async def published() -> list[dict]:
        return await _events(nats_server.url, "product.updated", restaurant.tenant_id)

    assert await _eventually(published), "product.updated never reached the stream"
    await asyncio.sleep(1.0)  # a duplicate would show up by now
    updated = await published()
    assert len(updated) == 1
    event = updated[0]
    assert event["source"] == "inventory"
    assert event["correlationid"] == correlation_id
    assert event["data"]["name"] == "Pizza Margherita"
    # The event carries the item exactly as the API answers it.
    api_view = renamed.json()
    assert {
        k: event["data"][k]
        for k in (
            "id",
            "price",
            "currency",
            "tax_rate_bps",
            "available",
            "modifier_groups",
            "version",
        )
    } == {
        k: api_view[k]
        for k in (
            "id",
            "price",
            "currency",
            "tax_rate_bps",
            "available",
            "modifier_groups",
            "version",
        )
    }

    created = await _events(nats_server.url, "product.created", restaurant.tenant_id)
    assert [e["data"]["name"] for e in created] == ["Margherita"]


async def test_deleting_an_item_is_published(client, restaurant, nats_server) -> None:
    product = await restaurant.product()
    await client.delete(f"/api/v1/products/{product['id']}", headers=restaurant.as_())

    async def deleted() -> list[dict]:
        return await _events(nats_server.url, "product.deleted", restaurant.tenant_id)

    found = await _eventually(deleted)
    assert [e["data"] for e in found] == [{"id": product["id"]}]


async def test_crossing_the_low_stock_threshold_is_published_once(
    client, restaurant, nats_server
) -> None:
    pizza = await restaurant.stocked(5, threshold=2, name="Quattro Formaggi")
    assert (await restaurant.reserve((pizza, 2))).status_code == 201  # available 3: fine
    assert (await restaurant.reserve((pizza, 1))).status_code == 201  # available 2: low
    assert (await restaurant.reserve((pizza, 1))).status_code == 201  # still low: no repeat

    async def low() -> list[dict]:
        return await _events(nats_server.url, "stock.low", restaurant.tenant_id)

    assert await _eventually(low), "stock.low never reached the stream"
    await asyncio.sleep(1.0)
    events = await low()
    assert [e["data"] for e in events] == [
        {"product_id": pizza["id"], "name": "Quattro Formaggi", "available": 2, "threshold": 2}
    ]
