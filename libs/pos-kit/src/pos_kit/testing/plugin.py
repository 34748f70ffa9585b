"""The pytest plugin every service's tests use (pos-kit's `pytest11` entry point).

Markers by path: a test under an `integration/` folder is marked `integration`, one
under `e2e/` is marked `e2e`, so `make test-unit` can leave both out without each
file saying what it is.

Fixtures, once a service's `tests/conftest.py` defines `service` (a `ServiceUnderTest`):

| fixture | what |
|---|---|
| `kit` | the service's `ServiceKit` (settings with overrides, another app instance) |
| `nats_server` | its own nats-server, on a free port |
| `database_url` | a fresh PostgreSQL database migrated by its Alembic history |
| `tokens` | `TestTokens`: tokens of any tenant and role the app trusts |
| `settings`, `app` | its test settings, and the app built from them |
| `client` | an in-process HTTP client of the app, its lifespan running |
| `bus` | an `EventBus` on its nats-server: publish events, read streams and dead letters |
| `restaurant`, `another_restaurant` | two tenants from `restaurant_factory` (overridable) |
| `handled` | `await handled(event_id)`: wait until the service's consumer handled an event |

A service's conftest overrides `restaurant_factory` to make its own `TestTenant`
subclass. They are function-scoped handles on resources made once per service and kept for
the session (one session runs every service's tests; see `kit.py` for why).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from pos_kit.testing.bus import EventBus
from pos_kit.testing.kit import ServiceKit, ServiceKits, ServiceUnderTest
from pos_kit.testing.nats import NatsServer
from pos_kit.testing.tenants import TestTenant
from pos_kit.testing.tokens import TestTokens

MARKERS = {
    "integration": "talks to real PostgreSQL and/or nats-server (tests under integration/)",
    "e2e": "starts real processes and drives them over HTTP (tests under e2e/)",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folders = item.path.parts[:-1]
        for name in MARKERS:
            if name in folders:
                item.add_marker(name)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def service_kits() -> AsyncIterator[ServiceKits]:
    async with AsyncExitStack() as stack:
        yield ServiceKits(stack)


@pytest.fixture
def kit(service: ServiceUnderTest, service_kits: ServiceKits) -> ServiceKit:
    return service_kits.kit_for(service)


@pytest.fixture
def nats_server(kit: ServiceKit) -> NatsServer:
    return kit.nats_server()


@pytest.fixture
def database_url(kit: ServiceKit) -> str:
    return kit.database_url()


@pytest.fixture
def tokens(kit: ServiceKit) -> TestTokens:
    return kit.tokens


@pytest.fixture
def settings(kit: ServiceKit) -> Any:
    return kit.settings()


@pytest.fixture
def app(kit: ServiceKit) -> FastAPI:
    return kit.app()


@pytest_asyncio.fixture(loop_scope="session")
async def client(kit: ServiceKit) -> httpx.AsyncClient:
    return await kit.client()


@pytest_asyncio.fixture(loop_scope="session")
async def bus(kit: ServiceKit) -> EventBus:
    return await kit.bus()


@pytest.fixture
def handled(kit: ServiceKit) -> Callable[..., Awaitable[None]]:
    return kit.handled


@pytest.fixture
def restaurant_factory(tokens: TestTokens) -> Callable[[], TestTenant]:
    """How a test makes a restaurant; a service overrides it to make its own kind."""
    return lambda: TestTenant(tokens)


@pytest.fixture
def restaurant(restaurant_factory: Callable[[], TestTenant]) -> TestTenant:
    return restaurant_factory()


@pytest.fixture
def another_restaurant(restaurant_factory: Callable[[], TestTenant]) -> TestTenant:
    return restaurant_factory()
