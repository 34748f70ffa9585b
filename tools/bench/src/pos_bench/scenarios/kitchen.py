"""kitchen: an order placed -> its ticket on the kitchen's live feed (SSE, through the gateway).

One kitchen screen per restaurant holds `GET /api/v1/kitchen/stream` open through the
gateway while orders are placed at 50/s (open loop: the issue's target), then at the steady
rate today's code sustains (so that there is a valid figure to compare before and after).
For each order placed, the time from its placement's answer to its `ticket.created` event
arriving on the screen: the relay, JetStream, notification's consumer and the feed, end to
end. The time from when the order was due is recorded too (what a waiter waits for,
queueing included).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter

from pos_bench import api
from pos_bench.http import ServerSentEvent, SseReader, StreamHandle
from pos_bench.loadgen import LoadResult
from pos_bench.results import ScenarioResult
from pos_bench.runner import Bench
from pos_bench.scenarios.common import STEADY_RATE, figure_of, order_load, ready_for_orders
from pos_bench.stats import Latencies

RATE = 50.0
STREAM_PATH = "/api/v1/kitchen/stream"
# How long tickets may still come once the last order was placed.
SETTLE_SECONDS = 20.0


async def run(bench: Bench, result: ScenarioResult) -> None:
    tenants = bench.tenants
    await bench.fresh_tokens()
    gateway = bench.require_gateway()
    arrivals: dict[str, float] = {}

    def on_event(event: ServerSentEvent) -> None:
        if event.event == "ticket.created":
            order_id = str(json.loads(event.data).get("order_id"))
            arrivals.setdefault(order_id, event.arrived)

    streams: list[StreamHandle] = []
    result.settings = {
        "orders": f"{RATE:g}/s (the target) for {bench.seconds(20):g} s, then {STEADY_RATE:g}/s "
        f"(a rate today's code sustains) for {bench.seconds(15):g} s, after "
        f"{bench.seconds(3):g} s warm-up each, {len(tenants)} restaurants",
        "screens": f"one SSE stream per restaurant through the gateway ({STREAM_PATH})",
    }
    try:
        for tenant in tenants:
            reader = SseReader(on_event, bench.clock.now)
            handle = await gateway.stream(STREAM_PATH, reader.feed, headers=tenant.auth)
            streams.append(handle)
            if handle.status != 200:
                raise RuntimeError(f"the kitchen stream answered {handle.status}")
        for rate, duration, tag in (
            (RATE, bench.seconds(20), ""),
            (STEADY_RATE, bench.seconds(15), f"_at{STEADY_RATE:g}"),
        ):
            await bench.quiesce(within=45)
            await ready_for_orders(bench, tenants)
            await asyncio.sleep(1.0)
            await _tickets(bench, result, arrivals, rate, duration, tag)
    finally:
        for handle in streams:
            handle.close()


async def _tickets(
    bench: Bench,
    result: ScenarioResult,
    arrivals: dict[str, float],
    rate: float,
    duration: float,
    tag: str,
) -> None:
    """Orders at `rate`; then the time from each placement to its ticket on a screen."""
    warmup = bench.seconds(3)
    times: dict[int, api.OrderTimes] = {}
    before = bench.cpu_snapshot()
    load, _ = await bench.measure(
        result,
        f"orders at {rate:g}/s",
        lambda: order_load(
            bench, bench.tenants, rate=rate, duration=duration, warmup=warmup, times=times
        ),
        unit="order",
    )
    first_measured = round(rate * warmup)
    placed = {i: t for i, t in times.items() if i >= first_measured and t.ok}
    deadline = time.monotonic() + SETTLE_SECONDS
    waiting_for = {t.order_id for t in placed.values()}
    while time.monotonic() < deadline and waiting_for - arrivals.keys():  # noqa: ASYNC110
        await asyncio.sleep(0.2)
    after = bench.cpu_snapshot()
    ticket = Latencies()
    since_due = Latencies()
    missing = early = 0
    for slot in placed.values():
        arrived = arrivals.get(slot.order_id)
        if arrived is None:
            missing += 1
            continue
        if arrived < slot.placed:
            early += 1
        ticket.record(max(0.0, arrived - slot.placed))
        since_due.record(arrived - slot.due)
    usage = bench.usage_between(before, after)
    for name, latencies in (("placed -> ticket", ticket), ("due -> ticket", since_due)):
        record = LoadResult(
            "open",
            rate,
            None,
            duration,
            len(placed),
            latencies.count,
            Counter({"no ticket": missing} if missing else {}),
            latencies,
        ).as_dict()
        record |= {
            "name": f"{name} at {rate:g}/s",
            "unit": "order",
            "achieved_rate": load.achieved_rate,
            "cpu": usage.as_dict(latencies.count, "order"),
        }
        result.loads.append(record)
    if early:
        result.notes.append(
            f"At {rate:g}/s {early} tickets arrived before their placement's answer (0 ms)."
        )
    if missing:
        result.notes.append(
            f"At {rate:g}/s {missing} placed orders got no ticket within {SETTLE_SECONDS:g} s."
        )
    figures = [
        figure_of(f"kitchen.p50{tag}", f"kitchen: placed -> ticket on the feed, p50 at {rate:g}/s",
                  ticket, "p50", "calibration.hello_p50"),
        figure_of(f"kitchen.p99{tag}", f"kitchen: placed -> ticket on the feed, p99 at {rate:g}/s",
                  ticket, "p99", "calibration.hello_p50"),
        figure_of(f"kitchen.due_p99{tag}", f"kitchen: order due -> ticket, p99 at {rate:g}/s",
                  since_due, "p99"),
    ]  # fmt: skip
    _, orders_invalid = load.percentile("p99")
    for figure in figures:
        if orders_invalid or missing > 0.01 * max(1, len(placed)):
            figure.invalid = figure.invalid or (
                f"orders: {orders_invalid}" if orders_invalid else f"{missing} tickets missing"
            )
        bench.run.add(figure)
