"""The JetStream streams events live in: POS_EVENTS (`pos.events.>`) and dead letters, POS_DLQ."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import structlog
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

EVENTS_STREAM = "POS_EVENTS"
EVENTS_SUBJECTS = "pos.events.>"
DLQ_STREAM = "POS_DLQ"
DLQ_SUBJECTS = "pos.dlq.>"

_DESCRIPTIONS = {
    EVENTS_STREAM: "POS domain events (CloudEvents, JSON structured mode)",
    DLQ_STREAM: "Events a consumer gave up on, kept for inspection and replay",
}

# JetStream's code for "stream name already in use with a different configuration".
_STREAM_NAME_IN_USE = 10058

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class StreamLimits:
    """How long the streams keep messages and how they are replicated."""

    max_age: timedelta = timedelta(days=7)
    # Publishes with a Nats-Msg-Id seen within this window are dropped as duplicates;
    # it must cover a relay's retry of a publish whose ack was lost.
    duplicate_window: timedelta = timedelta(minutes=2)
    # Dead letters wait for a person, so they are kept longer than events.
    dlq_max_age: timedelta = timedelta(days=30)
    replicas: int = 1


def dlq_subject(consumer: str) -> str:
    """Where a consumer's dead letters go: `pos.dlq.<consumer>`."""
    return f"pos.dlq.{consumer}"


def events_stream_config(limits: StreamLimits) -> StreamConfig:
    return _stream_config(EVENTS_STREAM, EVENTS_SUBJECTS, limits.max_age, limits)


def dlq_stream_config(limits: StreamLimits) -> StreamConfig:
    return _stream_config(DLQ_STREAM, DLQ_SUBJECTS, limits.dlq_max_age, limits)


def _stream_config(
    name: str, subjects: str, max_age: timedelta, limits: StreamLimits
) -> StreamConfig:
    """A file-backed stream that drops its oldest messages past `max_age`."""
    return StreamConfig(
        name=name,
        description=_DESCRIPTIONS[name],
        subjects=[subjects],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        discard=DiscardPolicy.OLD,
        max_age=max_age.total_seconds(),
        duplicate_window=limits.duplicate_window.total_seconds(),
        num_replicas=limits.replicas,
    )


async def ensure_stream(js: JetStreamContext, limits: StreamLimits | None = None) -> None:
    """Create POS_EVENTS and POS_DLQ, or bring their limits up to date. Safe to call often."""
    limits = limits or StreamLimits()
    for config in (events_stream_config(limits), dlq_stream_config(limits)):
        await _create_or_update(js, config)


async def _create_or_update(js: JetStreamContext, config: StreamConfig) -> None:
    try:
        # Creating with an identical configuration is a no-op on the server, so the
        # common case (every start of every service) is one round trip.
        await js.add_stream(config)
    except BadRequestError as exc:
        if exc.err_code != _STREAM_NAME_IN_USE:
            raise
        # Replication is the operators' decision: a production cluster runs the stream
        # with 3 replicas, and a service starting with the default of 1 must not scale
        # it down. Only the limits the services own are brought up to date.
        assert config.name is not None  # both configs above are named
        existing = await js.stream_info(config.name)
        config.num_replicas = existing.config.num_replicas
        await js.update_stream(config)
        log.info("stream_updated", stream=config.name)
