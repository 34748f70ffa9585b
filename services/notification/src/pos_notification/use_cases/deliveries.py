"""How patient a delivery is: attempts and the back-off between them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pos_kit.events.worker import backoff_delay


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    backoff_initial_seconds: float
    backoff_max_seconds: float

    def retry_in(self, attempt: int) -> timedelta:
        """The wait after failed attempt number `attempt` (1, 2, ...): doubling, capped."""
        return timedelta(
            seconds=backoff_delay(attempt, self.backoff_initial_seconds, self.backoff_max_seconds)
        )
