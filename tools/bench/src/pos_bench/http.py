"""The load generator's HTTP/1.1 client: raw asyncio connections kept alive, httptools parsing.

httpx spends more CPU per request than the services under test can spare on a 2-core
machine, so the generator speaks HTTP itself: one request at a time per connection, a
pool of connections per server that grows on demand up to a bound, and a response parser
written in C. It knows just enough HTTP for the POS API: fixed-length and chunked bodies,
keep-alive and `Connection: close`, and Server-Sent Events read as they arrive.
"""

from __future__ import annotations

import asyncio
import collections
import json as jsonlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import httptools

# uvicorn closes a keep-alive connection after 5 s idle; one idle for longer than this is
# closed here rather than reused, so a request never races the server's close.
IDLE_REUSE_SECONDS = 3.0


class HttpFailure(Exception):
    """The request got no HTTP answer: connection refused or lost, bad response, timeout."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: Mapping[bytes, bytes]  # names lower-cased
    body: bytes

    def header(self, name: str) -> str | None:
        value = self.headers.get(name.lower().encode("latin-1"))
        return None if value is None else value.decode("latin-1")

    def json(self) -> Any:
        return jsonlib.loads(self.body)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class _Connection(asyncio.Protocol):
    """One TCP connection; one request in flight at a time."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[Response] | None = None
        self._status = 0
        self._headers: dict[bytes, bytes] = {}
        self._body: list[bytes] = []
        # Streaming: body chunks go here instead, and the waiter resolves at the headers.
        self.on_chunk: Callable[[bytes], None] | None = None
        self.on_close: Callable[[], None] | None = None
        self.closed = False
        self.keep_alive = True
        self.last_used = time.monotonic()

    # -- asyncio.Protocol ----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(HttpFailure("bad-response", str(exc)))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(HttpFailure("connection-lost", str(exc) if exc else "closed by the server"))
        if self.on_close is not None:
            self.on_close()

    # -- httptools callbacks -------------------------------------------------------------

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.lower()] = value

    def on_headers_complete(self) -> None:
        self._status = self._parser.get_status_code()
        if self.on_chunk is not None:
            self._resolve(Response(self._status, self._headers, b""))

    def on_body(self, body: bytes) -> None:
        if self.on_chunk is not None:
            self.on_chunk(body)
        else:
            self._body.append(body)

    def on_message_complete(self) -> None:
        self.keep_alive = self._parser.should_keep_alive()
        self.last_used = time.monotonic()
        self._resolve(Response(self._status, self._headers, b"".join(self._body)))

    # -- use ------------------------------------------------------------------------------

    def send(self, request: bytes) -> asyncio.Future[Response]:
        if self.closed or self._transport is None:
            raise HttpFailure("connection-lost", "the connection is closed")
        self._waiter = self._loop.create_future()
        self._headers = {}
        self._body = []
        self._transport.write(request)
        return self._waiter

    def close(self) -> None:
        self.closed = True
        if self._transport is not None:
            self._transport.close()

    def _resolve(self, response: Response) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(response)

    def _fail(self, error: HttpFailure) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)


def encode_request(
    method: str,
    path: str,
    host: str,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    if headers:
        lines.extend(f"{name}: {value}" for name, value in headers.items())
    if body is not None or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body or b'')}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head + body if body else head


