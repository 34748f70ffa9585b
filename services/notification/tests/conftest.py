"""notification's own test fixtures: the service, an SMTP sink, live servers, restaurants, screens.

The plugin (`pos_kit.testing`) gives the rest: `client` (the app in-process), `bus`,
`tokens`, `kit`, `database_url`. A second instance of the app runs under uvicorn on
a free port (`live`) for the kitchen stream: the in-process transport buffers a
response, so Server-Sent Events need a real server. Both share the database and the
durable consumer, as two notification processes would.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI

from pos_kit.events import Event
from pos_kit.events.testing import wait_until
from pos_kit.testing.bus import EventBus, new_event
from pos_kit.testing.http import expect
from pos_kit.testing.kit import ServiceKit, ServiceKits, ServiceUnderTest
from pos_kit.testing.net import free_port
from pos_kit.testing.servers import ThreadedServer
from pos_kit.testing.tenants import TestTenant
from pos_kit.testing.tokens import TestTokens
from pos_notification.main import create_app
from pos_notification.serve import NotificationServer

# SMTP -----------------------------------------------------------------------------------


class MailSink:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for rcpt, m in self.messages if address in rcpt]


@dataclass
class SmtpServer:
    port: int
    sink: MailSink


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    sink = MailSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(port=port, sink=sink)
    finally:
        controller.stop()


# The service ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def service(smtp_server: SmtpServer) -> ServiceUnderTest:
    # Every wait and back-off short, so the suite stays quick.
    return ServiceUnderTest.of(
        create_app,
        feed_poll_seconds=0.2,
        feed_keepalive_seconds=1.0,
        webhook_max_attempts=3,
        webhook_backoff_initial_seconds=0.3,
        webhook_backoff_max_seconds=1.0,
        webhook_timeout_seconds=2.0,
        email_backoff_initial_seconds=0.3,
        email_backoff_max_seconds=1.0,
        dispatch_poll_seconds=0.1,
        dispatch_lease_seconds=10.0,
        smtp_port=smtp_server.port,
        shutdown_grace_seconds=2,
    )


class LiveNotification(ThreadedServer):
    """A notification process under uvicorn on a free port, ending its streams at shutdown."""

    def __init__(self, app: FastAPI, *, grace_seconds: int = 2) -> None:
        super().__init__(
            app, lifespan="on", grace_seconds=grace_seconds, server_class=NotificationServer
        )
        self.feed = app.state.use_cases.feed

    @property
    def open_streams(self) -> int:
        return int(self.feed.signal.listeners)


@pytest.fixture(scope="session")
def live(service: ServiceUnderTest, service_kits: ServiceKits) -> Iterator[LiveNotification]:
    with LiveNotification(service_kits.kit_for(service).create_app()) as server:
        yield server


@pytest.fixture
def start_live_server(kit: ServiceKit) -> Iterator[Callable[..., LiveNotification]]:
    """Start more notification processes (own app, same database and NATS) in a test."""
    with contextlib.ExitStack() as started:

        def start(*, grace_seconds: int = 2, **overrides: Any) -> LiveNotification:
            server = LiveNotification(kit.create_app(**overrides), grace_seconds=grace_seconds)
            return started.enter_context(server)

        yield start


@pytest.fixture(scope="session")
async def live_client(live: LiveNotification) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live.url, timeout=10) as c:
        yield c


# Restaurants and what other services announce for them ---------------------------------


def order_item(**overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "product_id": str(uuid.uuid4()),
        "name": "Margherita",
        "quantity": 2,
        "notes": "well done",
        "modifiers": ["extra basil", {"name": "no olives", "price_delta": 0}],
        "unit_price": 950,
        "line_total": 1900,
    }
    item.update(overrides)
    return item


def order_placed(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "order_id": str(uuid.uuid4()),
        "type": "dine_in",
        "table_id": str(uuid.uuid4()),
        "guests": 3,
        "items": [order_item(), order_item(name="Tiramisu", quantity=1, notes=None, modifiers=[])],
        "totals": {"subtotal": 2850, "tax": 285, "total": 3135, "currency": "EUR"},
        "placed_at": datetime.now(UTC).isoformat(),
        "placed_by": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


class Restaurant(TestTenant):
    """One restaurant: its staff's tokens, and the events other services raise for it."""

    def __init__(self, tokens: TestTokens, bus: EventBus) -> None:
        super().__init__(tokens)
        self.bus = bus

    def headers(self, role: str = "kitchen", *, user_id: str | None = None) -> dict[str, str]:
        """As a cook by default: the kitchen is who reads tickets here."""
        return super().headers(role, user_id=user_id)

    def event(self, type: str, data: dict[str, Any], *, source: str = "pos-core") -> Event:
        return new_event(type, data, tenant_id=self.tenant_id, source=source)

    def order_placed(self, **overrides: Any) -> Event:
        """An order.placed event of this restaurant (not yet published)."""
        return self.event("order.placed", order_placed(**overrides))

    async def place_order(self, **overrides: Any) -> dict[str, Any]:
        placed = await self.bus.publish(self.order_placed(**overrides))
        return dict(placed.data)

    async def cancel_order(self, order_id: str) -> Event:
        return await self.bus.publish(self.event("order.cancelled", {"order_id": order_id}))

    async def register(self, *, owner_email: str) -> None:
        data = {
            "tenant_id": self.tenant_id,
            "restaurant_name": "Chez Test",
            "owner_user_id": str(uuid.uuid4()),
            "owner_email": owner_email,
            "owner_full_name": "Olive Owner",
            "registered_at": datetime.now(UTC).isoformat(),
        }
        await self.bus.publish(self.event("tenant.registered", data, source="auth"))

    async def stock_low(self, name: str, *, available: int = 2, threshold: int = 5) -> None:
        data = {
            "product_id": str(uuid.uuid4()),
            "name": name,
            "available": available,
            "threshold": threshold,
        }
        await self.bus.publish(self.event("stock.low", data, source="inventory"))


