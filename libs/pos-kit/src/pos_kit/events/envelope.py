"""The event envelope: CloudEvents 1.0 in JSON structured mode, built and parsed strictly."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from pos_kit.clock import rfc3339

SPEC_VERSION = "1.0"
JSON_CONTENT_TYPE = "application/json"
# Content type of a structured-mode CloudEvent, sent as a NATS header beside the payload.
CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json"
SUBJECT_PREFIX = "pos.events."

# An event type becomes NATS subject tokens, so it may not hold wildcards or spaces.
_TYPE_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
_SCHEMA_VERSION_RE = re.compile(r"^[1-9][0-9]{0,5}$")
_REQUIRED_STRINGS = ("specversion", "id", "source", "type", "time", "datacontenttype")
_EXTENSION_STRINGS = ("tenantid", "correlationid", "dataschemaversion")


class MalformedEvent(ValueError):
    """Not a valid POS CloudEvent: it can never be processed, only dead-lettered."""


def subject_for(event_type: str) -> str:
    """The NATS subject an event type is published on: `pos.events.<type>`."""
    return SUBJECT_PREFIX + event_type


format_time = rfc3339  # RFC 3339 in UTC with a `Z`, microsecond precision


@dataclass(frozen=True)
class Event:
    """One CloudEvent as the POS services exchange it. `data` is read-only."""

    id: str
    source: str
    type: str
    time: datetime
    tenantid: str
    correlationid: str
    # A mapping is not hashable; the id identifies the event anyway.
    data: Mapping[str, Any] = field(default_factory=dict, hash=False)
    dataschemaversion: str = "1"
    # W3C trace context of the work that raised the event (CloudEvents distributed tracing).
    traceparent: str | None = None
    specversion: str = SPEC_VERSION
    datacontenttype: str = JSON_CONTENT_TYPE

    def __post_init__(self) -> None:
        # Validate on construction too, so a producer fails in its own transaction,
        # not in every consumer later.
        _check_event(self)
        # Frozen must mean frozen: nobody downstream may change what was published.
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))
        object.__setattr__(self, "time", self.time.astimezone(UTC))

    @classmethod
    def new(
        cls,
        *,
        source: str,
        type: str,
        data: Mapping[str, Any],
        tenant_id: str,
        correlation_id: str,
        schema_version: str = "1",
        traceparent: str | None = None,
    ) -> Event:
        """A fresh event: new UUID id, stamped now."""
        return cls(
            id=str(uuid.uuid4()),
            source=source,
            type=type,
            time=datetime.now(UTC),
            tenantid=tenant_id,
            correlationid=correlation_id,
            data=data,
            dataschemaversion=schema_version,
            traceparent=traceparent,
        )

    @property
    def subject(self) -> str:
        return subject_for(self.type)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "specversion": self.specversion,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "time": format_time(self.time),
            "datacontenttype": self.datacontenttype,
            "tenantid": self.tenantid,
            "correlationid": self.correlationid,
            "dataschemaversion": self.dataschemaversion,
            "data": dict(self.data),
        }
        if self.traceparent is not None:
            body["traceparent"] = self.traceparent
        return body

    def to_json(self) -> str:
        """Compact JSON; raises TypeError/ValueError if `data` is not plain JSON."""
        return json.dumps(
            self.to_dict(), separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> Event:
        """Parse a structured-mode CloudEvent; anything off raises `MalformedEvent`."""
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            body = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise MalformedEvent(f"event is not UTF-8 JSON: {exc}") from exc
        if not isinstance(body, dict):
            raise MalformedEvent("event must be a JSON object")
        return cls.from_dict(body)

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Event:
        for name in (*_REQUIRED_STRINGS, *_EXTENSION_STRINGS):
            value = body.get(name)
            if not isinstance(value, str) or not value:
                raise MalformedEvent(f"attribute {name!r} must be a non-empty string")
        data = body.get("data")
        if not isinstance(data, dict):
            raise MalformedEvent("attribute 'data' must be a JSON object")
        traceparent = body.get("traceparent")
        if traceparent is not None and not isinstance(traceparent, str):
            raise MalformedEvent("attribute 'traceparent' must be a string")
        # Other extension attributes are allowed by CloudEvents and ignored here, so a
        # producer can add one without breaking older consumers.
        return cls(
            specversion=body["specversion"],
            id=body["id"],
            source=body["source"],
            type=body["type"],
            time=_parse_time(body["time"]),
            datacontenttype=body["datacontenttype"],
            tenantid=body["tenantid"],
            correlationid=body["correlationid"],
            dataschemaversion=body["dataschemaversion"],
            traceparent=traceparent,
            data=data,
        )


def _parse_time(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise MalformedEvent(f"attribute 'time' is not RFC 3339: {value!r}") from exc
    if moment.tzinfo is None or "T" not in value.upper():
        raise MalformedEvent(f"attribute 'time' must be RFC 3339 with an offset: {value!r}")
    return moment


def _check_event(event: Event) -> None:
    if event.specversion != SPEC_VERSION:
        raise MalformedEvent(f"unsupported specversion {event.specversion!r}; expected '1.0'")
    if event.datacontenttype != JSON_CONTENT_TYPE:
        raise MalformedEvent(f"datacontenttype must be {JSON_CONTENT_TYPE!r}")
    try:
        uuid.UUID(event.id)
    except (ValueError, AttributeError, TypeError) as exc:
        raise MalformedEvent(f"attribute 'id' must be a UUID: {event.id!r}") from exc
    if not isinstance(event.type, str) or not _TYPE_RE.match(event.type):
        raise MalformedEvent(
            f"attribute 'type' must be dotted lower-case words like 'order.placed': {event.type!r}"
        )
    for name in ("source", "tenantid", "correlationid"):
        value = getattr(event, name)
        if not isinstance(value, str) or not value:
            raise MalformedEvent(f"attribute {name!r} must be a non-empty string")
    if not isinstance(event.dataschemaversion, str) or not _SCHEMA_VERSION_RE.match(
        event.dataschemaversion
    ):
        raise MalformedEvent(
            f"attribute 'dataschemaversion' must be a positive integer string: "
            f"{event.dataschemaversion!r}"
        )
    if not isinstance(event.time, datetime) or event.time.tzinfo is None:
        raise MalformedEvent("attribute 'time' must be a timezone-aware datetime")
    if not isinstance(event.data, Mapping):
        raise MalformedEvent("attribute 'data' must be a JSON object")
