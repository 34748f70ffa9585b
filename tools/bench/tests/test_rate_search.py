"""The orders scenario's search for the highest sustainable rate and the capacity."""

from __future__ import annotations

from collections import Counter

from pos_bench.loadgen import LoadResult
from pos_bench.scenarios.orders import MAX_STEPS, Step, capacity, judge, max_sustainable, next_rate


def search(fast_up_to: float, keeps_up_to: float) -> tuple[list[float], float, float]:
    """The rates tried against a system with p99 < 100 ms up to `fast_up_to` and keeping up
    up to `keeps_up_to`; the best sustainable rate and the capacity found."""
    tried: dict[float, Step] = {}
    order = []
    while (rate := next_rate(tried)) is not None:
        order.append(rate)
        kept_up = rate <= keeps_up_to
        tried[rate] = Step(kept_up, kept_up and rate <= fast_up_to)
    return order, max_sustainable(tried), capacity(tried)


def test_doubling_while_kept_up_then_bisecting():
    assert search(37, 37) == ([10, 20, 40, 30, 35], 35, 35)


def test_a_system_never_fast_enough_still_gets_its_capacity():
    order, best, most = search(0, 14)
    assert order == [10, 20, 5, 15]
    assert best == 0  # not even 5/s kept p99 under 100 ms
    assert most == 10


def test_a_fast_system_is_searched_within_the_step_budget():
    order, best, most = search(150, 200)
    assert order == [10, 20, 40, 80, 160, 320, 120, 140, 150, 240, 200]
    assert (best, most) == (150, 200)
    assert len(order) <= MAX_STEPS


def test_everything_sustainable():
    order, best, most = search(10_000, 10_000)
    assert order[-1] == 640
    assert (best, most) == (640, 640)


def _load(rate: float, p99_ms: float, ok: int, errors: int = 0, achieved: float | None = None):
    load = LoadResult("open", rate, None, 8.0, ok + errors, ok)
    for _ in range(ok):
        load.latencies.record(p99_ms / 1000)
    load.errors = Counter({"http 503": errors} if errors else {})
    load.achieved_rate = rate if achieved is None else achieved
    return load


def test_what_a_step_says():
    assert judge(_load(50, 80, ok=400)) == Step(kept_up=True, fast=True)
    assert judge(_load(50, 120, ok=400)) == Step(kept_up=True, fast=False)  # p99 too high
    assert judge(_load(50, 80, ok=400, errors=1)) == Step(False, False)  # 0.25% errors
    assert judge(_load(50, 80, ok=400, achieved=40)) == Step(False, False)  # fell behind
    assert judge(_load(50, 80, ok=0)) == Step(False, False)
