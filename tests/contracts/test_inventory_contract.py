"""Inventory's reservation contract, run against the real inventory app and pos-core's stand-in.

The tests are in `inventory_reservations.py`; here are the two implementations of
their `inventory_api`. The real one is inventory's own app on a fresh PostgreSQL
database migrated by its own history, with its own nats-server, served on a real
port; its menu is made through its own API.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from pos_inventory.config import InventorySettings
from pos_inventory.main import create_app
from pos_kit.testing.nats import running_nats_server
from pos_kit.testing.postgres import fresh_database
from pos_kit.testing.servers import ThreadedServer
from pos_kit.testing.tenants import TestTenant
from pos_kit.testing.tokens import TestTokens
from tests.contracts.inventory_reservations import *  # noqa: F403 - the suite's tests and fixtures
from tests.contracts.standins.inventory import StandinInventory

INVENTORY_ALEMBIC_INI = Path(__file__).resolve().parents[2] / "services/inventory/alembic.ini"


class RealInventory:
    """inventory's app, its database and nats-server, served on a real port."""

    def __init__(self, tokens: TestTokens, database_url: str, nats_url: str) -> None:
        self.tokens = tokens
        self._values: dict[str, Any] = {
            "database_url": database_url,
            "nats_url": nats_url,
            "environment": "test",
        }
        self._server = self._serve()
        self.url = self._server.url

    def _serve(self, **overrides: Any) -> ThreadedServer:
        settings = InventorySettings(**{**self._values, **overrides})
        app = create_app(settings, token_verifier=self.tokens.verifier())
        return ThreadedServer(app, lifespan="on").start()

    def stop(self) -> None:
        self._server.stop()

    def restaurant(self) -> TestTenant:
        return TestTenant(self.tokens)

    async def add_product(
        self,
        restaurant: TestTenant,
        *,
        name: str,
        price: int = 900,
        currency: str = "EUR",
        tax_rate_bps: int = 1000,
        available: bool = True,
        stock: int | None = None,
        modifier_groups: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        body = {
            "name": name,
            "price": price,
            "currency": currency,
            "tax_rate_bps": tax_rate_bps,
            "available": available,
            "track_stock": stock is not None,
            "modifier_groups": modifier_groups or [],
        }
        owner = restaurant.headers("owner")
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as http:
            made = await http.post("/api/v1/products", json=body, headers=owner)
            assert made.status_code == 201, made.text
            product: dict[str, Any] = made.json()
            if stock is not None:
                counted = await http.put(
                    f"/api/v1/products/{product['id']}/stock",
                    json={"on_hand": stock},
                    headers=owner,
                )
                assert counted.status_code == 200, counted.text
        return product

    @contextmanager
    def holds_lasting(self, seconds: int) -> Iterator[str]:
        """A second inventory process on the same data, whose holds last `seconds`."""
        server = self._serve(reservation_ttl_seconds=seconds)
        try:
            yield server.url
        finally:
            server.stop()


class StandinDriver:
    """pos-core's stand-in, as the contract suite drives it."""

    def __init__(self, tokens: TestTokens) -> None:
        self.tokens = tokens
        self.standin = StandinInventory(tokens.verifier()).start()
        self.url = self.standin.url

    def stop(self) -> None:
        self.standin.stop()

    def restaurant(self) -> TestTenant:
        return TestTenant(self.tokens)

    async def add_product(
        self, restaurant: TestTenant, *, name: str, **spec: Any
    ) -> dict[str, Any]:
        return self.standin.add_product(restaurant.tenant_id, name=name, **spec)

    @contextmanager
    def holds_lasting(self, seconds: int) -> Iterator[str]:
        usual, self.standin.hold_seconds = self.standin.hold_seconds, seconds
        try:
            yield self.url
        finally:
            self.standin.hold_seconds = usual


@pytest.fixture(scope="session")
def contract_tokens() -> TestTokens:
    return TestTokens()


@pytest.fixture(scope="session")
def real_inventory(contract_tokens: TestTokens) -> Iterator[RealInventory]:
    prefix = f"pos_inventory_contract_{uuid.uuid4().hex[:4]}"
    with (
        running_nats_server() as nats_server,
        fresh_database(prefix, INVENTORY_ALEMBIC_INI) as database_url,
    ):
        inventory = RealInventory(contract_tokens, database_url, nats_server.url)
        yield inventory
        inventory.stop()


@pytest.fixture(scope="session")
def standin_inventory(contract_tokens: TestTokens) -> Iterator[StandinDriver]:
    driver = StandinDriver(contract_tokens)
    yield driver
    driver.stop()


@pytest.fixture(params=["inventory", "pos-core's stand-in"])
def inventory_api(request: pytest.FixtureRequest) -> Any:
    fixture = "real_inventory" if request.param == "inventory" else "standin_inventory"
    return request.getfixturevalue(fixture)
