"""The service kernel: what every service process is made of, assembled one way.

A service's `main.create_app` builds its use cases and hands the rest to the kernel:

    kernel = ServiceKernel(settings, outbox=outbox, token_verifier=token_verifier)
    use_cases = OrderUseCases(...)
    kernel.consume(inbox, SUBJECTS, event_handler(use_cases))      # if it reads events
    kernel.run_in_background(ExpirySweeper(kernel.database, ...))  # if it has jobs
    return kernel.create_app(title="POS core", routers=[...], use_cases=use_cases)

The kernel owns the database, the outbox relay, the event consumers, background
workers and token verification; the app it builds starts them in that order in the
background (the service serves while NATS is still away), stops them in reverse,
and answers /readyz with the database as required and NATS as degrading. Routers
reach what it built through `UoW`, `app_state(...)` and the security dependencies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, Protocol, cast

from fastapi import APIRouter, FastAPI
from sqlalchemy import Table

from pos_kit.app import create_service_app
from pos_kit.db import Database
from pos_kit.events.consumer import EventConsumer
from pos_kit.events.inbox import Inbox, SqlInbox, W, WorkHandler
from pos_kit.events.outbox import Outbox
from pos_kit.events.relay import OutboxRelay
from pos_kit.health import ReadinessCheck
from pos_kit.settings import ServiceSettings
from pos_kit.tokens import TokenVerifier, remote_verifier


class Worker(Protocol):
    """Anything that runs in the background while the app serves (relay, consumer, sweeper)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class ServiceKernel:
    """Database, events, workers and token verification of one service process."""

    def __init__(
        self,
        settings: ServiceSettings,
        *,
        outbox: Outbox | None = None,
        token_verifier: TokenVerifier | None = None,
        sql_database: bool = True,
    ) -> None:
        """`sql_database=False`: a service on another store (the chatbot's documents), with
        no engine, no outbox and no SQL inbox; it passes its store's check as readiness."""
        if outbox is not None and not sql_database:
            raise ValueError("an outbox lives in the service's SQL database")
        self.settings = settings
        self._database = (
            Database(
                settings.database_url,
                pool_size=settings.database_pool_size,
                max_overflow=settings.database_max_overflow,
            )
            if sql_database
            else None
        )
        self.token_verifier = token_verifier or remote_verifier(
            jwks_url=settings.jwks_url,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            cache_seconds=settings.jwks_cache_seconds,
        )
        self.relay: OutboxRelay | None = None
        self.consumers: list[EventConsumer[Any]] = []
        self._workers: list[Worker] = []
        self._on_shutdown: list[Callable[[], Awaitable[None]]] = []
        if outbox is not None:
            self.relay = OutboxRelay(
                self.database,
                outbox,
                nats_url=settings.nats_url,
                retention=timedelta(hours=settings.outbox_retention_hours),
            )
            self._workers.append(self.relay)

    @property
    def database(self) -> Database:
        """The service's SQL database (its engine and units of work)."""
        if self._database is None:
            raise RuntimeError(f"{self.settings.service_name} runs without a SQL database")
        return self._database

    def consume(
        self,
        inbox: Table | Inbox[W],
        subjects: Sequence[str],
        handler: WorkHandler[W],
        *,
        name: str | None = None,
    ) -> EventConsumer[W]:
        """Feed the events on `subjects` to `handler` through a durable consumer named after
        the service (or `name`), once each through `inbox` (a table: the inbox in the
        service's database, the handler gets a UnitOfWork), retried and dead-lettered as
        the settings say."""
        if isinstance(inbox, Table):
            inbox = cast(Inbox[W], SqlInbox(self.database, inbox))
        consumer = EventConsumer(
            inbox,
            self.settings.nats_url,
            name or self.settings.service_name,
            subjects,
            handler,
            max_deliver=self.settings.consumer_max_deliver,
            backoff_initial=self.settings.consumer_backoff_initial_seconds,
            backoff_max=self.settings.consumer_backoff_max_seconds,
        )
        self.consumers.append(consumer)
        self._workers.append(consumer)
        return consumer

    def run_in_background(self, worker: Worker) -> None:
        """Start `worker` with the app and stop it (before the database closes) at shutdown."""
        self._workers.append(worker)

    def on_shutdown(self, close: Callable[[], Awaitable[None]]) -> None:
        """Release something (an HTTP client) after the workers stopped, before the database."""
        self._on_shutdown.append(close)

    async def nats_ping(self) -> None:
        """For /readyz: the service's own NATS connections answer."""
        if self.relay is not None:
            await self.relay.ping()
        for consumer in self.consumers:
            await consumer.ping()

    def create_app(
        self,
        *,
        title: str,
        routers: Sequence[APIRouter],
        use_cases: object,
        readiness: Mapping[str, ReadinessCheck] | None = None,
        version: str = "1.0.0",
        state: Mapping[str, Any] | None = None,
    ) -> FastAPI:
        """The service's app: `use_cases` on `app.state.use_cases`, `state` beside it."""

        @asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            started: list[Worker] = []
            try:
                for worker in self._workers:
                    await worker.start()
                    started.append(worker)
                yield
            finally:
                for worker in reversed(started):
                    await worker.stop()
                for close in reversed(self._on_shutdown):
                    await close()
                if self._database is not None:
                    await self._database.dispose()

        has_nats = self.relay is not None or bool(self.consumers)
        app = create_service_app(
            settings=self.settings,
            title=title,
            routers=routers,
            readiness={
                **({"database": self._database.ping} if self._database is not None else {}),
                **(readiness or {}),
            },
            degrading={"nats": self.nats_ping} if has_nats else None,
            lifespan=lifespan,
            version=version,
        )
        app.state.database = self._database
        app.state.token_verifier = self.token_verifier
        app.state.use_cases = use_cases
        app.state.kernel = self
        for name, value in (state or {}).items():
            setattr(app.state, name, value)
        return app
