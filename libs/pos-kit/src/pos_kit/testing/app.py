"""Drive an app in-process: its lifespan runs, requests go through the real middleware."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI


@asynccontextmanager
async def app_client(
    app: FastAPI, base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=("203.0.113.10", 50000))
        async with httpx.AsyncClient(transport=transport, base_url=base_url, timeout=30) as client:
            yield client


class CapturedLogs:
    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    def lines(self) -> list[dict[str, Any]]:
        out = []
        for line in self._stream.getvalue().splitlines():
            if line.strip():
                out.append(json.loads(line))
        return out

    def request_line(self, correlation_id: str) -> dict[str, Any]:
        """The log line of the request with `correlation_id`: there must be exactly one."""
        found = [
            line
            for line in self.lines()
            if line.get("event") == "request" and line.get("correlation_id") == correlation_id
        ]
        assert len(found) == 1, f"{len(found)} request log lines with {correlation_id!r}"
        return found[0]


@contextmanager
def captured_logs() -> Iterator[CapturedLogs]:
    """Collect the JSON log lines the service writes, exactly as it renders them."""
    root = logging.getLogger()
    formatter = root.handlers[0].formatter if root.handlers else None
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    if formatter is not None:
        handler.setFormatter(formatter)
    root.addHandler(handler)
    try:
        yield CapturedLogs(stream)
    finally:
        root.removeHandler(handler)


async def correlated_get(
    client: httpx.AsyncClient, path: str, *, correlation_id: str, headers: dict[str, str]
) -> tuple[httpx.Response, dict[str, Any]]:
    """A GET sent with `X-Correlation-ID: correlation_id`: its answer, which must echo the
    id, and the one request log line the service wrote for it."""
    with captured_logs() as logs:
        response = await client.get(path, headers={**headers, "X-Correlation-ID": correlation_id})
    assert response.headers["x-correlation-id"] == correlation_id
    return response, logs.request_line(correlation_id)
