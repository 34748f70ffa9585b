"""Health, readiness, metrics, and correlation ids with the tenant in the request's log line."""

from __future__ import annotations

from pos_kit.testing.app import correlated_get


async def test_health_readiness_and_metrics(client, restaurant) -> None:
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "nats": "ok"}
    await restaurant.reserve((await restaurant.stocked(1), 1))
    metrics = (await client.get("/metrics")).text
    assert "pos_http_requests_total" in metrics
    assert 'pos_inventory_reservations_total{outcome="held"}' in metrics


async def test_the_request_log_line_names_tenant_and_correlation_id(client, restaurant) -> None:
    _, line = await correlated_get(
        client,
        "/api/v1/products",
        correlation_id="menu-look-42",
        headers=restaurant.headers("waiter"),
    )
    assert line["tenant_id"] == restaurant.tenant_id
    assert line["service"] == "inventory"