@pytest.fixture
def restaurant_factory(tokens: TestTokens, bus: EventBus) -> Callable[[], Restaurant]:
    """The plugin's `restaurant` and `another_restaurant` are made by this."""
    return lambda: Restaurant(tokens, bus)


class KitchenScreen:
    """What a kitchen screen reads over the plain API (the in-process app)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def open_tickets(self, restaurant: Restaurant) -> list[dict[str, Any]]:
        response = await self.client.get("/api/v1/kitchen/tickets", headers=restaurant.headers())
        items: list[dict[str, Any]] = expect(response)["items"]
        return items

    async def ticket_for(
        self, restaurant: Restaurant, order_id: str, within: float = 10.0
    ) -> dict[str, Any]:
        """Wait for the order's ticket to be on the open list."""

        async def found() -> dict[str, Any] | None:
            tickets = await self.open_tickets(restaurant)
            return next((t for t in tickets if t["order_id"] == order_id), None)

        return await wait_until(
            found, within=within, interval=0.1, what=f"an open ticket for order {order_id}"
        )

    async def new_ticket(self, restaurant: Restaurant) -> dict[str, Any]:
        """Place an order for the restaurant and wait for its ticket to be open."""
        placed = await restaurant.place_order()
        return await self.ticket_for(restaurant, placed["order_id"])


@pytest.fixture
def screen(client: httpx.AsyncClient) -> KitchenScreen:
    return KitchenScreen(client)


# The kitchen stream ---------------------------------------------------------------------


@dataclass
class SseEvent:
    id: str | None
    event: str | None
    data: Any


class KitchenStream:
    """Reads a Server-Sent Events response line by line, in the background."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.events: asyncio.Queue[SseEvent] = asyncio.Queue()
        self.comments: list[str] = []
        self.retry: int | None = None
        self.ended = asyncio.Event()
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        fields: dict[str, str] = {}
        data: list[str] = []
        try:
            async for line in self.response.aiter_lines():
                if line == "":
                    if data:
                        await self.events.put(
                            SseEvent(
                                fields.get("id"), fields.get("event"), json.loads("\n".join(data))
                            )
                        )
                    fields, data = {}, []
                elif line.startswith(":"):
                    self.comments.append(line[1:].strip())
                else:
                    name, _, value = line.partition(":")
                    value = value.removeprefix(" ")
                    if name == "data":
                        data.append(value)
                    elif name == "retry":
                        self.retry = int(value)
                    else:
                        fields[name] = value
        except (httpx.HTTPError, asyncio.CancelledError):
            pass
        finally:
            self.ended.set()

    async def next(self, within: float = 10.0) -> SseEvent:
        return await asyncio.wait_for(self.events.get(), timeout=within)

    async def next_for(self, order_id: str, within: float = 10.0) -> SseEvent:
        """The next event about this order, skipping others (e.g. earlier tests' tickets)."""
        deadline = time.monotonic() + within
        while True:
            got = await self.next(max(0.01, deadline - time.monotonic()))
            if got.data["order_id"] == order_id:
                return got

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self.response.aclose()


@contextlib.asynccontextmanager
async def kitchen_stream(
    base_url: str,
    *,
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> AsyncIterator[KitchenStream]:
    async with httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(10.0, read=None)) as http:
        request = http.build_request(
            "GET", "/api/v1/kitchen/stream", headers=headers or {}, params=params or {}
        )
        response = await http.send(request, stream=True)
        assert response.status_code == 200, (await response.aread()).decode()
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = KitchenStream(response)
        try:
            yield stream
        finally:
            await stream.close()


@pytest.fixture
def open_stream(live: LiveNotification) -> Any:
    """`async with open_stream(headers=..., params=...) as stream:` on the live server."""
    return functools.partial(kitchen_stream, live.url)


@pytest.fixture
def stream_at() -> Any:
    """`async with stream_at(base_url, headers=...) as stream:` on any server."""
    return kitchen_stream
