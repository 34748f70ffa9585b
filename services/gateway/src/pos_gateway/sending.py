"""Sending one request upstream: a deadline for the answer to start, one retry on a broken line."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio
import httpx
import structlog

# Everything the proxy logs is under one logger name, whichever module writes it.
log = structlog.get_logger("pos_gateway.proxy")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def send_upstream(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    service: str,
    read_timeout: float,
    has_body: bool,
) -> httpx.Response:
    """Send and wait for the response headers, at most `read_timeout` once sent.

    httpx's own read timeout would also cut an event stream that is quiet for a
    while, so the client has none; the wait for response headers is bounded here
    instead, from the moment httpcore reports (`trace` extension) that the request
    is sent. Connect and pool waits have their own timeouts, and a caller's slow
    upload is not counted against the upstream.

    A request that is safe to repeat and has no body gets a second try when the
    connection breaks under it: most often a pooled keep-alive connection that the
    upstream closed just as it was reused.
    """
    attempts = 2 if not has_body and request.method in SAFE_METHODS else 1
    for attempt in range(1, attempts + 1):
        answer_deadline = anyio.CancelScope()
        request.extensions["trace"] = _arm_on_send(answer_deadline, read_timeout)
        try:
            with answer_deadline:
                return await client.send(request, stream=True)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            if attempt == attempts:
                raise
            log.info("upstream_retried", upstream=service, error=type(exc).__name__)
            continue
        # Only reached when the deadline cancelled the wait.
        raise httpx.ReadTimeout(f"no response within {read_timeout:g} seconds", request=request)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _arm_on_send(
    deadline: anyio.CancelScope, seconds: float
) -> Callable[[str, dict[str, object]], Awaitable[None]]:
    """An httpcore trace hook that starts `deadline` once the request is fully sent."""

    async def on_trace(event: str, _: dict[str, object]) -> None:
        if event.endswith("receive_response_headers.started"):
            deadline.deadline = anyio.current_time() + seconds

    return on_trace