class HttpClient:
    """Keep-alive connections to one server, opened as needed up to `max_connections`.

    A request that finds every connection busy and the bound reached waits for one; in an
    open-loop run that wait is part of its latency, measured from when it was due.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        max_connections: int = 1024,
        timeout: float = 30.0,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.authority = f"{host}:{port}"
        self.max_connections = max_connections
        self.timeout = timeout
        self.headers = dict(headers or {})
        self._idle: list[_Connection] = []
        self._open = 0
        self._waiting: collections.deque[asyncio.Future[_Connection | None]] = collections.deque()
        self._streams: set[_Connection] = set()
        self.connections_opened = 0

    # -- requests --------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        time_limit: float | None = None,
    ) -> Response:
        """Send one request and read the whole answer; HttpFailure if no answer came."""
        merged = {**self.headers, **(headers or {})}
        if json is not None:
            body = jsonlib.dumps(json, separators=(",", ":")).encode("utf-8")
            merged.setdefault("Content-Type", "application/json")
        raw = encode_request(method, path, self.authority, merged, body)
        return await self.send_raw(raw, time_limit=time_limit)

    async def send_raw(self, raw: bytes, *, time_limit: float | None = None) -> Response:
        """Send a request already encoded (`encode_request`): the hot path of a scenario."""
        connection = await self._acquire()
        try:
            async with asyncio.timeout(self.timeout if time_limit is None else time_limit):
                response = await connection.send(raw)
        except TimeoutError:
            connection.close()
            self._release(connection)
            raise HttpFailure("timeout") from None
        except BaseException:
            connection.close()
            self._release(connection)
            raise
        if not connection.keep_alive:
            connection.close()
        self._release(connection)
        return response

    async def get(self, path: str, **options: Any) -> Response:
        return await self.request("GET", path, **options)

    async def post(self, path: str, **options: Any) -> Response:
        return await self.request("POST", path, **options)

    # -- streams ---------------------------------------------------------------------------

    async def stream(
        self,
        path: str,
        on_chunk: Callable[[bytes], None],
        *,
        headers: Mapping[str, str] | None = None,
        time_limit: float = 10.0,
    ) -> StreamHandle:
        """GET `path` on a connection of its own and feed every body chunk to `on_chunk`."""
        loop = asyncio.get_running_loop()
        try:
            _, connection = await asyncio.wait_for(
                loop.create_connection(lambda: _Connection(loop), self.host, self.port),
                time_limit,
            )
        except (OSError, TimeoutError) as exc:
            raise HttpFailure("connect", str(exc) or repr(exc)) from None
        connection.on_chunk = on_chunk
        raw = encode_request("GET", path, self.authority, {**self.headers, **(headers or {})}, None)
        try:
            response = await asyncio.wait_for(connection.send(raw), time_limit)
        except TimeoutError:
            connection.close()
            raise HttpFailure("timeout", "no answer to the stream request") from None
        handle = StreamHandle(connection, response)
        self._streams.add(connection)
        return handle

    # -- the pool --------------------------------------------------------------------------

    async def _acquire(self) -> _Connection:
        now = time.monotonic()
        while self._idle:
            connection = self._idle.pop()
            if not connection.closed and now - connection.last_used < IDLE_REUSE_SECONDS:
                return connection
            connection.close()
            self._open -= 1
        if self._open < self.max_connections:
            return await self._open_one()
        waiter: asyncio.Future[_Connection | None] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        handed = await waiter
        if handed is None:  # a slot freed up, not a connection: open one
            return await self._open_one()
        return handed

    async def _open_one(self) -> _Connection:
        """A new connection in a slot of the pool; the slot goes to a waiter if it fails."""
        self._open += 1
        try:
            return await self._connect()
        except BaseException:
            self._open -= 1
            self._wake_one()
            raise

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            _, connection = await loop.create_connection(
                lambda: _Connection(loop), self.host, self.port
            )
        except OSError as exc:
            raise HttpFailure("connect", str(exc) or repr(exc)) from None
        self.connections_opened += 1
        return connection

    def _release(self, connection: _Connection) -> None:
        if connection.closed:
            self._open -= 1
            self._wake_one()
            return
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        self._idle.append(connection)

    def _wake_one(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def aclose(self) -> None:
        for connection in [*self._idle, *self._streams]:
            connection.close()
        self._idle.clear()
        self._streams.clear()
        self._open = 0


class StreamHandle:
    """An open streamed response: its status and headers, and closing it."""

    def __init__(self, connection: _Connection, response: Response) -> None:
        self._connection = connection
        self.response = response
        self.ended = asyncio.Event()
        connection.on_close = self.ended.set

    @property
    def status(self) -> int:
        return self.response.status

    def close(self) -> None:
        self._connection.close()


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    event: str
    data: str
    id: str | None
    arrived: float  # the reader's clock when the chunk that completed it arrived


class SseReader:
    """Turns body chunks into Server-Sent Events (`event`, `data`, `id`; comments skipped)."""

    def __init__(
        self, on_event: Callable[[ServerSentEvent], None], clock: Callable[[], float]
    ) -> None:
        self._on_event = on_event
        self._clock = clock
        self._buffer = ""

    def feed(self, chunk: bytes) -> None:
        arrived = self._clock()
        self._buffer += chunk.decode("utf-8", errors="replace").replace("\r\n", "\n")
        while "\n\n" in self._buffer:
            block, self._buffer = self._buffer.split("\n\n", 1)
            event, data, event_id = "message", [], None
            for line in block.split("\n"):
                if not line or line.startswith(":"):
                    continue
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "event":
                    event = value
                elif name == "data":
                    data.append(value)
                elif name == "id":
                    event_id = value
            if data:
                self._on_event(ServerSentEvent(event, "\n".join(data), event_id, arrived))
