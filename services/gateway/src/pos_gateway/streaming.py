"""Bodies streamed through the gateway, never buffered: the caller's upload, the upstream's answer.

A Server-Sent Events feed therefore reaches the browser event by event.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import httpx
import structlog
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from pos_gateway.headers import client_response_headers

# Everything the proxy logs is under one logger name, whichever module writes it.
log = structlog.get_logger("pos_gateway.proxy")

EVENT_STREAM = "text/event-stream"


def request_body(request: Request) -> AsyncIterator[bytes] | None:
    """The caller's body as a stream for the upstream; None when the request has none."""
    # HTTP/1.1: a request has a body only if it says so with one of these two headers.
    if not any(
        name in (b"content-length", b"transfer-encoding") for name, _ in request.headers.raw
    ):
        return None
    return _stream_body(request)


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
    A body may pause at most `read_timeout` seconds, except an event stream, which may
    stay idle for any time once it has started.
    """

    def __init__(self, upstream: httpx.Response, *, service: str, read_timeout: float) -> None:
        self.status_code = upstream.status_code
        self.raw_headers = client_response_headers(upstream.headers.raw)
        self.background = None
        self._upstream = upstream
        self._service = service
        is_event_stream = upstream.headers.get("content-type", "").startswith(EVENT_STREAM)
        self._idle_timeout = None if is_event_stream else read_timeout

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
