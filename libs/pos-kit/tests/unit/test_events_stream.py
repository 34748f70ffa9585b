"""Stream provisioning keeps what operators decided (replication) while updating limits."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from nats.js.api import StreamConfig
from nats.js.errors import BadRequestError

from pos_kit.events.stream import EVENTS_STREAM, StreamLimits, ensure_stream


class ClusterStreams:
    """A stand-in for JetStream where the streams already exist with 3 replicas."""

    def __init__(self) -> None:
        self.updated: list[StreamConfig] = []

    async def add_stream(self, config: StreamConfig) -> None:
        raise BadRequestError(code=400, err_code=10058, description="stream name already in use")

    async def stream_info(self, name: str) -> Any:
        return SimpleNamespace(config=SimpleNamespace(num_replicas=3))

    async def update_stream(self, config: StreamConfig) -> None:
        self.updated.append(config)


async def test_a_service_starting_never_scales_a_replicated_stream_down() -> None:
    js = ClusterStreams()
    await ensure_stream(js, StreamLimits(replicas=1))  # type: ignore[arg-type]

    events = next(c for c in js.updated if c.name == EVENTS_STREAM)
    assert events.num_replicas == 3
    assert all(c.num_replicas == 3 for c in js.updated)
    assert events.max_age == StreamLimits().max_age.total_seconds()
