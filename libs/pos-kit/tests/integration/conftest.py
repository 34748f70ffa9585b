"""What the integration tests share: the two databases the kernel's SQL must behave the same on
(PostgreSQL and a SQLite file), and a real nats-server for the event workers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

import nats
import pytest
import sqlalchemy as sa
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from pos_kit.db import Database
from pos_kit.events.worker import BackgroundWorker
from pos_kit.testing.nats import NatsServer, running_nats_server
from pos_kit.testing.postgres import fresh_database

W = TypeVar("W", bound=BackgroundWorker)
DatabaseOpener = Callable[[str, sa.MetaData], Awaitable[Database]]
Starter = Callable[[Any], Awaitable[Any]]


@pytest.fixture(scope="session", params=["postgresql", "sqlite"])
def backend_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database of each backend (production's, then `make run`'s), shared by the modules
    that use it: each creates its own tables."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'service.db'}"
        return
    with fresh_database(prefix="pos_kit_kernel") as url:
        yield url


@pytest.fixture
async def open_database() -> AsyncIterator[DatabaseOpener]:
    """`await open_database(url, metadata)`: a service's database with its tables created,
    disposed of when the test ends."""
    opened: list[Database] = []

    async def open_(url: str, metadata: sa.MetaData) -> Database:
        database = Database(url)
        opened.append(database)
        async with database.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        return database

    yield open_
    for database in opened:
        await database.dispose()


@pytest.fixture
def broker() -> Iterator[NatsServer]:
    """A nats-server of the test's own, which the test may stop, freeze and restart. (Not the
    plugin's `nats_server`: that one belongs to a `service` under test, as in test_kernel.)"""
    with running_nats_server() as server:
        yield server


@pytest.fixture
async def js(broker: NatsServer) -> AsyncIterator[JetStreamContext]:
    # The test's own client; it reconnects fast when a test restarts the server.
    nc: NatsClient = await nats.connect(
        broker.url, reconnect_time_wait=0.1, max_reconnect_attempts=-1
    )
    yield nc.jetstream()
    await nc.close()


# It asks for the broker and the database opener so as to end before them: pytest tears
# fixtures down in the reverse order it set them up.
@pytest.fixture
async def started(broker: NatsServer, open_database: DatabaseOpener) -> AsyncIterator[Starter]:
    """`await started(worker)`: the worker running in the background, stopped when the
    test ends, before the broker and the databases it works with."""
    workers: list[BackgroundWorker] = []

    async def start(worker: W) -> W:
        await worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        await worker.stop()


@pytest.fixture
def start_worker(broker: NatsServer, started: Starter) -> Callable[..., Awaitable[Any]]:
    """`await start_worker(Worker, **options)`: a `Worker` on the test's nats-server, quick to
    retry and to reconnect unless `options` say otherwise, running until the test ends."""

    async def start(worker: Callable[..., BackgroundWorker], **options: Any) -> Any:
        fast = {"nats_url": broker.url, "backoff_initial": 0.05, "reconnect_time_wait": 0.1}
        return await started(worker(**{**fast, **options}))

    return start
