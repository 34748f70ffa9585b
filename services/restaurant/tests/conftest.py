"""restaurant's own test fixtures: the service, a stand-in auth, and test restaurants.

Everything else (nats-server, database, app client, tokens, the event bus) comes from
pos-kit's pytest plugin. The stand-in auth is a real HTTP server on a free port
implementing the part of auth's contract restaurant relies on (client-credentials
token bound to a tenant, create a login, deactivate a login, issue a guest token); it
records what it was asked, so tests see which calls reached "auth".
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pos_kit.events import Event
from pos_kit.testing.bus import new_event
from pos_kit.testing.http import expect
from pos_kit.testing.kit import ServiceUnderTest
from pos_kit.testing.servers import ThreadedServer, served
from pos_kit.testing.tenants import TestTenant
from pos_kit.testing.tokens import TestTokens
from pos_restaurant.main import create_app

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
class StandInAuth(ThreadedServer):
    """auth's staff-login API on a real port (`with StandInAuth() as auth:`), and what it
    was asked."""

    logins: dict[str, StandInLogin] = field(default_factory=dict)
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    create_requests: list[dict[str, Any]] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    # Guest tokens issued: the tenant and the table each was asked for.
    guest_token_requests: list[dict[str, Any]] = field(default_factory=list)
    # Scripting: the id the next login gets (to provoke a clash on our side).
    next_user_id: str | None = None
    _tokens: dict[str, tuple[str, str]] = field(default_factory=dict)  # token -> tenant, scope

    def __post_init__(self) -> None:
        super().__init__(Starlette(routes=[Route("/{path:path}", self._answer, methods=["POST"])]))

    def logins_of(self, tenant_id: str) -> list[StandInLogin]:
        return [u for u in self.logins.values() if u.tenant_id == tenant_id]

    async def _answer(self, request: Request) -> JSONResponse:
        raw = await request.body()
        status, answer = self._route(request.url.path, request.headers, json.loads(raw or b"{}"))
        media_type = "application/json" if status < 400 else "application/problem+json"
        return JSONResponse(answer, status_code=status, media_type=media_type)

    # --- the contract ---------------------------------------------------------------

    def _route(
        self, path: str, headers: Mapping[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        if path == "/api/v1/auth/token":
            return self._token(body)
        token = self._tokens.get((headers.get("Authorization") or "").removeprefix("Bearer "))
        if token is None:
            return _problem(401, "The token is not valid.")
        tenant, scope = token
        if path == "/api/v1/auth/guest-tokens":
            return self._guest_token(tenant, scope, body)
        if scope != "users:write":
            return _problem(403, "This needs the scope 'users:write'.")
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
        if body.get("scope") not in ("users:write", "guests:issue"):
            return _problem(403, "This client may not ask for that scope.")
        token = f"standin-{uuid.uuid4().hex}"
        self._tokens[token] = (str(uuid.UUID(body["tenant_id"])), body["scope"])
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 600,
            "scope": body["scope"],
        }

    def _guest_token(
        self, tenant: str, scope: str, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        if scope != "guests:issue":
            return _problem(403, "This needs the scope 'guests:issue'.")
        self.guest_token_requests.append({"tenant_id": tenant, **body})
        return 200, {
            "access_token": f"guest-{uuid.uuid4().hex}",
            "token_type": "Bearer",
            "expires_in": 10800,
            "expires_at": "2026-11-25T15:00:00Z",
            "table_id": body["table_id"],
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


standin_auth = served(StandInAuth)


@pytest.fixture(scope="session")
def service(standin_auth: StandInAuth) -> ServiceUnderTest:
    return ServiceUnderTest.of(
        create_app, auth_url=standin_auth.url, auth_client_secret=CLIENT_SECRET
    )


class Restaurant(TestTenant):
    """One restaurant: its staff's tokens, its floor plan made through the API, and the
    events its producers raise."""

    def __init__(self, tokens: TestTokens, client: httpx.AsyncClient) -> None:
        super().__init__(tokens)
        self.client = client

    async def floor(self, name: str | None = None, sort_order: int = 0) -> Any:
        response = await self.client.post(
            "/api/v1/floors",
            json={"name": name or f"Floor {uuid.uuid4().hex[:6]}", "sort_order": sort_order},
            headers=self.headers(),
        )
        return expect(response, 201)

    async def table(self, floor_id: str | None = None, **overrides: Any) -> Any:
        if floor_id is None:
            floor_id = (await self.floor())["id"]
        body = {"floor_id": floor_id, "name": f"T{uuid.uuid4().hex[:4]}", "seats": 4}
        body.update(overrides)
        response = await self.client.post("/api/v1/tables", json=body, headers=self.headers())
        return expect(response, 201)

    async def get_table(self, table_id: str) -> Any:
        response = await self.client.get(f"/api/v1/tables/{table_id}", headers=self.headers())
        return expect(response)

    async def mark(
        self, table_id: str, status: str, role: str = "owner", **fields: Any
    ) -> httpx.Response:
        """Staff in `role` mark a table `status` (with `fields`, e.g. `current_order_id`)."""
        return await self.client.patch(
            f"/api/v1/tables/{table_id}",
            json={"status": status, **fields},
            headers=self.headers(role),
        )

    async def move_order(
        self, from_table_id: str, to_table_id: str, role: str = "owner"
    ) -> httpx.Response:
        """Staff in `role` move the guests at one table, with their order, to another."""
        return await self.client.post(
            f"/api/v1/tables/{from_table_id}/move-order",
            json={"to_table_id": to_table_id},
            headers=self.headers(role),
        )

    # --- events as their producers raise them --------------------------------------

    def registered(self, name: str = "Chez Test") -> Event:
        return new_event(
            "tenant.registered",
            {
                "tenant_id": self.tenant_id,
                "restaurant_name": name,
                "owner_user_id": self.owner_user_id,
                "owner_email": f"owner-{self.tenant_id[:8]}@bistro.example",
                "owner_full_name": "Olive Owner",
                "registered_at": "2026-11-25T12:00:00+00:00",
            },
            tenant_id=self.tenant_id,
            source="auth",
        )

    def order_placed(
        self, table_id: str | None, order_id: str | None = None, order_type: str = "dine_in"
    ) -> Event:
        return new_event(
            "order.placed",
            {
                "order_id": order_id or str(uuid.uuid4()),
                "type": order_type,
                "table_id": table_id,
                "guests": 2,
                "items": [{"product_id": str(uuid.uuid4()), "quantity": 1, "unit_price": 1250}],
                "totals": {"subtotal": 1250, "tax": 125, "total": 1375, "currency": "EUR"},
                "placed_at": "2026-11-25T12:00:00+00:00",
                "placed_by": str(uuid.uuid4()),
            },
            tenant_id=self.tenant_id,
        )

    def order_ended(self, kind: str, order_id: str, table_id: str | None = None) -> Event:
        return new_event(
            f"order.{kind}", {"order_id": order_id, "table_id": table_id}, tenant_id=self.tenant_id
        )


@pytest.fixture
def restaurant_factory(client: httpx.AsyncClient, tokens: TestTokens) -> Callable[..., Restaurant]:
    """For tests that need several restaurants, or one on an app instance of their own."""

    def make(on: httpx.AsyncClient | None = None) -> Restaurant:
        return Restaurant(tokens, on or client)

    return make


@pytest.fixture
def standin_auth_factory() -> type[StandInAuth]:
    """For tests that stop their own stand-in auth."""
    return StandInAuth
