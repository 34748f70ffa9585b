"""The resilient client's call loop over an in-memory transport, with a fake clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from pos_kit import context
from pos_kit.errors import ServiceUnavailable
from pos_kit.http import (
    BreakerPolicy,
    CircuitState,
    ClientPolicy,
    DownstreamError,
    DownstreamTimeout,
    DownstreamUnavailable,
    ResilientClient,
    RetryPolicy,
)
from pos_kit.problem_details import install_problem_handlers

Handler = Callable[[httpx.Request], httpx.Response]


class FakeTime:
    """A clock that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 500.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Downstream:
    """Answers from a script, then 200; records what it received."""

    def __init__(self, *script: int | httpx.Response | Exception) -> None:
        self.script = list(script)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.script.pop(0) if self.script else 200
        if isinstance(step, Exception):
            raise step
        return step if isinstance(step, httpx.Response) else httpx.Response(step, json={})


def make_client(
    downstream: Handler,
    fake_time: FakeTime,
    *,
    name: str = "inventory",
    total_timeout: float = 5.0,
    max_attempts: int = 3,
    backoff_base: float = 0.1,
    consecutive_failures: int = 5,
    breaker: BreakerPolicy | None = None,
) -> ResilientClient:
    policy = ClientPolicy(
        total_timeout=total_timeout,
        attempt_timeout=1.0,
        retry=RetryPolicy(max_attempts=max_attempts, backoff_base=backoff_base, backoff_cap=5.0),
        breaker=breaker
        or BreakerPolicy(consecutive_failures=consecutive_failures, open_seconds=30.0),
    )
    return ResilientClient(
        name,
        "http://inventory.test",
        policy=policy,
        transport=httpx.MockTransport(downstream),
        clock=fake_time,
        sleep=fake_time.sleep,
        rand=lambda: 1.0,
    )


async def trip(
    client: ResilientClient, calls: int, error: type[DownstreamError] = DownstreamUnavailable
) -> None:
    """`calls` calls in a row that fail with `error`: enough, with the right policy, to open
    the breaker."""
    for _ in range(calls):
        with pytest.raises(error):
            await client.get("/api/v1/products")


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_outbound_calls_carry_correlation_trace_and_token(fake_time: FakeTime) -> None:
    downstream = Downstream()
    async with make_client(downstream, fake_time) as client:
        with context.request_context(correlation_id="corr-42") as ctx:
            await client.get(
                "/api/v1/products", token="jwt-abc", headers={"Accept": "application/json"}
            )
    sent = downstream.requests[0].headers
    assert sent["X-Correlation-ID"] == "corr-42"
    assert sent["traceparent"] == ctx.traceparent()
    assert sent["Authorization"] == "Bearer jwt-abc"
    assert sent["Accept"] == "application/json"


async def test_get_is_retried_with_growing_backoff(fake_time: FakeTime) -> None:
    downstream = Downstream(503, 502)
    async with make_client(downstream, fake_time) as client:
        response = await client.get("/api/v1/products")
    assert response.status_code == 200
    assert len(downstream.requests) == 3
    assert fake_time.sleeps == [0.1, 0.2]


async def test_retries_exhausted_on_5xx_raise_unavailable(fake_time: FakeTime) -> None:
    downstream = Downstream(503, 503, 503, 503)
    async with make_client(downstream, fake_time) as client:
        with pytest.raises(DownstreamUnavailable) as caught:
            await client.get("/api/v1/products")
    assert len(downstream.requests) == 3
    error = caught.value
    assert isinstance(error, ServiceUnavailable)
    assert (error.status, error.downstream, error.status_code) == (503, "inventory", 503)
    assert error.attempts == 3
    assert "inventory" in error.detail
    assert error.headers["Retry-After"] == "5"


async def test_plain_post_is_sent_once(fake_time: FakeTime) -> None:
    downstream = Downstream(503)
    async with make_client(downstream, fake_time) as client:
        with pytest.raises(DownstreamUnavailable):
            await client.post("/api/v1/reservations", json={"order_id": "o-1"})
    assert len(downstream.requests) == 1


async def test_post_with_idempotency_key_is_retried_with_the_same_key(
    fake_time: FakeTime,
) -> None:
    downstream = Downstream(503)
    async with make_client(downstream, fake_time) as client:
        response = await client.post(
            "/api/v1/payments", json={"amount": 1250}, idempotency_key="pay-7"
        )
    assert response.status_code == 200
    assert [r.headers["Idempotency-Key"] for r in downstream.requests] == ["pay-7", "pay-7"]
    assert downstream.requests[0].content == downstream.requests[1].content


async def test_plain_post_is_retried_when_the_connection_was_never_opened(
    fake_time: FakeTime,
) -> None:
    downstream = Downstream(httpx.ConnectError("refused"), 201)
    async with make_client(downstream, fake_time) as client:
        response = await client.post("/api/v1/orders", json={})
    assert response.status_code == 201
    assert len(downstream.requests) == 2


