"""payment under test: the service, stand-ins for pos-core and the card processor, restaurants."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
import jwt
import pytest
from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse
from sqlalchemy import text

from pos_card_simulator.app import create_app as create_simulator
from pos_card_simulator.config import SimulatorSettings
from pos_kit.db import Database
from pos_kit.events.testing import wait_until
from pos_kit.testing.bus import EventBus, new_event
from pos_kit.testing.http import expect
from pos_kit.testing.kit import ServiceKit, ServiceUnderTest
from pos_kit.testing.servers import Standin, ThreadedServer, served
from pos_kit.testing.tenants import TestTenant
from pos_kit.testing.tokens import TestTokens
from pos_payment.domain.payments import Method, Payment, PaymentStatus
from pos_payment.main import create_app

# Fast enough for tests, in the proportions production keeps (see PaymentSettings).
TEST_DEFAULTS: dict[str, Any] = {
    "processor_timeout_seconds": 1.0,
    "reconcile_after_seconds": 1.5,
    "reconcile_interval_seconds": 0.1,
    "idempotency_lease_seconds": 10.0,
    "pos_core_total_timeout_seconds": 1.0,
    "pos_core_attempt_timeout_seconds": 0.5,
    "pos_core_max_attempts": 1,
}


class StandinPosCore(Standin):
    """pos-core's `GET /api/v1/orders/{id}` on a real port: each tenant sees its own orders,
    read from the caller's token as pos-core does."""

    def __init__(self) -> None:
        self.orders: dict[tuple[str, str], dict[str, Any]] = {}
        # Answer nobody until this many requests wait, then everybody at once (see `together`).
        self.together_at = 0
        self._waiting = 0
        self._all_here: asyncio.Event | None = None
        app = FastAPI()
        app.get("/api/v1/orders/{order_id}")(self._order)
        self.server = ThreadedServer(app)

    def add(self, tenant_id: str, order: dict[str, Any]) -> None:
        self.orders[(tenant_id, order["id"])] = order

    def together(self, requests: int) -> None:
        """Hold the next `requests` requests and answer them all at once: their callers then
        race for real, rather than one after the other as the answers trickle in."""
        self.together_at, self._waiting, self._all_here = requests, 0, None

    async def _gather(self) -> None:
        if self._all_here is None:
            self._all_here = asyncio.Event()  # created in the server's own event loop
        self._waiting += 1
        if self._waiting >= self.together_at:
            self.together_at = 0
            self._all_here.set()
        await self._all_here.wait()

    async def _order(self, order_id: str, authorization: Annotated[str, Header()]) -> JSONResponse:
        if self.together_at:
            await self._gather()
        # payment verified the token already; the stand-in only reads whose it is.
        claims = jwt.decode(
            authorization.removeprefix("Bearer "), options={"verify_signature": False}
        )
        order = self.orders.get((claims["tenant_id"], order_id))
        if order is None:
            return JSONResponse({"title": "Not found"}, status_code=404)
        return JSONResponse(order)


class CardSimulator(Standin):
    """The card simulator (tools/card-simulator) on a real port, steered by its admin API."""

    def __init__(self) -> None:
        self.server = ThreadedServer(create_simulator(SimulatorSettings()))

    async def _admin(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.url, timeout=5) as http:
            response = await http.request(method, f"/_simulator/{path}", **kwargs)
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    async def hang(self, on: bool) -> None:
        await self._admin("PUT", "settings", json={"hang": on})

    async def held(self) -> int:
        return int((await self._admin("GET", "settings"))["held"])

    async def charges(self) -> dict[str, int]:
        charges: dict[str, int] = (await self._admin("GET", "charges"))["charges"]
        return charges

    async def charges_of(self, payment_id: str) -> int:
        """How many times the processor charged for a payment (its key is derived from its id)."""
        return (await self.charges()).get(f"pos-payment-{payment_id}", 0)


pos_core = served(StandinPosCore)
simulator = served(CardSimulator)


@pytest.fixture(scope="session")
def service(pos_core: StandinPosCore, simulator: CardSimulator) -> ServiceUnderTest:
    return ServiceUnderTest.of(
        create_app, **TEST_DEFAULTS, pos_core_url=pos_core.url, processor_base_url=simulator.url
    )


@pytest.fixture
def database(kit: ServiceKit) -> Database:
    """The service's database, for what the API does not show (the stored rows themselves)."""
    return kit.database()


