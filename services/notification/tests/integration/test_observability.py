"""Health, readiness and metrics; request log lines name the tenant and the correlation id."""

from __future__ import annotations

from pos_kit.events.testing import wait_until
from pos_kit.testing.app import correlated_get


async def test_health_readiness_and_metrics(client) -> None:
    assert (await client.get("/healthz")).status_code == 200

    # NATS connects in the background after start-up; until then the service is degraded.
    async def nats_connected() -> bool:
        return (await client.get("/readyz")).json()["status"] == "ready"

    await wait_until(nats_connected, within=10, what="readiness with NATS connected")
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "nats": "ok"}
    metrics = (await client.get("/metrics")).text
    assert "pos_notification_kitchen_streams" in metrics
    assert "pos_http_requests_total" in metrics


async def test_a_request_log_line_names_tenant_and_correlation_id(restaurant, client) -> None:
    _, line = await correlated_get(
        client,
        "/api/v1/kitchen/tickets",
        correlation_id="kitchen-screen-7",
        headers=restaurant.headers(),
    )
    assert line["tenant_id"] == restaurant.tenant_id
    assert line["service"] == "notification"