async def test_plain_post_that_timed_out_is_not_sent_again(fake_time: FakeTime) -> None:
    downstream = Downstream(httpx.ReadTimeout("slow"))
    async with make_client(downstream, fake_time) as client:
        with pytest.raises(DownstreamTimeout) as caught:
            await client.post("/api/v1/orders", json={})
    assert len(downstream.requests) == 1
    assert caught.value.reason == "timeout"
    assert caught.value.status == 503


async def test_client_errors_are_returned_and_do_not_trip_the_breaker(
    fake_time: FakeTime,
) -> None:
    downstream = Downstream(*([404] * 10))
    async with make_client(downstream, fake_time, consecutive_failures=2) as client:
        for _ in range(10):
            assert (await client.get("/api/v1/products/x")).status_code == 404
        assert client.breaker.state is CircuitState.CLOSED
    assert len(downstream.requests) == 10


@pytest.mark.parametrize("status", [400, 401, 403, 409, 422])
async def test_no_4xx_opens_the_breaker(fake_time: FakeTime, status: int) -> None:
    downstream = Downstream(*([status] * 10))
    async with make_client(downstream, fake_time, consecutive_failures=2) as client:
        for _ in range(5):
            assert (await client.get("/api/v1/products")).status_code == status
        assert client.breaker.state is CircuitState.CLOSED
    assert len(downstream.requests) == 5


async def test_a_rate_limit_is_retried_but_never_opens_the_breaker(fake_time: FakeTime) -> None:
    # One tenant over its limit must not cut every tenant off.
    downstream = Downstream(*([429] * 30))
    async with make_client(downstream, fake_time, consecutive_failures=2) as client:
        for _ in range(5):
            with pytest.raises(DownstreamUnavailable, match="answered 429") as limited:
                await client.get("/api/v1/products")
            assert limited.value.reason == "rate_limited"
        assert client.breaker.state is CircuitState.CLOSED
    assert len(downstream.requests) == 15


@pytest.mark.parametrize(
    "answer",
    [500, 502, 503, 504, httpx.ConnectError("refused"), httpx.ReadTimeout("slow")],
    ids=["500", "502", "503", "504", "refused", "timeout"],
)
async def test_a_5xx_or_no_answer_opens_the_breaker(
    fake_time: FakeTime, answer: int | Exception
) -> None:
    downstream = Downstream(*([answer] * 10))
    async with make_client(downstream, fake_time, consecutive_failures=2, max_attempts=1) as client:
        await trip(client, 2, DownstreamError)
        assert client.breaker.state is CircuitState.OPEN
        with pytest.raises(DownstreamUnavailable) as refused:
            await client.get("/api/v1/products")
    assert refused.value.reason == "circuit_open"
    assert len(downstream.requests) == 2


async def test_the_total_budget_includes_backoff_waits(fake_time: FakeTime) -> None:
    # Waits of 0.4 then 0.8 s: the second would end past the 1 s budget.
    downstream = Downstream(*([503] * 10))
    client = make_client(
        downstream, fake_time, total_timeout=1.0, max_attempts=10, backoff_base=0.4
    )
    async with client:
        with pytest.raises(DownstreamUnavailable) as caught:
            await client.get("/api/v1/products")
    assert fake_time.sleeps == [0.4]
    assert caught.value.attempts == 2


async def test_retry_after_within_the_budget_is_waited_for(fake_time: FakeTime) -> None:
    downstream = Downstream(httpx.Response(503, headers={"Retry-After": "2"}))
    async with make_client(downstream, fake_time) as client:
        assert (await client.get("/api/v1/products")).status_code == 200
    assert fake_time.sleeps == [2.0]


async def test_retry_after_beyond_the_budget_gives_up_and_passes_it_on(
    fake_time: FakeTime,
) -> None:
    downstream = Downstream(httpx.Response(429, headers={"Retry-After": "60"}))
    async with make_client(downstream, fake_time) as client:
        with pytest.raises(DownstreamUnavailable) as caught:
            await client.get("/api/v1/products")
    assert fake_time.sleeps == []
    assert caught.value.reason == "rate_limited"
    assert caught.value.headers["Retry-After"] == "60"


async def test_open_breaker_fails_fast_without_calling(fake_time: FakeTime) -> None:
    downstream = Downstream(*([500] * 3))
    async with make_client(downstream, fake_time, consecutive_failures=3) as client:
        await trip(client, 3)
        fake_time.now += 10
        with pytest.raises(DownstreamUnavailable) as caught:
            await client.get("/api/v1/products")
    assert len(downstream.requests) == 3, "500 is not retried; the 4th call never left"
    assert caught.value.reason == "circuit_open"
    assert caught.value.headers["Retry-After"] == "20"


