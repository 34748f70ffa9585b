"""Fixtures for pos-core's integration tests.

A migrated PostgreSQL database, a real nats-server, tokens of any tenant and role
(TestTokens), and a stand-in inventory: a small FastAPI app served by uvicorn on a
free 127.0.0.1 port in a thread, implementing exactly the contract pos-core codes
against. A test can stop it, freeze it (connections accepted, nothing answered),
make it hang after doing the work, and count what it received.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import create_async_engine

from pos_core.config import CoreSettings
from pos_core.main import create_app
from pos_kit.db import async_url
from pos_kit.problems import Unauthorized
from pos_kit.testing.app import app_client
from pos_kit.testing.nats import NatsServer, free_port, running_nats_server
from pos_kit.testing.postgres import fresh_database
from pos_kit.testing.tokens import TestTokens
from pos_kit.tokens import TokenVerifier

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
PROBLEM = "application/problem+json"


# --- the stand-in inventory -------------------------------------------------------------


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class StandinInventory:
    """Inventory's contract, in memory: products per tenant, stock, reservations keyed on order."""

    verifier: TokenVerifier
    port: int = field(default_factory=free_port)
    products: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    available: dict[tuple[str, str], int] = field(default_factory=dict)
    reservations: dict[str, dict[str, Any]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    # Reservations that are made and then answered only after `hang_seconds` (a lost answer).
    hang_after_reserving: int = 0
    hang_seconds: float = 2.0
    _frozen: bool = False
    _thaws: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # What tests arrange and inspect.

    def add_product(
        self,
        tenant_id: str,
        *,
        name: str = "Margherita",
        price: int = 1000,
        tax_rate_bps: int = 1000,
        currency: str = "EUR",
        available: bool = True,
        stock: int | None = None,
        modifier_groups: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        product = {
            "id": str(uuid.uuid4()),
            "name": name,
            "description": f"{name}, made to order",
            "price": price,
            "currency": currency,
            "tax_rate_bps": tax_rate_bps,
            "available": available,
            "track_stock": stock is not None,
            "category_id": str(uuid.uuid4()),
            "sku": f"SKU-{uuid.uuid4().hex[:6]}",
            "modifier_groups": modifier_groups or [],
        }
        self.products[(tenant_id, product["id"])] = product
        if stock is not None:
            self.available[(tenant_id, product["id"])] = stock
        return product

    def set_price(self, tenant_id: str, product_id: str, price: int) -> None:
        self.products[(tenant_id, product_id)]["price"] = price

    def reservations_for(self, order_id: str) -> list[dict[str, Any]]:
        return [r for r in self.reservations.values() if r["order_id"] == order_id]

    def count(self, method: str, path_prefix: str) -> int:
        return sum(1 for h in self.hits if h.method == method and h.path.startswith(path_prefix))

    # Life cycle.

    def start(self) -> StandinInventory:
        config = uvicorn.Config(
            self.app(),
            host="127.0.0.1",
            port=self.port,
            lifespan="off",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the stand-in inventory did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.thaw()
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def freeze(self) -> None:
        """Keep accepting connections but answer nothing, like a process stuck in a GC pause."""
        self._frozen = True

    def thaw(self) -> None:
        """Answer again. Requests caught in the freeze get a 503 and change nothing."""
        self._frozen = False
        self._thaws += 1

    # The app.

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.middleware("http")
        async def record_and_maybe_freeze(request: Request, call_next: Any) -> Any:
            self.hits.append(
                Hit(
                    request.method,
                    request.url.path,
                    {k.lower(): v for k, v in request.headers.items()},
                )
            )
            thaws = self._thaws
            while self._frozen and self._thaws == thaws:  # noqa: ASYNC110 - released from another thread
                await asyncio.sleep(0.01)
            if self._thaws != thaws:
                return _problem(503, "frozen")
            return await call_next(request)

        async def tenant_of(request: Request) -> str:
            header = request.headers.get("authorization", "")
            if not header.startswith("Bearer "):
                raise Unauthorized("no token")
            principal = await self.verifier.verify(header.removeprefix("Bearer "))
            assert principal.tenant_id is not None
            return principal.tenant_id

        @app.exception_handler(Unauthorized)
        async def unauthorized(_: Request, exc: Exception) -> JSONResponse:
            return _problem(401, str(exc))

        @app.get("/api/v1/products/{product_id}")
        async def get_product(product_id: str, request: Request) -> JSONResponse:
            product = self.products.get((await tenant_of(request), product_id))
            if product is None:
                return _problem(404, "No such product.")
            return JSONResponse(product)

        @app.post("/api/v1/reservations")
        async def reserve(request: Request) -> JSONResponse:
            tenant = await tenant_of(request)
            body = await request.json()
            status, answer = self._reserve(tenant, body)
            if status == 201 and self.hang_after_reserving > 0:
                self.hang_after_reserving -= 1
                await asyncio.sleep(self.hang_seconds)
            return JSONResponse(answer, status_code=status, media_type=_media(status))

        @app.post("/api/v1/reservations/{reservation_id}/{verb}")
        async def settle(reservation_id: str, verb: str, request: Request) -> JSONResponse:
            tenant = await tenant_of(request)
            status, answer = self._settle(tenant, reservation_id, verb)
            return JSONResponse(answer, status_code=status, media_type=_media(status))

        return app

    def _reserve(self, tenant: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            for reservation in self.reservations.values():
                if (
                    reservation["tenant"] == tenant
                    and reservation["order_id"] == body["order_id"]
                    and reservation["status"] in ("held", "committed")
                ):
                    return 200, _public(reservation)
            short = []
            for line in body["lines"]:
                key = (tenant, line["product_id"])
                if key not in self.products:
                    # As the real inventory answers: 422 naming the unknown products.
                    return 422, _problem_body(
                        422, "Unknown product.", unknown_product_ids=[line["product_id"]]
                    )
                if key in self.available and self.available[key] < line["quantity"]:
                    short.append(
                        {
                            "product_id": line["product_id"],
                            "name": self.products[key]["name"],
                            "requested": line["quantity"],
                            "available": self.available[key],
                        }
                    )
            if short:
                return 409, _problem_body(409, "Not enough stock.", short_lines=short)
            for line in body["lines"]:
                key = (tenant, line["product_id"])
                if key in self.available:
                    self.available[key] -= line["quantity"]
            reservation = {
                "id": str(uuid.uuid4()),
                "tenant": tenant,
                "order_id": body["order_id"],
                "status": "held",
                "lines": body["lines"],
                "expires_at": (datetime.now(UTC) + timedelta(minutes=15)).isoformat(),
            }
            self.reservations[reservation["id"]] = reservation
            return 201, _public(reservation)

    def _settle(self, tenant: str, reservation_id: str, verb: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            reservation = self.reservations.get(reservation_id)
            if reservation is None or reservation["tenant"] != tenant:
                return 404, _problem_body(404, "No such reservation.")
            target = {"commit": "committed", "release": "released"}[verb]
            if reservation["status"] == target:
                return 200, _public(reservation)
            if reservation["status"] != "held":
                return 409, _problem_body(409, f"The reservation is {reservation['status']}.")
            reservation["status"] = target
            if target == "released":
                for line in reservation["lines"]:
                    key = (tenant, line["product_id"])
                    if key in self.available:
                        self.available[key] += line["quantity"]
            return 200, _public(reservation)


def _public(reservation: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in reservation.items() if k != "tenant"}


def _media(status: int) -> str:
    return "application/problem+json" if status >= 400 else "application/json"


def _problem_body(status: int, detail: str, **extra: Any) -> dict[str, Any]:
    return {"type": "about:blank", "title": "Problem", "status": status, "detail": detail, **extra}


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse(_problem_body(status, detail), status_code=status, media_type=PROBLEM)


# --- session fixtures ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def nats_server() -> Iterator[NatsServer]:
    with running_nats_server() as server:
        yield server


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with fresh_database("pos_core_test", ALEMBIC_INI) as url:
        yield url


@pytest.fixture(scope="session")
def tokens() -> TestTokens:
    return TestTokens()


@pytest.fixture(scope="session")
def inventory(tokens: TestTokens) -> Iterator[StandinInventory]:
    standin = StandinInventory(tokens.verifier()).start()
    yield standin
    standin.stop()


def make_settings(
    database_url: str, nats_url: str, inventory_url: str, **overrides: Any
) -> CoreSettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "nats_url": nats_url,
        "environment": "test",
        "inventory_url": inventory_url,
        "inventory_total_timeout_seconds": 2.0,
        "inventory_attempt_timeout_seconds": 1.0,
        "inventory_backoff_base_seconds": 0.02,
        "inventory_backoff_cap_seconds": 0.05,
        "placing_lease_seconds": 5.0,
        "restaurant_name": "Trattoria Test",
    }
    values.update(overrides)
    return CoreSettings(**values)


@pytest.fixture(scope="session")
def settings(
    database_url: str, nats_server: NatsServer, inventory: StandinInventory
) -> CoreSettings:
    return make_settings(database_url, nats_server.url, inventory.url)


@pytest.fixture(scope="session")
async def client(settings: CoreSettings, tokens: TestTokens) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(create_app(settings, token_verifier=tokens.verifier())) as c:
        yield c


# --- test data, made through the public API -----------------------------------------------


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Restaurant:
    """One tenant: staff tokens of every role, its menu at the stand-in, and order helpers."""

    def __init__(
        self, client: httpx.AsyncClient, tokens: TestTokens, inventory: StandinInventory
    ) -> None:
        self.client = client
        self.inventory = inventory
        self.tenant_id = str(uuid.uuid4())
        self._tokens = tokens
        self.waiter = self.token("waiter")

    def token(self, role: str) -> str:
        return self._tokens.staff(tenant_id=self.tenant_id, role=role)

    def as_(self, role: str) -> dict[str, str]:
        return bearer(self.token(role))

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.waiter)

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

    # Orders.

    async def open_order(self, expect: int = 201, **body: Any) -> dict[str, Any]:
        body.setdefault("type", "takeout")
        response = await self.client.post("/api/v1/orders", json=body, headers=self.headers)
        assert response.status_code == expect, response.text
        result: dict[str, Any] = response.json()
        return result

    async def add(
        self, order_id: str, product: dict[str, Any], expect: int = 201, **item: Any
    ) -> dict[str, Any]:
        item.setdefault("quantity", 1)
        response = await self.client.post(
            f"/api/v1/orders/{order_id}/items",
            json={"product_id": product["id"], **item},
            headers=self.headers,
        )
        assert response.status_code == expect, response.text
        result: dict[str, Any] = response.json()
        return result

    async def act(
        self, order_id: str, action: str, *, role: str = "waiter", **kwargs: Any
    ) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/orders/{order_id}/{action}", headers=self.as_(role), **kwargs
        )

    async def get(self, order_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1/orders/{order_id}", headers=self.headers)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def placed_order(self, *products: dict[str, Any]) -> dict[str, Any]:
        order = await self.open_order(
            items=[{"product_id": p["id"], "quantity": 1} for p in products]
        )
        response = await self.act(order["id"], "place")
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


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
def restaurant(
    client: httpx.AsyncClient, tokens: TestTokens, inventory: StandinInventory
) -> Restaurant:
    return Restaurant(client, tokens, inventory)


@pytest.fixture
def restaurant_factory(tokens: TestTokens) -> Any:
    """Restaurants on another app or stand-in (the resilience tests run their own)."""

    def make(client: httpx.AsyncClient, inventory: StandinInventory) -> Restaurant:
        return Restaurant(client, tokens, inventory)

    return make


@pytest.fixture
def option_of() -> Any:
    return option


async def count_rows(database_url: str, table: str, **where: str) -> int:
    engine = create_async_engine(async_url(database_url))
    clauses = " AND ".join(f"{column} = :{column}" for column in where)
    sql = f"SELECT count(*) FROM {table}" + (f" WHERE {clauses}" if clauses else "")
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(sa.text(sql), where)).scalar_one())
    finally:
        await engine.dispose()


@pytest.fixture
def db_count(database_url: str) -> Any:
    async def count(table: str, **where: str) -> int:
        return await count_rows(database_url, table, **where)

    return count


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


@pytest.fixture
def standin_factory(tokens: TestTokens) -> Any:
    def make() -> StandinInventory:
        return StandinInventory(tokens.verifier())

    return make


@pytest.fixture
def settings_factory(database_url: str, nats_server: NatsServer) -> Any:
    def make(inventory_url: str, **overrides: Any) -> CoreSettings:
        return make_settings(database_url, nats_server.url, inventory_url, **overrides)

    return make
