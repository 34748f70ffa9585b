"""The chatbot under test: the service, stand-ins for auth, inventory, pos-core and the LLM,
and guests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import jwt
import pytest
import pytest_asyncio
from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse

from pos_chatbot.main import create_app
from pos_kit.testing.app import app_client
from pos_kit.testing.auth import StandinTokenIssuer
from pos_kit.testing.http import expect
from pos_kit.testing.kit import ServiceKit, ServiceUnderTest
from pos_kit.testing.servers import Standin, ThreadedServer, served
from pos_kit.testing.tenants import TestTenant
from pos_kit.testing.tokens import TestTokens
from pos_llm_simulator.app import create_app as create_simulator
from pos_llm_simulator.config import SimulatorSettings

CONVERSATIONS = "/api/v1/chat/conversations"
EVENT_STREAM = {"Accept": "text/event-stream"}
CLIENT_ID = "chatbot"
CLIENT_SECRET = "stand-in-secret"


def dish(name: str, price: int, **fields: Any) -> dict[str, Any]:
    """A menu item exactly as inventory's API and product.* events carry it."""
    now = "2026-11-25T12:00:00.000000Z"
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "description": "",
        "price": price,
        "currency": "EUR",
        "category_id": None,
        "sku": None,
        "tax_rate_bps": 1000,
        "tags": [],
        "allergens": [],
        "available": True,
        "track_stock": False,
        "modifier_groups": [],
        "version": 1,
        "created_at": now,
        "updated_at": now,
    } | fields


def choice_group(
    name: str, *options: tuple[str, int], least: int = 0, most: int = 1
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "min_choices": least,
        "max_choices": most,
        "options": [
            {"id": str(uuid.uuid4()), "name": option, "price_delta": delta}
            for option, delta in options
        ],
    }


def _caller_claims(authorization: str) -> dict[str, Any]:
    # The chatbot verified the token already; a stand-in only reads who it names.
    claims: dict[str, Any] = jwt.decode(
        authorization.removeprefix("Bearer "), options={"verify_signature": False}
    )
    return claims


def chatbot_auth() -> StandinTokenIssuer:
    """auth's client-credentials endpoint on a real port: the chatbot's own tokens, bound to
    a restaurant, with the scope `menu:read` (signed by a key of their own: the stand-ins
    read them, nothing verifies them)."""
    return StandinTokenIssuer(TestTokens(), {CLIENT_ID: (CLIENT_SECRET, ["menu:read"])})


class StandinInventory(Standin):
    """inventory's `GET /api/v1/products` on a real port: each restaurant's menu, paged as
    inventory pages it, for the restaurant a service token with `menu:read` names (as
    inventory, it refuses a guest's token)."""

    PAGE = 2  # small pages, so that a catch-up must follow the cursor

    def __init__(self) -> None:
        self.menus: dict[str, list[dict[str, Any]]] = {}
        # The restaurant of every request, oldest first.
        self.asked: list[str] = []
        app = FastAPI()
        app.get("/api/v1/products")(self._products)
        self.server = ThreadedServer(app)

    def asked_for(self, tenant_id: str) -> int:
        return self.asked.count(tenant_id)

    async def _products(
        self,
        authorization: Annotated[str, Header()],
        limit: int = 50,
        cursor: str | None = None,
    ) -> Any:
        claims = _caller_claims(authorization)
        if "menu:read" not in claims.get("scope", "").split():
            return JSONResponse({"detail": "This needs the scope 'menu:read'."}, 403)
        tenant_id = claims["tenant_id"]
        self.asked.append(tenant_id)
        menu = sorted(self.menus.get(tenant_id, []), key=lambda d: d["name"])
        start = int(cursor or 0)
        page = menu[start : start + min(limit, self.PAGE)]
        following = start + len(page)
        return {"items": page, "next_cursor": str(following) if following < len(menu) else None}


@dataclass
class ReceivedOrder:
    idempotency_key: str | None
    subject: str
    body: dict[str, Any]


@dataclass
class StandinPosCore(Standin):
    """pos-core's `POST /api/v1/orders` on a real port: keeps what it received, answers the
    same order for the same Idempotency-Key, and can fail the next few calls (503)."""

    received: list[ReceivedOrder] = field(default_factory=list)
    failures_to_come: int = 0
    _orders: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        app = FastAPI()
        app.post("/api/v1/orders")(self._open_order)
        self.server = ThreadedServer(app)

    def orders_for(self, table_id: str) -> list[ReceivedOrder]:
        return [o for o in self.received if o.body.get("table_id") == table_id]

    async def _open_order(
        self,
        request: Request,
        authorization: Annotated[str, Header()],
        idempotency_key: Annotated[str | None, Header()] = None,
    ) -> JSONResponse:
        body = await request.json()
        self.received.append(
            ReceivedOrder(idempotency_key, _caller_claims(authorization)["sub"], body)
        )
        if self.failures_to_come:
            self.failures_to_come -= 1
            return JSONResponse({"title": "Unavailable"}, status_code=503)
        order_id = self._orders.setdefault(idempotency_key or str(uuid.uuid4()), str(uuid.uuid4()))
        return JSONResponse({"id": order_id, "status": "open"}, status_code=201)


standin_auth = served(chatbot_auth)
standin_inventory = served(StandinInventory)
standin_pos_core = served(StandinPosCore)


