"""The gateway in process, for unit and integration tests alike."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import httpx
import pytest
from asgi_lifespan import LifespanManager

from pos_gateway.config import GatewaySettings
from pos_gateway.main import create_app


@contextlib.asynccontextmanager
async def gateway_client(settings: GatewaySettings) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway in process (ASGI transport): fine for everything but live streaming."""
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway.test"
        ) as client,
    ):
        yield client


@pytest.fixture
def open_gateway() -> Callable[[GatewaySettings], AbstractAsyncContextManager[httpx.AsyncClient]]:
    return gateway_client
