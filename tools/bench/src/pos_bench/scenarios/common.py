"""What several scenarios share: placing orders under load, and figures from a load."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from pos_bench import api
from pos_bench.cpu import CpuMeter, Snapshot
from pos_bench.loadgen import LoadResult, combine, open_loop
from pos_bench.report import load_line
from pos_bench.results import Figure, ScenarioResult
from pos_bench.runner import Bench, say
from pos_bench.stats import Latencies

# Orders per second for scenarios that need orders flowing steadily while they measure
# something else (events lag, isolation, growth, and kitchen beside its 50/s): a rate
# today's code sustains on a 2-core machine (its capacity there is about 10-15/s), fixed so
# that before and after compare.
STEADY_RATE = 5.0


async def order_load(
    bench: Bench,
    tenants: Sequence[api.Tenant],
    *,
    rate: float,
    duration: float,
    warmup: float,
    times: dict[int, api.OrderTimes] | None = None,
) -> LoadResult:
    """Orders (open with three items, then place) at `rate`, round-robin over `tenants`."""
    gateway = bench.require_gateway()
    clock = bench.clock

    async def action(index: int, due: float) -> str | None:
        tenant = tenants[index % len(tenants)]
        slot = None
        if times is not None:
            slot = times[index] = api.OrderTimes(due=due)
        problem = await api.place_order(gateway, tenant, index // len(tenants), clock, slot)
        if slot is not None:
            slot.ok = problem is None
        return problem

    return await open_loop(action, rate=rate, duration=duration, warmup=warmup, drain_timeout=30)


async def ready_for_orders(
    bench: Bench, tenants: Sequence[api.Tenant], within: float = 90.0
) -> float:
    """Wait until an order goes through for every restaurant; returns the seconds it took.

    After an overload pos-core's breaker on inventory may still be open (503 for a while):
    a scenario must not start inside that window.
    """
    started = time.monotonic()
    for tenant in tenants:
        while True:
            problem = await api.place_order(bench.require_gateway(), tenant, 0, bench.clock)
            if problem is None:
                break
            if time.monotonic() - started > within:
                raise RuntimeError(
                    f"orders for {tenant.name} still fail after {within:g}s: {problem}"
                )
            await asyncio.sleep(1.0)
    return time.monotonic() - started


def latency_figure(
    key: str,
    label: str,
    load: LoadResult,
    which: str,
    reference: str | None = None,
) -> Figure:
    value, invalid = load.percentile(which)
    return Figure(key, label, value, "ms", "lower", reference, invalid=invalid)


def figure_of(
    key: str, label: str, latencies: Latencies, which: str, reference: str | None = None
) -> Figure:
    """A percentile of latencies gathered outside a load (none recorded: no value)."""
    if not latencies.count:
        return Figure(key, label, None, "ms", "lower", reference, invalid="nothing was measured")
    value: float = getattr(latencies.summary(), which)
    return Figure(key, label, value, "ms", "lower", reference)


def record_slices(
    result: ScenarioResult,
    slices: list[LoadResult],
    windows: list[tuple[Snapshot, Snapshot]],
    label: str,
    *,
    unit: str,
    breakdown: bool,
) -> LoadResult:
    """A load run in slices (interleaved with another) recorded and printed as one, its
    CPU the sum of the slices' windows."""
    load = combine(slices)
    usage = CpuMeter.usage_sum(windows)
    record = load.as_dict() | {
        "name": label,
        "unit": unit,
        "breakdown": breakdown,
        "cpu": usage.as_dict(load.ok, unit),
    }
    result.loads.append(record)
    result.other_load_cores = max(result.other_load_cores, usage.foreign_cores)
    say(f"  {load_line(f'{result.name}: {label}', record)}")
    return load
