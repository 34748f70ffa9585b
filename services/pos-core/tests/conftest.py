"""pos-core under test: the service, its stand-ins for inventory, auth and the restaurant
service, and restaurants whose menus, profiles and orders are made through them, and paid
through the events the payment service would publish.

The shared fixtures (`client`, `kit`, `bus`, `tokens`, `database_url`...) come from
pos-kit's pytest plugin. The inventory stand-in lives beside the contract suite that
keeps it true to inventory (`tests/contracts/`); the stand-in auth issues pos-core its own
tokens (client credentials, `inventory:reserve`), which the inventory stand-in trusts; the
restaurant stand-in answers the calls pos-core makes there, a restaurant's profile and
its tables.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from pos_core.main import create_app
from pos_kit.events import Event
from pos_kit.events.testing import wait_until
from pos_kit.testing.auth import StandinTokenIssuer
from pos_kit.testing.bus import EventBus, new_event
from pos_kit.testing.http import expect
from pos_kit.testing.kit import ServiceKit, ServiceKits, ServiceUnderTest
from pos_kit.testing.net import free_port
from pos_kit.testing.servers import ThreadedServer
from pos_kit.testing.tenants import TestTenant
from pos_kit.testing.tokens import TestTokens
from pos_kit.tokens import TokenVerifier
from tests.contracts.standins.inventory import StandinInventory

PROBLEM = "application/problem+json"
CLIENT_ID = "pos-core"
CLIENT_SECRET = "stand-in-secret"
RESERVE_SCOPE = "inventory:reserve"
# Short budgets, so that a test of an outage takes seconds.
BUDGETS: dict[str, Any] = {
    "inventory_total_timeout_seconds": 2.0,
    "inventory_attempt_timeout_seconds": 1.0,
    "inventory_backoff_base_seconds": 0.02,
    "inventory_backoff_cap_seconds": 0.05,
    "auth_timeout_seconds": 0.5,
    "placing_lease_seconds": 6.0,
    "restaurant_total_timeout_seconds": 1.0,
    "restaurant_attempt_timeout_seconds": 0.5,
}
TRATTORIA = {
    "name": "Trattoria Test",
    "address": None,
    "currency": "EUR",
    "timezone": "UTC",
    "default_tax_rate_bps": 1000,
    "receipt_footer": "Thank you for your visit!",
    "version": 1,
}


# --- the stand-in restaurant service --------------------------------------------------------


@dataclass
class StandinRestaurantService:
    """The restaurant service as pos-core calls it, per tenant: `GET /api/v1/restaurant` and
    `GET /api/v1/tables/{id}`."""

    verifier: TokenVerifier
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)  # the tenants whose profile was asked for
    tables: set[tuple[str, str]] = field(default_factory=set)  # (tenant, table id)
    tables_asked: list[str] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        async def tenant_of(request: Request) -> str:
            token = request.headers.get("authorization", "").removeprefix("Bearer ")
            tenant_id = (await self.verifier.verify(token)).tenant_id
            assert tenant_id is not None
            return tenant_id

        def not_found(detail: str) -> JSONResponse:
            body = {"status": 404, "detail": detail}
            return JSONResponse(body, status_code=404, media_type=PROBLEM)

        @app.get("/api/v1/restaurant")
        async def profile(request: Request) -> JSONResponse:
            tenant_id = await tenant_of(request)
            self.asked.append(tenant_id)
            found = self.profiles.get(tenant_id)
            if found is None:
                return not_found("No profile for this restaurant yet.")
            return JSONResponse({"tenant_id": tenant_id, **found})

        @app.get("/api/v1/tables/{table_id}")
        async def table(table_id: str, request: Request) -> JSONResponse:
            self.tables_asked.append(table_id)
            if (await tenant_of(request), table_id) not in self.tables:
                return not_found("No such table.")
            return JSONResponse({"id": table_id, "status": "free"})

        return app


# --- the service ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def inventory_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def restaurant_service_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def auth_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def service(inventory_port: int, restaurant_service_port: int, auth_port: int) -> ServiceUnderTest:
    return ServiceUnderTest.of(
        create_app,
        inventory_url=f"http://127.0.0.1:{inventory_port}",
        restaurant_url=f"http://127.0.0.1:{restaurant_service_port}",
        auth_url=f"http://127.0.0.1:{auth_port}",
        auth_client_secret=CLIENT_SECRET,
        **BUDGETS,
    )


@pytest.fixture(scope="session")
def session_tokens(service: ServiceUnderTest, service_kits: ServiceKits) -> TestTokens:
    """The test tokens, for the session-long stand-ins to verify the tokens pos-core forwards."""
    return service_kits.kit_for(service).tokens


@pytest.fixture(scope="session")
def inventory(session_tokens: TestTokens, inventory_port: int) -> Iterator[StandinInventory]:
    standin = StandinInventory(session_tokens.verifier(), port=inventory_port).start()
    yield standin
    standin.stop()


@pytest.fixture(scope="session")
def auth(session_tokens: TestTokens, auth_port: int) -> Iterator[StandinTokenIssuer]:
    """auth's client-credentials endpoint: pos-core's own tokens, signed as the test tokens
    (so the inventory stand-in trusts them), for the restaurant asked for."""
    clients = {CLIENT_ID: (CLIENT_SECRET, [RESERVE_SCOPE])}
    with StandinTokenIssuer(session_tokens, clients, port=auth_port) as issuer:
        yield issuer


@pytest.fixture(scope="session")
def restaurant_service(
    session_tokens: TestTokens, restaurant_service_port: int
) -> Iterator[StandinRestaurantService]:
    standin = StandinRestaurantService(session_tokens.verifier())
    with ThreadedServer(standin.app(), port=restaurant_service_port):
        yield standin


# --- test data, made through the public API and the stand-ins -----------------------------


class Restaurant(TestTenant):
    """One tenant: its profile at the restaurant service, its menu at inventory, its orders."""

    def __init__(
        self,
        tokens: TestTokens,
        client: httpx.AsyncClient,
        inventory: StandinInventory,
        restaurant_service: StandinRestaurantService,
        profile: dict[str, Any] | None = TRATTORIA,
    ) -> None:
        super().__init__(tokens)
        self.client = client
        self.inventory = inventory
        self.restaurant_service = restaurant_service
        if profile is not None:
            restaurant_service.profiles[self.tenant_id] = dict(profile)

    def table(self, table_id: str | None = None) -> str:
        """A table on this restaurant's floor plan, as the restaurant service knows it."""
        table_id = table_id or str(uuid.uuid4())
        self.restaurant_service.tables.add((self.tenant_id, table_id))
        return table_id

    # The menu.

    def product(self, **kwargs: Any) -> dict[str, Any]:
        return self.inventory.add_product(self.tenant_id, **kwargs)

    def pizza(self, **kwargs: Any) -> dict[str, Any]:
        """A pizza with a required size and up to two paid extras."""
        return self.product(
            name="Margherita",
            price=1200,
            tax_rate_bps=1000,
            modifier_groups=[
                group("Size", 1, 1, ("Regular", 0), ("Large", 300)),
                group("Extras", 0, 2, ("Extra cheese", 150), ("Olives", 100), ("Anchovies", 200)),
            ],
            **kwargs,
        )

    # Orders, taken by a waiter unless said otherwise.

    @staticmethod
    def line(product: dict[str, Any], *options: str, quantity: int = 1, **item: Any) -> Any:
        """An item of a request: `quantity` of `product` with the options of these names."""
        modifiers = [option(product, name) for name in options]
        return {"product_id": product["id"], "quantity": quantity, "modifiers": modifiers, **item}

    async def open_order(self, **body: Any) -> Any:
        body.setdefault("type", "takeout")
        response = await self.client.post(
            "/api/v1/orders", json=body, headers=self.headers("waiter")
        )
        return expect(response, 201)

    async def add(self, order_id: str, product: dict[str, Any], **item: Any) -> Any:
        item.setdefault("quantity", 1)
        response = await self.client.post(
            f"/api/v1/orders/{order_id}/items",
            json={"product_id": product["id"], **item},
            headers=self.headers("waiter"),
        )
        return expect(response, 201)

    async def act(
        self, order_id: str, action: str, *, role: str = "waiter", **kwargs: Any
    ) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/orders/{order_id}/{action}", headers=self.headers(role), **kwargs
        )

    async def get(self, order_id: str) -> Any:
        response = await self.client.get(
            f"/api/v1/orders/{order_id}", headers=self.headers("waiter")
        )
        return expect(response)

    async def placed_order(self, *products: dict[str, Any]) -> Any:
        order = await self.open_order(items=[self.line(p) for p in products])
        return expect(await self.act(order["id"], "place"))

    async def receipt(self, order_id: str, **params: str) -> httpx.Response:
        return await self.client.get(
            f"/api/v1/orders/{order_id}/receipt", params=params, headers=self.headers("waiter")
        )

    # Payments: the payment service takes them and announces each one.

    def payment_completed(
        self, order: dict[str, Any], amount: int, *, paid_total: int | None = None, **data: Any
    ) -> Event:
        """`payment.completed` for `amount` of `order`, as the payment service records it;
        `paid_total` is the order's payments so far, this one included (default: `amount`)."""
        total = order["total"]
        paid = amount if paid_total is None else paid_total
        values = {
            "payment_id": str(uuid.uuid4()),
            "order_id": order["id"],
            "method": "card",
            "amount": amount,
            "tip": 0,
            "currency": order["currency"],
            "rounding": 0,
            "order_total": total,
            "paid_total": paid,
            "balance": total - paid,
            "lines": [],
            "served_by": order.get("placed_by"),
            "taken_by": "cashier-7",
            "completed_at": "2026-12-10T20:15:00.123456+00:00",
            **data,
        }
        return new_event("payment.completed", values, tenant_id=self.tenant_id, source="payment")

    # The profile: the restaurant service announces every change.

    def profile_changed(self, version: int, **fields: Any) -> Event:
        """`restaurant.profile_changed` at `version`, as the restaurant service records it."""
        data = {
            "name": "Trattoria",
            "address": None,
            "currency": "EUR",
            "timezone": "UTC",
            "default_tax_rate_bps": 1000,
            "receipt_footer": None,
            "cash_rounding_minor_units": 1,
            "waiters_take_payments": False,
            "close_when_paid": False,
            "version": version,
            "changed_at": "2026-12-10T10:00:00.000000Z",
            **fields,
        }
        return new_event(
            "restaurant.profile_changed", data, tenant_id=self.tenant_id, source="restaurant"
        )

    async def status_becomes(self, order_id: str, status: str, within: float = 10.0) -> None:
        async def reached() -> bool:
            return (await self.get(order_id))["status"] == status

        await wait_until(reached, within=within, what=f"order {order_id} {status}")


