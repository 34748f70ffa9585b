"""How patient the chatbot is with each service it calls: one `ClientPolicy` per downstream."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pos_kit.http import BreakerPolicy, ClientPolicy, ResilientClient, RetryPolicy


@dataclass(frozen=True)
class Patience:
    total_timeout_seconds: float
    attempt_timeout_seconds: float
    max_attempts: int
    breaker_failures: int
    breaker_open_seconds: float

    def policy(self) -> ClientPolicy:
        return ClientPolicy(
            total_timeout=self.total_timeout_seconds,
            attempt_timeout=self.attempt_timeout_seconds,
            retry=RetryPolicy(max_attempts=self.max_attempts),
            breaker=BreakerPolicy(
                consecutive_failures=self.breaker_failures,
                open_seconds=self.breaker_open_seconds,
            ),
            retry_after_seconds=max(1, math.ceil(self.breaker_open_seconds)),
        )


def resilient_client(name: str, base_url: str, patience: Patience) -> ResilientClient:
    return ResilientClient(name, base_url, policy=patience.policy())
