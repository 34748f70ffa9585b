"""ASGI middleware every service runs: request context, request log line, metrics, body limit.

Written as plain ASGI (not BaseHTTPMiddleware) so streaming responses such as
Server-Sent Events pass through unbuffered.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from prometheus_client import Counter, Histogram
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pos_kit import context
from pos_kit.db import database_unavailable
from pos_kit.problem_details import problem_response

log = structlog.get_logger("pos_kit.request")

REQUESTS = Counter(
    "pos_http_requests_total",
    "HTTP requests answered, by route template and status.",
    ["service", "method", "route", "status"],
)
LATENCY = Histogram(
    "pos_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

_QUIET_PATHS = {"/healthz", "/readyz", "/metrics"}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _route_template(scope: Scope) -> str:
    # Label by template, not raw path, so ids do not explode the metric's cardinality.
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"


class _HttpMiddleware:
    """Middleware for HTTP requests: anything else (lifespan, websockets) passes straight by."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError  # pragma: no cover - abstract


class RequestContextMiddleware(_HttpMiddleware):
    """Accepts or makes a correlation id, echoes it, logs one line a request, counts it.

    It also answers an unexpected exception itself, so that even a 500 carries the
    correlation id and a problem+json body.
    """

    def __init__(self, app: ASGIApp, *, service: str, cursor_key: bytes = b"") -> None:
        super().__init__(app)
        self.service = service
        self.cursor_key = cursor_key

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        incoming = _header(scope, b"x-correlation-id")
        trace_id = context.trace_id_from_traceparent(_header(scope, b"traceparent"))
        started = time.perf_counter()
        status = 500
        response_started = False

        with context.request_context(
            correlation_id=incoming, trace_id=trace_id, cursor_key=self.cursor_key
        ) as ctx:
            if incoming and ctx.correlation_id != incoming:
                log.warning("correlation_id_rejected", reason="unsafe characters or too long")

            async def send_with_id(message: Message) -> None:
                nonlocal status, response_started
                if message["type"] == "http.response.start":
                    response_started = True
                    status = message["status"]
                    headers = list(message.get("headers", []))
                    headers.append((b"x-correlation-id", ctx.correlation_id.encode()))
                    message = {**message, "headers": headers}
                await send(message)

            try:
                await self.app(scope, receive, send_with_id)
            except Exception as exc:
                if response_started:
                    log.error("unhandled_error", exc_info=exc)
                    raise
                await _answer_failure(exc)(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                route = _route_template(scope)
                method = scope.get("method", "")
                REQUESTS.labels(self.service, method, route, str(status)).inc()
                LATENCY.labels(self.service, method, route).observe(elapsed)
                if scope.get("path") not in _QUIET_PATHS:
                    log.info(
                        "request",
                        method=method,
                        path=scope.get("path"),
                        route=route,
                        status=status,
                        duration_ms=round(elapsed * 1000, 1),
                        user_id=ctx.user_id,
                    )


class BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware(_HttpMiddleware):
    """Refuses a request body over the limit with 413, whether or not it declares its length."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return

        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if response_started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            status=413,
            title="Request body too large",
            detail=f"The request body is larger than the limit of {self.max_bytes} bytes.",
            type_slug="payload-too-large",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def client_address(scope: Scope | dict[str, Any]) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _answer_failure(exc: Exception) -> Response:
    """What a request that raised is answered: 503 when the database is away or has no
    free connection (an outage to wait out, as a client's retry policy expects), else 500."""
    if database_unavailable(exc):
        log.warning("database_unavailable", error=f"{type(exc).__name__}: {exc}")
        return problem_response(
            status=503,
            title="Database unavailable",
            detail="The service cannot reach its database just now. Try again shortly; "
            "a request sent with an Idempotency-Key is safe to repeat.",
            type_slug="database-unavailable",
            headers={"Retry-After": "1"},
        )
    log.error("unhandled_error", exc_info=exc)
    return problem_response(
        status=500,
        title="Internal error",
        detail="Something went wrong on our side. Quote the correlation id when reporting it.",
        type_slug="internal-error",
    )
