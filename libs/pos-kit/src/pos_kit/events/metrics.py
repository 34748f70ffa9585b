"""Prometheus metrics of the event backbone: what the relays publish and the consumers do."""

from __future__ import annotations

from prometheus_client import REGISTRY, Counter


def _counter(name: str, documentation: str, labels: tuple[str, ...]) -> Counter:
    # Metrics are module globals so that every relay and consumer in a process shares
    # them; if the module is imported twice (importlib test runs, reloads) the second
    # import finds the first registration instead of failing on a duplicate.
    try:
        return Counter(name, documentation, labels)
    except ValueError:
        existing = REGISTRY._names_to_collectors.get(f"{name}_total")
        if not isinstance(existing, Counter):
            raise
        return existing


OUTBOX_PUBLISHED = _counter(
    "pos_outbox_published",
    "Outbox events published to JetStream and acknowledged by the stream.",
    ("outbox", "type"),
)
OUTBOX_DUPLICATES = _counter(
    "pos_outbox_duplicates",
    "Publishes the stream dropped as duplicates (same Nats-Msg-Id inside the window).",
    ("outbox",),
)
OUTBOX_PUBLISH_FAILURES = _counter(
    "pos_outbox_publish_failures",
    "Failed publish attempts; the relay backs off and retries the same row.",
    ("outbox",),
)
OUTBOX_PURGED = _counter(
    "pos_outbox_purged",
    "Published outbox rows deleted after their retention period.",
    ("outbox",),
)
EVENTS_CONSUMED = _counter(
    "pos_events_consumed",
    "Messages a consumer finished with, by outcome (processed, duplicate, retried, dead_lettered).",
    ("consumer", "type", "outcome"),
)
EVENTS_DEAD_LETTERED = _counter(
    "pos_events_dead_lettered",
    "Messages moved to pos.dlq.<consumer>, by reason (malformed, handler_failed).",
    ("consumer", "reason"),
)
