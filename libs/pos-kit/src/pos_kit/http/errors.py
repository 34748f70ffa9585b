"""Typed failures of a call to another service, shaped as 503 problem answers.

Each error names the downstream and says why it gave up. Unless the call site
catches it and degrades, the problem handlers turn it into a 503 with a
`Retry-After` that reflects what is known (the breaker's cool-down or the
downstream's own `Retry-After`).
"""

from __future__ import annotations

from pos_kit.errors import ServiceUnavailable


class DownstreamError(ServiceUnavailable):
    """A call to another service did not produce an answer the caller can use."""

    type_slug = "downstream-unavailable"
    title = "Dependency unavailable"

    def __init__(
        self,
        downstream: str,
        detail: str,
        *,
        reason: str,
        retry_after_seconds: int,
        attempts: int = 0,
        status_code: int | None = None,
    ) -> None:
        super().__init__(
            detail,
            retry_after_seconds=retry_after_seconds,
            extra={"downstream": downstream},
        )
        self.downstream = downstream
        self.reason = reason
        self.attempts = attempts
        self.status_code = status_code
        self.retry_after_seconds = max(1, retry_after_seconds)


class DownstreamUnavailable(DownstreamError):
    """Circuit open, connection refused or broken, or a 5xx/429 that retries did not cure."""


class DownstreamTimeout(DownstreamError):
    """No answer within the per-attempt or the total time budget.

    For a request that is not idempotent the outcome is unknown: the downstream
    may have done the work. Reconcile (read back, or retry with the same
    Idempotency-Key) rather than assume it failed.
    """

    type_slug = "downstream-timeout"
    title = "Dependency timed out"
