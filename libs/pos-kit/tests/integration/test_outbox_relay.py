"""Outbox and relay against real PostgreSQL (and SQLite) and a real nats-server.

What is checked is what a consumer of POS_EVENTS could observe: which messages the
stream holds, in which order, under which Nats-Msg-Id, and how the outbox table
looks afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import nats
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from nats.js import JetStreamContext
from prometheus_client import REGISTRY

from pos_kit.context import request_context
from pos_kit.db import Database
from pos_kit.events import (
    DLQ_STREAM,
    EVENTS_STREAM,
    Event,
    Outbox,
    OutboxRelay,
    StreamLimits,
    create_outbox_tables,
    drop_outbox_tables,
    ensure_stream,
    inbox_table,
    outbox_table,
)
from pos_kit.events.testing import stream_messages, wait_until
from pos_kit.testing.nats import NatsServer
from pos_kit.testing.postgres import fresh_database

TENANT_A = str(uuid.uuid4())
TENANT_B = str(uuid.uuid4())

# The fixtures' types: the conftest's database opener and worker starter, this module's factory.
DatabaseOpener = Callable[[str, sa.MetaData], Awaitable[Database]]
Starter = Callable[..., Awaitable[Any]]
RelayFactory = Callable[..., Awaitable[OutboxRelay]]


@dataclass
class Schema:
    metadata: sa.MetaData
    outbox: sa.Table
    inbox: sa.Table

    @property
    def events(self) -> Outbox:
        """The producing service's outbox, as its `adapters/tables.py` declares it."""
        return Outbox(self.outbox, source="pos-core")


def make_schema() -> Schema:
    metadata = sa.MetaData()
    return Schema(metadata, outbox_table(metadata), inbox_table(metadata))


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_database(prefix="pos_kit_outbox") as url:
        yield url


@pytest.fixture
def schema() -> Schema:
    return make_schema()


@pytest.fixture
async def db(pg_url: str, schema: Schema, open_database: DatabaseOpener) -> Database:
    return await open_database(pg_url, schema.metadata)


@pytest.fixture
def start_relay(db: Database, schema: Schema, start_worker: Starter) -> RelayFactory:
    """`await start_relay(**overrides)`: a relay of the test's outbox, running."""
    return functools.partial(
        start_worker,
        OutboxRelay,
        database=db,
        outbox=schema.events,
        poll_interval=0.1,
        publish_timeout=1.0,
        backoff_max=0.3,
    )


async def record_order_events(
    db: Database, schema: Schema, count: int, *, tenant: str = TENANT_A
) -> list[Event]:
    """One committed transaction recording `count` order events."""
    async with db.unit_of_work() as uow:
        return [
            await schema.events.record_event(
                uow,
                type="order.placed",
                data={"order_id": str(uuid.uuid4()), "line": n},
                tenant_id=tenant,
            )
            for n in range(count)
        ]


async def record_then_fail(db: Database, schema: Schema) -> None:
    """A use case that records an event, then fails: its transaction rolls back."""
    async with db.unit_of_work() as uow:
        await schema.events.record_event(uow, type="order.placed", data={}, tenant_id=TENANT_A)
        raise RuntimeError("payment declined")


async def ids_in_stream(js: JetStreamContext) -> list[str]:
    return [json.loads(msg.data or b"{}")["id"] for msg in await stream_messages(js)]


async def wait_for_stream(js: JetStreamContext, count: int, within: float = 10.0) -> list[str]:
    async def enough() -> bool:
        return len(await ids_in_stream(js)) >= count

    await wait_until(enough, within=within, what=f"{count} messages on {EVENTS_STREAM}")
    return await ids_in_stream(js)


async def outbox_rows(db: Database, schema: Schema) -> list[sa.Row[Any]]:
    async with db.unit_of_work() as uow:
        result = await uow.session.execute(sa.select(schema.outbox).order_by(schema.outbox.c.seq))
        return list(result.all())


def duplicates_seen(outbox: str = "outbox") -> float:
    value = REGISTRY.get_sample_value("pos_outbox_duplicates_total", {"outbox": outbox})
    return value or 0.0


