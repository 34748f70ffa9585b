"""What restaurant's two auth clients (staff logins, guest tokens) share: a failed call to
auth, told again in the restaurant's words."""

from __future__ import annotations

from pos_kit.http import DownstreamError


def reworded(
    exc: DownstreamError, detail: str, *, as_type: type[DownstreamError] | None = None
) -> DownstreamError:
    """The same failure (status, Retry-After, reason) with `detail`; `as_type` tells it as
    another kind (a timeout fetching a token, say, as plain unavailability)."""
    return (as_type or type(exc))(
        exc.downstream,
        detail,
        reason=exc.reason,
        retry_after_seconds=exc.retry_after_seconds,
        attempts=exc.attempts,
        status_code=exc.status_code,
    )
