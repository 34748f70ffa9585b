"""What the gateway counts about its upstream calls: outcomes and waits, by service."""

from __future__ import annotations

import time

from prometheus_client import Counter, Histogram

UPSTREAM_REQUESTS = Counter(
    "pos_gateway_upstream_requests_total",
    "Requests the gateway sent upstream, by service and outcome (a status code, or "
    "unavailable, saturated, timeout, bad_gateway, client_gone).",
    ["service", "outcome"],
)
UPSTREAM_WAIT = Histogram(
    "pos_gateway_upstream_wait_seconds",
    "Time from forwarding a request to the upstream's response headers, by service.",
    ["service"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def record_upstream_call(service: str, outcome: str, *, started: float) -> None:
    """Count one call to `service` and how long it waited since `started` (perf_counter)."""
    UPSTREAM_REQUESTS.labels(service, outcome).inc()
    UPSTREAM_WAIT.labels(service).observe(time.perf_counter() - started)
