"""Who gets the assistant's time: rate limits per restaurant and per guest, and the LLM bulkhead.

This is what keeps a busy chatbot from becoming a slow one. Questions beyond a guest's
or a restaurant's rate are refused at once (429 with Retry-After). LLM calls run at
most `max_concurrent` at a time, with at most `queue_size` more waiting for a slot;
a question beyond that is refused at once (503 with Retry-After) instead of joining a
queue that would only grow: the pile-up this service exists to prevent.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from pos_chatbot.domain.callers import Caller
from pos_chatbot.domain.errors import AssistantBusy
from pos_chatbot.use_cases.metrics import LLM_IN_FLIGHT, LLM_WAITING, TURNED_AWAY
from pos_kit.errors import TooManyRequests

# Buckets kept at most; the least recently used go first (a forgotten guest starts full).
MAX_BUCKETS = 50_000


@dataclass
class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; a question takes one."""

    rate: float
    burst: float
    tokens: float
    updated: float

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: now)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1

    def _refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: int


class RateLimits:
    """A bucket per restaurant and one per guest link (or staff login), in this process."""

    def __init__(
        self, *, restaurant: Rate, caller: Rate, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rates = {"restaurant": restaurant, "caller": caller}
        self._clock = clock
        self._buckets: OrderedDict[tuple[str, str], TokenBucket] = OrderedDict()

    def admit(self, caller: Caller) -> None:
        """Take a question's token from both buckets, or refuse it (429) and take none."""
        now = self._clock()
        buckets = [
            self._bucket("caller", caller.limit_key, now),
            self._bucket("restaurant", str(caller.tenant_id), now),
        ]
        wait = max(bucket.wait(now) for bucket in buckets)
        if wait > 0:
            TURNED_AWAY.labels("rate_limited").inc()
            raise TooManyRequests(
                "Too many questions at once; ask again in a moment.",
                retry_after_seconds=math.ceil(wait),
            )
        for bucket in buckets:
            bucket.take(now)

    def _bucket(self, kind: str, key: str, now: float) -> TokenBucket:
        bucket = self._buckets.get((kind, key))
        if bucket is None:
            rate = self._rates[kind]
            bucket = TokenBucket(rate.per_second, rate.burst, float(rate.burst), now)
            self._buckets[(kind, key)] = bucket
            if len(self._buckets) > MAX_BUCKETS:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end((kind, key))
        return bucket


class Bulkhead:
    """At most `max_concurrent` LLM calls, `queue_size` more waiting; the rest refused at once."""

    def __init__(self, *, max_concurrent: int, queue_size: int, retry_after_seconds: int) -> None:
        self.capacity = max_concurrent + queue_size
        self.retry_after_seconds = retry_after_seconds
        self._slots = asyncio.Semaphore(max_concurrent)
        self.admitted = 0
        self.running = 0

    def admit(self) -> Ticket:
        """A place in the bulkhead (running or waiting), or `AssistantBusy` (503) at once."""
        if self.admitted >= self.capacity:
            TURNED_AWAY.labels("busy").inc()
            raise AssistantBusy(self.retry_after_seconds)
        self.admitted += 1
        LLM_WAITING.inc()
        return Ticket(self)

    @property
    def waiting(self) -> int:
        return self.admitted - self.running


class Ticket:
    """A question's place in the bulkhead: wait for a slot with `slot()`, give it up with
    `leave()` (always, whether the slot was reached or not)."""

    def __init__(self, bulkhead: Bulkhead) -> None:
        self._bulkhead = bulkhead
        self._waiting = True
        self._left = False

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        bulkhead = self._bulkhead
        await bulkhead._slots.acquire()
        self._stop_waiting()
        bulkhead.running += 1
        LLM_IN_FLIGHT.inc()
        try:
            yield
        finally:
            bulkhead.running -= 1
            LLM_IN_FLIGHT.dec()
            bulkhead._slots.release()

    def leave(self) -> None:
        if self._left:
            return
        self._left = True
        self._stop_waiting()
        self._bulkhead.admitted -= 1

    def _stop_waiting(self) -> None:
        if self._waiting:
            self._waiting = False
            LLM_WAITING.dec()