async def test_breaker_state_and_outcomes_are_exported_as_metrics(fake_time: FakeTime) -> None:
    name = "metrics-probe"
    before = metric(
        "pos_downstream_requests_total", downstream=name, method="GET", outcome="success"
    )
    downstream = Downstream(200, 500)
    async with make_client(downstream, fake_time, name=name, consecutive_failures=1) as client:
        await client.get("/a")
        assert metric("pos_downstream_circuit_state", downstream=name) == 0
        with pytest.raises(DownstreamUnavailable):
            await client.get("/a")
        assert metric("pos_downstream_circuit_state", downstream=name) == 2
    after = metric(
        "pos_downstream_requests_total", downstream=name, method="GET", outcome="success"
    )
    assert after == before + 1
    failed = metric(
        "pos_downstream_requests_total", downstream=name, method="GET", outcome="bad_status"
    )
    assert failed >= 1


async def test_retries_and_breaker_transitions_are_logged(fake_time: FakeTime) -> None:
    downstream = Downstream(503, 503, 503)
    async with make_client(downstream, fake_time, consecutive_failures=3) as client:
        with capture_logs() as logs, pytest.raises(DownstreamUnavailable):
            await client.get("/api/v1/products")
    events = [(e["event"], e.get("to_state")) for e in logs]
    assert events.count(("downstream_retry", None)) == 2
    assert ("downstream_circuit_state_changed", "open") in events
    assert all(e["downstream"] == "inventory" for e in logs)


async def test_building_many_clients_registers_metrics_only_once() -> None:
    # A second registration of a collector name would raise ValueError here.
    clients = [ResilientClient("inventory", "http://inventory.test") for _ in range(3)]
    for client in clients:
        await client.aclose()


async def test_the_call_site_chooses_between_a_503_problem_and_a_fallback(
    fake_time: FakeTime,
) -> None:
    inventory = make_client(Downstream(*([503] * 6)), fake_time)
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/menu")
    async def menu() -> Any:
        return (await inventory.get("/api/v1/products")).json()

    @app.get("/menu-or-empty")
    async def menu_or_empty() -> Any:
        try:
            return (await inventory.get("/api/v1/products")).json()
        except DownstreamError:
            return {"items": [], "stale": True}

    transport = httpx.ASGITransport(app=app)
    async with inventory, httpx.AsyncClient(transport=transport, base_url="http://pos") as http:
        failed = await http.get("/menu")
        degraded = await http.get("/menu-or-empty")

    assert failed.status_code == 503
    assert failed.headers["content-type"] == "application/problem+json"
    assert failed.headers["retry-after"] == "5"
    problem = failed.json()
    assert problem["type"].endswith("/downstream-unavailable")
    assert problem["downstream"] == "inventory"
    assert degraded.status_code == 200
    assert degraded.json() == {"items": [], "stale": True}


async def test_retries_stop_while_most_calls_fail_and_resume_once_answers_return(
    fake_time: FakeTime,
) -> None:
    """gRPC's retry throttling: a downstream timing out under load gets no retries on top."""
    downstream = Downstream(*[503] * 6)
    never_opens = BreakerPolicy(
        consecutive_failures=100, failure_rate=1.0, window=100, min_calls_for_rate=100
    )
    async with make_client(downstream, fake_time, breaker=never_opens) as client:
        with pytest.raises(DownstreamUnavailable):
            await client.get("/api/v1/products")  # 3 attempts: 10 -> 7 tokens
        with pytest.raises(DownstreamUnavailable):
            await client.get("/api/v1/products")  # 2 attempts: 7 -> 5, at half: no more
        assert len(downstream.requests) == 5
        throttled_before = metric("pos_downstream_retries_throttled_total", downstream="inventory")
        with pytest.raises(DownstreamUnavailable) as caught:
            await client.get("/api/v1/products")  # the 6th 503: one attempt only
        assert caught.value.attempts == 1
        assert len(downstream.requests) == 6
        assert (
            metric("pos_downstream_retries_throttled_total", downstream="inventory")
            == throttled_before + 1
        )

        # Answers give back a tenth of a token each (4 -> 6.1 after 21): a failure then
        # leaves more than half, and is retried again.
        for _ in range(21):
            assert (await client.get("/api/v1/products")).status_code == 200
        downstream.script = [503]
        assert (await client.get("/api/v1/products")).status_code == 200
    assert len(downstream.requests) == 6 + 21 + 2


async def test_a_client_error_neither_spends_nor_blocks_retries(fake_time: FakeTime) -> None:
    downstream = Downstream(*[404] * 20, 503)
    async with make_client(downstream, fake_time) as client:
        for _ in range(20):
            assert (await client.get("/api/v1/products/x")).status_code == 404
        assert (await client.get("/api/v1/products")).status_code == 200
    assert len(downstream.requests) == 22
