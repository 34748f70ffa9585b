"""A circuit breaker per downstream: stop calling a service that keeps failing, then probe it.

closed -> open after `consecutive_failures` failures in a row, or when the failure
rate over the last `window` calls reaches `failure_rate` (once `min_calls_for_rate`
calls are in the window). Open refuses every call for `open_seconds`; then
half-open lets `half_open_probes` calls through at a time. A probe that succeeds
closes the breaker, one that fails opens it again for a fresh cool-down.

Every permit carries the generation (one per state change) it was issued in, so a
slow call that started before a transition cannot vote on the new state. The
breaker is meant for one event loop: it does no locking.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"

    @property
    def gauge_value(self) -> int:
        """0 closed, 1 half-open, 2 open: larger is worse, so alerts can use `> 0`."""
        return _GAUGE_VALUES[self]


_GAUGE_VALUES = {CircuitState.CLOSED: 0, CircuitState.HALF_OPEN: 1, CircuitState.OPEN: 2}


@dataclass(frozen=True, kw_only=True)
class BreakerPolicy:
    consecutive_failures: int = 5
    failure_rate: float = 0.5
    window: int = 20
    min_calls_for_rate: int = 10
    open_seconds: float = 10.0
    half_open_probes: int = 1

    def __post_init__(self) -> None:
        if self.consecutive_failures < 1:
            raise ValueError("consecutive_failures must be at least 1")
        if not 0.0 < self.failure_rate <= 1.0:
            raise ValueError("failure_rate must be in (0, 1]")
        if not 1 <= self.min_calls_for_rate <= self.window:
            raise ValueError("min_calls_for_rate must be between 1 and window")
        if self.open_seconds <= 0:
            raise ValueError("open_seconds must be positive")
        if self.half_open_probes < 1:
            raise ValueError("half_open_probes must be at least 1")


@dataclass(frozen=True)
class Permit:
    """Leave to make one call; hand it back with the call's outcome."""

    generation: int
    probe: bool


StateListener = Callable[[CircuitState, CircuitState], None]


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        policy: BreakerPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_change: StateListener | None = None,
    ) -> None:
        self.name = name
        self.policy = policy or BreakerPolicy()
        self._clock = clock
        self._on_change = on_change
        self._state = CircuitState.CLOSED
        self._generation = 0
        self._opened_at = 0.0
        self._consecutive_failures = 0
        self._outcomes: deque[bool] = deque(maxlen=self.policy.window)  # True: a failure
        self._probes_in_flight = 0

    @property
    def state(self) -> CircuitState:
        self._half_open_if_cooled_down()
        return self._state

    def retry_after(self) -> float:
        """Seconds until the breaker lets a probe through; 0 unless it is open."""
        if self.state is not CircuitState.OPEN:
            return 0.0
        return max(0.0, self._opened_at + self.policy.open_seconds - self._clock())

    def try_acquire(self) -> Permit | None:
        """A permit to call the downstream now, or None: fail fast, touch nothing."""
        state = self.state
        if state is CircuitState.CLOSED:
            return Permit(self._generation, probe=False)
        if (
            state is CircuitState.HALF_OPEN
            and self._probes_in_flight < self.policy.half_open_probes
        ):
            self._probes_in_flight += 1
            return Permit(self._generation, probe=True)
        return None

    def record_success(self, permit: Permit) -> None:
        """The downstream answered (a 4xx counts: the service itself is fine)."""
        self._record(permit, failed=False)

    def record_failure(self, permit: Permit) -> None:
        """The downstream failed: refused, broke the connection, timed out, or answered 5xx."""
        self._record(permit, failed=True)

    def release(self, permit: Permit) -> None:
        """The call ended without telling anything about the downstream (e.g. cancelled)."""
        self._settle(permit)

    def _settle(self, permit: Permit) -> bool:
        """Free the permit's probe slot; True when its outcome may still change the state."""
        self._half_open_if_cooled_down()
        if permit.generation != self._generation:
            return False
        if permit.probe:
            self._probes_in_flight -= 1
        return True

    def _record(self, permit: Permit, *, failed: bool) -> None:
        if not self._settle(permit):
            return
        if self._state is CircuitState.HALF_OPEN:
            # The probe decides: closed again, or open for a fresh cool-down.
            self._move_to(CircuitState.OPEN if failed else CircuitState.CLOSED)
            return
        self._consecutive_failures = self._consecutive_failures + 1 if failed else 0
        self._outcomes.append(failed)
        # A success too: the window may only now hold enough calls to judge.
        if self._should_open():
            self._move_to(CircuitState.OPEN)

    def _should_open(self) -> bool:
        if self._consecutive_failures >= self.policy.consecutive_failures:
            return True
        calls = len(self._outcomes)
        if calls < self.policy.min_calls_for_rate:
            return False
        return sum(self._outcomes) / calls >= self.policy.failure_rate

    def _half_open_if_cooled_down(self) -> None:
        if (
            self._state is CircuitState.OPEN
            and self._clock() >= self._opened_at + self.policy.open_seconds
        ):
            self._move_to(CircuitState.HALF_OPEN)

    def _move_to(self, new: CircuitState) -> None:
        old = self._state
        self._state = new
        self._generation += 1
        self._probes_in_flight = 0
        if new is CircuitState.OPEN:
            self._opened_at = self._clock()
        elif new is CircuitState.CLOSED:
            self._consecutive_failures = 0
            self._outcomes.clear()
        if self._on_change is not None:
            self._on_change(old, new)
