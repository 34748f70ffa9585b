"""Health, readiness, metrics, and correlation ids with the tenant in the request's log line."""

from __future__ import annotations

from pos_kit.testing.app import captured_logs


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
    with captured_logs() as logs:
        response = await client.get(
            "/api/v1/products",
            headers={**restaurant.headers("waiter"), "X-Correlation-ID": "menu-look-42"},
        )
    assert response.headers["x-correlation-id"] == "menu-look-42"
    lines = [
        line
        for line in logs.lines()
        if line.get("event") == "request" and line.get("correlation_id") == "menu-look-42"
    ]
    assert len(lines) == 1
    assert lines[0]["tenant_id"] == restaurant.tenant_id
    assert lines[0]["service"] == "inventory"