def group(name: str, min_select: int, max_select: int, *options: tuple[str, int]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "min_choices": min_select,
        "max_choices": max_select,
        "options": [
            {"id": str(uuid.uuid4()), "name": n, "price_delta": delta} for n, delta in options
        ],
    }


def option(product: dict[str, Any], name: str) -> str:
    for g in product["modifier_groups"]:
        for o in g["options"]:
            if o["name"] == name:
                return str(o["id"])
    raise KeyError(name)


@pytest.fixture
def restaurant_factory(
    tokens: TestTokens,
    client: httpx.AsyncClient,
    inventory: StandinInventory,
    restaurant_service: StandinRestaurantService,
    auth: StandinTokenIssuer,
) -> Any:
    """More restaurants: `profile=None` is one the restaurant service does not know; `client`
    and `inventory` put it on another app or stand-in than the test's own."""

    def make(
        profile: dict[str, Any] | None = TRATTORIA,
        *,
        client: httpx.AsyncClient = client,
        inventory: StandinInventory = inventory,
    ) -> Restaurant:
        return Restaurant(tokens, client, inventory, restaurant_service, profile)

    return make


def assert_no_floats(value: object) -> None:
    """Money is integer minor units: no float anywhere in an answer or an event's data."""
    assert not isinstance(value, float), value
    if isinstance(value, dict):
        for v in value.values():
            assert_no_floats(v)
    elif isinstance(value, list):
        for v in value:
            assert_no_floats(v)


