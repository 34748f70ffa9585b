"""Fixtures for restaurant's tests: PostgreSQL, a real nats-server, a stand-in auth, the app.

The stand-in auth is a real HTTP server on a free port implementing the part of auth's
contract restaurant relies on (client-credentials token bound to a tenant, create a
login, deactivate a login); it records what it was asked, so tests see which calls
reached "auth".
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from fastapi import FastAPI
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from pos_kit.events import DLQ_STREAM, EVENTS_STREAM, Event, ensure_stream
from pos_kit.events.testing import stream_messages
from pos_kit.testing.app import app_client
from pos_kit.testing.nats import NatsServer, free_port, running_nats_server
from pos_kit.testing.postgres import fresh_database
from pos_kit.testing.tokens import TestTokens
from pos_restaurant.config import RestaurantSettings
from pos_restaurant.main import create_app

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"

CLIENT_ID = "restaurant"
CLIENT_SECRET = "stand-in-secret"


@dataclass
class StandInLogin:
    """A login as the stand-in auth holds it."""

    id: str
    tenant_id: str
    email: str
    full_name: str
    role: str
    is_active: bool = True


@dataclass
class StandInAuth:
    """auth's staff-login API on a real port; `start()`, `stop()` and what it was asked."""

    port: int = field(default_factory=free_port)
    logins: dict[str, StandInLogin] = field(default_factory=dict)
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    create_requests: list[dict[str, Any]] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    # Scripting: the id the next login gets (to provoke a clash on our side).
    next_user_id: str | None = None
    _tokens: dict[str, str] = field(default_factory=dict)  # token -> tenant
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                with standin._lock:
                    status, answer = standin._route(self.path, self.headers, body)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                content_type = "application/json" if status < 400 else "application/problem+json"
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def logins_of(self, tenant_id: str) -> list[StandInLogin]:
        return [u for u in self.logins.values() if u.tenant_id == tenant_id]

    # --- the contract ---------------------------------------------------------------

    def _route(self, path: str, headers: Any, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if path == "/api/v1/auth/token":
            return self._token(body)
        tenant = self._tokens.get((headers.get("Authorization") or "").removeprefix("Bearer "))
        if tenant is None:
            return _problem(401, "The token is not valid.")
        if path == "/api/v1/auth/users":
            return self._create(tenant, body)
        if path.startswith("/api/v1/auth/users/") and path.endswith("/deactivate"):
            return self._deactivate(tenant, path.split("/")[-2])
        return _problem(404, "No such route.")

    def _token(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(body)
        if (
            body.get("grant_type") != "client_credentials"
            or body.get("client_id") != CLIENT_ID
            or body.get("client_secret") != CLIENT_SECRET
        ):
            return _problem(401, "The client id or secret is not correct.")
        if body.get("scope") != "users:write":
            return _problem(403, "This client may not ask for that scope.")
        token = f"standin-{uuid.uuid4().hex}"
        self._tokens[token] = str(uuid.UUID(body["tenant_id"]))
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 600,
            "scope": "users:write",
        }

    def _create(self, tenant: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.create_requests.append({"tenant_id": tenant, **body})
        email = str(body.get("email", "")).lower()
        if body.get("role") == "owner":
            return _problem(403, "A service account may not manage an owner's login.")
        if len(str(body.get("password", ""))) < 10:
            return _problem(422, "password: too short")
        if any(u.email == email for u in self.logins.values()):
            return _problem(409, "A login with this e-mail already exists.")
        user_id = self.next_user_id or str(uuid.uuid4())
        self.next_user_id = None
        login = StandInLogin(user_id, tenant, email, body["full_name"], body["role"])
        self.logins[user_id] = login
        return 201, {
            "id": login.id,
            "tenant_id": tenant,
            "email": login.email,
            "full_name": login.full_name,
            "role": login.role,
            "is_active": True,
            "created_at": "2026-11-25T12:00:00Z",
            "deactivated_at": None,
        }

    def _deactivate(self, tenant: str, user_id: str) -> tuple[int, dict[str, Any]]:
        login = self.logins.get(user_id)
        if login is None or login.tenant_id != tenant:
            return _problem(404, "No such login.")
        if not login.is_active:
            return _problem(409, "This login is already deactivated.")
        login.is_active = False
        self.deactivated.append(user_id)
        return 200, {"id": user_id, "is_active": False}


def _problem(status: int, detail: str) -> tuple[int, dict[str, Any]]:
    return status, {"type": "about:blank", "title": "error", "status": status, "detail": detail}


@pytest.fixture(scope="session")
def nats_server() -> Iterator[NatsServer]:
    with running_nats_server() as server:
        yield server


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with fresh_database("pos_restaurant_test", ALEMBIC_INI) as url:
        yield url


@pytest.fixture(scope="session")
def standin_auth() -> Iterator[StandInAuth]:
    auth = StandInAuth()
    auth.start()
    yield auth
    auth.stop()


@pytest.fixture(scope="session")
def tokens() -> TestTokens:
    return TestTokens()


def make_settings(database_url: str, nats_url: str, **overrides: Any) -> RestaurantSettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "nats_url": nats_url,
        "environment": "test",
        "auth_client_secret": CLIENT_SECRET,
        # A malformed event reaches the dead-letter subject after 2 quick tries.
        "consumer_max_deliver": 2,
        "consumer_backoff_initial_seconds": 0.2,
        "consumer_backoff_max_seconds": 1.0,
    }
    values.update(overrides)
    return RestaurantSettings(**values)


@pytest.fixture(scope="session")
def settings(
    database_url: str, nats_server: NatsServer, standin_auth: StandInAuth
) -> RestaurantSettings:
    return make_settings(database_url, nats_server.url, auth_url=standin_auth.url)


@pytest.fixture(scope="session")
def restaurant_app(settings: RestaurantSettings, tokens: TestTokens) -> FastAPI:
    return create_app(settings, token_verifier=tokens.verifier())


@pytest.fixture(scope="session")
async def client(restaurant_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(restaurant_app) as c:
        yield c


class Bus:
    """Publishes CloudEvents to the POS_EVENTS stream as producers do, and reads streams."""

    def __init__(self, nc: NatsClient, js: JetStreamContext) -> None:
        self.nc, self.js = nc, js

    async def publish(self, event: Event, msg_id: str | None = None) -> None:
        await self.publish_raw(event.subject, event.to_json().encode(), msg_id or event.id)

    async def publish_raw(self, subject: str, payload: bytes, msg_id: str | None = None) -> None:
        await self.js.publish(
            subject, payload, headers={"Nats-Msg-Id": msg_id or str(uuid.uuid4())}
        )

    async def events(self, event_type: str, tenant_id: str) -> list[dict[str, Any]]:
        found = await stream_messages(self.js, EVENTS_STREAM, f"pos.events.{event_type}")
        return [
            e for e in (json.loads(m.data or b"{}") for m in found) if e["tenantid"] == tenant_id
        ]

    async def dead_letters(self) -> list[bytes]:
        found = await stream_messages(self.js, DLQ_STREAM, "pos.dlq.restaurant")
        return [m.data or b"" for m in found]


@pytest.fixture(scope="session")
async def bus(nats_server: NatsServer) -> AsyncIterator[Bus]:
    nc = await nats.connect(nats_server.url)
    js = nc.jetstream()
    await ensure_stream(js)
    yield Bus(nc, js)
    await nc.close()


class Restaurant:
    """Test-data factory: one tenant, tokens for its staff, and its floor plan via the API."""

    def __init__(self, client: httpx.AsyncClient, tokens: TestTokens) -> None:
        self.client = client
        self.tokens = tokens
        self.tenant_id = str(uuid.uuid4())
        self.owner_user_id = str(uuid.uuid4())

    def headers(self, role: str = "owner", user_id: str | None = None) -> dict[str, str]:
        if role == "owner" and user_id is None:
            user_id = self.owner_user_id
        token = self.tokens.staff(tenant_id=self.tenant_id, role=role, user_id=user_id)
        return {"Authorization": f"Bearer {token}"}

    async def floor(self, name: str | None = None, sort_order: int = 0) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/floors",
            json={"name": name or f"Floor {uuid.uuid4().hex[:6]}", "sort_order": sort_order},
            headers=self.headers(),
        )
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def table(self, floor_id: str | None = None, **overrides: Any) -> dict[str, Any]:
        if floor_id is None:
            floor_id = (await self.floor())["id"]
        body = {"floor_id": floor_id, "name": f"T{uuid.uuid4().hex[:4]}", "seats": 4}
        body.update(overrides)
        response = await self.client.post("/api/v1/tables", json=body, headers=self.headers())
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def get_table(self, table_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1/tables/{table_id}", headers=self.headers())
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    # --- events as their producers raise them --------------------------------------

    def registered(self, name: str = "Chez Test") -> Event:
        return Event.new(
            source="auth",
            type="tenant.registered",
            tenant_id=self.tenant_id,
            correlation_id=str(uuid.uuid4()),
            data={
                "tenant_id": self.tenant_id,
                "restaurant_name": name,
                "owner_user_id": self.owner_user_id,
                "owner_email": f"owner-{self.tenant_id[:8]}@bistro.example",
                "owner_full_name": "Olive Owner",
                "registered_at": "2026-11-25T12:00:00+00:00",
            },
        )

    def order_placed(
        self, table_id: str | None, order_id: str | None = None, order_type: str = "dine_in"
    ) -> Event:
        return Event.new(
            source="pos-core",
            type="order.placed",
            tenant_id=self.tenant_id,
            correlation_id=str(uuid.uuid4()),
            data={
                "order_id": order_id or str(uuid.uuid4()),
                "type": order_type,
                "table_id": table_id,
                "guests": 2,
                "items": [{"product_id": str(uuid.uuid4()), "quantity": 1, "unit_price": 1250}],
                "totals": {"subtotal": 1250, "tax": 125, "total": 1375, "currency": "EUR"},
                "placed_at": "2026-11-25T12:00:00+00:00",
                "placed_by": str(uuid.uuid4()),
            },
        )

    def order_ended(self, kind: str, order_id: str, table_id: str | None = None) -> Event:
        return Event.new(
            source="pos-core",
            type=f"order.{kind}",
            tenant_id=self.tenant_id,
            correlation_id=str(uuid.uuid4()),
            data={"order_id": order_id, "table_id": table_id},
        )


@pytest.fixture
def restaurant(client: httpx.AsyncClient, tokens: TestTokens) -> Restaurant:
    return Restaurant(client, tokens)


@pytest.fixture
def restaurant_factory(client: httpx.AsyncClient, tokens: TestTokens):  # type: ignore[no-untyped-def]
    """For tests that need several restaurants, or one on an app instance of their own."""

    def make(on: httpx.AsyncClient | None = None) -> Restaurant:
        return Restaurant(on or client, tokens)

    return make


@pytest.fixture
def standin_auth_factory() -> type[StandInAuth]:
    """For tests that stop their own stand-in auth."""
    return StandInAuth


@pytest.fixture
def bus_factory() -> type[Bus]:
    """For tests that talk to a nats-server of their own."""
    return Bus
