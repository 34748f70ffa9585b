"""The event consumer: a durable pull consumer whose handler runs once per event, via the inbox.

Per message: parse the CloudEvent (malformed: dead-letter at once), then let the
inbox run the handler once per (consumer, event id) - for a relational service, the
claim and the handler's writes in one unit of work (`SqlInbox`); ack only after that.
A handler that finds the event's `data` unusable raises
`MalformedEvent` (`pos_kit.events.data.parse_data` does): no retry can mend that, so
the event is dead-lettered at once too. A redelivery or a duplicate finds its inbox row and is acked
without running the handler again. A failing handler is retried with back-off
(`nak(delay=...)`) up to `max_deliver` deliveries, then the message goes to
`pos.dlq.<consumer>` with the error in its headers, and the consumer moves on.

Retries let later events overtake a failing one: handlers must not rely on
arrival order across events (they can compare versions or timestamps in `data`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Generic

import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from pos_kit.context import request_context, trace_id_from_traceparent
from pos_kit.events.connection import NatsWorker
from pos_kit.events.envelope import SUBJECT_PREFIX, Event, MalformedEvent, format_time
from pos_kit.events.inbox import Inbox, W, WorkHandler
from pos_kit.events.metrics import EVENTS_CONSUMED, EVENTS_DEAD_LETTERED
from pos_kit.events.stream import (
    DLQ_STREAM,
    EVENTS_STREAM,
    StreamLimits,
    dlq_subject,
    ensure_stream,
)
from pos_kit.events.worker import backoff_delay, pause

log = structlog.get_logger(__name__)


DLQ_REASON_MALFORMED = "malformed"
DLQ_REASON_HANDLER_FAILED = "handler_failed"

# A consumer name is a NATS token and a durable name: no dots, spaces or wildcards.
_CONSUMER_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
_MAX_HEADER_VALUE = 1000


class EventConsumer(NatsWorker, Generic[W]):
    """Feeds the events on `subjects` to `handler`, once each (`inbox`), in the background."""

    def __init__(
        self,
        inbox: Inbox[W],
        nats_url: str,
        consumer_name: str,
        subjects: Sequence[str],
        handler: WorkHandler[W],
        *,
        max_deliver: int = 5,
        backoff_initial: float = 1.0,
        backoff_max: float = 60.0,
        batch_size: int = 10,
        fetch_timeout: float = 2.0,
        ack_wait: float = 30.0,
        inbox_retention: timedelta = timedelta(days=14),
        purge_interval: timedelta = timedelta(hours=1),
        stream_limits: StreamLimits | None = None,
        request_timeout: float = 5.0,
        reconnect_time_wait: float = 1.0,
    ) -> None:
        if not _CONSUMER_NAME_RE.match(consumer_name):
            raise ValueError(f"consumer name must be letters, digits, - or _: {consumer_name!r}")
        if not subjects or any(not s.startswith(SUBJECT_PREFIX) for s in subjects):
            raise ValueError(f"subjects must be under {SUBJECT_PREFIX!r}: {list(subjects)!r}")
        if max_deliver < 1:
            raise ValueError("max_deliver must be at least 1")
        super().__init__(
            name=f"event-consumer:{consumer_name}",
            nats_url=nats_url,
            stop_timeout=ack_wait,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
            purge_interval=purge_interval,
            stream_limits=stream_limits,
            reconnect_time_wait=reconnect_time_wait,
        )
        self.inbox = inbox
        self.consumer_name = consumer_name
        self.subjects = list(subjects)
        self.handler = handler
        self.max_deliver = max_deliver
        self.batch_size = batch_size
        self.fetch_timeout = fetch_timeout
        self.ack_wait = ack_wait
        self.inbox_retention = inbox_retention
        self.request_timeout = request_timeout
        self._consumer_ready = False
        self._js: JetStreamContext | None = None

    def consumer_config(self) -> ConsumerConfig:
        return ConsumerConfig(
            name=self.consumer_name,
            durable_name=self.consumer_name,
            description=f"{self.consumer_name} <- {', '.join(self.subjects)}",
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.ack_wait,
            # Unbounded on the server: this class counts deliveries and dead-letters.
            # A server-side limit would strand a message whose dead-lettering failed.
            max_deliver=-1,
            filter_subjects=self.subjects,
            max_ack_pending=1000,
        )

    async def run(self) -> None:
        nc = await self.connect()
        self._js = js = nc.jetstream(timeout=self.request_timeout)
        failures = 0
        sub: JetStreamContext.PullSubscription | None = None
        while not self.stopping:
            try:
                await self.purge_when_due()
                if not nc.is_connected:
                    # Pull requests sent now would only queue up in the client.
                    await pause(self.fetch_timeout, self._nats_back)
                    continue
                if not self._consumer_ready:
                    # After a reconnect too: a broker that lost its state has lost the
                    # stream and this durable consumer; creating them again is idempotent.
                    with self.job():
                        await ensure_stream(js, self.stream_limits)
                        await js.add_consumer(EVENTS_STREAM, self.consumer_config())
                    self._consumer_ready = True
                if sub is None:
                    # The subscription survives reconnects (the client re-subscribes), so
                    # it is only made again after an error, never after every reconnect.
                    sub = await js.pull_subscribe_bind(
                        consumer=self.consumer_name, stream=EVENTS_STREAM
                    )
                try:
                    messages = await sub.fetch(self.batch_size, timeout=self.fetch_timeout)
                except TimeoutError:
                    failures = 0
                    continue
                failures = 0
                hold_off = await self._handle_batch(messages)
                if hold_off:
                    await pause(hold_off)
            except Exception as exc:
                failures += 1
                delay = backoff_delay(failures, self.backoff_initial, self.backoff_max)
                log.warning(
                    "event_consumer_retrying",
                    consumer=self.consumer_name,
                    error=str(exc) or repr(exc),
                    failures=failures,
                    retry_in=delay,
                )
                self._consumer_ready = False
                if sub is not None:
                    with contextlib.suppress(Exception):
                        await sub.unsubscribe()
                    sub = None
                await pause(delay, self._nats_back)

    async def close(self) -> None:
        await super().close()
        self._js = None

    async def on_reconnected(self) -> None:
        self._consumer_ready = False

    async def _handle_batch(self, messages: list[Msg]) -> float:
        """Handle a fetched batch in order; returns how long to hold off before fetching again."""
        hold_off = 0.0
        with self.job():
            for msg in messages:
                if self.stopping or hold_off:
                    # Hand the rest back now rather than leaving them to the ack wait.
                    with contextlib.suppress(Exception):
                        await msg.nak(delay=hold_off or None)
                    continue
                hold_off = await self._handle(msg)
        return hold_off

    async def _handle(self, msg: Msg) -> float:
        deliveries = msg.metadata.num_delivered
        try:
            event = Event.from_json(msg.data)
            if event.subject != msg.subject:
                raise MalformedEvent(
                    f"event type {event.type!r} does not match its subject {msg.subject!r}"
                )
        except MalformedEvent as exc:
            await self._dead_letter(msg, DLQ_REASON_MALFORMED, exc, event_type="unknown")
            return 0.0
        with request_context(
            correlation_id=event.correlationid,
            trace_id=trace_id_from_traceparent(event.traceparent),
            tenant_id=event.tenantid,
        ):
            try:
                first_time = await self._process(event)
            except MalformedEvent as exc:
                await self._dead_letter(msg, DLQ_REASON_MALFORMED, exc, event_type=event.type)
                return 0.0
            except Exception as exc:
                return await self._failed(msg, event, exc, deliveries)
            # Only now, with the effect committed: a lost ack means a redelivery, which
            # the inbox absorbs; an early ack could lose the event.
            with contextlib.suppress(Exception):
                await msg.ack()
            outcome = "processed" if first_time else "duplicate"
            EVENTS_CONSUMED.labels(self.consumer_name, event.type, outcome).inc()
            log.info(
                "event_processed" if first_time else "event_duplicate_skipped",
                consumer=self.consumer_name,
                event_id=event.id,
                event_type=event.type,
                deliveries=deliveries,
            )
        return 0.0

    async def _process(self, event: Event) -> bool:
        """Handle the event through the inbox: False if it was handled before."""
        return await self.inbox.handle_once(self.consumer_name, event, self.handler)

    async def _failed(self, msg: Msg, event: Event, exc: Exception, deliveries: int) -> float:
        transient = self.inbox.is_unavailable(exc)
        if not transient and deliveries >= self.max_deliver:
            await self._dead_letter(msg, DLQ_REASON_HANDLER_FAILED, exc, event_type=event.type)
            return 0.0
        delay = backoff_delay(deliveries, self.backoff_initial, self.backoff_max)
        log.warning(
            "event_handler_failed",
            consumer=self.consumer_name,
            event_id=event.id,
            event_type=event.type,
            deliveries=deliveries,
            max_deliver=self.max_deliver,
            retry_in=delay,
            database_unavailable=transient,
            exc_info=exc,
        )
        with contextlib.suppress(Exception):
            await msg.nak(delay=delay)
        EVENTS_CONSUMED.labels(self.consumer_name, event.type, "retried").inc()
        # With the database away every next message would fail too: hold off instead,
        # and never dead-letter for it, or an outage would empty the stream into the DLQ.
        return delay if transient else 0.0

    async def _dead_letter(self, msg: Msg, reason: str, exc: Exception, *, event_type: str) -> None:
        meta = msg.metadata
        # Keep the original's correlation and trace headers; its Nats-* ones belong to
        # the source stream.
        headers = {k: v for k, v in (msg.headers or {}).items() if not k.startswith("Nats-")}
        headers.update(
            {
                # One dead letter per stream message, even if this publish is retried.
                "Nats-Msg-Id": f"{self.consumer_name}:{meta.sequence.stream}",
                "Pos-Dlq-Consumer": self.consumer_name,
                "Pos-Dlq-Reason": reason,
                "Pos-Dlq-Error": _header_value(f"{type(exc).__name__}: {exc}"),
                "Pos-Dlq-Subject": msg.subject,
                "Pos-Dlq-Stream-Sequence": str(meta.sequence.stream),
                "Pos-Dlq-Deliveries": str(meta.num_delivered),
                "Pos-Dlq-Failed-At": format_time(datetime.now(UTC)),
            }
        )
        assert self._js is not None
        try:
            await self._js.publish(
                dlq_subject(self.consumer_name),
                msg.data,
                timeout=self.request_timeout,
                stream=DLQ_STREAM,
                headers=headers,
            )
        except Exception as dlq_exc:
            # Not acked: the message comes back and is dead-lettered on that delivery.
            log.error(
                "dead_letter_failed",
                consumer=self.consumer_name,
                error=str(dlq_exc) or repr(dlq_exc),
                stream_sequence=meta.sequence.stream,
            )
            with contextlib.suppress(Exception):
                await msg.nak(delay=self.backoff_max)
            return
        with contextlib.suppress(Exception):
            # Terminated, not acked: JetStream raises an advisory operators can watch.
            await msg.term()
        EVENTS_DEAD_LETTERED.labels(self.consumer_name, reason).inc()
        EVENTS_CONSUMED.labels(self.consumer_name, event_type, "dead_lettered").inc()
        log.error(
            "event_dead_lettered",
            consumer=self.consumer_name,
            reason=reason,
            subject=msg.subject,
            stream_sequence=meta.sequence.stream,
            deliveries=meta.num_delivered,
            error=headers["Pos-Dlq-Error"],
        )

    async def purge(self) -> int:
        """Forget events handled longer ago than the inbox retention (past any redelivery)."""
        return await self.inbox.forget(self.consumer_name, datetime.now(UTC) - self.inbox_retention)


def _header_value(value: str) -> str:
    # A header value is one line; keep it readable and bounded.
    flat = " ".join(value.split())
    return flat[:_MAX_HEADER_VALUE]
