"""The resilient client against a real HTTP server on 127.0.0.1 that fails, hangs and goes away.

The server is uvicorn in a background thread serving a tiny ASGI app. A test
scripts its next answers (a status, headers, a delay) and reads back every
request it received, so "the breaker kept the call off the network" is checked
on the server's side.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn

from pos_kit import context
from pos_kit.http import (
    BreakerPolicy,
    CircuitState,
    ClientPolicy,
    DownstreamTimeout,
    DownstreamUnavailable,
    ResilientClient,
    RetryPolicy,
)
from pos_kit.testing.net import free_port

# Long enough that a client ignoring its timeouts fails the elapsed-time checks,
# short enough that it does not stall the run.
HANG_SECONDS = 5.0


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


HANG = Reply(delay=HANG_SECONDS)


@dataclass(frozen=True)
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    at: float


class FakeDownstream:
    """A real HTTP server a test can make fail, hang, stop and recover."""

    def __init__(self) -> None:
        self.port = free_port()
        self.hits: list[Hit] = []
        self.script: deque[Reply] = deque()
        self.default = Reply()
        self._release = 0  # bumped to end every hanging answer
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, *replies: Reply | int, then: Reply | int | None = None) -> None:
        self.script.extend(r if isinstance(r, Reply) else Reply(r) for r in replies)
        if then is not None:
            self.default = then if isinstance(then, Reply) else Reply(then)

    def reset(self) -> None:
        self._release += 1
        self.hits.clear()
        self.script.clear()
        self.default = Reply()

    def start(self) -> None:
        config = uvicorn.Config(
            self, host="127.0.0.1", port=self.port, lifespan="off", log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 5
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("test downstream did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._release += 1
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=5)
        self._server = self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        while (await receive()).get("more_body"):
            pass
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.hits.append(Hit(scope["method"], scope["path"], headers, time.monotonic()))
        reply = self.script.popleft() if self.script else self.default
        release = self._release
        waited_until = time.monotonic() + reply.delay
        # Polled, not an asyncio.Event: the release comes from the test's thread.
        while time.monotonic() < waited_until and self._release == release:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [(b"content-type", b"application/json")]
                + [(k.encode(), v.encode()) for k, v in reply.headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": b'{"ok": true}'})


@pytest.fixture(scope="module")
def server() -> Iterator[FakeDownstream]:
    downstream = FakeDownstream()
    downstream.start()
    yield downstream
    downstream.stop()


@pytest.fixture
def downstream(server: FakeDownstream) -> FakeDownstream:
    server.reset()
    if not server.running:
        server.start()
    return server


def client_for(
    downstream: FakeDownstream,
    *,
    total_timeout: float = 3.0,
    attempt_timeout: float = 1.0,
    max_attempts: int = 3,
    consecutive_failures: int = 20,
) -> ResilientClient:
    return ResilientClient(
        "inventory",
        downstream.url,
        policy=ClientPolicy(
            total_timeout=total_timeout,
            attempt_timeout=attempt_timeout,
            retry=RetryPolicy(max_attempts=max_attempts, backoff_base=0.02, backoff_cap=0.1),
            breaker=BreakerPolicy(
                consecutive_failures=consecutive_failures,
                window=20,
                min_calls_for_rate=20,
                # Open for half a second (the tests wait 0.6 s), then one probe at a time.
                open_seconds=0.5,
                half_open_probes=1,
            ),
        ),
    )


async def trip(client: ResilientClient, calls: int) -> None:
    """`calls` calls in a row that fail: enough, with the right policy, to open the breaker."""
    for _ in range(calls):
        with pytest.raises(DownstreamUnavailable):
            await client.get("/api/v1/products")


async def refused_call(client: ResilientClient) -> DownstreamUnavailable:
    """A call the open breaker refuses without sending it; the error it raised."""
    with pytest.raises(DownstreamUnavailable) as refused:
        await client.get("/api/v1/products")
    assert refused.value.reason == "circuit_open"
    return refused.value


class Stopwatch:
    def __enter__(self) -> Stopwatch:
        self.started = time.monotonic()
        self.elapsed = 0.0
        return self

    def __exit__(self, *_: object) -> None:
        self.elapsed = time.monotonic() - self.started


async def test_correlation_id_trace_and_token_reach_the_server(downstream: FakeDownstream) -> None:
    async with client_for(downstream) as client:
        with context.request_context(correlation_id="till-7-corr") as ctx:
            response = await client.get("/api/v1/products", token="jwt-xyz")
    assert response.status_code == 200
    [hit] = downstream.hits
    assert hit.headers["x-correlation-id"] == "till-7-corr"
    assert hit.headers["traceparent"] == f"00-{ctx.trace_id}-{ctx.span_id}-01"
    assert hit.headers["authorization"] == "Bearer jwt-xyz"


async def test_get_is_retried_until_the_server_recovers(downstream: FakeDownstream) -> None:
    downstream.answer(503, 502)
    async with client_for(downstream) as client:
        response = await client.get("/api/v1/products")
    assert response.status_code == 200
    assert len(downstream.hits) == 3


async def test_post_with_idempotency_key_is_retried(downstream: FakeDownstream) -> None:
    downstream.answer(503, 504)
    async with client_for(downstream) as client:
        response = await client.post(
            "/api/v1/payments", json={"amount": 1250}, idempotency_key="pay-1"
        )
    assert response.status_code == 200
    assert [h.headers["idempotency-key"] for h in downstream.hits] == ["pay-1"] * 3


async def test_plain_post_is_not_retried(downstream: FakeDownstream) -> None:
    downstream.answer(503)
    async with client_for(downstream) as client:
        with pytest.raises(DownstreamUnavailable) as caught:
            await client.post("/api/v1/reservations", json={"order_id": "o-1"})
    assert len(downstream.hits) == 1
    assert caught.value.status_code == 503


async def test_plain_post_that_timed_out_is_not_sent_again(downstream: FakeDownstream) -> None:
    downstream.answer(HANG)
    async with client_for(downstream, attempt_timeout=0.3) as client:
        with Stopwatch() as watch, pytest.raises(DownstreamTimeout):
            await client.post("/api/v1/reservations", json={"order_id": "o-1"})
    assert len(downstream.hits) == 1
    assert 0.25 <= watch.elapsed < 1.0


async def test_a_hanging_attempt_is_cut_and_the_retry_answers(downstream: FakeDownstream) -> None:
    downstream.answer(HANG)
    async with client_for(downstream, attempt_timeout=0.3) as client:
        with Stopwatch() as watch:
            response = await client.get("/api/v1/products")
    assert response.status_code == 200
    assert len(downstream.hits) == 2
    assert 0.25 <= watch.elapsed < 1.0


async def test_the_total_timeout_bounds_every_attempt_and_wait(downstream: FakeDownstream) -> None:
    downstream.answer(then=HANG)
    client = client_for(downstream, total_timeout=1.0, attempt_timeout=0.4, max_attempts=10)
    async with client:
        with Stopwatch() as watch, pytest.raises(DownstreamTimeout) as caught:
            await client.get("/api/v1/products")
    assert 0.9 <= watch.elapsed < 1.5
    assert 2 <= len(downstream.hits) <= 3
    assert caught.value.downstream == "inventory"


async def test_retry_after_is_honoured(downstream: FakeDownstream) -> None:
    downstream.answer(Reply(503, {"Retry-After": "1"}))
    async with client_for(downstream) as client:
        with Stopwatch() as watch:
            response = await client.get("/api/v1/products")
    assert response.status_code == 200
    first, second = downstream.hits
    assert second.at - first.at >= 0.95
    assert watch.elapsed < 2.0


async def test_retry_after_beyond_the_deadline_fails_at_once(downstream: FakeDownstream) -> None:
    downstream.answer(Reply(503, {"Retry-After": "30"}))
    async with client_for(downstream, total_timeout=2.0) as client:
        with Stopwatch() as watch, pytest.raises(DownstreamUnavailable) as caught:
            await client.get("/api/v1/products")
    assert watch.elapsed < 0.5
    assert len(downstream.hits) == 1
    assert caught.value.headers["Retry-After"] == "30"


async def test_a_stopped_server_is_unavailable_until_it_comes_back(
    downstream: FakeDownstream,
) -> None:
    async with client_for(downstream) as client:
        assert (await client.get("/api/v1/products")).status_code == 200
        downstream.stop()
        with Stopwatch() as watch, pytest.raises(DownstreamUnavailable) as caught:
            await client.get("/api/v1/products")
        assert caught.value.reason == "connect_error"
        assert caught.value.attempts == 3
        assert watch.elapsed < 1.0
        downstream.start()
        assert (await client.get("/api/v1/products")).status_code == 200
    assert len(downstream.hits) == 2


async def test_breaker_opens_fails_fast_then_probes_and_closes(
    downstream: FakeDownstream,
) -> None:
    downstream.answer(then=500)
    async with client_for(downstream, max_attempts=1, consecutive_failures=3) as client:
        await trip(client, 3)
        assert client.breaker.state is CircuitState.OPEN
        assert len(downstream.hits) == 3

        downstream.answer(then=200)  # recovered, but the cool-down is not over
        with Stopwatch() as watch:
            for _ in range(20):
                await refused_call(client)
        assert watch.elapsed < 0.5
        assert len(downstream.hits) == 3, "an open circuit must not touch the network"

        await asyncio.sleep(0.6)
        assert client.breaker.state is CircuitState.HALF_OPEN
        assert (await client.get("/api/v1/products")).status_code == 200
        assert client.breaker.state is CircuitState.CLOSED
        assert len(downstream.hits) == 4


async def test_a_failed_probe_opens_the_circuit_again(downstream: FakeDownstream) -> None:
    downstream.answer(then=503)
    async with client_for(downstream, max_attempts=1, consecutive_failures=2) as client:
        await trip(client, 2)
        await asyncio.sleep(0.6)
        with pytest.raises(DownstreamUnavailable) as probe:
            await client.get("/api/v1/products")
        assert probe.value.reason == "bad_status"
        assert client.breaker.state is CircuitState.OPEN
        await refused_call(client)
    assert len(downstream.hits) == 3


async def test_half_open_lets_one_probe_through_at_a_time(downstream: FakeDownstream) -> None:
    downstream.answer(500, 500, Reply(200, delay=0.3))
    async with client_for(downstream, max_attempts=1, consecutive_failures=2) as client:
        await trip(client, 2)
        await asyncio.sleep(0.6)
        results = await asyncio.gather(
            *(client.get("/api/v1/products") for _ in range(4)), return_exceptions=True
        )
    answered = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, DownstreamUnavailable)]
    assert len(answered) == 1
    assert len(refused) == 3
    assert all(r.reason == "circuit_open" for r in refused)
    assert len(downstream.hits) == 3
