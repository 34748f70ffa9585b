"""The gateway's answers when an upstream fails: 503 unreachable or busy, 504 slow, 502 not HTTP.

Never a 500: every failed call to an upstream becomes one of these problem+json answers.
"""

from __future__ import annotations

import httpx

from pos_gateway.config import GatewaySettings
from pos_kit.errors import BadGateway, ProblemError, ServiceUnavailable


class GatewayTimeout(ProblemError):
    """The upstream took longer than the gateway's read timeout to start answering."""

    status = 504
    type_slug = "gateway-timeout"
    title = "Upstream timed out"


def upstream_failure(
    exc: httpx.HTTPError, *, service: str, settings: GatewaySettings
) -> tuple[ProblemError, str]:
    """The answer to a call to `service` that failed, and the outcome it is counted as."""
    extra = {"service": service}
    retry_after = settings.retry_after_seconds
    if isinstance(exc, httpx.PoolTimeout):
        # This service's own pool is full; the other services' pools are untouched.
        limit = settings.upstream_connection_limits[service]
        return ServiceUnavailable(
            f"{service} is busy: all {limit} connections to it are in use.",
            retry_after_seconds=retry_after,
            extra=extra,
        ), "saturated"
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return ServiceUnavailable(
            f"{service} is unavailable.", retry_after_seconds=retry_after, extra=extra
        ), "unavailable"
    if isinstance(exc, httpx.TimeoutException):
        return GatewayTimeout(
            f"{service} did not answer within {settings.read_timeout_seconds:g} seconds.",
            extra=extra,
        ), "timeout"
    return BadGateway(f"{service} sent an invalid response.", extra=extra), "bad_gateway"
