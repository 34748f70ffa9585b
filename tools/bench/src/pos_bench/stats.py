"""Latency percentiles: an HdrHistogram of microseconds, summarised in milliseconds."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from hdrh.histogram import HdrHistogram  # type: ignore[import-untyped]

# 1 µs to 10 minutes at 3 significant digits: a stall of minutes is still a number, not a crash.
LOWEST_US = 1
HIGHEST_US = 600_000_000
SIGNIFICANT_FIGURES = 3

PERCENTILES = (50.0, 90.0, 95.0, 99.0, 99.9)


@dataclass(frozen=True)
class Summary:
    """What a scenario prints and records of one latency distribution (milliseconds)."""

    count: int
    p50: float
    p90: float
    p95: float
    p99: float
    p999: float
    max: float
    mean: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


EMPTY = Summary(count=0, p50=0.0, p90=0.0, p95=0.0, p99=0.0, p999=0.0, max=0.0, mean=0.0)


class Latencies:
    """Recorded latencies, in seconds in and milliseconds out.

    Percentiles come from the histogram (within 0.1%); the maximum is kept exactly beside it.
    A value beyond the histogram's range is recorded as its highest value and counted.
    """

    def __init__(self) -> None:
        self._histogram = HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_FIGURES)
        self._max_seconds = 0.0
        self.clamped = 0

    def record(self, seconds: float) -> None:
        micros = round(seconds * 1_000_000)
        if micros < LOWEST_US:
            micros = LOWEST_US
        elif micros > HIGHEST_US:
            micros = HIGHEST_US
            self.clamped += 1
        self._histogram.record_value(micros)
        self._max_seconds = max(self._max_seconds, seconds)

    def merge(self, other: Latencies) -> None:
        self._histogram.add(other._histogram)
        self._max_seconds = max(self._max_seconds, other._max_seconds)
        self.clamped += other.clamped

    @property
    def count(self) -> int:
        return int(self._histogram.get_total_count())

    def percentile_ms(self, percentile: float) -> float:
        if not self.count:
            return 0.0
        return float(self._histogram.get_value_at_percentile(percentile)) / 1000.0

    def summary(self) -> Summary:
        if not self.count:
            return EMPTY
        p50, p90, p95, p99, p999 = (self.percentile_ms(p) for p in PERCENTILES)
        return Summary(
            count=self.count,
            p50=round(p50, 3),
            p90=round(p90, 3),
            p95=round(p95, 3),
            p99=round(p99, 3),
            p999=round(p999, 3),
            max=round(self._max_seconds * 1000.0, 3),
            mean=round(float(self._histogram.get_mean_value()) / 1000.0, 3),
        )
