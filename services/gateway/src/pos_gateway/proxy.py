"""The reverse proxy: sends a request to the service its route names and streams the answer back.

Each upstream service has its own `httpx.AsyncClient`, opened in the app's lifespan,
so its own connection pool (a bulkhead): requests to a slow or flooded service (the
chatbot's long LLM calls) can fill only that service's pool, and calls to the others
(order taking) never wait behind them. A request that finds its service's pool full
waits at most the pool timeout, then gets a 503 naming that service.
Request and response bodies are streamed, never buffered, so a Server-Sent Events
feed reaches the browser event by event. Upstream failures become problem+json
answers: 503 unreachable, 504 too slow, 502 not a valid HTTP answer; never a 500.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence

import anyio
import httpx
import structlog
from fastapi import APIRouter
from prometheus_client import Counter, Histogram
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from pos_gateway.config import GatewaySettings
from pos_gateway.errors import BadGateway, GatewayTimeout
from pos_gateway.routes import ROUTE_TABLE, Route, RouteTable
from pos_kit import context
from pos_kit.errors import NotFound, ProblemError, ServiceUnavailable

log = structlog.get_logger("pos_gateway.proxy")

RawHeaders = list[tuple[bytes, bytes]]

UPSTREAM_REQUESTS = Counter(
    "pos_gateway_upstream_requests_total",
    "Requests the gateway sent upstream, by service and outcome (a status code, or "
    "unavailable, saturated, timeout, bad_gateway, client_gone).",
    ["service", "outcome"],
)
UPSTREAM_WAIT = Histogram(
    "pos_gateway_upstream_wait_seconds",
    "Time from forwarding a request to the upstream's response headers, by service.",
    ["service"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

# Headers that describe one connection, not the message (RFC 9110 section 7.6.1);
# a proxy never forwards them. `proxy-*` headers are dropped as well.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"trailers",
        b"transfer-encoding",
        b"upgrade",
    }
)
# The gateway writes these itself from what it knows of the caller.
FORWARDED_HEADERS = frozenset(
    {
        b"forwarded",
        b"x-forwarded-for",
        b"x-forwarded-host",
        b"x-forwarded-proto",
        b"x-forwarded-port",
        b"x-real-ip",
    }
)
# Replaced by the gateway's own request context (pos_kit.context.outbound_headers);
# `expect: 100-continue` is negotiated per hop, between the caller and the gateway.
REPLACED_REQUEST_HEADERS = frozenset({b"host", b"x-correlation-id", b"traceparent", b"expect"})
# The client must see one correlation id (the gateway's middleware adds it) and one
# Date and Server (uvicorn adds them). `access-control-*` goes too: CORS is the
# gateway's alone, and a second Access-Control-Allow-Origin makes browsers refuse.
REPLACED_RESPONSE_HEADERS = frozenset({b"x-correlation-id", b"date", b"server"})

PROXIED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EVENT_STREAM = "text/event-stream"


def _connection_tokens(headers: Iterable[tuple[bytes, bytes]]) -> set[bytes]:
    # `Connection: close, x-foo` also makes `x-foo` a hop-by-hop header.
    tokens: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            tokens.update(t.strip().lower() for t in value.split(b",") if t.strip())
    return tokens


def _end_to_end(headers: Sequence[tuple[bytes, bytes]]) -> RawHeaders:
    dropped = HOP_BY_HOP | _connection_tokens(headers)
    return [
        (name.lower(), value)
        for name, value in headers
        if name.lower() not in dropped and not name.lower().startswith(b"proxy-")
    ]


def upstream_request_headers(
    headers: Sequence[tuple[bytes, bytes]],
    *,
    client_host: str,
    scheme: str,
    trust_forwarded: bool,
) -> RawHeaders:
    """The caller's headers as the upstream gets them, with the gateway's own added."""
    end_to_end = _end_to_end(headers)
    forwarded: dict[bytes, bytes] = {}
    for name, value in end_to_end:
        if name in FORWARDED_HEADERS:
            # A repeated header is one comma-separated list (RFC 9110 section 5.3).
            forwarded[name] = forwarded[name] + b", " + value if name in forwarded else value
    result = [
        (name, value)
        for name, value in end_to_end
        if name not in REPLACED_REQUEST_HEADERS and name not in FORWARDED_HEADERS
    ]
    host = next((value for name, value in end_to_end if name == b"host"), b"")

    peer = client_host.encode("latin-1")
    if trust_forwarded:
        chain = forwarded.get(b"x-forwarded-for")
        result += [(name, value) for name, value in forwarded.items() if name != b"x-forwarded-for"]
        result.append((b"x-forwarded-for", chain + b", " + peer if chain else peer))
        if b"x-forwarded-proto" not in forwarded:
            result.append((b"x-forwarded-proto", scheme.encode("latin-1")))
        if b"x-forwarded-host" not in forwarded and host:
            result.append((b"x-forwarded-host", host))
    else:
        result.append((b"x-forwarded-for", peer))
        result.append((b"x-forwarded-proto", scheme.encode("latin-1")))
        if host:
            result.append((b"x-forwarded-host", host))

    outbound = context.outbound_headers()
    result += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in outbound.items()]
    return result


def client_response_headers(headers: Sequence[tuple[bytes, bytes]]) -> RawHeaders:
    """The upstream's response headers as the client gets them."""
    return [
        (name, value)
        for name, value in _end_to_end(headers)
        if name not in REPLACED_RESPONSE_HEADERS and not name.startswith(b"access-control-")
    ]


