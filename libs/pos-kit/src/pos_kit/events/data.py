"""Reading an event's `data` at a consumer's edge: a pydantic model of what the consumer uses.

A consumer declares only the fields it reads (`EventData` ignores the rest, so a
producer may add fields freely) and calls `parse_data(event, Model)`. Data that does
not fit, a schema version the consumer does not know, or a tenant id that is not a
UUID raise `MalformedEvent`: no retry can mend them, so the consumer dead-letters the
event at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from pos_kit.events.envelope import Event, MalformedEvent, subject_for
from pos_kit.events.inbox import W, WorkHandler

M = TypeVar("M", bound=BaseModel)


class EventData(BaseModel):
    """Base of a consumer's model of one event type's `data`."""

    model_config = ConfigDict(extra="ignore", frozen=True)


def parse_data(event: Event, model: type[M], *, versions: Collection[str] = ("1",)) -> M:
    """The event's data as `model`, or `MalformedEvent` naming what is wrong."""
    if event.dataschemaversion not in versions:
        raise MalformedEvent(
            f"{event.type} data schema version {event.dataschemaversion} is not one this "
            f"consumer reads (it reads {', '.join(sorted(versions))})"
        )
    try:
        return model.model_validate(dict(event.data))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'data'}: {e['msg']}" for e in exc.errors()
        )
        raise MalformedEvent(f"{event.type} data is not usable: {problems}") from exc


def by_type(handlers: Mapping[str, Callable[[W, Event], Awaitable[None]]]) -> WorkHandler[W]:
    """One handler for a consumer: each event goes to the handler of its type.

    An event of a type not in `handlers` is malformed for this consumer (its subjects
    and handlers disagree, or a producer sent it on the wrong subject): dead-lettered.
    """

    async def handle(work: W, event: Event) -> None:
        handler = handlers.get(event.type)
        if handler is None:
            raise MalformedEvent(f"this consumer handles no {event.type} events")
        await handler(work, event)

    return handle


def subjects_of(handlers: Mapping[str, object]) -> list[str]:
    """The subjects a consumer of these event types listens on."""
    return [subject_for(event_type) for event_type in handlers]


def tenant_of(event: Event) -> uuid.UUID:
    """The restaurant the event belongs to, from its envelope (never from its data)."""
    try:
        return uuid.UUID(event.tenantid)
    except ValueError as exc:
        raise MalformedEvent(f"tenantid {event.tenantid!r} is not a UUID") from exc
