"""The gateway app on its own (in process, no upstream): health, 404s, CORS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from pos_gateway.config import GatewaySettings
from pos_gateway.main import create_app
from pos_kit.testing.net import free_port

ORIGIN = "https://till.example"


@pytest.fixture
async def gateway(open_gateway: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with open_gateway(GatewaySettings(cors_allowed_origins=[ORIGIN])) as client:
        yield client


async def test_the_gateway_answers_its_own_health(gateway: httpx.AsyncClient) -> None:
    assert (await gateway.get("/healthz")).json() == {"status": "ok"}
    ready = await gateway.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"upstream_client": "ok"}


async def test_metrics_are_not_on_the_public_port_but_on_the_clusters(open_gateway: Any) -> None:
    """Issue 12: /metrics answered at the gateway without a token, to the internet."""
    port = free_port()
    async with open_gateway(GatewaySettings(metrics_port=port)) as client:
        public = await client.get("/metrics")
        assert public.status_code == 404
        assert public.headers["content-type"] == "application/problem+json"
        async with httpx.AsyncClient(trust_env=False) as scraper:
            scraped = await scraper.get(f"http://127.0.0.1:{port}/metrics")
        assert scraped.status_code == 200
        assert "pos_gateway_upstream_requests_total" in scraped.text
    # Stopped with the gateway.
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient(trust_env=False) as scraper:
            await scraper.get(f"http://127.0.0.1:{port}/metrics")


async def test_not_ready_before_the_upstream_client_is_open() -> None:
    app = create_app(GatewaySettings())
    # No lifespan run: the shared client does not exist yet.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
    ) as client:
        ready = await client.get("/readyz")

    assert ready.status_code == 503
    assert ready.json()["status"] == "not_ready"


async def test_each_upstream_gets_its_own_client_and_all_are_closed_at_shutdown() -> None:
    app = create_app(GatewaySettings())
    upstreams = app.state.proxy.upstreams
    async with LifespanManager(app):
        clients = dict(upstreams.clients)  # one connection pool (bulkhead) per upstream
        assert set(clients) == set(GatewaySettings().upstream_urls)
        assert len({id(client) for client in clients.values()}) == len(clients)
        assert not any(client.is_closed for client in clients.values())
        assert upstreams.ready

    assert all(client.is_closed for client in clients.values())
    assert not upstreams.ready


@pytest.mark.parametrize("path", ["/api/v1/ordersX", "/api/v9/orders", "/", "/admin"])
async def test_a_path_no_service_serves_is_a_404_problem(
    gateway: httpx.AsyncClient, path: str
) -> None:
    response = await gateway.get(path, headers={"X-Correlation-ID": "c-404"})

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers.get_list("x-correlation-id") == ["c-404"]
    body = response.json()
    assert body["type"].endswith("/not-found")
    assert body["correlation_id"] == "c-404"


async def test_a_browser_from_an_allowed_origin_passes_the_preflight(
    gateway: httpx.AsyncClient,
) -> None:
    response = await gateway.options(
        "/api/v1/orders",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, idempotency-key",
        },
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN


async def test_a_browser_can_read_the_correlation_id_of_an_error(
    gateway: httpx.AsyncClient,
) -> None:
    response = await gateway.get("/nothing", headers={"Origin": ORIGIN})

    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "x-correlation-id" in response.headers["access-control-expose-headers"].lower()


async def test_a_browser_from_another_origin_is_not_allowed(gateway: httpx.AsyncClient) -> None:
    response = await gateway.options(
        "/api/v1/orders",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )

    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers
