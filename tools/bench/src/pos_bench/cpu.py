"""CPU seconds per process over a measured window: read before, read after, subtract.

Each process of the system (every service, nats-server, the launcher relaying their logs),
PostgreSQL's backends serving the run's databases, the generator (this process) and, for
the record, whatever else the machine ran meanwhile (other users' work makes figures worse:
it is reported next to them).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import psutil

GENERATOR = "generator"
POSTGRES = "postgresql"
POSTGRES_SHARED = "postgresql (background)"
# Not the system under test (the generator, the shared PostgreSQL workers, the launcher
# relaying logs, the stand-in LLM, the chatting guests' process): listed, but not part of
# the cost of an order.
NOT_SYSTEM = frozenset({GENERATOR, POSTGRES_SHARED, "launcher", "llm-simulator", "guests"})


def _cpu(proc: psutil.Process) -> float | None:
    try:
        times = proc.cpu_times()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None
    return float(times.user + times.system)


def _busy_seconds() -> float:
    times = psutil.cpu_times()
    idle = times.idle + getattr(times, "iowait", 0.0)
    return float(sum(times) - idle)


# Who to count: a function answering {name: [processes]} at the moment it is called.
Census = Callable[[], Mapping[str, list[psutil.Process]]]


@dataclass
class Snapshot:
    wall: float
    busy: float  # the whole machine's busy CPU seconds since boot
    per_process: dict[tuple[int, float], tuple[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class CpuUsage:
    """CPU seconds each named process (or group) used in a window, and the window's length."""

    seconds: dict[str, float]
    wall: float
    # Busy CPU seconds of everything else on the machine in the window (other users' work).
    foreign: float

    def per(self, units: float) -> dict[str, float]:
        """Milliseconds of CPU per unit of work (an order, a request), by process."""
        if units <= 0:
            return {}
        return {name: round(1000.0 * s / units, 3) for name, s in sorted(self.seconds.items())}

    def system_seconds(self) -> float:
        return sum(s for name, s in self.seconds.items() if name not in NOT_SYSTEM)

    @property
    def foreign_cores(self) -> float:
        return self.foreign / self.wall if self.wall > 0 else 0.0

    def as_dict(self, units: float | None = None, unit: str = "order") -> dict[str, object]:
        data: dict[str, object] = {
            "wall_s": round(self.wall, 3),
            "cpu_s": {name: round(s, 3) for name, s in sorted(self.seconds.items())},
            "system_cpu_s": round(self.system_seconds(), 3),
            "other_load_cores": round(self.foreign_cores, 3),
        }
        if units:
            data[f"cpu_ms_per_{unit}"] = self.per(units)
            data[f"system_cpu_ms_per_{unit}"] = round(1000.0 * self.system_seconds() / units, 3)
        return data


class CpuMeter:
    """Takes snapshots of the processes `census` names; `usage(before, after)` subtracts.

    A process that started inside the window counts from zero; one that ended inside it is
    lost (its last reading is gone with it), which is why services are counted by PID and
    start time, not by name.
    """

    def __init__(self, census: Census) -> None:
        self.census = census
        self.me = psutil.Process()

    def snapshot(self) -> Snapshot:
        snap = Snapshot(wall=time.monotonic(), busy=_busy_seconds())
        groups = {**self.census(), GENERATOR: [self.me]}
        for name, procs in groups.items():
            for proc in procs:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    cpu = _cpu(proc)
                    if cpu is not None:
                        snap.per_process[(proc.pid, proc.create_time())] = (name, cpu)
        return snap

    @staticmethod
    def usage(before: Snapshot, after: Snapshot) -> CpuUsage:
        seconds: dict[str, float] = {}
        for key, (name, cpu) in after.per_process.items():
            start = before.per_process.get(key, (name, 0.0))[1]
            seconds[name] = seconds.get(name, 0.0) + max(0.0, cpu - start)
        for _key, (name, _cpu_s) in before.per_process.items():
            seconds.setdefault(name, 0.0)
        ours = sum(seconds.values())
        foreign = max(0.0, (after.busy - before.busy) - ours)
        return CpuUsage(seconds, after.wall - before.wall, foreign)

    @staticmethod
    def usage_sum(windows: list[tuple[Snapshot, Snapshot]]) -> CpuUsage:
        """Several windows taken as one (a load run in slices)."""
        seconds: dict[str, float] = {}
        wall = foreign = 0.0
        for before, after in windows:
            part = CpuMeter.usage(before, after)
            for name, value in part.seconds.items():
                seconds[name] = seconds.get(name, 0.0) + value
            wall += part.wall
            foreign += part.foreign
        return CpuUsage(seconds, wall, foreign)
