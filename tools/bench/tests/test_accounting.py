"""CPU accounting between two readings, processes named from their command lines, and loads
run in slices taken as one."""

from __future__ import annotations

from collections import Counter

import pytest

from pos_bench.cpu import CpuMeter, Snapshot
from pos_bench.loadgen import LoadResult, combine
from pos_bench.system import _process_name


def test_cpu_used_in_a_window_by_process_and_beside_it():
    before = Snapshot(wall=10.0, busy=100.0)
    before.per_process = {
        (1, 1.0): ("pos-core", 5.0),
        (2, 1.0): ("gateway", 3.0),
        (3, 1.0): ("generator", 1.0),
        (4, 1.0): ("inventory", 9.0),  # restarted inside the window: its pid is gone after
    }
    after = Snapshot(wall=12.0, busy=104.5)
    after.per_process = {
        (1, 1.0): ("pos-core", 6.5),
        (2, 1.0): ("gateway", 3.5),
        (3, 1.0): ("generator", 1.2),
        (5, 11.0): ("inventory", 0.3),  # its new process counts from zero
    }

    usage = CpuMeter.usage(before, after)

    assert usage.seconds == pytest.approx(
        {"pos-core": 1.5, "gateway": 0.5, "generator": 0.2, "inventory": 0.3}
    )
    assert usage.wall == 2.0
    assert usage.system_seconds() == pytest.approx(2.3)  # the generator is not the system
    assert usage.foreign == pytest.approx(4.5 - 2.5)  # the machine's other work
    assert usage.foreign_cores == pytest.approx(1.0)
    assert usage.per(100) == pytest.approx(
        {"gateway": 5.0, "generator": 2.0, "inventory": 3.0, "pos-core": 15.0}
    )
    data = usage.as_dict(100, "order")
    assert data["system_cpu_ms_per_order"] == pytest.approx(23.0)


def test_processes_are_named_by_what_they_run():
    packages = {"pos_core": "pos-core", "pos_gateway": "gateway"}
    assert _process_name(["/v/bin/python", "-m", "pos_core"], packages) == "pos-core"
    assert _process_name(["/v/bin/nats-server", "--addr", "x"], packages) == "nats-server"
    assert _process_name(["python", "-m", "aiosmtpd", "-n"], packages) == "mail-sink"
    assert _process_name(["python", "-m", "pos_core.migrate"], packages) is None
    assert _process_name([], packages) is None


def test_slices_of_a_load_taken_as_one():
    first = LoadResult("open", 50.0, None, 2.0, 100, 98, Counter({"http 503": 2}))
    first.latencies.record(0.010)
    first.achieved_rate = 49.0
    second = LoadResult("open", 50.0, None, 2.0, 100, 100)
    second.latencies.record(0.030)
    second.achieved_rate = 50.0

    whole = combine([first, second])

    assert whole.duration == 4.0
    assert whole.scheduled == 200
    assert whole.ok == 198
    assert whole.errors == Counter({"http 503": 2})
    assert whole.latencies.count == 2
    assert whole.summary().max == 30.0
    assert whole.achieved_rate == pytest.approx(49.5)
    assert whole.percentile("p99") == (pytest.approx(30.0, rel=0.001), "")
    with pytest.raises(ValueError, match="nothing"):
        combine([])


def test_a_percentile_does_not_count_when_too_many_failed():
    load = LoadResult("open", 50.0, None, 1.0, 50, 40, Counter({"open: http 503": 10}))
    load.latencies.record(0.05)
    value, why = load.percentile("p99")
    assert value == pytest.approx(50.0, rel=0.001)
    assert why == "20% of requests failed (open: http 503: 10)"

    nothing = LoadResult("open", 50.0, None, 1.0, 50, 0, Counter({"timeout": 50}))
    assert nothing.percentile("p50") == (None, "no request succeeded (timeout: 50)")
