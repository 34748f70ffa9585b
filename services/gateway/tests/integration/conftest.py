"""Real upstream HTTP servers on free 127.0.0.1 ports, and the gateway in front of them."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from pos_gateway.config import GatewaySettings
from pos_gateway.main import create_app
from pos_gateway.routes import ROUTE_TABLE
from pos_kit.testing.servers import ThreadedServer

UPSTREAM_CORRELATION_ID = "set-by-the-upstream"


@dataclass
class UpstreamState:
    """What the upstream saw, for tests to assert on."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    second_event_produced: threading.Event = field(default_factory=threading.Event)
    endless_stream_closed: threading.Event = field(default_factory=threading.Event)
    hanging: int = 0  # requests to /api/v1/chat/hang open right now
    hang_received: int = 0  # requests to /api/v1/chat/hang received in all


def upstream_app(state: UpstreamState) -> Starlette:
    async def echo(request: Request) -> Response:
        try:
            body = await request.body()
        except ClientDisconnect:
            return Response(status_code=499)
        seen = {
            "method": request.method,
            "path": request.url.path,
            "raw_path": request.scope["raw_path"].decode("latin-1"),
            "query": request.scope["query_string"].decode("latin-1"),
            "headers": [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
            "body_size": len(body),
            "body_sha256": hashlib.sha256(body).hexdigest(),
        }
        state.requests.append(seen)
        response = JSONResponse(seen, status_code=int(request.query_params.get("status", "200")))
        response.headers["x-correlation-id"] = UPSTREAM_CORRELATION_ID
        response.headers.append("set-cookie", "first=1; Path=/")
        response.headers.append("set-cookie", "second=2; Path=/")
        return response

    async def two_events(_: Request) -> Response:
        async def events() -> AsyncIterator[bytes]:
            yield b"event: ticket\ndata: first\n\n"
            await asyncio.sleep(1.0)
            state.second_event_produced.set()
            yield b"event: ticket\ndata: second\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    async def endless_events(_: Request) -> Response:
        async def events() -> AsyncIterator[bytes]:
            try:
                yield b"data: hello\n\n"
                await asyncio.Event().wait()  # an idle feed: nothing more, ever
                yield b""
            finally:
                state.endless_stream_closed.set()

        return StreamingResponse(events(), media_type="text/event-stream")

    async def stalls_mid_body(_: Request) -> Response:
        async def body() -> AsyncIterator[bytes]:
            yield b'{"partial": '
            await asyncio.sleep(5)
            yield b"true}"

        return StreamingResponse(body(), media_type="application/json")

    async def hang(request: Request) -> Response:
        # A chatbot stuck in an LLM call: never answers; lets go when the caller hangs up.
        state.hanging += 1
        state.hang_received += 1
        try:
            while (await request.receive())["type"] != "http.disconnect":
                pass
        finally:
            state.hanging -= 1
        return Response(status_code=499)

    return Starlette(
        routes=[
            Route("/api/v1/chat/hang", hang, methods=["GET", "POST"]),
            Route("/api/v1/kitchen/stream", two_events),
            Route("/api/v1/kitchen/endless", endless_events),
            Route("/api/v1/orders/stalls", stalls_mid_body),
            Route("/{path:path}", echo, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]),
        ]
    )


@dataclass
class Upstream:
    state: UpstreamState
    server: ThreadedServer

    @property
    def url(self) -> str:
        return self.server.url


@contextlib.contextmanager
def running_upstream() -> Iterator[Upstream]:
    state = UpstreamState()
    with ThreadedServer(upstream_app(state)) as server:
        yield Upstream(state=state, server=server)


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    with running_upstream() as running:
        yield running


@pytest.fixture
def fresh_upstream_state(upstream: Upstream) -> UpstreamState:
    upstream.state.requests.clear()
    upstream.state.second_event_produced.clear()
    upstream.state.endless_stream_closed.clear()
    upstream.state.hanging = 0
    upstream.state.hang_received = 0
    return upstream.state


def gateway_settings(
    default_url: str, *, upstream_urls: dict[str, str] | None = None, **overrides: Any
) -> GatewaySettings:
    """Every service at `default_url`, but those `upstream_urls` (`{"inventory": ...}`) move."""
    values: dict[str, Any] = {
        "upstream_urls": dict.fromkeys(ROUTE_TABLE.services, default_url) | (upstream_urls or {}),
        "read_timeout_seconds": 2.0,
        "connect_timeout_seconds": 1.0,
        "retry_after_seconds": 7,
        **overrides,
    }
    return GatewaySettings(**values)


@contextlib.contextmanager
def running_gateway(settings: GatewaySettings) -> Iterator[str]:
    """The gateway served by uvicorn on a free port, as in production; yields its URL."""
    with ThreadedServer(create_app(settings), lifespan="on") as server:
        yield server.url


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel completes them) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


@dataclass
class RawServer:
    """A TCP server on 127.0.0.1 that reads each request and answers it with raw bytes."""

    port: int
    connections: int = 0  # accepted so far


@contextlib.contextmanager
def raw_server(answer: Callable[[RawServer], bytes]) -> Iterator[RawServer]:
    """Serves each connection what `answer` returns (nothing: hang up), then closes it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.1)
    server = RawServer(port=int(sock.getsockname()[1]))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            server.connections += 1
            with conn, contextlib.suppress(OSError):
                conn.settimeout(1)
                conn.recv(65536)
                conn.sendall(answer(server))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join(timeout=5)
        sock.close()


@pytest.fixture
def garbage_port() -> Iterator[int]:
    """A port whose every connection is answered with bytes that are not HTTP, then closed."""
    with raw_server(lambda _: b"this is not HTTP\r\n\r\n") as server:
        yield server.port


@pytest.fixture
def flaky_server() -> Iterator[RawServer]:
    """Closes its first connection without a word (a stale keep-alive), then answers 200."""

    def answer(server: RawServer) -> bytes:
        if server.connections == 1:
            return b""
        return (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            b"Content-Length: 2\r\nConnection: close\r\n\r\nok"
        )

    with raw_server(answer) as server:
        yield server


@pytest.fixture
def spare_upstream() -> Iterator[Upstream]:
    """An upstream of the test's own, which the test may stop."""
    with running_upstream() as running:
        yield running


@pytest.fixture
def gateway_with(
    upstream: Upstream, fresh_upstream_state: UpstreamState, open_gateway: Any
) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """Opens the gateway in process, its settings `gateway_settings(upstream.url, **overrides)`:
    every service at the shared upstream but those `upstream_urls` moves."""

    def open_with(**overrides: Any) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        return open_gateway(gateway_settings(upstream.url, **overrides))

    return open_with


@pytest.fixture
def serve_gateway(
    upstream: Upstream, fresh_upstream_state: UpstreamState
) -> Callable[..., AbstractContextManager[str]]:
    """Serves the gateway by uvicorn (`running_gateway`), its settings as `gateway_with`'s."""

    def serve_with(**overrides: Any) -> AbstractContextManager[str]:
        return running_gateway(gateway_settings(upstream.url, **overrides))

    return serve_with


@pytest.fixture
async def gateway(gateway_with: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway in process, every service routed to the shared upstream."""
    async with gateway_with() as client:
        yield client
