"""/healthz, /readyz and /metrics: required checks decide readiness, degrading ones only report."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

import httpx
import pytest
from fastapi import FastAPI

from pos_kit.health import ReadinessCheck, health_router

Probe = Callable[..., httpx.AsyncClient]  # (required, degrading, **options) -> a client


async def ok() -> None:
    return None


async def refused() -> None:
    raise ConnectionRefusedError("connection refused")


@pytest.fixture
def probe() -> Probe:
    def client(
        required: Mapping[str, ReadinessCheck],
        degrading: Mapping[str, ReadinessCheck] | None = None,
        **options: float,
    ) -> httpx.AsyncClient:
        app = FastAPI()
        app.include_router(health_router(required, degrading, **options))
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://pos")

    return client


async def readyz(client: httpx.AsyncClient) -> tuple[int, dict[str, object]]:
    async with client:
        answer = await client.get("/readyz")
    return answer.status_code, answer.json()


async def test_everything_answering_is_ready(probe: Probe) -> None:
    assert await readyz(probe({"database": ok}, {"nats": ok})) == (
        200,
        {"status": "ready", "checks": {"database": "ok", "nats": "ok"}},
    )


async def test_a_degrading_check_failing_leaves_the_service_ready_but_degraded(
    probe: Probe,
) -> None:
    assert await readyz(probe({"database": ok}, {"nats": refused})) == (
        200,
        {
            "status": "degraded",
            "checks": {"database": "ok", "nats": "failing: ConnectionRefusedError"},
        },
    )


@pytest.mark.parametrize("nats", [ok, refused])
async def test_a_required_check_failing_is_not_ready(probe: Probe, nats: ReadinessCheck) -> None:
    status, body = await readyz(probe({"database": refused}, {"nats": nats}))

    assert (status, body["status"]) == (503, "not_ready")


async def test_checks_run_together_and_a_hanging_one_is_cut_short(
    probe: Probe,
) -> None:
    database_asked, nats_asked = asyncio.Event(), asyncio.Event()

    # Each check answers only once the other has been asked: run one after the other,
    # the first would wait for the timeout.
    async def database() -> None:
        database_asked.set()
        await nats_asked.wait()

    async def nats() -> None:
        nats_asked.set()
        await database_asked.wait()

    async def hangs() -> None:
        await asyncio.Event().wait()

    loop = asyncio.get_running_loop()
    started = loop.time()
    status, body = await readyz(
        probe({"database": database}, {"nats": nats, "search": hangs}, timeout_seconds=0.2)
    )

    assert loop.time() - started < 1.0
    assert (status, body) == (
        200,
        {
            "status": "degraded",
            "checks": {"database": "ok", "nats": "ok", "search": "failing: TimeoutError"},
        },
    )


async def test_liveness_asks_nothing_and_metrics_are_prometheus_text(
    probe: Probe,
) -> None:
    asked: list[str] = []

    async def database() -> None:
        asked.append("database")
        raise ConnectionRefusedError

    async with probe({"database": database}) as client:
        alive = await client.get("/healthz")
        metrics = await client.get("/metrics")

    assert (alive.status_code, alive.json()) == (200, {"status": "ok"})
    assert asked == []
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "# TYPE" in metrics.text
