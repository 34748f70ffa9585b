"""The resilient HTTP client services use to call each other, and their own tokens for it."""

from pos_kit.http.breaker import BreakerPolicy, CircuitBreaker, CircuitState
from pos_kit.http.client import ClientPolicy, RequestOptions, ResilientClient
from pos_kit.http.errors import (
    DownstreamError,
    DownstreamTimeout,
    DownstreamUnavailable,
    answer_detail,
)
from pos_kit.http.retry import IDEMPOTENCY_KEY_HEADER, RetryPolicy, RetryThrottlePolicy
from pos_kit.http.service_tokens import ServiceTokenRefused, ServiceTokens, auth_client

__all__ = [
    "IDEMPOTENCY_KEY_HEADER",
    "BreakerPolicy",
    "CircuitBreaker",
    "CircuitState",
    "ClientPolicy",
    "DownstreamError",
    "DownstreamTimeout",
    "DownstreamUnavailable",
    "RequestOptions",
    "ResilientClient",
    "RetryPolicy",
    "RetryThrottlePolicy",
    "ServiceTokenRefused",
    "ServiceTokens",
    "answer_detail",
    "auth_client",
]
