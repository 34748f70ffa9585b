"""Circuit breaker state machine, driven by a fake clock."""

from __future__ import annotations

import pytest

from pos_kit.http.breaker import BreakerPolicy, CircuitBreaker, CircuitState, Permit


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_breaker(
    clock: FakeClock,
    changes: list[tuple[CircuitState, CircuitState]] | None = None,
    **policy: float,
) -> CircuitBreaker:
    settings: dict[str, float] = {
        "consecutive_failures": 3,
        "window": 10,
        "min_calls_for_rate": 10,
        "open_seconds": 10.0,
    }
    settings.update(policy)
    return CircuitBreaker(
        "inventory",
        BreakerPolicy(**settings),  # type: ignore[arg-type]
        clock=clock,
        on_change=None if changes is None else lambda old, new: changes.append((old, new)),
    )


def permit(breaker: CircuitBreaker) -> Permit:
    granted = breaker.try_acquire()
    assert granted is not None, f"breaker refused a call while {breaker.state}"
    return granted


def fail(breaker: CircuitBreaker, times: int = 1) -> None:
    for _ in range(times):
        breaker.record_failure(permit(breaker))


def succeed(breaker: CircuitBreaker, times: int = 1) -> None:
    for _ in range(times):
        breaker.record_success(permit(breaker))


def half_open(clock: FakeClock, *, waited: float = 10.0, **policy: float) -> CircuitBreaker:
    """A breaker opened by 3 failures in a row, `waited` seconds ago: past its cool-down."""
    breaker = make_breaker(clock, **policy)
    fail(breaker, 3)
    clock.advance(waited)
    return breaker


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_a_new_breaker_is_closed_and_lets_calls_through(clock: FakeClock) -> None:
    breaker = make_breaker(clock)
    assert breaker.state is CircuitState.CLOSED
    assert breaker.retry_after() == 0.0
    succeed(breaker, 50)
    assert breaker.state is CircuitState.CLOSED


def test_consecutive_failures_open_it_and_calls_are_refused(clock: FakeClock) -> None:
    breaker = make_breaker(clock)
    fail(breaker, 2)
    assert breaker.state is CircuitState.CLOSED
    fail(breaker)
    assert breaker.state is CircuitState.OPEN
    assert breaker.try_acquire() is None
    assert breaker.retry_after() == pytest.approx(10.0)
    clock.advance(4)
    assert breaker.try_acquire() is None
    assert breaker.retry_after() == pytest.approx(6.0)


def test_a_success_resets_the_run_of_failures(clock: FakeClock) -> None:
    breaker = make_breaker(clock, failure_rate=1.0)
    for _ in range(4):
        fail(breaker, 2)
        succeed(breaker)
    assert breaker.state is CircuitState.CLOSED


def test_failure_rate_over_the_window_opens_it(clock: FakeClock) -> None:
    breaker = make_breaker(clock, consecutive_failures=100)
    for _ in range(4):
        fail(breaker)
        succeed(breaker)
    fail(breaker)
    assert breaker.state is CircuitState.CLOSED, "9 calls are fewer than min_calls_for_rate"
    succeed(breaker)  # 5 failures in the last 10 calls: 50 %
    assert breaker.state is CircuitState.OPEN


def test_the_rate_window_forgets_old_calls(clock: FakeClock) -> None:
    breaker = make_breaker(clock, consecutive_failures=100)
    for _ in range(4):
        fail(breaker)
        succeed(breaker, 2)
    # The 10-call window now holds at most 4 failures.
    assert breaker.state is CircuitState.CLOSED


def test_after_the_cool_down_it_half_opens_for_a_limited_number_of_probes(
    clock: FakeClock,
) -> None:
    breaker = half_open(clock, half_open_probes=2)
    assert breaker.state is CircuitState.HALF_OPEN
    first, second = permit(breaker), permit(breaker)
    assert first.probe
    assert second.probe
    assert breaker.try_acquire() is None
    breaker.release(first)
    assert breaker.try_acquire() is not None, "a released probe frees its slot"


def test_a_successful_probe_closes_it_with_a_clean_slate(clock: FakeClock) -> None:
    breaker = half_open(clock)
    succeed(breaker)
    assert breaker.state is CircuitState.CLOSED
    fail(breaker, 2)
    assert breaker.state is CircuitState.CLOSED


def test_a_failed_probe_opens_it_again_for_a_fresh_cool_down(clock: FakeClock) -> None:
    breaker = half_open(clock, waited=15)
    fail(breaker)
    assert breaker.state is CircuitState.OPEN
    assert breaker.retry_after() == pytest.approx(10.0)
    assert breaker.try_acquire() is None


def test_calls_started_before_a_transition_do_not_vote_on_the_new_state(
    clock: FakeClock,
) -> None:
    breaker = make_breaker(clock)
    slow_call = permit(breaker)
    fail(breaker, 3)
    clock.advance(10)
    assert breaker.state is CircuitState.HALF_OPEN
    breaker.record_success(slow_call)
    assert breaker.state is CircuitState.HALF_OPEN, "only a probe may close the breaker"
    probe = permit(breaker)
    breaker.record_failure(probe)
    breaker.record_failure(slow_call)
    assert breaker.retry_after() == pytest.approx(10.0)


def test_listeners_see_every_transition(clock: FakeClock) -> None:
    changes: list[tuple[CircuitState, CircuitState]] = []
    breaker = make_breaker(clock, changes)
    fail(breaker, 3)
    clock.advance(10)
    fail(breaker)
    clock.advance(10)
    succeed(breaker)
    closed, open_, half = CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN
    assert changes == [(closed, open_), (open_, half), (half, open_), (open_, half), (half, closed)]


def test_gauge_values_grow_with_severity() -> None:
    values = [
        s.gauge_value for s in (CircuitState.CLOSED, CircuitState.HALF_OPEN, CircuitState.OPEN)
    ]
    assert values == [0, 1, 2]


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [
        ({"consecutive_failures": 0}, "consecutive_failures"),
        ({"failure_rate": 0.0}, "failure_rate"),
        ({"failure_rate": 1.5}, "failure_rate"),
        ({"window": 5, "min_calls_for_rate": 6}, "min_calls_for_rate"),
        ({"open_seconds": 0}, "open_seconds"),
        ({"half_open_probes": 0}, "half_open_probes"),
    ],
)
def test_policy_rejects_nonsense(settings: dict[str, float], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        BreakerPolicy(**settings)  # type: ignore[arg-type]
