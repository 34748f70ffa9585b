"""Sign-in throttling: how many failures are allowed, and how long to wait after."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class FailureWindow:
    """The failures one key (an account or a client address) had inside the window."""

    count: int
    oldest: datetime | None


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
