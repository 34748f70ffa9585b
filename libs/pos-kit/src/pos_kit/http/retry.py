"""When a failed attempt may be tried again, and how long to wait first.

Pure functions, no I/O: the client loop in `client.py` applies them.

A request is retried only when a second copy cannot do harm: it is idempotent
(GET, HEAD, OPTIONS, PUT, DELETE, or any method carrying an `Idempotency-Key`), or
the first copy never left this process (the connection could not be opened).
Once a non-idempotent request may have reached the server, it is never sent again.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from enum import StrEnum

import httpx

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_DELAY_SECONDS_RE = re.compile(r"^\d+(\.\d+)?$")
# 2**62 already dwarfs any cap; stopping there keeps the float arithmetic finite.
_MAX_EXPONENT = 62


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    max_attempts: int = 3
    backoff_base: float = 0.1
    backoff_cap: float = 2.0
    retry_statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, 502, 503, 504}))

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.backoff_base < 0 or self.backoff_cap < 0:
            raise ValueError("backoff_base and backoff_cap must not be negative")


@dataclass(frozen=True, kw_only=True)
class RetryThrottlePolicy:
    """gRPC's retry throttling (gRFC A6): retries stop while a downstream mostly fails.

    A client holds up to `max_tokens`; a failed attempt takes one, an answer gives
    back `token_ratio`, and a retry is sent only while more than half are left. A
    healthy downstream's occasional failure is retried as before; a downstream slowed
    by overload, where every call times out, gets no retries on top of its load.
    """

    max_tokens: float = 10.0
    token_ratio: float = 0.1

    def __post_init__(self) -> None:
        if self.max_tokens <= 0 or self.token_ratio <= 0:
            raise ValueError("max_tokens and token_ratio must be positive")


class RetryThrottle:
    """The tokens of one client (see `RetryThrottlePolicy`)."""

    def __init__(self, policy: RetryThrottlePolicy) -> None:
        self.policy = policy
        self.tokens = policy.max_tokens

    def answered(self) -> None:
        self.tokens = min(self.policy.max_tokens, self.tokens + self.policy.token_ratio)

    def failed(self) -> None:
        self.tokens = max(0.0, self.tokens - 1)

    @property
    def allows_retry(self) -> bool:
        return self.tokens > self.policy.max_tokens / 2


class FailureKind(StrEnum):
    CONNECT = "connect_error"
    TIMEOUT = "timeout"
    TRANSPORT = "transport_error"
    STATUS = "bad_status"


@dataclass(frozen=True, kw_only=True)
class AttemptFailure:
    """Why one attempt did not produce a usable answer."""

    kind: FailureKind
    may_have_reached_server: bool = True
    status_code: int | None = None
    retry_after: float | None = None

    @property
    def is_downstream_fault(self) -> bool:
        """Counts against the breaker: no answer, or a 5xx.

        A 4xx, 429 included, is the downstream working as it should for one caller (bad
        input, one tenant over its limit); counting it would let one tenant's requests
        open the circuit for every tenant.
        """
        return self.kind is not FailureKind.STATUS or (self.status_code or 0) >= 500


def is_idempotent(method: str, headers: httpx.Headers) -> bool:
    if method.upper() in IDEMPOTENT_METHODS:
        return True
    return bool(headers.get(IDEMPOTENCY_KEY_HEADER))


def failure_from_exception(exc: BaseException) -> AttemptFailure | None:
    """Classify what a transport raised; None for errors that are the caller's bug."""
    if isinstance(exc, httpx.ConnectError):
        return AttemptFailure(kind=FailureKind.CONNECT, may_have_reached_server=False)
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return AttemptFailure(kind=FailureKind.TIMEOUT, may_have_reached_server=False)
    if isinstance(exc, httpx.TimeoutException | asyncio.TimeoutError):
        return AttemptFailure(kind=FailureKind.TIMEOUT)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
        return None
    if isinstance(exc, httpx.TransportError):
        return AttemptFailure(kind=FailureKind.TRANSPORT)
    return None


def failure_from_response(
    response: httpx.Response, policy: RetryPolicy, *, now: float | None = None
) -> AttemptFailure | None:
    """None when the answer is the caller's to read (2xx, 3xx, and 4xx other than retryable)."""
    status = response.status_code
    if status < 500 and status not in policy.retry_statuses:
        return None
    return AttemptFailure(
        kind=FailureKind.STATUS,
        status_code=status,
        retry_after=parse_retry_after(response.headers.get("Retry-After"), now=now),
    )


def should_retry(failure: AttemptFailure, *, idempotent: bool, policy: RetryPolicy) -> bool:
    if not failure.may_have_reached_server:
        return True
    if not idempotent:
        return False
    if failure.kind is FailureKind.STATUS:
        return failure.status_code in policy.retry_statuses
    return True


def backoff_delay(
    retry_number: int, *, base: float, cap: float, rand: Callable[[], float]
) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**(retry_number - 1))).

    Spreading retries over the whole interval keeps many clients that failed
    together from coming back together.
    """
    if retry_number < 1:
        raise ValueError("retry_number starts at 1")
    ceiling = min(cap, base * 2.0 ** min(retry_number - 1, _MAX_EXPONENT))
    return rand() * ceiling


def retry_delay(
    failure: AttemptFailure, retry_number: int, policy: RetryPolicy, rand: Callable[[], float]
) -> float:
    """The jittered backoff, but never sooner than the downstream's `Retry-After`."""
    delay = backoff_delay(retry_number, base=policy.backoff_base, cap=policy.backoff_cap, rand=rand)
    if failure.retry_after is not None:
        delay = max(delay, failure.retry_after)
    return delay


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delay-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if _DELAY_SECONDS_RE.match(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000": RFC 5322's "UTC, origin unknown"
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)
