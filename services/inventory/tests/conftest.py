"""Fixtures for inventory's tests: a migrated PostgreSQL database, a real nats-server, the app,
and restaurants (tenants) whose staff carry tokens the app is told to trust."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from fastapi import FastAPI
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from pos_inventory.config import InventorySettings
from pos_inventory.main import create_app
from pos_kit.events import DLQ_STREAM, Event, ensure_stream
from pos_kit.events.testing import stream_messages
from pos_kit.testing.app import app_client
from pos_kit.testing.nats import NatsServer, running_nats_server
from pos_kit.testing.postgres import fresh_database
from pos_kit.testing.tokens import TestTokens, bearer

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest.fixture(scope="session")
def nats_server() -> Iterator[NatsServer]:
    with running_nats_server() as server:
        yield server


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with fresh_database("pos_inventory_test", ALEMBIC_INI) as url:
        yield url


@pytest.fixture(scope="session")
def tokens() -> TestTokens:
    return TestTokens()


def make_settings(database_url: str, nats_url: str, **overrides: Any) -> InventorySettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "nats_url": nats_url,
        "environment": "test",
        "default_currency": "EUR",
        # A malformed event reaches the dead letters in about a second, not minutes.
        "consumer_max_deliver": 2,
        "consumer_backoff_initial_seconds": 0.2,
        "consumer_backoff_max_seconds": 1.0,
    }
    values.update(overrides)
    return InventorySettings(**values)


@pytest.fixture(scope="session")
def settings(database_url: str, nats_server: NatsServer) -> InventorySettings:
    return make_settings(database_url, nats_server.url)


@pytest.fixture(scope="session")
def inventory_app(settings: InventorySettings, tokens: TestTokens) -> FastAPI:
    return create_app(settings, token_verifier=tokens.verifier())


@pytest.fixture(scope="session")
async def client(inventory_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(inventory_app) as c:
        yield c


class Bus:
    """Publishes CloudEvents to the POS_EVENTS stream as producers do, and reads the DLQ."""

    def __init__(self, nc: NatsClient, js: JetStreamContext) -> None:
        self.nc, self.js = nc, js

    async def publish(self, event: Event, msg_id: str | None = None) -> None:
        """`msg_id` other than the event id: JetStream keeps it, the inbox must absorb it."""
        await self.js.publish(
            event.subject, event.to_json().encode(), headers={"Nats-Msg-Id": msg_id or event.id}
        )

    async def dead_letters(self) -> list[dict[str, Any]]:
        found = await stream_messages(self.js, DLQ_STREAM, "pos.dlq.inventory")
        return [json.loads(m.data or b"{}") for m in found]


@pytest.fixture(scope="session")
async def bus(nats_server: NatsServer) -> AsyncIterator[Bus]:
    nc = await nats.connect(nats_server.url)
    js = nc.jetstream()
    await ensure_stream(js)
    yield Bus(nc, js)
    await nc.close()


class Restaurant:
    """Test-data factory: one tenant, its staff's tokens, and its menu made through the API."""

    def __init__(self, client: httpx.AsyncClient, tokens: TestTokens) -> None:
        self.client = client
        self.tokens = tokens
        self.tenant_id = str(uuid.uuid4())

    def as_(self, role: str = "owner") -> dict[str, str]:
        return bearer(self.tokens.staff(tenant_id=self.tenant_id, role=role))

    async def category(self, **overrides: Any) -> dict[str, Any]:
        body = {"name": f"Category {uuid.uuid4().hex[:6]}"} | overrides
        response = await self.client.post("/api/v1/categories", json=body, headers=self.as_())
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def product(self, **overrides: Any) -> dict[str, Any]:
        body = {"name": f"Dish {uuid.uuid4().hex[:6]}", "price": 950, "tax_rate_bps": 1000}
        body |= overrides
        response = await self.client.post("/api/v1/products", json=body, headers=self.as_())
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def stocked(
        self, on_hand: int, threshold: int | None = None, **overrides: Any
    ) -> dict[str, Any]:
        product = await self.product(track_stock=True, **overrides)
        await self.set_stock(product, on_hand, threshold)
        return product

    async def set_stock(
        self, product: dict[str, Any], on_hand: int, threshold: int | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"on_hand": on_hand, "low_stock_threshold": threshold}
        response = await self.client.put(
            f"/api/v1/products/{product['id']}/stock", json=body, headers=self.as_()
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def stock(self, product: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.get(
            f"/api/v1/products/{product['id']}/stock", headers=self.as_()
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def reserve(
        self,
        *lines: tuple[dict[str, Any], int],
        order_id: str | None = None,
        role: str = "waiter",
    ) -> httpx.Response:
        body = {
            "order_id": order_id or str(uuid.uuid4()),
            "lines": [{"product_id": p["id"], "quantity": q} for p, q in lines],
        }
        return await self.client.post("/api/v1/reservations", json=body, headers=self.as_(role))


@pytest.fixture
def restaurant(client: httpx.AsyncClient, tokens: TestTokens) -> Restaurant:
    return Restaurant(client, tokens)


@pytest.fixture
def another_restaurant(client: httpx.AsyncClient, tokens: TestTokens) -> Restaurant:
    return Restaurant(client, tokens)
