"""The POS API in the suite's words: restaurants signed up, a menu, an order, a login.

Everything goes through the public HTTP API (the gateway), as a new user's client would;
the suite imports no service.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from pos_bench.http import HttpClient, HttpFailure, Response, encode_request

PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway login of a throwaway system

# The menu every bench restaurant gets: five dishes (the issue's `GET /products` has five),
# one of them stock-tracked so a placement reserves stock as real orders do.
MENU: tuple[dict[str, Any], ...] = (
    {"name": "Bistro burger", "price": 1650, "tax_rate_bps": 1000, "stock": None},
    {"name": "Steak frites", "price": 2450, "tax_rate_bps": 1000, "stock": 1_000_000},
    {"name": "Green salad", "price": 650, "tax_rate_bps": 1000, "stock": None},
    {"name": "Fries", "price": 450, "tax_rate_bps": 1000, "stock": None},
    {"name": "Craft beer", "price": 600, "tax_rate_bps": 2000, "stock": None},
)
ITEMS_PER_ORDER = 3


class SetupError(Exception):
    """The system answered set-up unexpectedly; the message has its answer."""


def _expect(response: Response, what: str, *statuses: int) -> Any:
    if response.status not in statuses:
        raise SetupError(f"{what} answered {response.status}: {response.body[:400]!r}")
    return response.json() if response.body else None


async def call(
    client: HttpClient,
    method: str,
    path: str,
    what: str,
    *statuses: int,
    attempts: int = 5,
    **options: Any,
) -> Any:
    """A set-up call, retried while the system answers 502/503/504 or not at all."""
    for attempt in range(attempts):
        try:
            response = await client.request(method, path, **options)
        except HttpFailure:
            if attempt == attempts - 1:
                raise
        else:
            if response.status not in (502, 503, 504) or attempt == attempts - 1:
                return _expect(response, what, *statuses)
        await asyncio.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


@dataclass
class Tenant:
    """A restaurant signed up for the run: its owner's login and its menu."""

    name: str
    email: str
    tenant_id: str
    token: str
    product_ids: list[str] = field(default_factory=list)
    # Pre-encoded order bodies (3 items each), cycled through by the order scenarios.
    order_bodies: list[bytes] = field(default_factory=list)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def order_body(self, index: int) -> bytes:
        return self.order_bodies[index % len(self.order_bodies)]


async def sign_up(gateway: HttpClient, name: str) -> Tenant:
    email = f"owner-{uuid.uuid4().hex[:12]}@bench.example"
    session = await call(
        gateway,
        "POST",
        "/api/v1/auth/signup",
        f"sign-up of {name}",
        201,
        json={
            "restaurant_name": name,
            "email": email,
            "password": PASSWORD,
            "full_name": "Bench Owner",
        },
    )
    tenant = Tenant(name, email, str(session["tenant_id"]), str(session["access_token"]))
    await _wait_for_profile(gateway, tenant)
    return tenant


async def _wait_for_profile(gateway: HttpClient, tenant: Tenant, within: float = 30.0) -> None:
    """The restaurant's profile (and its currency, which the menu needs) follows sign-up
    through an event; wait until the restaurant service has it."""
    deadline = time.monotonic() + within
    while True:
        response = await gateway.get("/api/v1/restaurant", headers=tenant.auth)
        if response.status == 200:
            return
        if time.monotonic() > deadline:
            raise SetupError(f"the profile of {tenant.name} never appeared ({response.status})")
        await asyncio.sleep(0.2)


async def log_in(gateway: HttpClient, tenant: Tenant) -> None:
    """A fresh access token (they live 15 minutes; a run is longer than one scenario)."""
    session = await call(
        gateway,
        "POST",
        "/api/v1/auth/login",
        f"login of {tenant.name}",
        200,
        json={"email": tenant.email, "password": PASSWORD},
    )
    tenant.token = str(session["access_token"])


async def seed_menu(gateway: HttpClient, tenant: Tenant) -> None:
    category = await call(
        gateway,
        "POST",
        "/api/v1/categories",
        "a category",
        201,
        json={"name": "Bench", "position": 0},
        headers=tenant.auth,
    )
    for dish in MENU:
        product = await call(
            gateway,
            "POST",
            "/api/v1/products",
            f"product {dish['name']}",
            201,
            json={
                "name": dish["name"],
                "price": dish["price"],
                "tax_rate_bps": dish["tax_rate_bps"],
                "category_id": category["id"],
                "track_stock": dish["stock"] is not None,
            },
            headers=tenant.auth,
        )
        if dish["stock"] is not None:
            await call(
                gateway,
                "PUT",
                f"/api/v1/products/{product['id']}/stock",
                "stock",
                200,
                json={"on_hand": dish["stock"]},
                headers=tenant.auth,
            )
        tenant.product_ids.append(str(product["id"]))
    tenant.order_bodies = order_bodies(tenant.product_ids)


def order_bodies(product_ids: list[str]) -> list[bytes]:
    """One body per starting dish: three consecutive dishes of the menu, one of each."""
    bodies = []
    for first in range(len(product_ids)):
        items = [
            {"product_id": product_ids[(first + k) % len(product_ids)], "quantity": 1}
            for k in range(ITEMS_PER_ORDER)
        ]
        bodies.append(
            json.dumps({"type": "takeout", "items": items}, separators=(",", ":")).encode()
        )
    return bodies


@dataclass
class OrderTimes:
    """When one order was due and when its parts answered (the generator's clock)."""

    due: float = 0.0
    opened: float = 0.0
    placed: float = 0.0
    order_id: str = ""
    ok: bool = False


def order_requests(gateway: HttpClient, tenant: Tenant, index: int) -> bytes:
    return encode_request(
        "POST",
        "/api/v1/orders",
        gateway.authority,
        {**tenant.auth, "Content-Type": "application/json"},
        tenant.order_body(index),
    )


async def place_order(
    gateway: HttpClient,
    tenant: Tenant,
    index: int,
    clock: Any,
    times: OrderTimes | None = None,
) -> str | None:
    """Open an order with three items, then place it: the order path the suite measures.

    Answers None when both steps succeeded, else what went wrong.
    """
    opened = await gateway.send_raw(order_requests(gateway, tenant, index))
    if opened.status != 201:
        return f"open: http {opened.status}"
    order_id = _order_id(opened.body)
    if times is not None:
        times.opened = clock.now()
        times.order_id = order_id
    placed = await gateway.send_raw(
        encode_request(
            "POST", f"/api/v1/orders/{order_id}/place", gateway.authority, tenant.auth, b""
        )
    )
    if times is not None:
        times.placed = clock.now()
    if placed.status != 200:
        return f"place: http {placed.status}"
    return None


def _order_id(body: bytes) -> str:
    # The id is the first field of pos-core's answer; fall back to parsing the whole body.
    head = body[:64]
    marker = b'{"id":"'
    if head.startswith(marker):
        return head[len(marker) : len(marker) + 36].decode("ascii")
    return str(json.loads(body)["id"])
