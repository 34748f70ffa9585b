"""`ResilientClient`: the one way a service calls another service over HTTP.

One client per downstream, built at start-up and closed at shutdown. A call gets
a total time budget (all attempts and backoff waits together) and a per-attempt
timeout; idempotent requests are retried with exponential backoff and full jitter
(see `retry.py`), never sooner than the downstream's `Retry-After`; a circuit
breaker per downstream fails calls fast while the downstream is down (see
`breaker.py`). Each request carries the current correlation id and traceparent.

The caller gets the response for every answer below 500 (a 404 or 409 is the
caller's business) and a `DownstreamError` otherwise, which becomes a 503 unless
the call site catches it and degrades.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypedDict, Unpack

import httpx
import structlog

from pos_kit import context
from pos_kit.http import metrics
from pos_kit.http.breaker import BreakerPolicy, CircuitBreaker, CircuitState, Permit
from pos_kit.http.errors import DownstreamError, DownstreamTimeout, DownstreamUnavailable
from pos_kit.http.retry import (
    IDEMPOTENCY_KEY_HEADER,
    AttemptFailure,
    FailureKind,
    RetryPolicy,
    RetryThrottle,
    RetryThrottlePolicy,
    failure_from_exception,
    failure_from_response,
    is_idempotent,
    retry_delay,
    should_retry,
)

log = structlog.get_logger(__name__)

_QueryValue = str | int | float | bool | None
# A mapping, or (name, value) pairs for a name given more than once (`?id=a&id=b`).
QueryParams = Mapping[str, _QueryValue] | list[tuple[str, _QueryValue]]


@dataclass(frozen=True, kw_only=True)
class ClientPolicy:
    """How patient a caller is with one downstream."""

    total_timeout: float = 5.0
    attempt_timeout: float = 2.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    retry_throttle: RetryThrottlePolicy = field(default_factory=RetryThrottlePolicy)
    breaker: BreakerPolicy = field(default_factory=BreakerPolicy)
    # What our own 503 advertises when neither the breaker nor the downstream knows better.
    retry_after_seconds: int = 5
    max_connections: int = 100

    def __post_init__(self) -> None:
        if self.total_timeout <= 0 or self.attempt_timeout <= 0:
            raise ValueError("total_timeout and attempt_timeout must be positive")

    @classmethod
    def from_settings(cls, settings: object, downstream: str) -> ClientPolicy:
        """The policy a service's settings give for calling `downstream`.

        Read from the settings fields named after the downstream (`pos-core` gives
        `pos_core_total_timeout_seconds`, ...; see `SETTINGS_FIELDS`), so every service
        spells them, and their environment variables, the same way. A field a service does
        not declare keeps the kit's default. Our own 503 then advertises the breaker's
        open time as Retry-After.
        """
        prefix = settings_prefix(downstream)
        given = {
            option: getattr(settings, f"{prefix}_{name}")
            for option, name in SETTINGS_FIELDS.items()
            if hasattr(settings, f"{prefix}_{name}")
        }

        def options(*names: str) -> dict[str, Any]:
            return {name: given[name] for name in names if name in given}

        breaker = BreakerPolicy(**options("consecutive_failures", "open_seconds"))
        return cls(
            **options("total_timeout", "attempt_timeout"),
            retry=RetryPolicy(**options("max_attempts", "backoff_base", "backoff_cap")),
            breaker=breaker,
            retry_after_seconds=max(1, math.ceil(breaker.open_seconds)),
        )


def settings_prefix(downstream: str) -> str:
    """How settings fields name a downstream: `pos-core` is `pos_core_url`, ..."""
    return downstream.replace("-", "_")


# The policy's options as a service's settings name them, after the downstream's name.
SETTINGS_FIELDS = {
    "total_timeout": "total_timeout_seconds",
    "attempt_timeout": "attempt_timeout_seconds",
    "max_attempts": "max_attempts",
    "backoff_base": "backoff_base_seconds",
    "backoff_cap": "backoff_cap_seconds",
    "consecutive_failures": "breaker_failures",
    "open_seconds": "breaker_open_seconds",
}


class CallOptions(TypedDict, total=False):
    """What a request carries besides its credentials."""

    params: QueryParams
    json: Any
    content: bytes | str
    headers: Mapping[str, str]
    idempotency_key: str | None


class RequestOptions(CallOptions, total=False):
    token: str | None


class ResilientClient:
    """An `httpx.AsyncClient` for one downstream, with time budgets, retries and a breaker.

    Bodies are read in full inside the attempt's timeout; streaming is not offered.
    `transport`, `clock`, `sleep` and `rand` exist for tests.
    """

    @classmethod
    def for_downstream(cls, name: str, settings: object) -> ResilientClient:
        """The client for `name` as a service's settings configure it: `<name>_url` and
        the policy `ClientPolicy.from_settings` reads from the fields named after it."""
        url = getattr(settings, f"{settings_prefix(name)}_url")
        return cls(name, url, policy=ClientPolicy.from_settings(settings, name))

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        policy: ClientPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.name = name
        self.policy = policy or ClientPolicy()
        self._clock = clock
        self._sleep = sleep
        self._rand = rand
        self.breaker = CircuitBreaker(
            name, self.policy.breaker, clock=clock, on_change=self._on_breaker_change
        )
        self.retry_throttle = RetryThrottle(self.policy.retry_throttle)
        self._http = httpx.AsyncClient(
            base_url=base_url,
            transport=transport,
            timeout=httpx.Timeout(self.policy.attempt_timeout),
            limits=httpx.Limits(max_connections=self.policy.max_connections),
            follow_redirects=False,
        )
        metrics.CIRCUIT_STATE.labels(name).set(CircuitState.CLOSED.gauge_value)

    @property
    def base_url(self) -> httpx.URL:
        return self._http.base_url

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def get(self, path: str, **options: Unpack[RequestOptions]) -> httpx.Response:
        return await self.request("GET", path, **options)

    async def head(self, path: str, **options: Unpack[RequestOptions]) -> httpx.Response:
        return await self.request("HEAD", path, **options)

    async def post(self, path: str, **options: Unpack[RequestOptions]) -> httpx.Response:
        return await self.request("POST", path, **options)

    async def put(self, path: str, **options: Unpack[RequestOptions]) -> httpx.Response:
        return await self.request("PUT", path, **options)

    async def patch(self, path: str, **options: Unpack[RequestOptions]) -> httpx.Response:
        return await self.request("PATCH", path, **options)

    async def delete(self, path: str, **options: Unpack[RequestOptions]) -> httpx.Response:
        return await self.request("DELETE", path, **options)

    async def request(
        self, method: str, path: str, **options: Unpack[RequestOptions]
    ) -> httpx.Response:
        """Send the request; the answer if it is below 500, else a `DownstreamError`."""
        method = method.upper()
        headers = self._outbound_headers(options)
        started = self._clock()
        try:
            response = await self._send_with_retries(
                method, path, headers, options, deadline=started + self.policy.total_timeout
            )
        except DownstreamError as exc:
            self._observe(method, exc.reason, started)
            log.warning(
                "downstream_call_failed",
                downstream=self.name,
                method=method,
                path=path,
                reason=exc.reason,
                attempts=exc.attempts,
                status_code=exc.status_code,
            )
            raise
        self._observe(method, "success" if response.status_code < 400 else "client_error", started)
        return response

    async def _send_with_retries(
        self,
        method: str,
        path: str,
        headers: httpx.Headers,
        options: RequestOptions,
        *,
        deadline: float,
    ) -> httpx.Response:
        idempotent = is_idempotent(method, headers)
        retry = self.policy.retry
        attempts = 0
        while True:
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise self._timed_out(attempts)
            permit = self.breaker.try_acquire()
            if permit is None:
                raise self._circuit_open(attempts)
            attempts += 1
            budget = min(self.policy.attempt_timeout, remaining)
            outcome = await self._attempt(permit, method, path, headers, options, budget)
            if isinstance(outcome, httpx.Response):
                return outcome
            failure = outcome
            if attempts >= retry.max_attempts or not should_retry(
                failure, idempotent=idempotent, policy=retry
            ):
                raise self._give_up(failure, attempts)
            if not self.retry_throttle.allows_retry:
                # Most recent calls failed: a retry would only add to the downstream's load.
                metrics.RETRIES_THROTTLED.labels(self.name).inc()
                raise self._give_up(failure, attempts)
            delay = retry_delay(failure, attempts, retry, self._rand)
            if self._clock() + delay >= deadline:
                # Waiting would spend the whole budget (or a Retry-After beyond it): stop now.
                raise self._give_up(failure, attempts)
            metrics.RETRIES.labels(self.name, failure.kind.value).inc()
            log.warning(
                "downstream_retry",
                downstream=self.name,
                method=method,
                path=path,
                attempt=attempts,
                reason=failure.kind.value,
                status_code=failure.status_code,
                delay_s=round(delay, 3),
            )
            await self._sleep(delay)

    async def _attempt(
        self,
        permit: Permit,
        method: str,
        path: str,
        headers: httpx.Headers,
        options: RequestOptions,
        budget: float,
    ) -> httpx.Response | AttemptFailure:
        settled = False
        try:
            try:
                # httpx's timeouts bound each phase; this bounds the attempt as a whole.
                async with asyncio.timeout(budget):
                    response = await self._http.request(
                        method,
                        path,
                        params=options.get("params"),
                        json=options.get("json"),
                        content=options.get("content"),
                        headers=headers,
                        timeout=budget,
                    )
            except Exception as exc:
                failure = failure_from_exception(exc)
                if failure is None:
                    raise
                self.breaker.record_failure(permit)
                self.retry_throttle.failed()
                settled = True
                return failure
            answered = failure_from_response(response, self.policy.retry)
            if answered is not None and answered.is_downstream_fault:
                self.breaker.record_failure(permit)
                self.retry_throttle.failed()
            else:
                self.breaker.record_success(permit)
                self.retry_throttle.answered()
            settled = True
            return answered or response
        finally:
            if not settled:  # cancelled, or a bug of the caller's: no verdict on the downstream
                self.breaker.release(permit)

    def _outbound_headers(self, options: RequestOptions) -> httpx.Headers:
        headers = httpx.Headers(context.outbound_headers())
        headers.update(options.get("headers") or {})
        if token := options.get("token"):
            headers["Authorization"] = f"Bearer {token}"
        if key := options.get("idempotency_key"):
            headers[IDEMPOTENCY_KEY_HEADER] = key
        return headers

    def _advertised_retry_after(self, failure: AttemptFailure | None = None) -> int:
        known = [self.breaker.retry_after()]
        if failure is not None and failure.retry_after is not None:
            known.append(failure.retry_after)
        longest = max(known)
        return math.ceil(longest) if longest > 0 else self.policy.retry_after_seconds

    def _circuit_open(self, attempts: int) -> DownstreamUnavailable:
        return DownstreamUnavailable(
            self.name,
            f"{self.name} is unavailable: its circuit is open after repeated failures.",
            reason="circuit_open",
            retry_after_seconds=max(1, math.ceil(self.breaker.retry_after())),
            attempts=attempts,
        )

    def _timed_out(self, attempts: int) -> DownstreamTimeout:
        return DownstreamTimeout(
            self.name,
            f"{self.name} did not answer within {self.policy.total_timeout:g} s"
            f" ({attempts} attempt(s)).",
            reason=FailureKind.TIMEOUT.value,
            retry_after_seconds=self._advertised_retry_after(),
            attempts=attempts,
        )

    def _give_up(self, failure: AttemptFailure, attempts: int) -> DownstreamError:
        if failure.kind is FailureKind.TIMEOUT:
            return self._timed_out(attempts)
        if failure.kind is FailureKind.STATUS:
            reason = "rate_limited" if failure.status_code == 429 else failure.kind.value
            why = f"answered {failure.status_code}"
        elif failure.kind is FailureKind.CONNECT:
            reason, why = failure.kind.value, "could not be reached"
        else:
            reason, why = failure.kind.value, "broke the connection"
        return DownstreamUnavailable(
            self.name,
            f"{self.name} is unavailable: it {why} ({attempts} attempt(s)).",
            reason=reason,
            retry_after_seconds=self._advertised_retry_after(failure),
            attempts=attempts,
            status_code=failure.status_code,
        )

    def _observe(self, method: str, outcome: str, started: float) -> None:
        metrics.REQUESTS.labels(self.name, method, outcome).inc()
        metrics.DURATION.labels(self.name).observe(max(0.0, self._clock() - started))

    def _on_breaker_change(self, old: CircuitState, new: CircuitState) -> None:
        metrics.CIRCUIT_STATE.labels(self.name).set(new.gauge_value)
        metrics.CIRCUIT_TRANSITIONS.labels(self.name, new.value).inc()
        report = log.warning if new is CircuitState.OPEN else log.info
        report(
            "downstream_circuit_state_changed",
            downstream=self.name,
            from_state=old.value,
            to_state=new.value,
        )
