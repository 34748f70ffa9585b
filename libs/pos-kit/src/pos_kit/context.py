"""The request context: correlation id, trace id and tenant id of the work in progress.

One mutable holder per request or event lives in a contextvar. Code deeper in the
call (an auth dependency, an event handler) fills in the tenant, and the log
processor, the HTTP client and the outbox read it from the same object, so what
is learnt late in a request still shows in its last log line.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

CORRELATION_HEADER = "X-Correlation-ID"
TRACEPARENT_HEADER = "traceparent"

# A correlation id comes from outside; accept only what is safe to log and echo.
_CORRELATION_ID_RE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_TRACEPARENT_RE = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


@dataclass
class RequestContext:
    correlation_id: str
    trace_id: str
    span_id: str = field(default_factory=lambda: secrets.token_hex(8))
    tenant_id: str | None = None
    user_id: str | None = None
    # What the list cursors this request hands out are signed with (pos_kit.pagination).
    cursor_key: bytes = field(default=b"", repr=False)

    def traceparent(self) -> str:
        """W3C traceparent for an outbound call made on behalf of this context."""
        return f"00-{self.trace_id}-{self.span_id}-01"


_current: ContextVar[RequestContext | None] = ContextVar("pos_request_context", default=None)


def new_correlation_id() -> str:
    return str(uuid.uuid4())


def valid_correlation_id(value: str | None) -> str | None:
    if value and _CORRELATION_ID_RE.match(value):
        return value
    return None


def trace_id_from_traceparent(value: str | None) -> str | None:
    if not value:
        return None
    match = _TRACEPARENT_RE.match(value.strip().lower())
    if not match or match.group(1) == "0" * 32:
        return None
    return match.group(1)


def current() -> RequestContext | None:
    return _current.get()


def current_correlation_id() -> str | None:
    ctx = _current.get()
    return ctx.correlation_id if ctx else None


def current_tenant_id() -> str | None:
    ctx = _current.get()
    return ctx.tenant_id if ctx else None


def bind_tenant(tenant_id: str | None, user_id: str | None = None) -> None:
    """Record whose work this is, for logs, outbound calls and events."""
    ctx = _current.get()
    if ctx is not None:
        ctx.tenant_id = tenant_id
        if user_id is not None:
            ctx.user_id = user_id


@contextmanager
def request_context(
    correlation_id: str | None = None,
    trace_id: str | None = None,
    tenant_id: str | None = None,
    cursor_key: bytes = b"",
) -> Iterator[RequestContext]:
    """Run a block (a request, an event handler, a background job) in its own context."""
    ctx = RequestContext(
        correlation_id=valid_correlation_id(correlation_id) or new_correlation_id(),
        trace_id=trace_id or secrets.token_hex(16),
        tenant_id=tenant_id,
        cursor_key=cursor_key,
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def outbound_headers() -> dict[str, str]:
    """Headers every outbound call and event carries so the work can be followed."""
    ctx = _current.get()
    if ctx is None:
        return {}
    return {CORRELATION_HEADER: ctx.correlation_id, TRACEPARENT_HEADER: ctx.traceparent()}
