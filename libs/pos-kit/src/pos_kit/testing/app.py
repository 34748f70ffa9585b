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
