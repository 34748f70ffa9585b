"""The event consumer against real PostgreSQL (and SQLite) and a real nats-server.

The handler under test opens a kitchen ticket per event: one row in a test table
with no unique key, so a second effect of the same event would show as a second
row. It reads the event's data (`parse_data`) after writing, so data it cannot use
also proves the write was rolled back. Dead letters are read back from the POS_DLQ
stream.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections import Counter as Tally
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nats
import pytest
import sqlalchemy as sa
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from prometheus_client import REGISTRY

from pos_kit import context
from pos_kit.db import Database
from pos_kit.events import (
    DLQ_STREAM,
    EVENTS_STREAM,
    Event,
    EventConsumer,
    EventData,
    SqlInbox,
    dlq_subject,
    ensure_stream,
    inbox_table,
    outbox_table,
    parse_data,
)
from pos_kit.events.testing import stream_messages, wait_until
from pos_kit.testing.nats import NatsServer
from pos_kit.testing.postgres import fresh_database
from pos_kit.uow import UnitOfWork

TENANT = str(uuid.uuid4())
MAX_DELIVER = 3

# The fixtures' types: the conftest's database opener and worker starter, this module's factory.
DatabaseOpener = Callable[[str, sa.MetaData], Awaitable[Database]]
Starter = Callable[..., Awaitable[Any]]
ConsumerFactory = Callable[..., Awaitable[EventConsumer]]


class OrderRef(EventData):
    order_id: uuid.UUID


@dataclass
class Kitchen:
    """The consuming service's schema and a scriptable handler."""

    metadata: sa.MetaData = field(default_factory=sa.MetaData)
    fail_times: dict[str, int] = field(default_factory=dict)
    failure: Callable[[], Exception] = lambda: RuntimeError("printer on fire")
    calls: Tally[str] = field(default_factory=Tally)

    def __post_init__(self) -> None:
        self.inbox = inbox_table(self.metadata)
        outbox_table(self.metadata)
        self.tickets = sa.Table(
            "kitchen_tickets",
            self.metadata,
            sa.Column("n", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("event_id", sa.String(36), nullable=False),
            sa.Column("tenant_id", sa.String(64), nullable=False),
            sa.Column("correlation_id", sa.String(128)),
        )

    async def open_ticket(self, uow: UnitOfWork, event: Event) -> None:
        self.calls[event.id] += 1
        await uow.session.execute(
            sa.insert(self.tickets).values(
                event_id=event.id,
                tenant_id=context.current_tenant_id(),
                correlation_id=context.current_correlation_id(),
            )
        )
        # Fails after writing, so a failure also proves the write was rolled back.
        parse_data(event, OrderRef)
        if self.fail_times.get(event.id, 0) > 0:
            self.fail_times[event.id] -= 1
            raise self.failure()

    async def tickets_for(self, db: Database, event_id: str | None = None) -> list[sa.Row[Any]]:
        query = sa.select(self.tickets).order_by(self.tickets.c.n)
        if event_id is not None:
            query = query.where(self.tickets.c.event_id == event_id)
        async with db.unit_of_work() as uow:
            return list((await uow.session.execute(query)).all())


@pytest.fixture
def kitchen() -> Kitchen:
    return Kitchen()


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_database(prefix="pos_kit_consumer") as url:
        yield url


@pytest.fixture
async def db(pg_url: str, kitchen: Kitchen, open_database: DatabaseOpener) -> Database:
    return await open_database(pg_url, kitchen.metadata)


@pytest.fixture
async def js(js: JetStreamContext) -> JetStreamContext:
    """The test's own client, on a broker whose streams exist before any consumer starts."""
    await ensure_stream(js)
    return js


@pytest.fixture
def start_consumer(db: Database, kitchen: Kitchen, start_worker: Starter) -> ConsumerFactory:
    """`await start_consumer(**overrides)`: notification's consumer of order events, running."""
    return functools.partial(
        start_worker,
        EventConsumer,
        inbox=SqlInbox(db, kitchen.inbox),
        consumer_name="notification",
        subjects=["pos.events.order.placed", "pos.events.order.cancelled"],
        handler=kitchen.open_ticket,
        max_deliver=MAX_DELIVER,
        backoff_max=0.2,
        fetch_timeout=0.5,
    )


def an_event(event_type: str = "order.placed", **data: Any) -> Event:
    return Event.new(
        source="pos-core",
        type=event_type,
        data={"order_id": str(uuid.uuid4()), **data},
        tenant_id=TENANT,
        correlation_id=f"corr-{uuid.uuid4().hex[:8]}",
    )


async def publish(js: JetStreamContext, event: Event, msg_id: str | None = None) -> None:
    await js.publish(
        event.subject,
        event.to_json().encode(),
        headers={"Nats-Msg-Id": msg_id or event.id, "X-Correlation-ID": event.correlationid},
    )


async def all_acked(js: JetStreamContext, consumer: str = "notification") -> bool:
    try:
        info = await js.consumer_info(EVENTS_STREAM, consumer)
    except NotFoundError:
        return False  # not created yet
    return info.num_pending == 0 and info.num_ack_pending == 0


async def wait_for_tickets(db: Database, kitchen: Kitchen, count: int) -> list[sa.Row[Any]]:
    async def enough() -> bool:
        return len(await kitchen.tickets_for(db)) >= count

    await wait_until(enough, what=f"{count} kitchen tickets")
    return await kitchen.tickets_for(db)


async def dead_letters(js: JetStreamContext, consumer: str = "notification") -> list[Any]:
    return await stream_messages(js, DLQ_STREAM, subject=dlq_subject(consumer))


def consumed(outcome: str) -> float:
    """How many order.placed events the notification consumer counted with `outcome`."""
    labels = {"consumer": "notification", "type": "order.placed", "outcome": outcome}
    return REGISTRY.get_sample_value("pos_events_consumed_total", labels) or 0.0


def dead_letter_count(reason: str) -> float:
    """How many events the notification consumer dead-lettered for `reason`."""
    labels = {"consumer": "notification", "reason": reason}
    return REGISTRY.get_sample_value("pos_events_dead_lettered_total", labels) or 0.0


async def test_each_event_is_handled_once_in_its_own_context_then_acked(
    db: Database, kitchen: Kitchen, js: JetStreamContext, start_consumer: ConsumerFactory
) -> None:
    await start_consumer()
    placed, cancelled = an_event(), an_event("order.cancelled")
    not_subscribed = an_event("product.created")
    for event in (placed, not_subscribed, cancelled):
        await publish(js, event)

    tickets = await wait_for_tickets(db, kitchen, 2)
    await wait_until(lambda: all_acked(js), what="both messages acked")

    assert [t.event_id for t in tickets] == [placed.id, cancelled.id]
    # The handler ran inside the event's request context, so its logs carry these.
    assert [(t.tenant_id, t.correlation_id) for t in tickets] == [
        (TENANT, placed.correlationid),
        (TENANT, cancelled.correlationid),
    ]
    assert not_subscribed.id not in kitchen.calls
    async with db.unit_of_work() as uow:
        inbox = (await uow.session.execute(sa.select(kitchen.inbox))).all()
    assert {(row.consumer, row.event_id) for row in inbox} == {
        ("notification", placed.id),
        ("notification", cancelled.id),
    }


async def test_the_same_event_published_twice_has_one_effect(
    db: Database, kitchen: Kitchen, js: JetStreamContext, start_consumer: ConsumerFactory
) -> None:
    duplicates_before = consumed("duplicate")
    await start_consumer()
    event = an_event()
    # Different Nats-Msg-Ids get past the stream's de-duplication: two messages.
    await publish(js, event, msg_id="first-copy")
    await publish(js, event, msg_id="second-copy")
    assert len(await stream_messages(js)) == 2

    await wait_until(lambda: all_acked(js), what="both copies acked")

    assert len(await kitchen.tickets_for(db, event.id)) == 1
    assert kitchen.calls[event.id] == 1
    assert consumed("duplicate") == duplicates_before + 1


@pytest.mark.parametrize(
    ("failures", "failure"),
    [
        # The first attempt wrote a ticket then failed: rolled back. The retry wrote the one.
        pytest.param(1, lambda: RuntimeError("printer on fire"), id="a-failed-attempt"),
        # The database away for longer than max_deliver: waited out, never dead-lettered.
        pytest.param(
            MAX_DELIVER + 1,
            lambda: sa.exc.OperationalError(
                "INSERT ...", {}, ConnectionRefusedError("connection refused")
            ),
            id="a-database-outage",
        ),
    ],
)
async def test_an_event_retried_until_it_succeeds_has_one_effect(
    db: Database,
    kitchen: Kitchen,
    js: JetStreamContext,
    start_consumer: ConsumerFactory,
    failures: int,
    failure: Callable[[], Exception],
) -> None:
    await start_consumer()
    event = an_event()
    kitchen.fail_times[event.id] = failures
    kitchen.failure = failure

    await publish(js, event)
    await wait_until(lambda: all_acked(js), what="the retried message acked")

    assert kitchen.calls[event.id] == failures + 1
    assert len(await kitchen.tickets_for(db, event.id)) == 1
    assert await dead_letters(js) == []


async def test_a_redelivery_after_a_lost_ack_has_no_second_effect(
    db: Database,
    kitchen: Kitchen,
    js: JetStreamContext,
    start_consumer: ConsumerFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lost_acks: list[str] = []
    real_ack = Msg.ack

    async def ack_lost_once(msg: Msg) -> None:
        # The commit happened, but the ack never reaches the server (a crash, a blip).
        if not lost_acks:
            lost_acks.append(msg.subject)
            return
        await real_ack(msg)

    monkeypatch.setattr(Msg, "ack", ack_lost_once)
    await start_consumer(ack_wait=0.5)
    event = an_event()

    await publish(js, event)
    await wait_until(lambda: all_acked(js), what="the redelivered message acked")

    assert lost_acks == [event.subject]
    assert kitchen.calls[event.id] == 1
    assert len(await kitchen.tickets_for(db, event.id)) == 1


async def test_a_poison_event_is_dead_lettered_and_the_next_ones_are_processed(
    db: Database, kitchen: Kitchen, js: JetStreamContext, start_consumer: ConsumerFactory
) -> None:
    dead_before = dead_letter_count("handler_failed")
    await start_consumer()
    poison, healthy = an_event(), an_event()
    kitchen.fail_times[poison.id] = 1_000

    await publish(js, poison)
    await publish(js, healthy)

    async def dead_lettered() -> bool:
        return len(await dead_letters(js)) == 1

    await wait_until(dead_lettered, what="the poison event on the DLQ")
    # The healthy event did not wait behind the poison one.
    assert [t.event_id for t in await kitchen.tickets_for(db)] == [healthy.id]
    assert kitchen.calls[poison.id] == MAX_DELIVER

    (letter,) = await dead_letters(js)
    assert letter.data == poison.to_json().encode()
    assert letter.headers is not None
    assert letter.headers["Pos-Dlq-Reason"] == "handler_failed"
    assert letter.headers["Pos-Dlq-Error"] == "RuntimeError: printer on fire"
    assert letter.headers["Pos-Dlq-Deliveries"] == str(MAX_DELIVER)
    assert letter.headers["Pos-Dlq-Subject"] == "pos.events.order.placed"
    assert letter.headers["X-Correlation-ID"] == poison.correlationid
    assert dead_letter_count("handler_failed") == dead_before + 1

    # The poison message is settled for good, and consumption goes on.
    later = an_event()
    await publish(js, later)
    await wait_until(lambda: all_acked(js), what="the stream drained")
    assert [t.event_id for t in await kitchen.tickets_for(db)] == [healthy.id, later.id]
    assert kitchen.calls[poison.id] == MAX_DELIVER


async def test_a_malformed_message_is_dead_lettered_at_once(
    db: Database, kitchen: Kitchen, js: JetStreamContext, start_consumer: ConsumerFactory
) -> None:
    await start_consumer()
    healthy = an_event()
    mislabeled = an_event("order.cancelled")

    await js.publish("pos.events.order.placed", b"{this is not json")
    # A valid CloudEvent on the wrong subject is just as unprocessable.
    await js.publish("pos.events.order.placed", mislabeled.to_json().encode())
    await publish(js, healthy)

    await wait_until(lambda: all_acked(js), what="all three settled")
    assert [t.event_id for t in await kitchen.tickets_for(db)] == [healthy.id]
    letters = await dead_letters(js)
    assert [m.data for m in letters] == [b"{this is not json", mislabeled.to_json().encode()]
    for letter in letters:
        assert letter.headers["Pos-Dlq-Reason"] == "malformed"
        assert letter.headers["Pos-Dlq-Deliveries"] == "1"
        assert letter.headers["Pos-Dlq-Error"].startswith("MalformedEvent: ")
    assert list(kitchen.calls) == [healthy.id]


async def test_data_the_handler_cannot_use_is_dead_lettered_at_once(
    db: Database, kitchen: Kitchen, js: JetStreamContext, start_consumer: ConsumerFactory
) -> None:
    dead_before = dead_letter_count("malformed")
    await start_consumer()
    unusable, healthy = an_event(order_id="not-an-order"), an_event()

    await publish(js, unusable)
    await publish(js, healthy)
    await wait_until(lambda: all_acked(js), what="both settled")

    # No retry can mend the data: one delivery, no second call, the write rolled back.
    assert kitchen.calls[unusable.id] == 1
    assert [t.event_id for t in await kitchen.tickets_for(db)] == [healthy.id]
    (letter,) = await dead_letters(js)
    assert letter.data == unusable.to_json().encode()
    assert letter.headers["Pos-Dlq-Reason"] == "malformed"
    assert letter.headers["Pos-Dlq-Deliveries"] == "1"
    assert letter.headers["Pos-Dlq-Error"].startswith("MalformedEvent: order.placed data")
    assert "order_id" in letter.headers["Pos-Dlq-Error"]
    assert dead_letter_count("malformed") == dead_before + 1


async def test_the_consumer_starts_without_nats_and_survives_a_restart(
    db: Database, kitchen: Kitchen, broker: NatsServer, start_consumer: ConsumerFactory
) -> None:
    broker.stop()
    consumer = await start_consumer()
    await asyncio.sleep(0.3)
    assert consumer.running

    broker.start()
    nc = await nats.connect(broker.url, reconnect_time_wait=0.1, max_reconnect_attempts=-1)
    try:
        js = nc.jetstream()
        await wait_until(lambda: _consumer_exists(js, "notification"), what="the durable consumer")
        first = an_event()
        await publish(js, first)
        await wait_for_tickets(db, kitchen, 1)

        broker.stop()
        await asyncio.sleep(0.3)
        broker.start()
        second = an_event()
        await publish(js, second)
        tickets = await wait_for_tickets(db, kitchen, 2)
        assert [t.event_id for t in tickets] == [first.id, second.id]
    finally:
        await nc.close()


async def test_the_inbox_works_on_sqlite(
    tmp_path: Path,
    kitchen: Kitchen,
    js: JetStreamContext,
    broker: NatsServer,
    open_database: DatabaseOpener,
    started: Starter,
) -> None:
    db = await open_database(f"sqlite:///{tmp_path / 'notification.db'}", kitchen.metadata)
    await started(
        EventConsumer(
            SqlInbox(db, kitchen.inbox),
            broker.url,
            "notification",
            ["pos.events.order.>"],
            kitchen.open_ticket,
            fetch_timeout=0.5,
            backoff_initial=0.05,
        )
    )
    event = an_event()
    kitchen.fail_times[event.id] = 1
    await publish(js, event, msg_id="a")
    await publish(js, event, msg_id="b")

    await wait_until(lambda: all_acked(js), what="both copies settled on SQLite")
    assert kitchen.calls[event.id] == 2  # one failure, one success, one duplicate skipped
    assert len(await kitchen.tickets_for(db)) == 1


def test_consumer_settings_are_checked_up_front(kitchen: Kitchen) -> None:
    inbox = SqlInbox(Database("sqlite:///:memory:"), kitchen.inbox)
    with pytest.raises(ValueError, match="consumer name"):
        EventConsumer(inbox, "nats://x", "bad.name", ["pos.events.a.b"], kitchen.open_ticket)
    with pytest.raises(ValueError, match="subjects"):
        EventConsumer(inbox, "nats://x", "ok", ["orders.>"], kitchen.open_ticket)


async def _consumer_exists(js: JetStreamContext, name: str) -> bool:
    try:
        await js.consumer_info(EVENTS_STREAM, name)
    except NotFoundError:
        return False
    return True


class MemoryInbox:
    """An inbox on another store than SQL (the chatbot brings one for its documents)."""

    def __init__(self) -> None:
        self.handled: dict[tuple[str, str], datetime] = {}
        self.menu: list[str] = []

    async def handle_once(
        self, consumer: str, event: Event, handler: Callable[[list[str], Event], Awaitable[None]]
    ) -> bool:
        if (consumer, event.id) in self.handled:
            return False
        await handler(self.menu, event)
        self.handled[(consumer, event.id)] = datetime.now(UTC)
        return True

    async def forget(self, consumer: str, handled_before: datetime) -> int:
        old = [
            key for key, at in self.handled.items() if key[0] == consumer and at < handled_before
        ]
        for key in old:
            del self.handled[key]
        return len(old)

    def is_unavailable(self, exc: BaseException) -> bool:
        return isinstance(exc, ConnectionError)


async def test_a_consumer_works_through_an_inbox_of_another_store(
    js: JetStreamContext, broker: NatsServer, started: Starter
) -> None:
    inbox = MemoryInbox()

    async def copy_the_dish(menu: list[str], event: Event) -> None:
        menu.append(str(event.data["order_id"]))

    consumer: EventConsumer[list[str]] = EventConsumer(
        inbox,
        broker.url,
        "chatbot",
        ["pos.events.order.placed"],
        copy_the_dish,
        fetch_timeout=0.5,
    )
    await started(consumer)
    event = an_event()
    await publish(js, event, msg_id="first")
    await publish(js, event, msg_id="again")  # the same event, twice in the stream
    await wait_until(lambda: all_acked(js, "chatbot"), what="both copies settled")
    assert inbox.menu == [event.data["order_id"]]
