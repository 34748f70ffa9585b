"""One `make bench` run: start the system, seed it, run the scenarios, write the results.

Scenarios run in a fixed order (calibration first, on a quiet machine before the system
starts; growth last, because the million orders it stores stay in pos-core's database),
each after the system has gone quiet again, each in its own try so one failing does not
lose the others. Whatever happens, the system is stopped by its launcher's PID and the
databases the run made are dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from pos_bench import api, machine
from pos_bench.cpu import POSTGRES, POSTGRES_SHARED, CpuMeter, CpuUsage, Snapshot
from pos_bench.events_bus import Bus
from pos_bench.http import HttpClient
from pos_bench.loadgen import REAL_CLOCK, LoadResult
from pos_bench.report import load_line, update_document
from pos_bench.results import SCENARIOS, Figure, RunResult, ScenarioResult, latest
from pos_bench.system import (
    LOOPBACK,
    Databases,
    Sidecar,
    System,
    database_services,
    installed_services,
    postgres_backends,
    postgres_shared,
)
from pos_kit.testing.net import free_ports

# How many restaurants share the order load, and how many more the growth scenario uses.
ORDER_TENANTS = 4
# The scripted LLM for the isolation scenario: every completion takes this long.
LLM_LATENCY_SECONDS = 2.0


class Skip(Exception):
    """A scenario that cannot run here; the message says why (it is written to the report)."""


@dataclass
class Options:
    scenarios: list[str]
    sqlite: bool = False
    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    results_dir: Path = Path("bench/results")
    docs: Path = Path("docs/benchmarks.md")
    # Development only: every duration and size scaled down; results are marked and kept
    # out of comparisons.
    quick: bool = False
    keep_var: bool = False
    # Wait up to this long for other work on the machine to calm down before starting.
    wait_for_quiet: float = 0.0


@dataclass
class Bench:
    """What a scenario works with: the system, its clients, the restaurants, the meters."""

    options: Options
    run: RunResult
    system: System | None = None
    databases: Databases | None = None
    gateway: HttpClient | None = None
    tenants: list[api.Tenant] = field(default_factory=list)
    llm: Sidecar | None = None
    bus: Bus | None = None
    llm_port: int | None = None
    meter: CpuMeter | None = None
    # Processes of the suite's own measured beside the system's (a calibration server).
    extra_processes: dict[str, psutil.Process] = field(default_factory=dict)
    var_dir: Path | None = None
    clock: Any = REAL_CLOCK
    _direct: dict[str, HttpClient] = field(default_factory=dict)

    # -- scale -----------------------------------------------------------------------------

    def seconds(self, full: float) -> float:
        return max(1.0, full / 4) if self.options.quick else full

    def count(self, full: int) -> int:
        return max(1, full // 20) if self.options.quick else full

    @property
    def sqlite(self) -> bool:
        return self.options.sqlite

    # -- the system ------------------------------------------------------------------------

    def require_system(self) -> System:
        if self.system is None:
            raise RuntimeError("the system is not running")
        return self.system

    def require_gateway(self) -> HttpClient:
        if self.gateway is None:
            raise RuntimeError("the system is not running")
        return self.gateway

    def direct(self, service: str) -> HttpClient:
        """A client straight to one service's port (bypassing the gateway)."""
        if service not in self._direct:
            self._direct[service] = HttpClient(LOOPBACK, self.require_system().port(service))
        return self._direct[service]

    def database_url(self, service: str) -> str | None:
        if self.sqlite or self.system is None:
            return None
        return self.system.database_urls.get(service)

    async def fresh_tokens(self, tenants: list[api.Tenant] | None = None) -> None:
        for tenant in tenants if tenants is not None else self.tenants:
            await api.log_in(self.require_gateway(), tenant)

    # -- measuring -------------------------------------------------------------------------

    def cpu_snapshot(self) -> Snapshot:
        assert self.meter is not None
        return self.meter.snapshot()

    async def measure(
        self,
        result: ScenarioResult,
        name: str,
        load: Callable[[], Awaitable[LoadResult]],
        *,
        unit: str = "request",
        breakdown: bool = False,
        units: Callable[[LoadResult], float] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> tuple[LoadResult, dict[str, Any]]:
        """Run one load with CPU read before and after; record, print and return it."""
        before = self.cpu_snapshot()
        outcome = await load()
        after = self.cpu_snapshot()
        usage = CpuMeter.usage(before, after)
        done = units(outcome) if units is not None else outcome.ok
        record = outcome.as_dict() | {
            "name": name,
            "unit": unit,
            "breakdown": breakdown,
            "cpu": usage.as_dict(done, unit),
        }
        record |= extra or {}
        result.loads.append(record)
        result.other_load_cores = max(result.other_load_cores, usage.foreign_cores)
        say(f"  {load_line(f'{result.name}: {name}', record)}")
        return outcome, record

    def usage_between(self, before: Snapshot, after: Snapshot) -> CpuUsage:
        return CpuMeter.usage(before, after)

    async def quiesce(self, within: float = 90.0) -> float:
        """Wait until the system is idle again (event consumers caught up, CPU low).

        Returns how long it took; a system still busy after `within` is noted and the run
        goes on.
        """
        if self.system is None:
            return 0.0
        started = time.monotonic()
        quiet_needed = 2
        quiet = 0
        previous = self.cpu_snapshot()
        while time.monotonic() - started < within:
            await asyncio.sleep(1.0)
            current = self.cpu_snapshot()
            usage = CpuMeter.usage(previous, current)
            previous = current
            busy = usage.system_seconds() / max(usage.wall, 1e-6)
            pending = await self._events_pending()
            if busy < 0.25 and not pending:
                quiet += 1
                if quiet >= quiet_needed:
                    return time.monotonic() - started
            else:
                quiet = 0
        say(f"  (the system was still busy after {within:g}s; going on)")
        return time.monotonic() - started

    async def _events_pending(self) -> int:
        if self.bus is None:
            return 0
        try:
            return await self.bus.pending()
        except Exception:  # a probe: no answer means "do not wait on it"
            return 0


def say(text: str) -> None:
    print(text, flush=True)


# -- the run -----------------------------------------------------------------------------


ScenarioFunction = Callable[[Bench, ScenarioResult], Awaitable[None]]


def _scenario_function(name: str) -> ScenarioFunction:
    module = importlib.import_module(f"pos_bench.scenarios.{name}")
    function: ScenarioFunction = module.run
    return function


def new_run(options: Options) -> RunResult:
    now = datetime.now(UTC)
    environment = {
        "Load generator": "this suite, one Python process (uvloop, a raw HTTP/1.1 client with "
        "httptools) on the same machine as the system",
        "System": "python -m pos_launcher as make run starts it: one process per service, "
        "the bundled nats-server",
    }
    return RunResult(
        date=now.strftime("%Y-%m-%d"),
        started_at=now.isoformat(timespec="seconds"),
        store="sqlite" if options.sqlite else "postgresql",
        machine=machine.machine(),
        code=machine.commit(),
        scenarios_asked=[s for s in SCENARIOS if s in options.scenarios],
        quick=options.quick,
        environment=environment,
    )


async def run_suite(options: Options) -> RunResult:
    run = new_run(options)
    bench = Bench(options, run)
    began = time.monotonic()
    var_root = Path(tempfile.mkdtemp(prefix="pos-bench-"))
    bench.var_dir = var_root
    say(
        f"pos-bench: {', '.join(run.scenarios_asked)} on "
        f"{'SQLite' if options.sqlite else 'PostgreSQL'}; commit {run.code['commit']}"
        f"{' (uncommitted changes)' if run.code['dirty'] else ''}; work dir {var_root}"
    )
    bench.meter = CpuMeter(lambda: _census(bench))
    bench.databases = Databases(options.database_url)
    await _machine_at_start(bench)
    try:
        if "calibration" in run.scenarios_asked:
            await _scenario(bench, "calibration", _scenario_function("calibration"))
        rest = [s for s in run.scenarios_asked if s != "calibration"]
        started = False
        if rest:
            try:
                await _start(bench, rest)
                started = True
            except Exception as exc:
                say(f"  the system did not start: {type(exc).__name__}: {exc}")
                for name in rest:
                    run.scenarios[name] = ScenarioResult(
                        name, "failed", f"the system did not start: {type(exc).__name__}: {exc}"
                    )
        if started:
            for name in rest:
                await bench.quiesce()
                await _scenario(bench, name, _scenario_function(name))
    finally:
        await _stop(bench)
        if not options.keep_var:
            shutil.rmtree(var_root, ignore_errors=True)
    run.seconds = round(time.monotonic() - began, 1)
    _cross_store_figures(bench)
    run.compute_ratios()
    run.judge_targets()
    return run


QUIET_CORES = 0.3


async def _machine_at_start(bench: Bench) -> None:
    """How busy the machine is before anything starts (waiting a while for it if asked)."""
    started = time.monotonic()
    while True:
        before = bench.cpu_snapshot()
        await asyncio.sleep(3.0)
        other = CpuMeter.usage(before, bench.cpu_snapshot()).foreign_cores
        waited = time.monotonic() - started
        if other < QUIET_CORES or waited >= bench.options.wait_for_quiet:
            break
        say(f"  the machine is busy ({other:.2f} cores used by other processes); waiting ...")
    note = f"{other:.2f} cores used by other processes"
    if waited > 5:
        note += f" (after waiting {waited:.0f} s for a quieter machine)"
    bench.run.environment["Other load at the start"] = note


def _census(bench: Bench) -> dict[str, list[psutil.Process]]:
    groups: dict[str, list[psutil.Process]] = {}
    if bench.system is not None:
        for name, proc in bench.system.processes().items():
            groups.setdefault(name, []).append(proc)
    if bench.databases is not None and bench.databases.created:
        groups[POSTGRES] = postgres_backends(bench.databases.created)
        groups[POSTGRES_SHARED] = postgres_shared()
    for name, proc in bench.extra_processes.items():
        groups[name] = [proc]
    for sidecar in (bench.llm,):
        if sidecar is not None and sidecar.pid is not None:
            with contextlib.suppress(psutil.NoSuchProcess):
                groups["llm-simulator"] = [psutil.Process(sidecar.pid)]
    return groups


async def _scenario(bench: Bench, name: str, function: ScenarioFunction) -> None:
    result = ScenarioResult(name)
    bench.run.scenarios[name] = result
    say(f"\n== {name}")
    started = time.monotonic()
    try:
        await function(bench, result)
    except Skip as reason:
        result.status, result.reason = "skipped", str(reason)
        say(f"  skipped: {reason}")
    except Exception as exc:
        result.status = "failed"
        result.reason = f"{type(exc).__name__}: {exc}"
        say(f"  FAILED: {result.reason}")
        traceback.print_exc(file=sys.stdout)
    result.seconds = round(time.monotonic() - started, 1)


async def _start(bench: Bench, scenarios: list[str]) -> None:
    options = bench.options
    assert bench.var_dir is not None
    assert bench.databases is not None
    services = installed_services()
    urls: dict[str, str] = {}
    if not options.sqlite:
        for spec in database_services(services):
            urls[spec.name] = await bench.databases.create(spec.name)
        bench.run.environment["PostgreSQL"] = await _postgres_version(options.database_url)
    extra: dict[str, str] = {}
    if "isolation" in scenarios:
        from pos_bench.scenarios.isolation import chatbot_env

        (bench.llm_port,) = free_ports(1)
        bench.llm = Sidecar(
            "llm-simulator",
            [sys.executable, "-m", "pos_llm_simulator"],
            {
                **os.environ,
                "POS_LLM_SIMULATOR_HOST": LOOPBACK,
                "POS_LLM_SIMULATOR_PORT": str(bench.llm_port),
                "POS_LLM_SIMULATOR_LATENCY_SECONDS": f"{LLM_LATENCY_SECONDS:g}",
            },
            bench.var_dir / "llm-simulator.log",
            elsewhere=True,  # a hosted LLM, not this machine's work
        )
        await bench.llm.start(bench.llm_port)
        extra |= chatbot_env(f"http://{LOOPBACK}:{bench.llm_port}/v1")
    system = System(bench.var_dir / "var", database_urls=urls, extra_env=extra, services=services)
    bench.system = system
    say(f"  starting the system (launcher, {len(services)} services) ...")
    started = time.monotonic()
    await system.start()
    say(f"  ready in {time.monotonic() - started:.0f}s; seeding {ORDER_TENANTS} restaurants")
    bench.gateway = HttpClient(LOOPBACK, system.port("gateway"))
    bench.bus = Bus(system.nats_url)
    for index in range(ORDER_TENANTS):
        tenant = await api.sign_up(bench.gateway, f"Bench Bistro {index + 1}")
        await api.seed_menu(bench.gateway, tenant)
        bench.tenants.append(tenant)


async def _postgres_version(url: str) -> str:
    import asyncpg  # type: ignore[import-untyped]

    from pos_bench.system import asyncpg_dsn

    with contextlib.suppress(Exception):
        connection = await asyncpg.connect(asyncpg_dsn(url), timeout=10)
        try:
            return machine.postgres_version(str(await connection.fetchval("SELECT version()")))
        finally:
            await connection.close()
    return "unknown"


async def _stop(bench: Bench) -> None:
    for client in [bench.gateway, *bench._direct.values()]:
        if client is not None:
            await client.aclose()
    if bench.bus is not None:
        await bench.bus.close()
    if bench.system is not None:
        say("\n  stopping the system ...")
        await bench.system.stop()
    if bench.llm is not None:
        await bench.llm.stop()
    if bench.databases is not None:
        with contextlib.suppress(Exception):
            await bench.databases.drop_all()


def _cross_store_figures(bench: Bench) -> None:
    """On SQLite: the orders rate as a fraction of the newest PostgreSQL run's."""
    run = bench.run
    if run.store != "sqlite" or run.value("orders.max_rate") is None:
        return
    postgres = latest(bench.options.results_dir, store="postgresql")
    reference = postgres.value("orders.max_rate") if postgres else None
    if not reference:
        return
    assert postgres is not None
    run.add(
        Figure(
            "orders.max_rate_vs_postgresql",
            "orders: max sustainable rate, SQLite / PostgreSQL",
            (run.value("orders.max_rate") or 0.0) / reference,
            "x",
            "higher",
            note=f"PostgreSQL figure from run {postgres.run_id}",
        )
    )


def write_results(run: RunResult, options: Options) -> Path:
    path = run.write_json(options.results_dir)
    update_document(options.docs, run)
    return path
