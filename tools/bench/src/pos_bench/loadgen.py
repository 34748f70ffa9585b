"""Open-loop load: requests sent on a fixed schedule, latency measured from when each was due.

A closed-loop client (send, wait for the answer, send the next) slows down with the server:
a 2-second stall delays the requests that should have gone out meanwhile, and they never
show it (coordinated omission). Here request `i` is due at `start + i / rate` whatever the
answers do; it is sent then (or as soon after as the generator can), and its latency runs
from when it was *due* to when its answer arrived. Waiting for a free connection, or for
the generator itself, is part of the latency, so a stall shows in full.

`closed_loop` is kept for one thing only: how many requests per second a server completes
at most with N connections busy (throughput), where no latency is reported as a result.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pos_bench.http import HttpFailure, Response
from pos_bench.stats import Latencies, Summary

# An action does one unit of work (a request, an order) and answers None when it succeeded,
# or what went wrong ("http 503", "timeout"); an HttpFailure it raises is counted by its kind.
Action = Callable[[int, float], Awaitable[str | None]]


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    """perf_counter: monotonic, and the finest clock the machine has."""

    def now(self) -> float:
        return time.perf_counter()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


REAL_CLOCK = RealClock()


def failure(response: Response, *expected: int) -> str | None:
    """None when the status is one of `expected` (any 2xx when none is given)."""
    if (response.status in expected) if expected else response.ok:
        return None
    return f"http {response.status}"


@dataclass
class LoadResult:
    """One run of load: what was asked, what came back, and how fast."""

    mode: str  # "open" or "closed"
    rate: float | None  # open loop: the arrival rate asked for
    connections: int | None  # closed loop: the connections kept busy
    duration: float  # the measured window, seconds
    scheduled: int  # requests due inside the window (open) or sent (closed)
    ok: int
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    latencies: Latencies = field(default_factory=Latencies)
    # Open loop: how late the generator sent each request after it was due (its own health).
    send_lag: Latencies = field(default_factory=Latencies)
    # Successful answers that arrived inside the window, per second (the throughput).
    achieved_rate: float = 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def error_ratio(self) -> float:
        total = self.ok + self.error_count
        return self.error_count / total if total else 0.0

    def count(self, problem: str | None, latency: float) -> None:
        """One measured request: its latency if it succeeded (`problem` None), else what failed."""
        if problem is None:
            self.ok += 1
            self.latencies.record(latency)
        else:
            self.errors[problem] += 1

    def summary(self) -> Summary:
        return self.latencies.summary()

    def percentile(self, which: str, max_error_ratio: float = 0.01) -> tuple[float | None, str]:
        """A percentile of the latencies ("p50", "p99"), and why it cannot stand alone.

        A failed request is worse than any latency: past `max_error_ratio` failures the
        percentile of the successes is still given, with the reason it does not count.
        """
        if self.ok == 0:
            reason = "no request succeeded"
            return None, reason + (f" ({_top_errors(self.errors)})" if self.errors else "")
        value: float = getattr(self.summary(), which)
        if self.error_ratio > max_error_ratio:
            return value, f"{self.error_ratio:.0%} of requests failed ({_top_errors(self.errors)})"
        return value, ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "rate": self.rate,
            "connections": self.connections,
            "duration_s": round(self.duration, 3),
            "scheduled": self.scheduled,
            "ok": self.ok,
            "errors": dict(sorted(self.errors.items())),
            "achieved_rate": round(self.achieved_rate, 2),
            "latency_ms": self.summary().as_dict(),
            "send_lag_ms": self.send_lag.summary().as_dict() if self.mode == "open" else None,
        }


def combine(parts: list[LoadResult]) -> LoadResult:
    """Loads of the same kind run in slices (interleaved with another), taken as one."""
    if not parts:
        raise ValueError("nothing to combine")
    first = parts[0]
    whole = LoadResult(first.mode, first.rate, first.connections, 0.0, 0, 0)
    achieved = 0.0
    for part in parts:
        whole.duration += part.duration
        whole.scheduled += part.scheduled
        whole.ok += part.ok
        whole.errors.update(part.errors)
        whole.latencies.merge(part.latencies)
        whole.send_lag.merge(part.send_lag)
        achieved += part.achieved_rate * part.duration
    whole.achieved_rate = achieved / whole.duration if whole.duration else 0.0
    return whole


def _top_errors(errors: collections.Counter[str]) -> str:
    return ", ".join(f"{kind}: {count}" for kind, count in errors.most_common(3))


async def _run_action(action: Action, index: int, due: float) -> str | None:
    try:
        return await action(index, due)
    except HttpFailure as exc:
        return exc.kind
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        return f"exception {type(exc).__name__}"


async def open_loop(
    action: Action,
    *,
    rate: float,
    duration: float,
    warmup: float = 0.0,
    clock: Clock = REAL_CLOCK,
    drain_timeout: float = 30.0,
) -> LoadResult:
    """Start `action` at `rate` per second for `warmup + duration` seconds, whatever happens.

    Only requests due inside the window after the warm-up are measured. Once the last one
    is sent, the suite waits up to `drain_timeout` for the answers still out; those that
    never come are counted as errors ("unfinished").
    """
    if rate <= 0 or duration <= 0:
        raise ValueError("rate and duration must be positive")
    interval = 1.0 / rate
    warmup_count = round(rate * warmup)
    measured_count = round(rate * duration)
    result = LoadResult("open", rate, None, duration, measured_count, 0)
    start = clock.now()
    window_start = start + warmup_count * interval
    window_end = window_start + duration
    in_window_ok = 0
    tasks: set[asyncio.Task[None]] = set()
    measured_tasks: set[asyncio.Task[None]] = set()

    async def one(index: int, due: float, measured: bool) -> None:
        nonlocal in_window_ok
        problem = await _run_action(action, index, due)
        done = clock.now()
        if problem is None and window_start <= done < window_end:
            in_window_ok += 1
        if measured:
            result.count(problem, done - due)

    for index in range(warmup_count + measured_count):
        due = start + index * interval
        delay = due - clock.now()
        if delay > 0:
            await clock.sleep(delay)
        measured = index >= warmup_count
        if measured:
            result.send_lag.record(max(0.0, clock.now() - due))
        task = asyncio.create_task(one(index, due, measured))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        if measured:
            measured_tasks.add(task)
            task.add_done_callback(measured_tasks.discard)
    # The window closes one interval after the last request was due.
    remaining = window_end - clock.now()
    if remaining > 0:
        await clock.sleep(remaining)
    if tasks:
        _, pending = await asyncio.wait(set(tasks), timeout=drain_timeout)
        unfinished = len(pending & measured_tasks)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        if unfinished:
            result.errors["unfinished"] += unfinished
    result.achieved_rate = in_window_ok / duration
    return result


async def closed_loop(
    action: Action,
    *,
    connections: int,
    duration: float,
    warmup: float = 0.0,
    clock: Clock = REAL_CLOCK,
) -> LoadResult:
    """Keep `connections` requests in flight for `warmup + duration` seconds: the throughput.

    The latencies recorded here are service times, not what a user would see under a
    given arrival rate; scenarios report only the rate from this.
    """
    result = LoadResult("closed", None, connections, duration, 0, 0)
    start = clock.now()
    window_start = start + warmup
    window_end = window_start + duration
    counter = 0

    async def worker() -> None:
        nonlocal counter
        while True:
            began = clock.now()
            if began >= window_end:
                return
            index = counter
            counter += 1
            problem = await _run_action(action, index, began)
            done = clock.now()
            if began < window_start or done >= window_end:
                continue
            result.scheduled += 1
            result.count(problem, done - began)

    await asyncio.gather(*(worker() for _ in range(connections)))
    result.achieved_rate = result.ok / duration
    return result
