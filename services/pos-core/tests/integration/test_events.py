"""Events reach the stream exactly once with the request's correlation id, which is also logged."""

from __future__ import annotations

import asyncio
import json
import time

from pos_kit.testing.app import captured_logs
from pos_kit.testing.nats import read_stream
from pos_kit.testing.tokens import bearer


async def _order_events(nats_url: str, tenant_id: str, *, at_least: int) -> list[dict]:
    """The tenant's order.* events, once `at_least` of them arrived (or after 15 s)."""
    deadline = time.monotonic() + 15
    while True:
        raw = await read_stream(nats_url, "pos.events.order.>")
        found = [e for e in map(json.loads, raw) if e["tenantid"] == tenant_id]
        if len(found) >= at_least or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)


async def test_order_placed_reaches_the_stream_once_carrying_the_correlation_id(
    restaurant, inventory, nats_server, tokens
) -> None:
    pizza = restaurant.pizza()
    order = await restaurant.open_order(
        type="dine_in",
        guests=2,
        items=[restaurant.line(pizza, "Large", "Olives", quantity=2, notes="no basil")],
    )
    waiter = restaurant.token("waiter")
    with captured_logs() as logs:
        response = await restaurant.client.post(
            f"/api/v1/orders/{order['id']}/place",
            headers={**bearer(waiter), "X-Correlation-ID": "till-4-place-7f3a"},
        )
    assert response.status_code == 200, response.text
    assert response.headers["x-correlation-id"] == "till-4-place-7f3a"

    lines = [line for line in logs.lines() if line.get("correlation_id") == "till-4-place-7f3a"]
    request_line = logs.request_line("till-4-place-7f3a")
    # (Not asserting the request line's `service`: pos-kit caches structlog loggers on
    # first use, so when several services' tests share one process it names the first.)
    assert request_line["tenant_id"] == restaurant.tenant_id
    assert request_line["path"] == f"/api/v1/orders/{order['id']}/place"
    assert request_line["status"] == 200
    [placed_line] = [line for line in lines if line.get("event") == "order_placed"]
    assert placed_line["service"] == "pos-core"
    assert placed_line["order_id"] == order["id"]
    [reserve_call] = [h for h in inventory.hits if h.headers.get("idempotency-key") == order["id"]]
    assert reserve_call.headers["x-correlation-id"] == "till-4-place-7f3a"
    # Held as pos-core itself, for the order's restaurant (test_stock_holds.py has the rest).
    held_as = await tokens.verifier().verify(
        reserve_call.headers["authorization"].removeprefix("Bearer ")
    )
    assert (held_as.subject, held_as.tenant_id) == ("service:pos-core", restaurant.tenant_id)

    await _order_events(nats_server.url, restaurant.tenant_id, at_least=1)
    await asyncio.sleep(1.0)  # give a duplicate the chance to show up
    events = await _order_events(nats_server.url, restaurant.tenant_id, at_least=1)
    assert [e["type"] for e in events] == ["order.placed"]
    [placed] = events
    assert placed["source"] == "pos-core"
    assert placed["correlationid"] == "till-4-place-7f3a"
    assert placed["dataschemaversion"] == "1"
    data = placed["data"]
    assert data["order_id"] == order["id"]
    assert data["reservation_id"] == response.json()["reservation_id"]
    [item] = data["items"]
    assert (item["name"], item["quantity"], item["notes"]) == ("Margherita", 2, "no basil")
    assert item["modifiers"] == ["Large", "Olives"]
    assert (item["unit_price"], item["line_amount"], item["line_tax"]) == (1600, 3200, 320)
    assert data["totals"]["total"] == 3520
    assert data["placed_by"]


async def test_paying_closing_and_cancelling_are_announced(
    restaurant, nats_server, pay_in_full
) -> None:
    soup = restaurant.product(price=600)
    served = await restaurant.placed_order(soup)
    await pay_in_full(restaurant, served)
    assert (await restaurant.act(served["id"], "close", role="cashier")).status_code == 200
    dropped = await restaurant.placed_order(soup)
    assert (await restaurant.act(dropped["id"], "cancel")).status_code == 200

    events = await _order_events(nats_server.url, restaurant.tenant_id, at_least=5)
    by_order = {
        order_id: [e["type"] for e in events if e["data"]["order_id"] == order_id]
        for order_id in (served["id"], dropped["id"])
    }
    assert by_order[served["id"]] == ["order.placed", "order.paid", "order.closed"]
    assert by_order[dropped["id"]] == ["order.placed", "order.cancelled"]
    cancelled = next(e for e in events if e["type"] == "order.cancelled")
    assert cancelled["data"]["previous_status"] == "placed"
    assert cancelled["data"]["reservation_id"] == dropped["reservation_id"]


async def test_health_readiness_and_metrics(client) -> None:
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.json()["checks"] == {"database": "ok", "nats": "ok"}
    metrics = (await client.get("/metrics")).text
    assert "pos_http_requests_total" in metrics
    assert 'pos_downstream_circuit_state{downstream="inventory"}' in metrics
