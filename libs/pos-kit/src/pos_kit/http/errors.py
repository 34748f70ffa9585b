"""Typed failures of a call to another service, shaped as 503 problem answers.

Each error names the downstream and says why it gave up. Unless the call site
catches it and degrades, the problem handlers turn it into a 503 with a
`Retry-After` that reflects what is known (the breaker's cool-down or the
downstream's own `Retry-After`).
"""

from __future__ import annotations

import httpx

from pos_kit.errors import ServiceUnavailable


def answer_detail(response: httpx.Response) -> str:
    """What another service's answer says, for a log line or our own problem's detail:
    its problem `detail`, else the start of its body."""
    try:
        payload = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(payload, dict) and isinstance(payload.get("detail"), str):
        return str(payload["detail"])
    return str(payload)[:200]


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

    def reworded(self, detail: str) -> DownstreamError:
        """The same failure (kind, reason, Retry-After) told in the caller's own words."""
        return type(self)(
            self.downstream,
            detail,
            reason=self.reason,
            retry_after_seconds=self.retry_after_seconds,
            attempts=self.attempts,
            status_code=self.status_code,
        )


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
