"""/healthz (alive), /readyz (what it depends on answers) and /metrics (Prometheus).

`/healthz` is the liveness check: the process answers, nothing more, so an outage
elsewhere never gets a healthy process restarted. `/readyz` runs the checks: a
failing *required* check (the database) makes the service not ready (503, taken out
of rotation); a failing *degrading* check (NATS: the outbox keeps events until it is
back) leaves it ready but reports it `degraded`, so the outage shows without
turning away the requests the service can still serve.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

ReadinessCheck = Callable[[], Awaitable[None]]


async def _run(check: ReadinessCheck, timeout_seconds: float) -> str:
    try:
        await asyncio.wait_for(check(), timeout=timeout_seconds)
    except Exception as exc:  # a failed check is an answer, not an error
        return f"failing: {type(exc).__name__}"
    return "ok"


def health_router(
    required: Mapping[str, ReadinessCheck],
    degrading: Mapping[str, ReadinessCheck] | None = None,
    timeout_seconds: float = 2.0,
    *,
    metrics: bool = True,
) -> APIRouter:
    """`metrics=False` for a process whose port faces the internet (the gateway): it
    serves its metrics on a port of the cluster's instead."""
    router = APIRouter(include_in_schema=False)
    degrading = degrading or {}

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        names = [*required, *degrading]
        checks = [*required.values(), *degrading.values()]
        outcomes = await asyncio.gather(*(_run(check, timeout_seconds) for check in checks))
        results = dict(zip(names, outcomes, strict=True))
        if any(results[name] != "ok" for name in required):
            status, code = "not_ready", 503
        elif any(results[name] != "ok" for name in degrading):
            status, code = "degraded", 200
        else:
            status, code = "ready", 200
        return JSONResponse({"status": status, "checks": results}, status_code=code)

    if metrics:

        @router.get("/metrics")
        async def prometheus_metrics() -> Response:
            return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