@pytest.fixture(scope="session")
def service(
    tmp_path_factory: pytest.TempPathFactory,
    standin_auth: StandinTokenIssuer,
    standin_inventory: StandinInventory,
    standin_pos_core: StandinPosCore,
) -> ServiceUnderTest:
    return ServiceUnderTest.of(
        create_app,
        embedded_store_path=str(tmp_path_factory.mktemp("chatbot-store")),
        auth_url=standin_auth.url,
        auth_client_secret=CLIENT_SECRET,
        inventory_url=standin_inventory.url,
        pos_core_url=standin_pos_core.url,
        # Many questions a second: only the rate-limit tests are about rate limits.
        guest_questions_per_minute=60_000,
        guest_burst=1_000,
        restaurant_questions_per_second=1_000,
        restaurant_burst=1_000,
    )


class Restaurant(TestTenant):
    """Test-data factory: a restaurant, its menu at inventory, its guests and their questions."""

    dish = staticmethod(dish)
    choice_group = staticmethod(choice_group)

    def __init__(
        self, tokens: TestTokens, client: httpx.AsyncClient, inventory: StandinInventory
    ) -> None:
        super().__init__(tokens)
        self.client = client
        self.inventory = inventory

    def serves(self, *dishes: dict[str, Any]) -> list[dict[str, Any]]:
        """Put dishes on the restaurant's menu at inventory (what a catch-up reads)."""
        self.inventory.menus.setdefault(self.tenant_id, []).extend(dishes)
        return list(dishes)

    def guest(self, table_id: str | None = None, *, link: str | None = None) -> dict[str, str]:
        """Headers of a guest who opened the table's guest link (a new link unless given)."""
        return self.guest_headers(table_id or str(uuid.uuid4()), subject=link)

    async def chat(
        self, headers: dict[str, str] | None = None, client: httpx.AsyncClient | None = None
    ) -> Chat:
        """A conversation opened by `headers` (a guest at a new table unless given), in the
        session's app unless `client` is another."""
        client = client or self.client
        headers = headers or self.guest()
        opened = expect(await client.post(CONVERSATIONS, headers=headers), 201)
        return Chat(client, headers, opened["id"])


@dataclass(frozen=True)
class Chat:
    """A conversation as whoever opened it sees it: their headers, its id, the app it is in."""

    client: httpx.AsyncClient
    headers: dict[str, str]
    id: str

    @property
    def path(self) -> str:
        return f"{CONVERSATIONS}/{self.id}"

    async def ask(self, text: str, *, stream: bool = False) -> httpx.Response:
        """The answer as it comes (as Server-Sent Events if `stream`), whatever its status."""
        headers = self.headers | (EVENT_STREAM if stream else {})
        return await self.client.post(f"{self.path}/messages", json={"text": text}, headers=headers)

    async def answer(self, text: str) -> dict[str, Any]:
        """The reply (JSON) to `text`, which must be answered."""
        reply: dict[str, Any] = expect(await self.ask(text))
        return reply

    async def read(self) -> httpx.Response:
        return await self.client.get(self.path, headers=self.headers)


@pytest.fixture
def restaurant_factory(
    client: httpx.AsyncClient, tokens: TestTokens, standin_inventory: StandinInventory
) -> Callable[[], Restaurant]:
    """The plugin's `restaurant` and `another_restaurant` are made by this."""
    return lambda: Restaurant(tokens, client, standin_inventory)


@pytest.fixture
def new_inventory() -> Iterator[Callable[[], StandinInventory]]:
    """Starts stand-ins for inventory of a test's own (one it may stop)."""
    with ExitStack() as servers:

        def start() -> StandinInventory:
            return servers.enter_context(StandinInventory())

        yield start


@pytest.fixture
def store_path(tmp_path: Path) -> str:
    """A store of its own, for a test that runs another instance of the app."""
    return str(tmp_path / "store")


@pytest.fixture(scope="session")
def llm_simulator() -> Iterator[ThreadedServer]:
    with ThreadedServer(create_simulator(SimulatorSettings())) as server:
        yield server


@pytest_asyncio.fixture(loop_scope="session")
async def llm(llm_simulator: ThreadedServer) -> AsyncIterator[httpx.AsyncClient]:
    """The scripted LLM's admin API, reset for the test (and released after it)."""
    async with httpx.AsyncClient(base_url=llm_simulator.url, timeout=10) as admin:
        await admin.delete("/_simulator/script")
        await admin.delete("/_simulator/requests")
        await admin.put("/_simulator/settings", json={"hang": False, "scenario": "grounded"})
        yield admin
        await admin.put("/_simulator/settings", json={"hang": False})


@pytest.fixture
def other_app(kit: ServiceKit, store_path: str) -> Any:
    """Another instance of the chatbot with other settings, on a store of its own.

    Its event consumer is pointed at no NATS: the test's instance must not take the
    events meant for the session's one (they share a durable consumer name).
    """

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
        settings = {"embedded_store_path": store_path, "nats_url": "nats://127.0.0.1:9"}
        app = kit.create_app(**(settings | overrides))
        async with app_client(app) as client:
            yield app, client

    return start


@pytest.fixture
def llm_app(other_app: Any, llm_simulator: ThreadedServer) -> Any:
    """The chatbot answering through the scripted LLM (with `overrides` of its settings)."""

    def start(**overrides: Any) -> Any:
        return other_app(llm_base_url=f"{llm_simulator.url}/v1", **overrides)

    return start
