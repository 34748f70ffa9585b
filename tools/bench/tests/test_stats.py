"""HdrHistogram percentiles against distributions whose answer is known."""

from __future__ import annotations

import pytest

from pos_bench.stats import Latencies


def test_uniform_distribution_percentiles():
    latencies = Latencies()
    for micros in range(1, 100_001):  # 1 µs .. 100 ms, uniform
        latencies.record(micros / 1_000_000)
    summary = latencies.summary()

    assert summary.count == 100_000
    assert summary.p50 == pytest.approx(50.0, rel=0.001)
    assert summary.p90 == pytest.approx(90.0, rel=0.001)
    assert summary.p99 == pytest.approx(99.0, rel=0.001)
    assert summary.p999 == pytest.approx(99.9, rel=0.001)
    assert summary.max == 100.0  # kept exactly
    assert summary.mean == pytest.approx(50.0, rel=0.001)


def test_a_rare_slow_tail_is_seen_only_above_its_percentile():
    latencies = Latencies()
    for _ in range(990):
        latencies.record(0.001)
    for _ in range(10):
        latencies.record(1.0)
    summary = latencies.summary()

    assert summary.p50 == pytest.approx(1.0, rel=0.001)
    assert summary.p99 == pytest.approx(1.0, rel=0.001)  # the 990th value is still 1 ms
    assert summary.p999 == pytest.approx(1000.0, rel=0.001)
    assert summary.max == 1000.0


def test_out_of_range_values_are_clamped_and_counted():
    latencies = Latencies()
    latencies.record(0.0)
    latencies.record(3600.0)  # an hour: beyond the histogram's range

    assert latencies.count == 2
    assert latencies.clamped == 1
    assert latencies.summary().max == 3_600_000.0


def test_merge_and_empty():
    a, b = Latencies(), Latencies()
    assert a.summary().count == 0
    a.record(0.002)
    b.record(0.004)
    a.merge(b)
    assert a.count == 2
    assert a.summary().max == 4.0
