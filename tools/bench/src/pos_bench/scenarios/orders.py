"""orders: open an order with three items, then place it, through the gateway.

Open loop: orders start at a fixed rate, each one's latency runs from when it was due to
when its placement answered (both requests, and any wait for a connection). The rate is
stepped: doubling from 10/s while the system keeps up, then bisecting, to find

- the maximum sustainable rate: the highest step with p99 under 100 ms, errors at or under
  0.1% and the asked rate achieved (within 10%), to within 5/s or 10%;
- the capacity: the highest step that kept up at all (errors <= 0.1%, rate achieved),
  whatever its latency, to within 25%.

Then the latencies at a fixed 50/s (and 30/s on SQLite, the issue's SQLite target).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from pos_bench import api
from pos_bench.loadgen import LoadResult
from pos_bench.results import Figure, ScenarioResult
from pos_bench.runner import Bench
from pos_bench.scenarios.common import latency_figure, order_load, ready_for_orders

P99_LIMIT_MS = 100.0
MAX_ERROR_RATIO = 0.001
START_RATE = 10.0
MAX_RATE = 640.0
MAX_STEPS = 12
FIXED_RATE = 50.0
SQLITE_RATE = 30.0


@dataclass(frozen=True)
class Step:
    kept_up: bool  # the asked rate achieved (within 10%), errors <= 0.1%
    fast: bool  # kept up, and p99 under the limit


def judge(load: LoadResult) -> Step:
    assert load.rate is not None
    kept_up = (
        load.ok > 0
        and load.error_ratio <= MAX_ERROR_RATIO
        and load.achieved_rate >= 0.9 * load.rate
    )
    return Step(kept_up, kept_up and load.summary().p99 < P99_LIMIT_MS)


def describe(step: Step) -> str:
    if step.fast:
        return f"sustainable (kept up, p99 < {P99_LIMIT_MS:g} ms)"
    if step.kept_up:
        return f"kept up, p99 over {P99_LIMIT_MS:g} ms"
    return "fell behind or failed"


def _bisect(
    tried: dict[float, Step], good: Callable[[Step], bool], tolerance: float
) -> float | None:
    """The middle (a multiple of 5/s) between the highest good rate below the lowest bad one
    and that bad one, or None once they are within max(5/s, tolerance x the good rate)."""
    bad = [rate for rate, step in tried.items() if not good(step)]
    if not bad:
        return None
    high = min(bad)
    low = max((rate for rate, step in tried.items() if good(step) and rate < high), default=0.0)
    if high - low <= max(5.0, tolerance * low):
        return None
    middle = float(round((low + high) / 2 / 5) * 5)
    return None if middle <= low or middle >= high or middle in tried else middle


def next_rate(tried: dict[float, Step]) -> float | None:
    """The next rate to try, or None once the search is done."""
    if not tried:
        return START_RATE
    if len(tried) >= MAX_STEPS:
        return None
    if all(step.kept_up for step in tried.values()):
        doubled = max(tried) * 2
        if doubled <= MAX_RATE:
            return doubled
    fast = _bisect(tried, lambda step: step.fast, 0.10)
    if fast is not None:
        return fast
    return _bisect(tried, lambda step: step.kept_up, 0.25)


def highest(tried: dict[float, Step], good: Callable[[Step], bool]) -> float:
    """The highest good rate below the lowest bad one (0 if none)."""
    bad = [rate for rate, step in tried.items() if not good(step)]
    ceiling = min(bad) if bad else float("inf")
    return max((r for r, step in tried.items() if good(step) and r < ceiling), default=0.0)


def max_sustainable(tried: dict[float, Step]) -> float:
    return highest(tried, lambda step: step.fast)


def capacity(tried: dict[float, Step]) -> float:
    return highest(tried, lambda step: step.kept_up)


def cpu_figures(bench: Bench, result: ScenarioResult) -> None:
    """CPU per order, from the highest step that kept up (failed orders cost CPU too, so a
    step that fell over would say little about an order's cost)."""
    steps = [load for load in result.loads if load.get("kept_up")]
    if not steps:
        return
    step = max(steps, key=lambda load: load["rate"])
    cpu = step["cpu"]
    where = f"at {step['rate']:g}/s, the highest step kept up"
    bench.run.add(
        Figure(
            "orders.cpu_ms_per_order",
            f"orders: CPU of the system per order ({where})",
            cpu.get("system_cpu_ms_per_order"),
            "ms",
            "lower",
        )
    )
    bench.run.add(
        Figure(
            "orders.generator_cpu_ms_per_order",
            f"orders: CPU of the load generator per order ({where})",
            (cpu.get("cpu_ms_per_order") or {}).get("generator"),
            "ms",
            "lower",
        )
    )
    step["breakdown"] = True


async def run(bench: Bench, result: ScenarioResult) -> None:
    tenants = bench.tenants
    await bench.fresh_tokens()
    await ready_for_orders(bench, tenants)
    step, warmup = bench.seconds(8), bench.seconds(2)
    fixed = bench.seconds(20)
    result.settings = {
        "order": f"POST /api/v1/orders with {api.ITEMS_PER_ORDER} items, then POST .../place",
        "restaurants": f"{len(tenants)}, orders round-robin",
        "search": f"steps of {step:g} s after {warmup:g} s warm-up, doubling from "
        f"{START_RATE:g}/s while kept up (achieved >= 90% of asked, errors <= "
        f"{MAX_ERROR_RATIO:.1%}), then bisecting; sustainable = kept up and p99 < "
        f"{P99_LIMIT_MS:g} ms",
        "fixed rate": f"{FIXED_RATE:g}/s for {fixed:g} s after {bench.seconds(3):g} s warm-up",
    }
    tried: dict[float, Step] = {}
    while (rate := next_rate(tried)) is not None:
        load, record = await bench.measure(
            result,
            f"step {rate:g}/s",
            partial(order_load, bench, tenants, rate=rate, duration=step, warmup=warmup),
            unit="order",
        )
        tried[rate] = judge(load)
        record["kept_up"], record["passed"] = tried[rate].kept_up, tried[rate].fast
        await bench.quiesce(within=45)
        record["recovery_s"] = round(await ready_for_orders(bench, tenants), 1)
    best = max_sustainable(tried)
    result.details["steps"] = {f"{r:g}/s": describe(step) for r, step in sorted(tried.items())}
    lowest = min(tried)
    bench.run.add(
        Figure(
            "orders.max_rate",
            f"orders: max sustainable rate (p99 < {P99_LIMIT_MS:g} ms)",
            best,
            "orders/s",
            "higher",
            "calibration.insert_rps",
            note=""
            if best
            else f"no step kept p99 under {P99_LIMIT_MS:g} ms, down to {lowest:g}/s",
        )
    )
    bench.run.add(
        Figure(
            "orders.capacity",
            "orders: capacity (rate kept up, errors <= 0.1%, any latency)",
            capacity(tried),
            "orders/s",
            "higher",
            "calibration.insert_rps",
        )
    )
    cpu_figures(bench, result)
    rates = [FIXED_RATE] + ([SQLITE_RATE] if bench.sqlite else [])
    for rate in rates:
        await bench.quiesce(within=45)
        await ready_for_orders(bench, tenants)
        load, record = await bench.measure(
            result,
            f"{rate:g}/s",
            partial(order_load, bench, tenants, rate=rate, duration=fixed, warmup=bench.seconds(3)),
            unit="order",
            breakdown=True,
        )
        tag = f"at{rate:g}"
        for which in ("p50", "p99"):
            bench.run.add(
                latency_figure(
                    f"orders.{tag}_{which}",
                    f"orders: {which} at {rate:g}/s",
                    load,
                    which,
                    "calibration.insert_p50",
                )
            )
        bench.run.add(
            Figure(
                f"orders.{tag}_achieved",
                f"orders: achieved at {rate:g}/s asked",
                round(load.achieved_rate, 1),
                "orders/s",
                "higher",
            )
        )
        if load.errors:
            result.notes.append(f"Errors at {rate:g}/s: {dict(load.errors)}")
