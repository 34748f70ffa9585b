"""edge: the same authenticated `GET /api/v1/products` (five items) straight to inventory
and through the gateway, in one run: what the gateway adds at p50, and how much of the
direct throughput it keeps.

Throughput: closed loop with 16 connections (a capacity). Latency: open loop at a light
50 requests/s, so p50 is the cost of a request, not of a queue. Direct and gateway take
turns in short slices, so a change in the machine's other load falls on both alike.
"""

from __future__ import annotations

from pos_bench.cpu import Snapshot
from pos_bench.http import HttpClient, encode_request
from pos_bench.loadgen import LoadResult, closed_loop, failure, open_loop
from pos_bench.results import Figure, ScenarioResult
from pos_bench.runner import Bench
from pos_bench.scenarios.common import record_slices

CONNECTIONS = 16
LIGHT_RATE = 50.0
ROUNDS = 3
PATH = "/api/v1/products"


async def run(bench: Bench, result: ScenarioResult) -> None:
    tenant = bench.tenants[0]
    await bench.fresh_tokens([tenant])
    targets = {"direct": bench.direct("inventory"), "gateway": bench.require_gateway()}
    slice_s = bench.seconds(3)
    result.settings = {
        "request": f"GET {PATH} ({len(tenant.product_ids)} items, bearer token)",
        "throughput": f"closed loop, {CONNECTIONS} connections",
        "latency": f"open loop at {LIGHT_RATE:g}/s",
        "interleaving": f"direct and gateway alternate in {ROUNDS} slices of {slice_s:g} s each "
        "(after 1 s of warm-up each), so a drift in the machine's load hits both alike",
    }
    raws = {
        name: encode_request("GET", PATH, c.authority, tenant.auth) for name, c in targets.items()
    }
    for name, client in targets.items():
        # Checked once: the list must hold the menu, or the figures measure an error.
        first = await client.send_raw(raws[name])
        if first.status != 200 or len(first.json()["items"]) != len(tenant.product_ids):
            raise RuntimeError(f"{name}: GET {PATH} answered {first.status}: {first.body[:200]!r}")
    throughput = await _interleaved(bench, result, targets, raws, slice_s, closed=True)
    latency = await _interleaved(bench, result, targets, raws, slice_s, closed=False)
    direct_rps = throughput["direct"].achieved_rate
    gateway_rps = throughput["gateway"].achieved_rate
    direct_p50, direct_bad = latency["direct"].percentile("p50")
    gateway_p50, gateway_bad = latency["gateway"].percentile("p50")
    added = (
        round(gateway_p50 - direct_p50, 3)
        if gateway_p50 is not None and direct_p50 is not None
        else None
    )
    figures = [
        Figure("edge.direct_rps", "edge: products, direct to inventory, throughput",
               round(direct_rps, 1), "req/s", "higher", "calibration.hello_rps"),
        Figure("edge.gateway_rps", "edge: products, through the gateway, throughput",
               round(gateway_rps, 1), "req/s", "higher", "calibration.hello_rps"),
        Figure("edge.throughput_ratio", "edge: gateway throughput / direct",
               round(gateway_rps / direct_rps, 3) if direct_rps else None, "x", "higher"),
        Figure("edge.direct_p50", f"edge: products, direct, p50 at {LIGHT_RATE:g}/s",
               direct_p50, "ms", "lower", "calibration.hello_p50", invalid=direct_bad),
        Figure("edge.gateway_p50", f"edge: products, through the gateway, p50 at {LIGHT_RATE:g}/s",
               gateway_p50, "ms", "lower", "calibration.hello_p50", invalid=gateway_bad),
        Figure("edge.added_p50", "edge: what the gateway adds at p50",
               added, "ms", "lower", invalid=gateway_bad or direct_bad),
    ]  # fmt: skip
    for figure in figures:
        bench.run.add(figure)


async def _interleaved(
    bench: Bench,
    result: ScenarioResult,
    targets: dict[str, HttpClient],
    raws: dict[str, bytes],
    slice_s: float,
    *,
    closed: bool,
) -> dict[str, LoadResult]:
    """Each target's load in ROUNDS slices, alternating; recorded as one load per target."""
    slices: dict[str, list[LoadResult]] = {name: [] for name in targets}
    before: dict[str, list[Snapshot]] = {name: [] for name in targets}
    after: dict[str, list[Snapshot]] = {name: [] for name in targets}
    for _ in range(ROUNDS):
        for name, client in targets.items():
            raw = raws[name]

            async def action(_index: int, _due: float, client: HttpClient = client,
                             raw: bytes = raw) -> str | None:  # fmt: skip
                return failure(await client.send_raw(raw), 200)

            before[name].append(bench.cpu_snapshot())
            if closed:
                part = await closed_loop(
                    action, connections=CONNECTIONS, duration=slice_s, warmup=1.0
                )
            else:
                part = await open_loop(action, rate=LIGHT_RATE, duration=slice_s, warmup=1.0)
            after[name].append(bench.cpu_snapshot())
            slices[name].append(part)
    combined = {}
    for name in targets:
        label = f"{name}, {CONNECTIONS} connections" if closed else f"{name} at {LIGHT_RATE:g}/s"
        combined[name] = record_slices(
            result,
            slices[name],
            list(zip(before[name], after[name], strict=True)),
            label,
            unit="request",
            breakdown=closed,
        )
    return combined
