"""inventory under test: the service, a stand-in for restaurant, and restaurants with a menu."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
import jwt
import pytest
from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse

from pos_inventory.domain.access import RESERVE_SCOPE
from pos_inventory.main import create_app
from pos_kit.events import Event
from pos_kit.testing.bus import new_event
from pos_kit.testing.http import expect
from pos_kit.testing.kit import ServiceKit, ServiceUnderTest
from pos_kit.testing.servers import Standin, ThreadedServer, served
from pos_kit.testing.tenants import TestTenant
from pos_kit.testing.tokens import TestTokens


class StandinRestaurant(Standin):
    """restaurant's `GET /api/v1/restaurant` on a real port: each tenant's profile, EUR at
    version 1 unless a test says otherwise, read from the caller's token as restaurant does."""

    def __init__(self) -> None:
        self.profiles: dict[str, tuple[str, int] | None] = {}
        # (tenant id, token subject) of every request, oldest first.
        self.asked: list[tuple[str, str]] = []
        app = FastAPI()
        app.get("/api/v1/restaurant")(self._profile)
        self.server = ThreadedServer(app)

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
        created = "2026-01-01T12:00:00Z"
        return JSONResponse(
            {
                "tenant_id": tenant_id,
                **_profile_fields(*profile),
                "created_at": created,
                "updated_at": created,
            }
        )

    @staticmethod
    def profile_changed(tenant_id: str, currency: str, version: int, /, **data: Any) -> Event:
        """A `restaurant.profile_changed` event shaped like restaurant's (`data` overrides)."""
        body = _profile_fields(currency, version) | {"changed_at": "2026-12-01T09:00:00.000000Z"}
        return new_event(
            "restaurant.profile_changed", body | data, tenant_id=tenant_id, source="restaurant"
        )


def _profile_fields(currency: str, version: int) -> dict[str, Any]:
    """A restaurant's profile as restaurant answers and publishes it."""
    return {
        "name": "Chez Test",
        "address": None,
        "currency": currency,
        "timezone": "Europe/Paris",
        "default_tax_rate_bps": 1000,
        "receipt_footer": None,
        "version": version,
    }


standin_restaurant = served(StandinRestaurant)


@pytest.fixture(scope="session")
def service(standin_restaurant: StandinRestaurant) -> ServiceUnderTest:
    return ServiceUnderTest.of(create_app, restaurant_url=standin_restaurant.url)


class Restaurant(TestTenant):
    """Test-data factory: one tenant, its staff's tokens, and its menu made through the API."""

    def __init__(self, tokens: TestTokens, client: httpx.AsyncClient, kit: ServiceKit) -> None:
        super().__init__(tokens)
        self.client = client
        self.kit = kit

    @asynccontextmanager
    async def other_instance(self, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
        """For the block, talk to another instance of inventory with `settings` overridden."""
        usual = self.client
        async with self.kit.other_client(**settings) as client:
            self.client = client
            try:
                yield client
            finally:
                self.client = usual

    async def _ok(self, method: str, path: str, status: int, **kwargs: Any) -> dict[str, Any]:
        """An owner's request that must answer `status`; its JSON body."""
        response = await self.client.request(method, path, headers=self.headers(), **kwargs)
        result: dict[str, Any] = expect(response, status)
        return result

    async def category(self, **overrides: Any) -> dict[str, Any]:
        body = {"name": f"Category {uuid.uuid4().hex[:6]}"} | overrides
        return await self._ok("POST", "/api/v1/categories", 201, json=body)

    async def product(self, **overrides: Any) -> dict[str, Any]:
        body = {"name": f"Dish {uuid.uuid4().hex[:6]}", "price": 950, "tax_rate_bps": 1000}
        return await self._ok("POST", "/api/v1/products", 201, json=body | overrides)

    async def stocked(
        self, on_hand: int, threshold: int | None = None, **overrides: Any
    ) -> dict[str, Any]:
        product = await self.product(track_stock=True, **overrides)
        await self.set_stock(product, on_hand, threshold)
        return product

    async def set_stock(
        self, product: dict[str, Any], on_hand: int, threshold: int | None = None
    ) -> dict[str, Any]:
        body = {"on_hand": on_hand, "low_stock_threshold": threshold}
        return await self._ok("PUT", f"/api/v1/products/{product['id']}/stock", 200, json=body)

    async def stock(self, product: dict[str, Any]) -> dict[str, Any]:
        return await self._ok("GET", f"/api/v1/products/{product['id']}/stock", 200)

    def pos_core(self) -> dict[str, str]:
        """pos-core's own token for this restaurant (client credentials, `inventory:reserve`):
        the only caller that holds, commits and releases stock."""
        return self.service_headers("pos-core", RESERVE_SCOPE)

    async def reserve(
        self, *lines: tuple[dict[str, Any], int], order_id: str | None = None
    ) -> httpx.Response:
        """Hold stock for an order, as pos-core does when it is placed."""
        body = {
            "order_id": order_id or str(uuid.uuid4()),
            "lines": [{"product_id": p["id"], "quantity": q} for p, q in lines],
        }
        return await self.client.post("/api/v1/reservations", json=body, headers=self.pos_core())

    async def settle(self, reservation: dict[str, Any], verb: str) -> httpx.Response:
        """Commit or release (`verb`) a reservation, as pos-core does."""
        path = f"/api/v1/reservations/{reservation['id']}/{verb}"
        return await self.client.post(path, headers=self.pos_core())


@pytest.fixture
def restaurant_factory(
    client: httpx.AsyncClient, tokens: TestTokens, kit: ServiceKit
) -> Callable[[], Restaurant]:
    """The plugin's `restaurant` and `another_restaurant` are made by this."""
    return lambda: Restaurant(tokens, client, kit)
