"""calibration: a bare FastAPI hello and a one-INSERT endpoint, served here in the same run.

Throughput is the most requests per second a single uvicorn process completes with 16
connections kept busy (closed loop: a capacity, not a latency); latency is the open-loop
p50 at a light 100 requests/s. Every other figure names one of these as its reference.
"""

from __future__ import annotations

import os
import sys

import psutil

from pos_bench.http import HttpClient, encode_request
from pos_bench.loadgen import closed_loop, failure, open_loop
from pos_bench.results import Figure, ScenarioResult
from pos_bench.runner import Bench
from pos_bench.system import LOOPBACK, Sidecar, SystemFailure
from pos_kit.testing.net import free_ports

CONNECTIONS = 16
LIGHT_RATE = 100.0


async def run(bench: Bench, result: ScenarioResult) -> None:
    assert bench.databases is not None
    assert bench.var_dir is not None
    (port,) = free_ports(1)
    database_url: str | None = None
    try:
        database_url = await bench.databases.create("calibration")
    except SystemFailure as exc:
        result.notes.append(f"No INSERT endpoint: {exc}")
    argv = [sys.executable, "-m", "pos_bench.calibration_app", "--port", str(port)]
    if database_url:
        argv += ["--database-url", database_url]
    server = Sidecar("calibration", argv, os.environ, bench.var_dir / "calibration.log")
    await server.start(port)
    assert server.pid is not None
    bench.extra_processes["calibration-server"] = psutil.Process(server.pid)
    client = HttpClient(LOOPBACK, port)
    result.settings = {
        "server": "FastAPI on uvicorn, one process (as the services run)",
        "throughput": f"closed loop, {CONNECTIONS} connections, {bench.seconds(5):g} s",
        "latency": f"open loop at {LIGHT_RATE:g}/s, {bench.seconds(5):g} s",
    }
    try:
        await _endpoint(bench, result, client, "hello", "GET", "/hello", 200)
        if database_url:
            await _endpoint(bench, result, client, "insert", "POST", "/insert", 201)
    finally:
        await client.aclose()
        bench.extra_processes.pop("calibration-server", None)
        await server.stop()


async def _endpoint(
    bench: Bench,
    result: ScenarioResult,
    client: HttpClient,
    name: str,
    method: str,
    path: str,
    status: int,
) -> None:
    raw = encode_request(method, path, client.authority, None, b"" if method == "POST" else None)

    async def action(_index: int, _due: float) -> str | None:
        return failure(await client.send_raw(raw), status)

    throughput, _ = await bench.measure(
        result,
        f"{name}, {CONNECTIONS} connections",
        lambda: closed_loop(action, connections=CONNECTIONS, duration=bench.seconds(5), warmup=1),
    )
    latency, _ = await bench.measure(
        result,
        f"{name} at {LIGHT_RATE:g}/s",
        lambda: open_loop(action, rate=LIGHT_RATE, duration=bench.seconds(5), warmup=1),
    )
    what = "FastAPI hello" if name == "hello" else "one INSERT through asyncpg"
    bench.run.add(
        Figure(
            f"calibration.{name}_rps",
            f"calibration: {what}, throughput ({CONNECTIONS} connections)",
            round(throughput.achieved_rate, 1),
            "req/s",
            "higher",
        )
    )
    bench.run.add(
        Figure(
            f"calibration.{name}_p50",
            f"calibration: {what}, p50 at {LIGHT_RATE:g}/s",
            latency.summary().p50,
            "ms",
            "lower",
        )
    )
