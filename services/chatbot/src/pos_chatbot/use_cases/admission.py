"""Who gets the assistant's time: rate limits per restaurant and per guest, and the LLM bulkhead.

This is what keeps a busy chatbot from becoming a slow one. Questions beyond a guest's
or a restaurant's rate are refused at once (429 with Retry-After). LLM calls run at
most `max_concurrent` at a time, with at most `queue_size` more waiting for a slot;
a question beyond that is refused at once (503 with Retry-After) instead of joining a
queue that would only grow: the pile-up this service exists to prevent.

A refusal's Retry-After is the caller's place in a waiting line: with 50 guests of one
restaurant turned away by a rate of 5 questions a second, "retry in 1 s" brought all 50
back every second, 45 of them to be refused again, and each refusal cost CPU that the
order path shares on a small machine. Each refused caller is instead told to come back
when their turn would come if everyone told before them came back at the rate the
restaurant (or the LLM) can take: the 50 are spread over 10 s, and most questions
asked again are then answered.
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


# A caller is never told to come back later than this, however long the line.
MAX_RETRY_AFTER_SECONDS = 120


class WaitingLine:
    """The callers told to come back later, each until the time they were told.

    Not a queue anyone waits in: it only counts who is ahead, so that each refusal can
    say when the caller's turn comes at the rate the line moves.
    """

    def __init__(self, max_callers: int = MAX_BUCKETS) -> None:
        self._until: OrderedDict[str, float] = OrderedDict()
        self._max_callers = max_callers

    def __len__(self) -> int:
        return len(self._until)

    def place(
        self, key: str, now: float, *, per_second: float, at_least: float, also_ahead: int = 0
    ) -> int:
        """Put `key` at the back of the line (behind `also_ahead` more, e.g. a queue that
        is already admitted); the whole seconds until their turn."""
        self._forget_gone(now)
        self._until.pop(key, None)  # asking again gives up the place held before
        ahead = len(self._until) + also_ahead
        seconds = min(MAX_RETRY_AFTER_SECONDS, max(at_least, (ahead + 1) / per_second))
        self._until[key] = now + seconds
        if len(self._until) > self._max_callers:
            self._until.popitem(last=False)
        return max(1, math.ceil(seconds))

    def served(self, key: str) -> None:
        """`key` got its turn: it no longer holds a place."""
        self._until.pop(key, None)

    def _forget_gone(self, now: float) -> None:
        # Places are taken in order of the time they end, nearly: the front goes first.
        while self._until:
            key, until = next(iter(self._until.items()))
            if until > now:
                return
            del self._until[key]


class RateLimits:
    """A bucket per restaurant and one per guest link (or staff login), in this process."""

    def __init__(
        self, *, restaurant: Rate, caller: Rate, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rates = {"restaurant": restaurant, "caller": caller}
        self._clock = clock
        self._buckets: OrderedDict[tuple[str, str], TokenBucket] = OrderedDict()
        # Each restaurant's guests turned away by its rate, in the order they were told.
        self._lines: OrderedDict[str, WaitingLine] = OrderedDict()

    def admit(self, caller: Caller) -> None:
        """Take a question's token from both buckets, or refuse it (429) and take none."""
        now = self._clock()
        restaurant = str(caller.tenant_id)
        own_bucket = self._bucket("caller", caller.limit_key, now)
        shared_bucket = self._bucket("restaurant", restaurant, now)
        own, shared = own_bucket.wait(now), shared_bucket.wait(now)
        line = self._line(restaurant)
        if own > 0 or shared > 0:
            TURNED_AWAY.labels("rate_limited").inc()
            retry = math.ceil(own)
            if shared > 0:  # the restaurant's share: behind the others it turned away
                retry = line.place(
                    caller.limit_key,
                    now,
                    per_second=shared_bucket.rate,
                    at_least=max(own, shared),
                )
            raise TooManyRequests(
                "Too many questions at once; ask again in a moment.",
                retry_after_seconds=retry,
            )
        line.served(caller.limit_key)
        own_bucket.take(now)
        shared_bucket.take(now)

    def _line(self, restaurant: str) -> WaitingLine:
        line = self._lines.get(restaurant)
        if line is None:
            line = self._lines[restaurant] = WaitingLine()
            if len(self._lines) > MAX_BUCKETS:
                self._lines.popitem(last=False)
        return line

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

    def __init__(
        self,
        *,
        max_concurrent: int,
        queue_size: int,
        retry_after_seconds: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_concurrent = max_concurrent
        self.capacity = max_concurrent + queue_size
        self.retry_after_seconds = retry_after_seconds
        self._slots = asyncio.Semaphore(max_concurrent)
        self.admitted = 0
        self.running = 0
        self.clock = clock
        # How long a call holds a slot, on average (None: none finished yet).
        self.mean_call_seconds: float | None = None
        self._line = WaitingLine()

    def admit(self, caller_key: str = "") -> Ticket:
        """A place in the bulkhead (running or waiting), or `AssistantBusy` (503) at once,
        with a Retry-After that places the caller behind those turned away before."""
        if self.admitted >= self.capacity:
            TURNED_AWAY.labels("busy").inc()
            retry = self.retry_after_seconds
            if caller_key:
                retry = self._line.place(
                    caller_key,
                    self.clock(),
                    per_second=self.calls_per_second,
                    at_least=self.retry_after_seconds,
                    # The questions admitted beyond the slots go first.
                    also_ahead=max(0, self.admitted - self.max_concurrent),
                )
            raise AssistantBusy(retry)
        self._line.served(caller_key)
        self.admitted += 1
        LLM_WAITING.inc()
        return Ticket(self)

    @property
    def calls_per_second(self) -> float:
        """How fast the line moves: every slot busy, each call as long as they have been
        (before any has finished: as long as `retry_after_seconds`)."""
        seconds = self.mean_call_seconds or float(self.retry_after_seconds)
        return self.max_concurrent / max(seconds, 0.001)

    def call_took(self, seconds: float) -> None:
        # An exponentially weighted mean: recent calls count most (the LLM speeds up and
        # slows down).
        if self.mean_call_seconds is None:
            self.mean_call_seconds = seconds
        else:
            self.mean_call_seconds += 0.2 * (seconds - self.mean_call_seconds)

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
        started = bulkhead.clock()
        try:
            yield
        finally:
            bulkhead.call_took(bulkhead.clock() - started)
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