@pytest.fixture
def option_of() -> Any:
    return option


@pytest.fixture
def no_floats() -> Any:
    """`no_floats(answer)`: asserts that no float stands anywhere in it."""
    return assert_no_floats


@pytest.fixture
def standin_factory(tokens: TestTokens) -> Any:
    def make() -> StandinInventory:
        return StandinInventory(tokens.verifier())

    return make


@pytest.fixture
def db_count(kit: ServiceKit) -> Any:
    async def count(table: str, **where: str) -> int:
        clauses = " AND ".join(f"{column} = :{column}" for column in where)
        sql = f"SELECT count(*) FROM {table}" + (f" WHERE {clauses}" if clauses else "")
        async with kit.database().unit_of_work() as uow:
            return int(await uow.session.scalar(sa.text(sql), where) or 0)

    return count


@pytest.fixture
def pay_in_full(bus: EventBus) -> Any:
    """`await pay_in_full(restaurant, order)`: one payment of the whole total, then `paid`."""

    async def pay(restaurant: Restaurant, order: dict[str, Any]) -> dict[str, Any]:
        await bus.publish(restaurant.payment_completed(order, order["total"]))
        await restaurant.status_becomes(order["id"], "paid")
        return await restaurant.get(order["id"])

    return pay


@contextlib.contextmanager
def stopwatch() -> Iterator[list[float]]:
    """`with stopwatch() as elapsed:` ... `elapsed[0]` is the seconds the block took."""
    elapsed = [0.0]
    started = time.monotonic()
    try:
        yield elapsed
    finally:
        elapsed[0] = time.monotonic() - started


@pytest.fixture
def timer() -> Any:
    return stopwatch
