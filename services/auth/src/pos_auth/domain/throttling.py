"""Sign-in throttling: how many failures are allowed, and how long to wait after.

Failures count per account *from one client address* and per address across accounts,
never per account alone: otherwise anyone who knows an owner's e-mail could lock them
out from everywhere with a hundred wrong passwords (OWASP's account-lockout denial of
service). From one address, an account gets `free` failures, then a growing delay
before each next try, and at most `limit` in the window (NIST SP 800-63B: at most 100).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class FailureWindow:
    """The failures one key (an account or a client address) had inside the window."""

    count: int
    oldest: datetime | None
    newest: datetime | None = None


@dataclass(frozen=True)
class ThrottlePolicy:
    limit: int
    window: timedelta

    def retry_after_seconds(self, failures: FailureWindow, now: datetime) -> int | None:
        """None when another attempt is allowed; otherwise seconds until one is."""
        if failures.count < self.limit or failures.oldest is None:
            return None
        # The oldest failure leaves the window first; then one more attempt is allowed.
        free_at = failures.oldest + self.window
        return max(1, math.ceil((free_at - now).total_seconds()))


@dataclass(frozen=True)
class GrowingDelay:
    """After `free` failures, wait `base_seconds` after the latest one, doubling with each
    further failure, up to `cap_seconds`: a person mistyping is barely slowed, a guesser
    gets a handful of tries an hour."""

    free: int
    base_seconds: float
    cap_seconds: float

    def retry_after_seconds(self, failures: FailureWindow, now: datetime) -> int | None:
        """None when another attempt is allowed; otherwise seconds until one is."""
        if failures.count < self.free or failures.newest is None or self.base_seconds <= 0:
            return None
        doublings = min(failures.count - self.free, 32)  # 2**32 s is past any cap
        wait = min(self.cap_seconds, self.base_seconds * 2**doublings)
        ready_at = failures.newest + timedelta(seconds=wait)
        if now >= ready_at:
            return None
        return max(1, math.ceil((ready_at - now).total_seconds()))
