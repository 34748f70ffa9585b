"""What a service's tests run against: its own nats-server, PostgreSQL database and app.

A service's `tests/conftest.py` describes the service once (`ServiceUnderTest`); the
pytest plugin (`pos_kit.testing.plugin`) then gives its tests the same fixtures as
every other service's: `nats_server`, `database_url`, `tokens`, `settings`, `app`,
`client`, `bus`, `tenant`. Each service gets its own server and database, started on
first use and kept for the test session; one session runs the tests of every
service, so the kits live in a registry keyed by the service's name.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from pos_kit.db import Database
from pos_kit.events.testing import wait_until
from pos_kit.migrations import locate_alembic_ini
from pos_kit.settings import ServiceSettings
from pos_kit.testing.app import app_client
from pos_kit.testing.bus import EventBus
from pos_kit.testing.nats import NatsServer, running_nats_server
from pos_kit.testing.postgres import fresh_database
from pos_kit.testing.tokens import TestTokens

# What every service's tests want of the settings: fast retries, so that a failing
# event reaches the dead letters in about a second rather than minutes.
TEST_SETTINGS: dict[str, Any] = {
    "environment": "test",
    "consumer_max_deliver": 2,
    "consumer_backoff_initial_seconds": 0.2,
    "consumer_backoff_max_seconds": 1.0,
    # One pytest process holds every service's engine at once, and the end-to-end
    # system's services share the same PostgreSQL: keep few idle connections each.
    "database_pool_size": 2,
    "database_max_overflow": 18,
}


@dataclass(frozen=True)
class ServiceUnderTest:
    """How to build one service for its tests; `ServiceUnderTest.of(create_app, ...)` for a
    service whose `create_app` is as the kernel expects it.

    `settings` takes the field values (database and NATS URLs, the test defaults and a
    test's overrides) and returns the service's settings, adding its own; `create_app`
    is called as `create_app(settings, token_verifier=...)` with a verifier that trusts
    `tokens`. `alembic_ini` is found unless given, as the service's `migrate` finds it
    from the package of its settings class; a service without one has no database of
    its own.
    """

    name: str
    settings: Callable[..., ServiceSettings]
    create_app: Callable[..., FastAPI]
    alembic_ini: Path | None = None
    uses_nats: bool = True
    defaults: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.alembic_ini is None:
            object.__setattr__(self, "alembic_ini", service_alembic_ini(self.settings))

    @classmethod
    def of(cls, create_app: Callable[..., FastAPI], **defaults: Any) -> ServiceUnderTest:
        """The service that `create_app(settings, *, token_verifier)` builds, with `defaults`
        for its test settings: its settings class is the one `settings` is annotated with,
        and its name that class's `service_name`."""
        settings = settings_class(create_app)
        name = settings.model_fields["service_name"].default
        return cls(name=name, settings=settings, create_app=create_app, defaults=defaults)


def settings_class(create_app: Callable[..., FastAPI]) -> type[ServiceSettings]:
    """The settings class that `create_app`'s `settings` parameter is annotated with."""
    hint = typing.get_type_hints(create_app).get("settings")
    for candidate in (hint, *typing.get_args(hint)):
        if isinstance(candidate, type) and issubclass(candidate, ServiceSettings):
            return candidate
    raise TypeError(f"{create_app.__qualname__}(settings: ...) names no ServiceSettings class")


def service_alembic_ini(settings: Callable[..., Any]) -> Path | None:
    """The alembic.ini of the service whose settings class this is, found as its own
    `migrate` finds it (beside its package, or in its source tree); None for a service
    with no database of its own."""
    try:
        module_file = inspect.getsourcefile(settings)
    except TypeError:
        return None
    if module_file is None:
        return None
    try:
        return locate_alembic_ini(None, module_file)
    except FileNotFoundError:
        return None


class ServiceKit:
    """One service's test resources, each made on first use and kept until the session ends."""

    def __init__(self, service: ServiceUnderTest, stack: AsyncExitStack) -> None:
        self.service = service
        self.tokens = TestTokens()
        self._stack = stack
        self._nats: NatsServer | None = None
        self._database_url: str | None = None
        self._app: FastAPI | None = None
        self._client: httpx.AsyncClient | None = None
        self._bus: EventBus | None = None
        self._database: Database | None = None

    def nats_server(self) -> NatsServer:
        if self._nats is None:
            self._nats = self._stack.enter_context(running_nats_server())
        return self._nats

    def database_url(self) -> str:
        if self._database_url is None:
            if self.service.alembic_ini is None:
                raise RuntimeError(f"{self.service.name} has no database of its own")
            prefix = f"pos_{self.service.name.replace('-', '_')}_test"
            database = fresh_database(prefix, self.service.alembic_ini)
            # Alembic's env runs its own event loop (asyncio.run); a fixture may ask for the
            # database from inside the test's loop, so the migrations run in a thread.
            with ThreadPoolExecutor(max_workers=1) as thread:
                self._database_url = thread.submit(self._stack.enter_context, database).result()
        return self._database_url

    def settings(self, **overrides: Any) -> Any:
        """The service's test settings; `overrides` for a test that needs other values."""
        values: dict[str, Any] = {**TEST_SETTINGS, **self.service.defaults}
        if self.service.alembic_ini is not None:
            values["database_url"] = self.database_url()
        if self.service.uses_nats:
            values["nats_url"] = self.nats_server().url
        values.update(overrides)
        return self.service.settings(**values)

    def create_app(self, **overrides: Any) -> FastAPI:
        """A new instance of the app (a second process of the service, as it were)."""
        return self.service.create_app(
            self.settings(**overrides), token_verifier=self.tokens.verifier()
        )

    def app(self) -> FastAPI:
        if self._app is None:
            self._app = self.create_app()
        return self._app

    async def client(self) -> httpx.AsyncClient:
        """An in-process client of the app, whose lifespan runs until the session ends."""
        if self._client is None:
            self._client = await self._stack.enter_async_context(app_client(self.app()))
        return self._client

    @asynccontextmanager
    async def other_client(self, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        """A client of another instance of the app with other settings, for one test."""
        async with app_client(self.create_app(**overrides)) as client:
            yield client

    def database(self) -> Database:
        """The test database, to read what the service stored (closed when the session ends)."""
        if self._database is None:
            self._database = Database(self.database_url(), pool_size=2, max_overflow=8)
            self._stack.push_async_callback(self._database.dispose)
        return self._database

    async def handled(self, event_id: str, *, within: float = 10.0) -> None:
        """Wait until the service's consumer has handled an event (its inbox has the id)."""

        async def in_inbox() -> bool:
            async with self.database().unit_of_work() as uow:
                found = await uow.session.scalar(
                    text("SELECT count(*) FROM inbox WHERE event_id = :id"), {"id": event_id}
                )
            return bool(found)

        await wait_until(in_inbox, within=within, what=f"event {event_id} to be handled")

    async def bus(self) -> EventBus:
        if self._bus is None:
            self._bus = await EventBus.connect(self.nats_server().url)
            self._stack.push_async_callback(self._bus.close)
        return self._bus


class ServiceKits:
    """The kits of every service whose tests ran in this session."""

    def __init__(self, stack: AsyncExitStack) -> None:
        self._stack = stack
        self._kits: dict[str, ServiceKit] = {}

    def kit_for(self, service: ServiceUnderTest) -> ServiceKit:
        kit = self._kits.get(service.name)
        if kit is None:
            kit = self._kits[service.name] = ServiceKit(service, self._stack)
        return kit
