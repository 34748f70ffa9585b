"""Prometheus collectors for calls to other services, registered once per process.

Clients are built per downstream (and many times over in tests); the collectors
are module-level, and a second import or reload reuses what the registry holds
instead of failing with a duplicate registration.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from prometheus_client import REGISTRY, Counter, Gauge, Histogram

_C = TypeVar("_C", Counter, Gauge, Histogram)


def _collector(kind: type[_C], name: str, documentation: str, labels: Sequence[str]) -> _C:
    # prometheus-client offers no public lookup; the registry's name index is stable.
    existing = REGISTRY._names_to_collectors.get(name)
    if existing is None:
        return kind(name, documentation, labels)
    if not isinstance(existing, kind):
        raise TypeError(f"metric {name} is already registered as {type(existing).__name__}")
    return existing


REQUESTS = _collector(
    Counter,
    "pos_downstream_requests",
    "Calls to another service by final outcome (after retries).",
    ["downstream", "method", "outcome"],
)
RETRIES = _collector(
    Counter,
    "pos_downstream_retries",
    "Attempts repeated after a failure, by the failure that caused them.",
    ["downstream", "reason"],
)
RETRIES_THROTTLED = _collector(
    Counter,
    "pos_downstream_retries_throttled",
    "Retries not sent because most recent calls to the downstream failed.",
    ["downstream"],
)
DURATION = _collector(
    Histogram,
    "pos_downstream_request_duration_seconds",
    "Time of a call to another service, all attempts and waits included.",
    ["downstream"],
)
CIRCUIT_STATE = _collector(
    Gauge,
    "pos_downstream_circuit_state",
    "Circuit breaker state per downstream: 0 closed, 1 half-open, 2 open.",
    ["downstream"],
)
CIRCUIT_TRANSITIONS = _collector(
    Counter,
    "pos_downstream_circuit_transitions",
    "Circuit breaker state changes per downstream, by the state entered.",
    ["downstream", "state"],
)
