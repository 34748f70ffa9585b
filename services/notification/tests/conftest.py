"""Fixtures for notification's tests: PostgreSQL, nats-server, an SMTP sink, the app twice.

The app runs in-process (`client`) for the plain HTTP tests, and a second instance
of it runs under uvicorn on a free port (`live`) for the kitchen stream: the
in-process ASGI transport buffers a response, so Server-Sent Events need a real
server. Both share the database and the durable consumer, as two notification
processes would.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
import uvicorn
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from pos_kit.events import Event, ensure_stream
from pos_kit.testing.app import app_client
from pos_kit.testing.nats import NatsServer, free_port, running_nats_server
from pos_kit.testing.postgres import fresh_database
from pos_kit.testing.tokens import TestTokens
from pos_notification.config import NotificationSettings
from pos_notification.main import create_app
from pos_notification.serve import server_for

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest.fixture(scope="session")
def nats_server() -> Iterator[NatsServer]:
    with running_nats_server() as server:
        yield server


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with fresh_database("pos_notification_test", ALEMBIC_INI) as url:
        yield url


@pytest.fixture(scope="session")
def tokens() -> TestTokens:
    return TestTokens()


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


# Settings and the app -------------------------------------------------------------------


def make_settings(
    database_url: str, nats_url: str, smtp_port: int, **overrides: Any
) -> NotificationSettings:
    """Test settings: every wait and back-off short, so the suite stays quick."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "nats_url": nats_url,
        "environment": "test",
        "consumer_max_deliver": 2,
        "consumer_backoff_initial_seconds": 0.1,
        "consumer_backoff_max_seconds": 0.5,
        "feed_poll_seconds": 0.2,
        "feed_keepalive_seconds": 1.0,
        "webhook_max_attempts": 3,
        "webhook_backoff_initial_seconds": 0.3,
        "webhook_backoff_max_seconds": 1.0,
        "webhook_timeout_seconds": 2.0,
        "email_backoff_initial_seconds": 0.3,
        "email_backoff_max_seconds": 1.0,
        "dispatch_poll_seconds": 0.1,
        "dispatch_lease_seconds": 10.0,
        "smtp_port": smtp_port,
        "shutdown_grace_seconds": 2,
    }
    values.update(overrides)
    return NotificationSettings(**values)


@pytest.fixture(scope="session")
def settings(
    database_url: str, nats_server: NatsServer, smtp_server: SmtpServer
) -> NotificationSettings:
    return make_settings(database_url, nats_server.url, smtp_server.port)


@pytest.fixture(scope="session")
def notification_app(settings: NotificationSettings, tokens: TestTokens) -> FastAPI:
    return create_app(settings, token_verifier=tokens.verifier())


