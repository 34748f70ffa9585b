"""Correlation ids are echoed and land, with the tenant, in the request's log line."""

from __future__ import annotations

from pos_kit.testing.app import correlated_get


async def test_correlation_id_is_echoed_and_logged_with_the_tenant(client, staff) -> None:
    owner = await staff.sign_up()
    response, line = await correlated_get(
        client, "/api/v1/auth/me", correlation_id="ticket-7-abc", headers=staff.headers(owner)
    )
    assert response.status_code == 200
    assert line["tenant_id"] == owner["tenant_id"]
    assert line["service"] == "auth"
    assert line["path"] == "/api/v1/auth/me"
    assert line["status"] == 200


async def test_a_correlation_id_is_made_when_absent_and_unsafe_ones_are_replaced(client) -> None:
    made = await client.get("/healthz")
    assert len(made.headers["x-correlation-id"]) >= 16
    unsafe = await client.get("/healthz", headers={"X-Correlation-ID": "bad id\twith tab"})
    assert unsafe.headers["x-correlation-id"] != "bad id\twith tab"


async def test_health_readiness_and_metrics(client) -> None:
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "nats": "ok"}
    metrics = await client.get("/metrics")
    assert "pos_http_requests_total" in metrics.text
