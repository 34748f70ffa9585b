"""inventory under test: the service, a stand-in for restaurant, and restaurants with a menu."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import jwt
import pytest
from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse

from pos_inventory.config import InventorySettings
from pos_inventory.main import create_app
from pos_kit.testing.kit import ServiceUnderTest
from pos_kit.testing.servers import ThreadedServer
from pos_kit.testing.tenants import TestTenant
from pos_kit.testing.tokens import TestTokens


class StandinRestaurant:
    """restaurant's `GET /api/v1/restaurant` on a real port: each tenant's profile, EUR at
    version 1 unless a test says otherwise, read from the caller's token as restaurant does."""

    def __init__(self) -> None:
        self.profiles: dict[str, tuple[str, int] | None] = {}
        # (tenant id, token subject) of every request, oldest first.
        self.asked: list[tuple[str, str]] = []
        app = FastAPI()
        app.get("/api/v1/restaurant")(self._profile)
        self.server = ThreadedServer(app)

    @property
    def url(self) -> str:
        return self.server.url

    def set_profile(self, tenant_id: str, currency: str, version: int) -> None:
        self.profiles[tenant_id] = (currency, version)

    def not_yet(self, tenant_id: str) -> None:
        """restaurant has no profile for the tenant yet (404, as before tenant.registered)."""
        self.profiles[tenant_id] = None

    def asked_by(self, tenant_id: str) -> list[str]:
        """The subjects of the tokens restaurant was asked with for `tenant_id`."""
        return [subject for tenant, subject in self.asked if tenant == tenant_id]

    async def _profile(self, authorization: Annotated[str, Header()]) -> JSONResponse:
        # inventory verified the token already; the stand-in only reads who it names.
        claims = jwt.decode(
            authorization.removeprefix("Bearer "), options={"verify_signature": False}
        )
        tenant_id = claims["tenant_id"]
        self.asked.append((tenant_id, claims["sub"]))
        profile = self.profiles.get(tenant_id, ("EUR", 1))
        if profile is None:
            return JSONResponse({"title": "Not found"}, status_code=404)
        currency, version = profile
        return JSONResponse(
            {
                "tenant_id": tenant_id,
                "name": "Chez Test",
                "address": None,
                "currency": currency,
                "timezone": "Europe/Paris",
                "default_tax_rate_bps": 1000,
                "receipt_footer": None,
                "version": version,
                "created_at": "2026-01-01T12:00:00Z",
                "updated_at": "2026-01-01T12:00:00Z",
            }
        )


@pytest.fixture(scope="session")
def standin_restaurant() -> Iterator[StandinRestaurant]:
    standin = StandinRestaurant()
    standin.server.start()
    yield standin
    standin.server.stop()


@pytest.fixture(scope="session")
def service(standin_restaurant: StandinRestaurant) -> ServiceUnderTest:
    return ServiceUnderTest(
        name="inventory",
        alembic_ini=Path(__file__).resolve().parents[1] / "alembic.ini",
        settings=InventorySettings,
        create_app=lambda settings, verifier: create_app(settings, token_verifier=verifier),
        defaults={"restaurant_url": standin_restaurant.url},
    )


class Restaurant(TestTenant):
    """Test-data factory: one tenant, its staff's tokens, and its menu made through the API."""

    def __init__(self, tokens: TestTokens, client: httpx.AsyncClient) -> None:
        super().__init__(tokens)
        self.client = client

    async def category(self, **overrides: Any) -> dict[str, Any]:
        body = {"name": f"Category {uuid.uuid4().hex[:6]}"} | overrides
        response = await self.client.post("/api/v1/categories", json=body, headers=self.headers())
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def product(self, **overrides: Any) -> dict[str, Any]:
        body = {"name": f"Dish {uuid.uuid4().hex[:6]}", "price": 950, "tax_rate_bps": 1000}
        body |= overrides
        response = await self.client.post("/api/v1/products", json=body, headers=self.headers())
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
            f"/api/v1/products/{product['id']}/stock", json=body, headers=self.headers()
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def stock(self, product: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.get(
            f"/api/v1/products/{product['id']}/stock", headers=self.headers()
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
        return await self.client.post("/api/v1/reservations", json=body, headers=self.headers(role))


@pytest.fixture
def restaurant(client: httpx.AsyncClient, tokens: TestTokens) -> Restaurant:
    return Restaurant(tokens, client)


@pytest.fixture
def another_restaurant(client: httpx.AsyncClient, tokens: TestTokens) -> Restaurant:
    return Restaurant(tokens, client)