def _has_body(headers: Sequence[tuple[bytes, bytes]]) -> bool:
    # HTTP/1.1: a request has a body only if it says so with one of these two headers.
    return any(name in (b"content-length", b"transfer-encoding") for name, _ in headers)


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """A client must never keep one caller's cookies and send them for another."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False


class UpstreamProxy:
    """Forwards requests to the upstream services of a route table, one client per service."""

    def __init__(self, settings: GatewaySettings, routes: RouteTable = ROUTE_TABLE) -> None:
        self._settings = settings
        self._routes = routes
        urls = settings.upstream_urls()
        missing = sorted(routes.services - urls.keys())
        if missing:
            raise ValueError(f"no upstream URL configured for {missing}")
        self._upstreams = {service: httpx.URL(url) for service, url in urls.items()}
        self._limits = settings.upstream_connection_limits()
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._exit_stack: contextlib.AsyncExitStack | None = None

    @property
    def ready(self) -> bool:
        return bool(self._clients) and not any(c.is_closed for c in self._clients.values())

    async def start(self) -> None:
        async with contextlib.AsyncExitStack() as stack:
            clients = {
                service: await stack.enter_async_context(self._new_client(service))
                for service in self._upstreams
            }
            # Opened: keep them until `stop` (on an error above, those opened are closed).
            self._exit_stack = stack.pop_all()
        self._clients = clients

    def _new_client(self, service: str) -> httpx.AsyncClient:
        settings = self._settings
        max_connections = self._limits[service]
        return httpx.AsyncClient(
            # No read timeout here: `forward` bounds the wait for response headers and
            # `UpstreamResponse` the pauses in a body that is not an event stream.
            timeout=httpx.Timeout(
                connect=settings.connect_timeout_seconds,
                read=None,
                write=settings.read_timeout_seconds,
                pool=settings.upstream_pool_timeout_seconds,
            ),
            limits=httpx.Limits(
                max_connections=max_connections,
                max_keepalive_connections=min(100, max_connections),
                keepalive_expiry=settings.upstream_keepalive_seconds,
            ),
            cookies=http.cookiejar.CookieJar(policy=_NoCookies()),
            follow_redirects=False,
            trust_env=False,  # no HTTP_PROXY detour for calls inside the platform
        )

    async def stop(self) -> None:
        """Close every upstream client (each one, even if closing another fails)."""
        stack, self._exit_stack = self._exit_stack, None
        self._clients = {}
        if stack is not None:
            await stack.aclose()

    def router(self) -> APIRouter:
        """A catch-all route; include it after every route the gateway answers itself."""
        router = APIRouter(include_in_schema=False)
        router.add_api_route("/{path:path}", self.forward, methods=PROXIED_METHODS)
        return router

    async def forward(self, request: Request) -> Response:
        route = self._routes.match(request.scope["path"])
        if route is None:
            raise NotFound(f"No API is served at {request.scope['path']}.")
        client = self._clients.get(route.service)
        if client is None:
            raise ServiceUnavailable(
                "The gateway is starting.", retry_after_seconds=self._settings.retry_after_seconds
            )

        settings = self._settings
        raw_headers = request.headers.raw
        content = _stream_body(request) if _has_body(raw_headers) else None
        upstream_request = httpx.Request(
            request.method,
            self._upstream_url(route, request.scope),
            headers=upstream_request_headers(
                raw_headers,
                client_host=request.client.host if request.client else "unknown",
                scheme=request.scope["scheme"],
                trust_forwarded=settings.trust_forwarded_headers,
            ),
            content=content,
            extensions={"timeout": client.timeout.as_dict()},
        )

        started = time.perf_counter()
        try:
            upstream = await self._send(
                client,
                upstream_request,
                service=route.service,
                may_retry=content is None and request.method in SAFE_METHODS,
            )
        except httpx.HTTPError as exc:
            problem, outcome = self._problem_for(exc, route.service)
            self._record(route, outcome, started)
            log.warning(
                "upstream_failed",
                upstream=route.service,
                outcome=outcome,
                error=type(exc).__name__,
                detail=str(exc),
            )
            raise problem from exc
        except ClientDisconnect:
            self._record(route, "client_gone", started)
            # Nobody is left to read it; 499 is the conventional "client closed request".
            return Response(status_code=499)

        self._record(route, str(upstream.status_code), started)
        is_event_stream = upstream.headers.get("content-type", "").startswith(EVENT_STREAM)
        return UpstreamResponse(
            upstream,
            service=route.service,
            idle_timeout=None if is_event_stream else settings.read_timeout_seconds,
        )

    async def _send(
        self,
        client: httpx.AsyncClient,
        upstream_request: httpx.Request,
        *,
        service: str,
        may_retry: bool,
    ) -> httpx.Response:
        """Send and wait for the response headers, at most the read timeout once sent.

        httpx's own read timeout would also cut an event stream that is quiet for a
        while, so the client has none; the wait for response headers is bounded here
        instead, from the moment httpcore reports (`trace` extension) that the request
        is sent. Connect and pool waits have their own timeouts, and a caller's slow
        upload is not counted against the upstream.

        A request that is safe to repeat and has no body gets a second try when the
        connection breaks under it: most often a pooled keep-alive connection that the
        upstream closed just as it was reused.
        """
        read_timeout = self._settings.read_timeout_seconds
        attempts = 2 if may_retry else 1
        for attempt in range(1, attempts + 1):
            answer_deadline = anyio.CancelScope()
            upstream_request.extensions["trace"] = _arm_on_send(answer_deadline, read_timeout)
            try:
                with answer_deadline:
                    return await client.send(upstream_request, stream=True)
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                if attempt == attempts:
                    raise
                log.info("upstream_retried", upstream=service, error=type(exc).__name__)
                continue
            # Only reached when the deadline cancelled the wait.
            raise httpx.ReadTimeout(
                f"no response within {read_timeout:g} seconds", request=upstream_request
            )
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _upstream_url(self, route: Route, scope: Scope) -> httpx.URL:
        base = self._upstreams[route.service]
        raw_path: bytes = scope.get("raw_path") or b""
        if not raw_path.isascii() or not raw_path:
            raw_path = urllib.parse.quote(scope["path"]).encode("ascii")
        query: bytes = scope.get("query_string", b"")
        target = base.raw_path.rstrip(b"/") + raw_path + (b"?" + query if query else b"")
        return base.copy_with(raw_path=target)

    def _problem_for(self, exc: httpx.HTTPError, service: str) -> tuple[ProblemError, str]:
        extra = {"service": service}
        retry_after = self._settings.retry_after_seconds
        if isinstance(exc, httpx.PoolTimeout):
            # This service's own pool is full; the other services' pools are untouched.
            return ServiceUnavailable(
                f"{service} is busy: all {self._limits[service]} connections to it are in use.",
                retry_after_seconds=retry_after,
                extra=extra,
            ), "saturated"
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
            return ServiceUnavailable(
                f"{service} is unavailable.", retry_after_seconds=retry_after, extra=extra
            ), "unavailable"
        if isinstance(exc, httpx.TimeoutException):
            return GatewayTimeout(
                f"{service} did not answer within {self._settings.read_timeout_seconds:g} seconds.",
                extra=extra,
            ), "timeout"
        return BadGateway(f"{service} sent an invalid response.", extra=extra), "bad_gateway"

    @staticmethod
    def _record(route: Route, outcome: str, started: float) -> None:
        UPSTREAM_REQUESTS.labels(route.service, outcome).inc()
        UPSTREAM_WAIT.labels(route.service).observe(time.perf_counter() - started)


def _arm_on_send(
    deadline: anyio.CancelScope, seconds: float
) -> Callable[[str, dict[str, object]], Awaitable[None]]:
    """An httpcore trace hook that starts `deadline` once the request is fully sent."""

    async def on_trace(event: str, _: dict[str, object]) -> None:
        if event.endswith("receive_response_headers.started"):
            deadline.deadline = anyio.current_time() + seconds

    return on_trace


async def _stream_body(request: Request) -> AsyncIterator[bytes]:
    # The body limit is enforced beneath: pos-kit's BodyLimitMiddleware counts what
    # `request.stream()` receives and aborts the upload (413) once it is over the limit.
    async for chunk in request.stream():
        if chunk:
            yield chunk


class UpstreamResponse(Response):
    """Relays an upstream's streamed answer chunk by chunk, as it arrives.

    Plain ASGI rather than Starlette's StreamingResponse, so that the upstream response
    is always closed: when the body ends, when the upstream breaks, and when the client
    goes away (noticed while waiting for `http.disconnect`, even on a silent stream).
    """

    def __init__(
        self, upstream: httpx.Response, *, service: str, idle_timeout: float | None
    ) -> None:
        self.status_code = upstream.status_code
        self.raw_headers = client_response_headers(upstream.headers.raw)
        self.background = None
        self._upstream = upstream
        self._service = service
        self._idle_timeout = idle_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            start = {"status": self.status_code, "headers": self.raw_headers}
            await send({"type": "http.response.start", **start})
            async with anyio.create_task_group() as tasks:

                async def relay_then_stop() -> None:
                    await self._relay_body(send)
                    tasks.cancel_scope.cancel()

                tasks.start_soon(relay_then_stop)
                await _client_gone(receive)
                tasks.cancel_scope.cancel()
        finally:
            with anyio.CancelScope(shield=True):
                await self._upstream.aclose()

    async def _relay_body(self, send: Send) -> None:
        try:
            # Raw bytes, not decoded: Content-Encoding and Content-Length stay true.
            chunks = self._upstream.aiter_raw()
            while True:
                with anyio.fail_after(self._idle_timeout):
                    chunk = await anext(chunks, None)
                if chunk is None:
                    break
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except (httpx.HTTPError, TimeoutError) as exc:
            # The status line is already sent; the only honest signal left is to cut
            # the connection, so the client cannot take a partial body for a whole one.
            log.warning(
                "upstream_response_broken",
                upstream=self._service,
                error=type(exc).__name__,
                detail=str(exc),
            )
            return
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _client_gone(receive: Receive) -> None:
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            return
