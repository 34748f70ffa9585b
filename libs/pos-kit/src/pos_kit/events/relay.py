"""The outbox relay: publishes committed outbox rows to JetStream, in order, at least once.

Guarantees, and what they rest on:

- Nothing committed is lost: a row stays unpublished until JetStream acknowledged it,
  and the relay reads every unpublished row (no high-water mark that could skip a
  late commit).
- No duplicates in the stream: each publish carries `Nats-Msg-Id` = event id, so a
  retry inside the stream's duplicate window is dropped by the server.
- Order: rows go out in `seq` order and the relay stops at the first failure of a
  batch, so a later row never overtakes an earlier one. `record_event` makes seq
  order a tenant's commit order.
- Several processes of one service: on PostgreSQL each batch runs under a
  transaction-scoped advisory lock, so one relay publishes at a time and the others
  stand by. SQLite (the local run) assumes one process per database file.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, cast

import structlog
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.errors import NoStreamResponseError
from sqlalchemy import CursorResult, delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from pos_kit.context import CORRELATION_HEADER, TRACEPARENT_HEADER
from pos_kit.db import Database
from pos_kit.events.connection import NatsUnavailable, NatsWorker
from pos_kit.events.envelope import CLOUDEVENTS_CONTENT_TYPE
from pos_kit.events.metrics import (
    OUTBOX_DUPLICATES,
    OUTBOX_PUBLISH_FAILURES,
    OUTBOX_PUBLISHED,
    OUTBOX_PURGED,
)
from pos_kit.events.outbox import Outbox
from pos_kit.events.stream import EVENTS_STREAM, StreamLimits, ensure_stream
from pos_kit.events.worker import backoff_delay, pause

log = structlog.get_logger(__name__)

MSG_ID_HEADER = "Nats-Msg-Id"


class _Pending(NamedTuple):
    """An unpublished outbox row, as the relay needs it."""

    seq: int
    id: str
    subject: str
    type: str
    payload: str


@dataclass
class _BatchOutcome:
    published: list[str] = field(default_factory=list)
    failed_id: str | None = None
    error: Exception | None = None


class OutboxRelay(NatsWorker):
    """Publishes a service's outbox to JetStream in the background.

    Every commit that recorded events wakes it (`Database.when_events_commit`), so they
    go out at once instead of on the next poll.
    """

    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        nats_url: str,
        *,
        batch_size: int = 100,
        poll_interval: float = 0.5,
        publish_timeout: float = 5.0,
        backoff_initial: float = 0.2,
        backoff_max: float = 10.0,
        retention: timedelta = timedelta(days=7),
        purge_interval: timedelta = timedelta(minutes=10),
        stream_limits: StreamLimits | None = None,
        reconnect_time_wait: float = 1.0,
    ) -> None:
        super().__init__(
            name=f"outbox-relay:{outbox.table.name}",
            nats_url=nats_url,
            stop_timeout=publish_timeout + 5.0,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
            purge_interval=purge_interval,
            stream_limits=stream_limits,
            reconnect_time_wait=reconnect_time_wait,
        )
        self.database = database
        self.outbox = outbox.table
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.publish_timeout = publish_timeout
        self.retention = retention
        self._postgres = database.engine.dialect.name == "postgresql"
        self._lease_key = f"pos_kit.outbox.relay:{outbox.table.name}"
        self._nudge = asyncio.Event()
        self._stream_ready = False
        database.when_events_commit(self.notify)

    def notify(self) -> None:
        """New rows were committed: publish now rather than at the next poll."""
        self._nudge.set()

    async def run(self) -> None:
        nc = await self.connect()
        js = nc.jetstream(timeout=self.publish_timeout)
        failures = 0
        while not self.stopping:
            await self.purge_when_due()
            try:
                with self.job():
                    if not self._stream_ready:
                        await ensure_stream(js, self.stream_limits)
                        self._stream_ready = True
                    published, full = await self._relay_batch(nc, js)
            except Exception as exc:
                failures += 1
                delay = backoff_delay(failures, self.backoff_initial, self.backoff_max)
                log.warning(
                    "outbox_relay_retrying",
                    outbox=self.outbox.name,
                    error=str(exc) or repr(exc),
                    failures=failures,
                    retry_in=delay,
                )
                # Only NATS coming back cuts the back-off short; a nudge must not.
                await pause(delay, self._nats_back)
                continue
            if failures:
                log.info("outbox_relay_recovered", outbox=self.outbox.name, after=failures)
                failures = 0
            if published:
                log.debug("outbox_published", outbox=self.outbox.name, count=published)
            if not full:
                await pause(self.poll_interval, self._nudge)

    async def on_reconnected(self) -> None:
        # After a broker restart the stream may be gone (a lost volume); make sure
        # it exists before the next publish, and retry now rather than after back-off.
        self._stream_ready = False
        self._nudge.set()

    async def _relay_batch(self, nc: NatsClient, js: JetStreamContext) -> tuple[int, bool]:
        """Publish one batch; returns (rows published, whether the batch was full)."""
        if not nc.is_connected:
            raise NatsUnavailable("not connected to NATS")
        if self._postgres:
            # One transaction holds the lease for the whole batch: read, publish, mark.
            async with self.database.unit_of_work() as uow:
                if not await self._take_lease(uow.session):
                    return 0, False
                rows = await self._unpublished(uow.session)
                outcome = await self._publish(nc, js, rows)
                await self._record(uow.session, outcome)
        else:
            # SQLite: never hold a transaction across network calls, it would block
            # the service's writers (one writer per database file).
            async with self.database.unit_of_work() as uow:
                rows = await self._unpublished(uow.session)
            outcome = await self._publish(nc, js, rows)
            async with self.database.unit_of_work() as uow:
                await self._record(uow.session, outcome)
        if outcome.error is not None:
            raise outcome.error
        return len(outcome.published), len(rows) == self.batch_size

    async def _take_lease(self, session: AsyncSession) -> bool:
        taken = await session.scalar(
            text("SELECT pg_try_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": self._lease_key},
        )
        return bool(taken)

    async def _unpublished(self, session: AsyncSession) -> list[_Pending]:
        c = self.outbox.c
        result = await session.execute(
            select(c.seq, c.id, c.subject, c.type, c.payload)
            .where(c.published_at.is_(None))
            .order_by(c.seq)
            .limit(self.batch_size)
        )
        return [_Pending(*row) for row in result.all()]

    async def _publish(
        self, nc: NatsClient, js: JetStreamContext, rows: list[_Pending]
    ) -> _BatchOutcome:
        outcome = _BatchOutcome()
        for row in rows:
            try:
                if not nc.is_connected:
                    raise NatsUnavailable("NATS connection lost during the batch")
                ack = await js.publish(
                    row.subject,
                    row.payload.encode("utf-8"),
                    timeout=self.publish_timeout,
                    stream=EVENTS_STREAM,
                    headers=_headers(row.id, row.payload),
                )
            except Exception as exc:
                if isinstance(exc, NoStreamResponseError):
                    self._stream_ready = False
                OUTBOX_PUBLISH_FAILURES.labels(self.outbox.name).inc()
                # Stop here: publishing the next rows now would put them ahead of this one.
                outcome.failed_id, outcome.error = row.id, exc
                break
            if ack.duplicate:
                OUTBOX_DUPLICATES.labels(self.outbox.name).inc()
            OUTBOX_PUBLISHED.labels(self.outbox.name, row.type).inc()
            outcome.published.append(row.id)
        return outcome

    async def _record(self, session: AsyncSession, outcome: _BatchOutcome) -> None:
        c = self.outbox.c
        if outcome.published:
            await session.execute(
                update(self.outbox)
                .where(c.id.in_(outcome.published))
                .values(published_at=datetime.now(UTC), attempts=c.attempts + 1)
            )
        if outcome.failed_id is not None:
            await session.execute(
                update(self.outbox).where(c.id == outcome.failed_id).values(attempts=c.attempts + 1)
            )

    async def purge(self) -> int:
        """Delete rows published longer ago than the retention period."""
        c = self.outbox.c
        cutoff = datetime.now(UTC) - self.retention
        async with self.database.unit_of_work() as uow:
            result = await uow.session.execute(
                delete(self.outbox).where(c.published_at.is_not(None), c.published_at < cutoff)
            )
        purged = cast(CursorResult[Any], result).rowcount or 0
        if purged:
            OUTBOX_PURGED.labels(self.outbox.name).inc(purged)
            log.info("outbox_purged", outbox=self.outbox.name, rows=purged)
        return purged

    async def republish(self, *, since: datetime) -> int:
        """Publish again every row published at or after `since` (after a broker lost data).

        Rows still in the stream's duplicate window are dropped by the server;
        consumers' inboxes absorb the rest.
        """
        c = self.outbox.c
        async with self.database.unit_of_work() as uow:
            result = await uow.session.execute(
                update(self.outbox).where(c.published_at >= since).values(published_at=None)
            )
        count = cast(CursorResult[Any], result).rowcount or 0
        log.warning("outbox_republish", outbox=self.outbox.name, since=since, rows=count)
        self.notify()
        return count


def _headers(event_id: str, payload: str) -> dict[str, str]:
    headers = {MSG_ID_HEADER: event_id, "Content-Type": CLOUDEVENTS_CONTENT_TYPE}
    # Read leniently: a row this relay cannot understand must still go out (the
    # consumers dead-letter it), never block every row behind it.
    try:
        body = json.loads(payload)
    except ValueError:
        return headers
    if isinstance(body, dict):
        if isinstance(body.get("correlationid"), str):
            headers[CORRELATION_HEADER] = body["correlationid"]
        if isinstance(body.get("traceparent"), str):
            headers[TRACEPARENT_HEADER] = body["traceparent"]
    return headers