async def test_committed_events_reach_the_stream_once_in_seq_order(
    db: Database, schema: Schema, js: JetStreamContext, start_relay: RelayFactory
) -> None:
    # A poll interval far beyond the wait below: only the commits waking the relay can
    # explain a fast arrival.
    relay = await start_relay(poll_interval=30.0)
    await wait_until(lambda: _has_stream(js), what="the relay to provision the stream")

    started = time.monotonic()
    recorded = await record_order_events(db, schema, 3, tenant=TENANT_A)
    recorded += await record_order_events(db, schema, 2, tenant=TENANT_B)
    with request_context(correlation_id="corr-from-request", tenant_id=TENANT_A):
        async with db.unit_of_work() as uow:
            recorded.append(await schema.events.record_event(uow, type="order.paid", data={}))

    ids = await wait_for_stream(js, 6, within=5.0)
    assert time.monotonic() - started < 5.0
    assert ids == [event.id for event in recorded]

    messages = await stream_messages(js)
    assert [m.subject for m in messages] == ["pos.events.order.placed"] * 5 + [
        "pos.events.order.paid"
    ]
    assert [m.headers and m.headers["Nats-Msg-Id"] for m in messages] == ids
    last = Event.from_json(messages[-1].data or b"")
    assert last == recorded[-1]
    assert (last.tenantid, last.correlationid) == (TENANT_A, "corr-from-request")
    assert messages[-1].headers
    assert messages[-1].headers["X-Correlation-ID"] == "corr-from-request"

    await wait_until(
        lambda: _all_published(db, schema), what="published_at on every row", within=5.0
    )
    assert [row.attempts for row in await outbox_rows(db, schema)] == [1] * 6
    # Later polls find nothing to send: still exactly one copy of each.
    relay.notify()
    await asyncio.sleep(0.3)
    assert await ids_in_stream(js) == ids


async def test_a_background_jobs_commit_wakes_the_relay_and_not_before(
    db: Database, schema: Schema, js: JetStreamContext, start_relay: RelayFactory
) -> None:
    # With a 30 s poll, only a wake-up explains an event out within seconds; a wake-up
    # spent before the commit would find nothing and let the relay sleep past it.
    await start_relay(poll_interval=30.0)
    await wait_until(lambda: _has_stream(js), what="the relay to provision the stream")

    async with db.unit_of_work() as uow:  # no request around it: a sweeper, a dispatcher
        event = await schema.events.record_event(
            uow, type="order.expired", data={}, tenant_id=TENANT_A
        )
        await asyncio.sleep(0.3)  # long enough for a premature wake-up to be spent

    assert await wait_for_stream(js, 1, within=3.0) == [event.id]


async def test_a_rolled_back_transaction_publishes_nothing(
    db: Database, schema: Schema, js: JetStreamContext, start_relay: RelayFactory
) -> None:
    await start_relay()

    with pytest.raises(RuntimeError, match="payment declined"):
        await record_then_fail(db, schema)
    committed = await record_order_events(db, schema, 1)

    # The relay works in seq order, so once the later, committed event is out, the
    # rolled-back one would have been too.
    assert await wait_for_stream(js, 1) == [committed[0].id]
    assert len(await outbox_rows(db, schema)) == 1


async def test_recording_works_while_nats_is_down_and_events_arrive_once_after(
    db: Database,
    schema: Schema,
    js: JetStreamContext,
    broker: NatsServer,
    start_relay: RelayFactory,
) -> None:
    await start_relay()
    before = await record_order_events(db, schema, 1)
    await wait_for_stream(js, 1)

    broker.stop()
    started = time.monotonic()
    during = []
    for tenant in (TENANT_A, TENANT_B, TENANT_A, TENANT_B):
        during += await record_order_events(db, schema, 2, tenant=tenant)
    assert time.monotonic() - started < 1.0, "recording must not wait for NATS"
    await asyncio.sleep(0.5)  # the relay fails and backs off meanwhile
    assert sum(row.published_at is None for row in await outbox_rows(db, schema)) == 8

    broker.start()

    ids = await wait_for_stream(js, 9)
    assert ids == [event.id for event in before + during]
    await wait_until(lambda: _all_published(db, schema), what="every row marked published")
    await asyncio.sleep(0.3)
    assert len(await ids_in_stream(js)) == 9


async def test_a_frozen_broker_delays_events_but_never_duplicates_them(
    db: Database,
    schema: Schema,
    js: JetStreamContext,
    broker: NatsServer,
    start_relay: RelayFactory,
) -> None:
    await start_relay(publish_timeout=0.3)
    await wait_until(lambda: _has_stream(js), what="the stream")

    broker.pause()  # connections stay open, nothing answers: publishes time out
    try:
        recorded = await record_order_events(db, schema, 4)
        await asyncio.sleep(1.0)
    finally:
        broker.resume()

    # Timed-out publishes the client had buffered reach the server late, beside the
    # retries; Nats-Msg-Id keeps one copy of each, in order.
    assert await wait_for_stream(js, 4) == [e.id for e in recorded]
    await wait_until(lambda: _all_published(db, schema), what="rows marked")
    await asyncio.sleep(0.3)
    assert await ids_in_stream(js) == [e.id for e in recorded]
    assert (await outbox_rows(db, schema))[0].attempts >= 2