@pytest.fixture(scope="session")
async def client(notification_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(notification_app) as c:
        yield c


class LiveServer:
    """The app under uvicorn on 127.0.0.1, in a thread of the test process."""

    def __init__(self, app: FastAPI, *, grace_seconds: int = 2) -> None:
        self.app = app
        self.port = free_port()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=grace_seconds,
        )
        self.server = server_for(app, config)
        self._thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def open_streams(self) -> int:
        return int(self.app.state.kitchen_feed.signal.listeners)

    def start(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"notification did not start on port {self.port}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=20)


@pytest.fixture(scope="session")
def live(settings: NotificationSettings, tokens: TestTokens) -> Iterator[LiveServer]:
    server = LiveServer(create_app(settings, token_verifier=tokens.verifier())).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def start_live_server(settings: NotificationSettings, tokens: TestTokens) -> Iterator[Any]:
    """Start more notification processes (own app, same database and NATS) in a test."""
    started: list[LiveServer] = []

    def start(*, grace_seconds: int = 2, **overrides: Any) -> LiveServer:
        app = create_app(settings.model_copy(update=overrides), token_verifier=tokens.verifier())
        server = LiveServer(app, grace_seconds=grace_seconds).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
async def live_client(live: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live.url, timeout=10) as c:
        yield c


# Events ---------------------------------------------------------------------------------


class Bus:
    """Publishes CloudEvents to JetStream the way a producer's relay does."""

    def __init__(self, nc: NatsClient, js: JetStreamContext) -> None:
        self.nc = nc
        self.js = js

    async def publish(self, event: Event, *, msg_id: str | None = None) -> Event:
        await self.js.publish(
            event.subject, event.to_json().encode(), headers={"Nats-Msg-Id": msg_id or event.id}
        )
        return event

    async def publish_raw(self, subject: str, payload: bytes) -> None:
        await self.js.publish(subject, payload, headers={"Nats-Msg-Id": str(uuid.uuid4())})


@pytest.fixture(scope="session")
async def bus(nats_server: NatsServer) -> AsyncIterator[Bus]:
    nc = await nats.connect(nats_server.url)
    js = nc.jetstream()
    await ensure_stream(js)
    try:
        yield Bus(nc, js)
    finally:
        await nc.close()


def event(type: str, data: dict[str, Any], *, tenant_id: str, source: str = "pos-core") -> Event:
    return Event.new(
        source=source,
        type=type,
        data=data,
        tenant_id=tenant_id,
        correlation_id=f"test-{uuid.uuid4().hex[:8]}",
    )


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


@dataclass
class Restaurant:
    """One tenant in a test: staff tokens, and the events other services raise for it."""

    tokens: TestTokens
    bus: Bus
    tenant_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def headers(self, role: str = "kitchen") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.staff(tenant_id=self.tenant_id, role=role)}"}

    def event(self, type: str, data: dict[str, Any], *, source: str = "pos-core") -> Event:
        return event(type, data, tenant_id=self.tenant_id, source=source)

    def order_placed(self, **overrides: Any) -> Event:
        """An order.placed event of this restaurant (not yet published)."""
        return self.event("order.placed", order_placed(**overrides))

    async def place_order(self, **overrides: Any) -> dict[str, Any]:
        placed = await self.bus.publish(self.order_placed(**overrides))
        return dict(placed.data)

    async def cancel_order(self, order_id: str) -> None:
        await self.bus.publish(
            event("order.cancelled", {"order_id": order_id}, tenant_id=self.tenant_id)
        )

    async def register(self, *, owner_email: str) -> None:
        data = {
            "tenant_id": self.tenant_id,
            "restaurant_name": "Chez Test",
            "owner_user_id": str(uuid.uuid4()),
            "owner_email": owner_email,
            "owner_full_name": "Olive Owner",
            "registered_at": datetime.now(UTC).isoformat(),
        }
        await self.bus.publish(
            event("tenant.registered", data, tenant_id=self.tenant_id, source="auth")
        )

    async def stock_low(self, name: str, *, available: int = 2, threshold: int = 5) -> None:
        data = {
            "product_id": str(uuid.uuid4()),
            "name": name,
            "available": available,
            "threshold": threshold,
        }
        await self.bus.publish(
            event("stock.low", data, tenant_id=self.tenant_id, source="inventory")
        )


@pytest.fixture
def restaurant(tokens: TestTokens, bus: Bus) -> Restaurant:
    return Restaurant(tokens, bus)


@pytest.fixture
def another_restaurant(tokens: TestTokens, bus: Bus) -> Restaurant:
    return Restaurant(tokens, bus)


class KitchenScreen:
    """What a kitchen screen reads over the plain API (the in-process app)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def open_tickets(self, restaurant: Restaurant) -> list[dict[str, Any]]:
        response = await self.client.get("/api/v1/kitchen/tickets", headers=restaurant.headers())
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def ticket_for(
        self, restaurant: Restaurant, order_id: str, within: float = 10.0
    ) -> dict[str, Any]:
        """Wait for the order's ticket to be on the open list."""
        deadline = time.monotonic() + within
        while True:
            for ticket in await self.open_tickets(restaurant):
                if ticket["order_id"] == order_id:
                    return ticket
            if time.monotonic() > deadline:
                raise AssertionError(f"no open ticket for order {order_id} after {within}s")
            await asyncio.sleep(0.1)


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
def open_stream(live: LiveServer) -> Any:
    """`async with open_stream(headers=..., params=...) as stream:` on the live server."""
    return functools.partial(kitchen_stream, live.url)


@pytest.fixture
def stream_at() -> Any:
    """`async with stream_at(base_url, headers=...) as stream:` on any server."""
    return kitchen_stream
