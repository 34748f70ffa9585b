"""pos-core's stand-in for inventory: its products and stock reservations, in memory.

A small FastAPI app served on a real port (pos-core calls it over HTTP, as it calls
inventory). As inventory, it reads products for any token of the restaurant but holds,
commits and releases stock only for a service token with the scope `inventory:reserve`
that names the restaurant (pos-core's own): a member of staff's token is 403 there. Its
reservation API is pinned to inventory's by the contract suite in
`tests/contracts/inventory_reservations.py`, which runs against both; what a test
arranges and inspects (products, stock, the requests received) and the faults it
can cause (stopped, frozen, answering late) are the stand-in's own.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from pos_kit.errors import Forbidden, Unauthorized
from pos_kit.testing.net import free_port
from pos_kit.testing.servers import ThreadedServer
from pos_kit.tokens import TokenVerifier

PROBLEM = "application/problem+json"
LIVE = ("held", "committed")
RESERVE_SCOPE = "inventory:reserve"


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
    # How long a hold lasts before it expires (as inventory's reservation TTL).
    hold_seconds: float = 900.0
    # Reservations that are made and then answered only after `hang_seconds` (a lost answer).
    hang_after_reserving: int = 0
    hang_seconds: float = 2.0
    _frozen: bool = False
    _thaws: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadedServer | None = None

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
        """A product on the tenant's menu; `stock` None means its stock is not tracked."""
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
            "modifier_groups": [_with_ids(group) for group in modifier_groups or []],
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
        """Serve (again, after `stop`) on the same port."""
        self._server = ThreadedServer(self.app(), port=self.port).start()
        return self

    def stop(self) -> None:
        self.thaw()
        if self._server is not None:
            self._server.stop()
        self._server = None

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
            if principal.tenant_id is None:
                raise Forbidden("The token names no restaurant.")
            if request.url.path.startswith("/api/v1/reservations") and not (
                principal.is_service and RESERVE_SCOPE in principal.scopes
            ):
                raise Forbidden(
                    "This is for a service account: it needs a service token with the "
                    f"scope '{RESERVE_SCOPE}' for this restaurant."
                )
            return principal.tenant_id

        @app.exception_handler(Unauthorized)
        async def unauthorized(_: Request, exc: Exception) -> JSONResponse:
            return _problem(401, str(exc))

        @app.exception_handler(Forbidden)
        async def forbidden(_: Request, exc: Exception) -> JSONResponse:
            return _problem(403, str(exc))

        @app.get("/api/v1/products")
        async def list_products(request: Request) -> JSONResponse:
            # Only the `id` filter pos-core uses; by name, as inventory lists them.
            tenant = await tenant_of(request)
            asked = [(tenant, pid) for pid in request.query_params.getlist("id")]
            found = [self.products[key] for key in asked if key in self.products]
            found.sort(key=lambda p: (p["name"], p["id"]))
            return JSONResponse({"items": found, "next_cursor": None})

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
            headers = {"Location": f"/api/v1/reservations/{answer['id']}"} if status < 300 else {}
            return JSONResponse(answer, status, headers=headers, media_type=_media(status))

        @app.post("/api/v1/reservations/{reservation_id}/{verb}")
        async def settle(reservation_id: str, verb: str, request: Request) -> JSONResponse:
            tenant = await tenant_of(request)
            status, answer = self._settle(tenant, reservation_id, verb)
            return JSONResponse(answer, status_code=status, media_type=_media(status))

        return app

    def _reserve(self, tenant: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            now = datetime.now(UTC)
            existing = next(
                (
                    r
                    for r in self.reservations.values()
                    if r["tenant"] == tenant and r["order_id"] == body["order_id"]
                ),
                None,
            )
            if existing is not None:
                self._expire_if_due(existing, now)
                if existing["status"] in LIVE:
                    if _sorted_lines(existing["lines"]) != _sorted_lines(body["lines"]):
                        return 409, _problem_body(
                            409, "This order already has a reservation with other lines."
                        )
                    return 200, _public(existing)
            refused = self._refusal(tenant, body["lines"])
            if refused is not None:
                return refused
            for line in body["lines"]:
                key = (tenant, line["product_id"])
                if key in self.available:
                    self.available[key] -= line["quantity"]
            # A released or expired reservation is held again: the same id, the lines asked now.
            reservation = existing or {
                "id": str(uuid.uuid4()),
                "tenant": tenant,
                "order_id": body["order_id"],
            }
            reservation.update(
                status="held",
                lines=[
                    {"product_id": ln["product_id"], "quantity": ln["quantity"]}
                    for ln in body["lines"]
                ],
                created_at=now.isoformat(),
                expires_at=(now + timedelta(seconds=self.hold_seconds)).isoformat(),
                committed_at=None,
                released_at=None,
            )
            self.reservations[reservation["id"]] = reservation
            return 201, _public(reservation)

    def _refusal(
        self, tenant: str, lines: list[dict[str, Any]]
    ) -> tuple[int, dict[str, Any]] | None:
        """Inventory's order of refusals: unknown products (422), 86'd ones, short ones (409)."""
        unknown = [
            ln["product_id"] for ln in lines if (tenant, ln["product_id"]) not in self.products
        ]
        if unknown:
            return 422, _problem_body(422, "Unknown product.", unknown_product_ids=unknown)
        products = [self.products[(tenant, ln["product_id"])] for ln in lines]
        off_menu = [
            {"product_id": p["id"], "name": p["name"]} for p in products if not p["available"]
        ]
        if off_menu:
            return 409, _problem_body(409, "Not available right now.", unavailable_lines=off_menu)
        short = [
            {
                "product_id": ln["product_id"],
                "name": product["name"],
                "requested": ln["quantity"],
                "available": self.available[(tenant, ln["product_id"])],
            }
            for ln, product in zip(lines, products, strict=True)
            if self.available.get((tenant, ln["product_id"]), ln["quantity"]) < ln["quantity"]
        ]
        if short:
            return 409, _problem_body(409, "Not enough stock.", short_lines=short)
        return None

    def _settle(self, tenant: str, reservation_id: str, verb: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            now = datetime.now(UTC)
            reservation = self.reservations.get(reservation_id)
            if reservation is None or reservation["tenant"] != tenant:
                return 404, _problem_body(404, "No such reservation.")
            expired_now = self._expire_if_due(reservation, now)
            target = {"commit": "committed", "release": "released"}[verb]
            if reservation["status"] == target:
                return 200, _public(reservation)
            if verb == "release" and reservation["status"] == "expired":
                return 200, _public(reservation)  # the expiry gave the stock back already
            if verb == "commit" and expired_now:
                return 409, _problem_body(409, "This reservation expired before it was committed.")
            if reservation["status"] != "held":
                return 409, _problem_body(409, f"The reservation is {reservation['status']}.")
            reservation["status"] = target
            reservation[f"{target}_at"] = now.isoformat()
            if target == "released":
                self._give_back(reservation)
            return 200, _public(reservation)

    def _expire_if_due(self, reservation: dict[str, Any], now: datetime) -> bool:
        """A hold past its time expires when it is next looked at; True if it did now."""
        if (
            reservation["status"] != "held"
            or datetime.fromisoformat(reservation["expires_at"]) > now
        ):
            return False
        reservation["status"] = "expired"
        reservation["released_at"] = now.isoformat()
        self._give_back(reservation)
        return True

    def _give_back(self, reservation: dict[str, Any]) -> None:
        for line in reservation["lines"]:
            key = (reservation["tenant"], line["product_id"])
            if key in self.available:
                self.available[key] += line["quantity"]


def _with_ids(group: dict[str, Any]) -> dict[str, Any]:
    """A modifier group as inventory answers it: it and its options carry ids."""
    return {
        **group,
        "id": group.get("id") or str(uuid.uuid4()),
        "options": [{**o, "id": o.get("id") or str(uuid.uuid4())} for o in group["options"]],
    }


def _sorted_lines(lines: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return sorted((ln["product_id"], ln["quantity"]) for ln in lines)


def _public(reservation: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in reservation.items() if k != "tenant"}


def _media(status: int) -> str:
    return PROBLEM if status >= 400 else "application/json"


def _problem_body(status: int, detail: str, **extra: Any) -> dict[str, Any]:
    return {"type": "about:blank", "title": "Problem", "status": status, "detail": detail, **extra}


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse(_problem_body(status, detail), status_code=status, media_type=PROBLEM)