async def test_the_relay_starts_while_nats_is_down(
    db: Database,
    schema: Schema,
    broker: NatsServer,
    start_relay: RelayFactory,
) -> None:
    broker.stop()
    started = time.monotonic()
    relay = await start_relay()
    assert time.monotonic() - started < 0.5, "start() must not wait for NATS"
    recorded = await record_order_events(db, schema, 3)
    await asyncio.sleep(0.3)
    assert relay.running

    broker.start()
    nc = await nats.connect(broker.url)
    try:
        assert await wait_for_stream(nc.jetstream(), 3) == [e.id for e in recorded]
    finally:
        await nc.close()


async def test_a_failed_publish_holds_back_the_rows_behind_it(
    db: Database,
    schema: Schema,
    js: JetStreamContext,
    start_relay: RelayFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorded = await record_order_events(db, schema, 3)
    stuck = recorded[1].id
    failures_left = {stuck: 3}
    real_publish = JetStreamContext.publish

    async def flaky_publish(
        self: JetStreamContext, subject: str, payload: bytes = b"", **kw: Any
    ) -> Any:
        msg_id = (kw.get("headers") or {}).get("Nats-Msg-Id")
        if failures_left.get(msg_id, 0) > 0:
            failures_left[msg_id] -= 1
            raise nats.errors.TimeoutError
        return await real_publish(self, subject, payload, **kw)

    monkeypatch.setattr(JetStreamContext, "publish", flaky_publish)
    await start_relay()

    assert await wait_for_stream(js, 3) == [e.id for e in recorded]
    rows = await outbox_rows(db, schema)
    assert [row.attempts for row in rows] == [1, 4, 1]


async def test_a_republished_row_is_dropped_by_the_stream_as_a_duplicate(
    db: Database, schema: Schema, js: JetStreamContext, start_relay: RelayFactory
) -> None:
    relay = await start_relay()
    recorded = await record_order_events(db, schema, 2)
    await wait_for_stream(js, 2)
    await wait_until(lambda: _all_published(db, schema), what="both rows published")
    duplicates_before = duplicates_seen()

    # As if the relay had crashed between the publish ack and marking the row.
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            sa.update(schema.outbox)
            .where(schema.outbox.c.id == recorded[0].id)
            .values(published_at=None)
        )
    relay.notify()
    await wait_until(lambda: _all_published(db, schema), what="the row published again")

    assert await ids_in_stream(js) == [e.id for e in recorded]
    assert duplicates_seen() == duplicates_before + 1
    assert [row.attempts for row in await outbox_rows(db, schema)] == [2, 1]


async def test_published_rows_are_purged_after_the_retention_period(
    db: Database, schema: Schema, js: JetStreamContext, start_relay: RelayFactory
) -> None:
    old, recent = await record_order_events(db, schema, 2)
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            sa.update(schema.outbox)
            .where(schema.outbox.c.id == old.id)
            .values(published_at=datetime.now(UTC) - timedelta(days=8))
        )

    # The loop purges on start, then every purge_interval.
    await start_relay(retention=timedelta(days=7), purge_interval=timedelta(seconds=0.2))

    async def old_row_gone() -> bool:
        return [row.id for row in await outbox_rows(db, schema)] == [recent.id]

    await wait_until(old_row_gone, what="the old row to be purged")
    # The recent row was published (it was unpublished) and is kept.
    await wait_until(lambda: _all_published(db, schema), what="the recent row published")
    await asyncio.sleep(0.4)
    assert [row.id for row in await outbox_rows(db, schema)] == [recent.id]


async def test_two_relays_on_one_database_publish_in_order_without_duplicates(
    pg_url: str,
    schema: Schema,
    js: JetStreamContext,
    start_relay: RelayFactory,
    open_database: DatabaseOpener,
) -> None:
    # Two engines stand for two processes of the same service.
    other_process = await open_database(pg_url, schema.metadata)
    first = await start_relay()
    await start_relay(database=other_process)
    duplicates_before = duplicates_seen()
    recorded: list[Event] = []
    for n in range(15):
        recorded += await record_order_events(
            other_process if n % 2 else first.database,
            schema,
            2,
            tenant=TENANT_A if n % 3 else TENANT_B,
        )

    assert await wait_for_stream(js, 30) == [e.id for e in recorded]
    await asyncio.sleep(0.3)
    assert len(await ids_in_stream(js)) == 30
    # The lease let one relay publish at a time: neither re-sent the other's rows.
    assert duplicates_seen() == duplicates_before