class Restaurant(TestTenant):
    """Test data: one tenant, its staff, its orders at pos-core, its payments through the API."""

    def __init__(self, tokens: TestTokens, client: httpx.AsyncClient, pos_core: StandinPosCore):
        super().__init__(tokens)
        self.client = client
        self.pos_core = pos_core
        self.server_id = str(uuid.uuid4())  # the waiter who places the orders
        self.cashier_id = str(uuid.uuid4())

    def order(
        self,
        *line_totals: int,
        tax: int = 0,
        status: str = "placed",
        currency: str = "EUR",
    ) -> dict[str, Any]:
        """An order pos-core knows, with one line per total (tax included)."""
        order = {
            "id": str(uuid.uuid4()),
            "status": status,
            "currency": currency,
            "total": sum(line_totals),
            "tax": tax,
            "items": [{"id": str(uuid.uuid4()), "line_total": t} for t in line_totals],
            "placed_by": self.server_id,
        }
        self.pos_core.add(self.tenant_id, order)
        return order

    def cashier(self) -> dict[str, str]:
        return self.headers("cashier", user_id=self.cashier_id)

    async def pay(
        self,
        order: dict[str, Any],
        amount: int,
        method: str = "card",
        *,
        key: str | None = None,
        headers: dict[str, str] | None = None,
        **fields: Any,
    ) -> httpx.Response:
        body: dict[str, Any] = {"order_id": order["id"], "amount": amount, "method": method}
        if method == "card":
            body["payment_method"] = "pm_card_visa"
        body |= fields
        return await self.client.post(
            "/api/v1/payments",
            json=body,
            headers={**(headers or self.cashier()), "Idempotency-Key": key or str(uuid.uuid4())},
        )

    async def paid(self, order: dict[str, Any], amount: int, method: str = "card", **fields: Any):
        payment: dict[str, Any] = expect(await self.pay(order, amount, method, **fields), 201)
        return payment

    async def payment_now(self, payment: dict[str, Any]) -> dict[str, Any]:
        """The payment as the API shows it now."""
        response = await self.client.get(
            f"/api/v1/payments/{payment['id']}", headers=self.cashier()
        )
        found: dict[str, Any] = expect(response)
        return found

    async def bill(self, order: dict[str, Any]) -> dict[str, Any]:
        """The order's payments and where its bill stands."""
        response = await self.client.get(
            "/api/v1/payments", params={"order_id": order["id"]}, headers=self.cashier()
        )
        bill: dict[str, Any] = expect(response)
        return bill

    async def refund(
        self, payment: dict[str, Any], amount: int, *, key: str | None = None, **fields: Any
    ) -> httpx.Response:
        body = {"amount": amount, "reason": "sent back to the kitchen", **fields}
        return await self.client.post(
            f"/api/v1/payments/{payment['id']}/refunds",
            json=body,
            headers={**self.headers("manager"), "Idempotency-Key": key or str(uuid.uuid4())},
        )

    async def open_drawer(
        self, drawer: str = "front", opening_float: int = 10_000
    ) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/cash-drawers",
            json={"drawer": drawer, "opening_float": opening_float, "currency": "EUR"},
            headers=self.headers("manager"),
        )
        session: dict[str, Any] = expect(response, 201)
        return session

    async def publish_profile(self, bus: EventBus, version: int, **settings: Any) -> str:
        """Publish restaurant's `restaurant.profile_changed`; the event's id."""
        data = {
            "name": "Chez Test",
            "address": None,
            "currency": "EUR",
            "timezone": "Europe/Zurich",
            "default_tax_rate_bps": 770,
            "receipt_footer": None,
            "version": version,
            "changed_at": "2026-11-25T10:00:00+00:00",
        } | settings
        event = new_event(
            "restaurant.profile_changed", data, tenant_id=self.tenant_id, source="restaurant"
        )
        await bus.publish(event)
        return event.id

    async def set_profile(
        self, bus: EventBus, database: Database, version: int, **settings: Any
    ) -> None:
        """Publish a profile and wait until payment's copy holds its version."""
        await self.publish_profile(bus, version, **settings)

        async def copied() -> bool:
            async with database.unit_of_work() as uow:
                seen = await uow.session.scalar(
                    text("SELECT version FROM restaurant_settings WHERE tenant_id = :t"),
                    {"t": uuid.UUID(self.tenant_id)},
                )
            return seen == version

        await wait_until(copied, within=10, what="the restaurant's settings to be copied")


@pytest.fixture
def restaurant_factory(
    client: httpx.AsyncClient, tokens: TestTokens, pos_core: StandinPosCore
) -> Callable[[], Restaurant]:
    """The plugin's `restaurant` and `another_restaurant` are made by this."""
    return lambda: Restaurant(tokens, client, pos_core)


@pytest.fixture
def new_payment() -> Callable[..., Payment]:
    """Payments for unit tests: a completed card payment of 1000 EUR and a 100 tip, taken by
    cashier-1 for server-1's order, unless `fields` say otherwise."""

    def new(**fields: Any) -> Payment:
        values: dict[str, Any] = {
            "id": uuid.uuid4(),
            "tenant_id": uuid.uuid4(),
            "order_id": uuid.uuid4(),
            "method": Method.CARD,
            "status": PaymentStatus.COMPLETED,
            "amount": 1000,
            "tip": 100,
            "currency": "EUR",
            "taken_by": "cashier-1",
            "served_by": "server-1",
            "idempotency_key": "k",
            "created_at": datetime(2026, 11, 25, 19, 30, tzinfo=UTC),
        }
        return Payment(**(values | fields))

    return new