async def test_a_tenants_transactions_recording_events_commit_in_seq_order(
    db: Database, schema: Schema
) -> None:
    first_recorded = asyncio.Event()
    commits: list[str] = []

    async def slow_first() -> None:
        async with db.unit_of_work() as uow:
            await schema.events.record_event(uow, type="order.placed", data={}, tenant_id=TENANT_A)
            first_recorded.set()
            await asyncio.sleep(0.3)
        commits.append("first")

    async def second(tenant: str, label: str) -> float:
        await first_recorded.wait()
        started = time.monotonic()
        async with db.unit_of_work() as uow:
            await schema.events.record_event(uow, type="order.placed", data={}, tenant_id=tenant)
            waited = time.monotonic() - started
        commits.append(label)
        return waited

    _, same_tenant_wait, other_tenant_wait = await asyncio.gather(
        slow_first(), second(TENANT_A, "same tenant"), second(TENANT_B, "other tenant")
    )

    # The same tenant's second transaction waited for the first to commit, so its
    # seq (handed out after that) is both higher and committed later.
    assert same_tenant_wait >= 0.2
    assert other_tenant_wait < 0.2
    assert commits == ["other tenant", "first", "same tenant"]
    rows = await outbox_rows(db, schema)
    assert [row.tenant_id for row in rows] == [TENANT_A, TENANT_B, TENANT_A]


async def test_republish_after_the_broker_lost_the_stream(
    db: Database, schema: Schema, js: JetStreamContext, start_relay: RelayFactory
) -> None:
    relay = await start_relay()
    since = datetime.now(UTC) - timedelta(seconds=1)
    recorded = await record_order_events(db, schema, 3)
    await wait_for_stream(js, 3)
    await wait_until(lambda: _all_published(db, schema), what="rows published")

    await js.delete_stream(EVENTS_STREAM)
    assert await relay.republish(since=since) == 3

    # The relay re-creates the stream it finds missing and sends the kept rows again.
    assert await wait_for_stream(js, 3) == [e.id for e in recorded]


async def test_ensure_stream_creates_then_updates_both_streams(js: JetStreamContext) -> None:
    await ensure_stream(js)
    await ensure_stream(js)  # idempotent
    await ensure_stream(js, StreamLimits(max_age=timedelta(days=3)))

    events = await js.stream_info(EVENTS_STREAM)
    assert events.config.subjects == ["pos.events.>"]
    assert events.config.storage == "file"
    assert events.config.duplicate_window == 120
    assert events.config.max_age == timedelta(days=3).total_seconds()
    dlq = await js.stream_info(DLQ_STREAM)
    assert dlq.config.subjects == ["pos.dlq.>"]
    assert dlq.config.max_age == timedelta(days=30).total_seconds()


async def test_outbox_and_relay_on_sqlite(
    tmp_path: Path,
    js: JetStreamContext,
    broker: NatsServer,
    open_database: DatabaseOpener,
    started: Starter,
) -> None:
    schema = make_schema()
    db = await open_database(f"sqlite:///{tmp_path / 'service.db'}", schema.metadata)
    await started(
        OutboxRelay(db, schema.events, broker.url, poll_interval=0.1, reconnect_time_wait=0.1)
    )
    with pytest.raises(RuntimeError):
        await record_then_fail(db, schema)
    recorded = await record_order_events(db, schema, 2)
    recorded += await record_order_events(db, schema, 1, tenant=TENANT_B)

    assert await wait_for_stream(js, 3) == [e.id for e in recorded]
    await wait_until(lambda: _all_published(db, schema), what="rows marked on SQLite")
    assert [row.id for row in await outbox_rows(db, schema)] == [e.id for e in recorded]


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
async def test_migration_helpers_create_what_the_metadata_describes(
    backend: str, tmp_path: Path
) -> None:
    schema = make_schema()
    database_url = (
        fresh_database(prefix="pos_kit_migr")
        if backend == "postgresql"
        else contextlib.nullcontext(f"sqlite:///{tmp_path / 'migr.db'}")
    )
    with database_url as url:
        db = Database(url)
        try:
            async with db.engine.begin() as conn:

                def upgrade_and_compare(sync_conn: sa.Connection) -> list[Any]:
                    migration = MigrationContext.configure(sync_conn)
                    create_outbox_tables(Operations(migration))
                    return list(compare_metadata(migration, schema.metadata))

                differences = await conn.run_sync(upgrade_and_compare)
                assert differences == []

                def downgrade(sync_conn: sa.Connection) -> set[str]:
                    drop_outbox_tables(Operations(MigrationContext.configure(sync_conn)))
                    return set(sa.inspect(sync_conn).get_table_names())

                assert not {"outbox", "inbox"} & await conn.run_sync(downgrade)
        finally:
            await db.dispose()


async def _has_stream(js: JetStreamContext) -> bool:
    try:
        await js.stream_info(EVENTS_STREAM)
    except nats.js.errors.NotFoundError:
        return False
    return True


async def _all_published(db: Database, schema: Schema) -> bool:
    rows = await outbox_rows(db, schema)
    return bool(rows) and all(row.published_at is not None for row in rows)
