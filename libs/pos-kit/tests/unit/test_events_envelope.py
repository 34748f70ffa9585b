"""The CloudEvents envelope: what producers emit and what consumers refuse."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from pos_kit.events import Event, MalformedEvent, subject_for


def an_event(**overrides: Any) -> Event:
    fields: dict[str, Any] = {
        "source": "pos-core",
        "type": "order.placed",
        "data": {"order_id": str(uuid.uuid4()), "total": 1250, "currency": "EUR"},
        "tenant_id": str(uuid.uuid4()),
        "correlation_id": "corr-123",
    }
    fields.update(overrides)
    return Event.new(**fields)


def a_body(**overrides: Any) -> dict[str, Any]:
    body = an_event().to_dict()
    for key, value in overrides.items():
        if value is ...:
            body.pop(key)
        else:
            body[key] = value
    return body


def test_round_trip_keeps_every_attribute() -> None:
    event = an_event(schema_version="2", traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01")

    parsed = Event.from_json(event.to_json())

    assert parsed == event
    assert parsed.data == event.data
    assert parsed.traceparent == event.traceparent


def test_json_is_cloudevents_structured_mode() -> None:
    event = an_event()

    body = json.loads(event.to_json())

    assert body["specversion"] == "1.0"
    assert uuid.UUID(body["id"])
    assert body["source"] == "pos-core"
    assert body["type"] == "order.placed"
    assert body["datacontenttype"] == "application/json"
    assert body["tenantid"] == event.tenantid
    assert body["correlationid"] == "corr-123"
    assert body["dataschemaversion"] == "1"
    assert body["time"].endswith("Z")
    assert datetime.fromisoformat(body["time"]) == event.time


def test_subject_is_prefixed_type() -> None:
    assert an_event(type="table.status_changed").subject == "pos.events.table.status_changed"
    assert subject_for("order.paid") == "pos.events.order.paid"


def test_time_is_normalised_to_utc() -> None:
    body = a_body(time="2025-03-01T14:30:00+02:00")

    event = Event.from_dict(body)

    assert event.time == datetime(2025, 3, 1, 12, 30, tzinfo=UTC)
    assert json.loads(event.to_json())["time"] == "2025-03-01T12:30:00.000000Z"


def test_each_event_gets_a_new_id_and_current_time() -> None:
    first, second = an_event(), an_event()

    assert first.id != second.id
    assert abs(datetime.now(UTC) - first.time) < timedelta(seconds=5)


def test_data_cannot_be_changed_after_creation() -> None:
    event = an_event(data={"order_id": "o-1"})

    with pytest.raises(TypeError):
        event.data["order_id"] = "o-2"  # type: ignore[index]


def test_unknown_extension_attributes_are_ignored() -> None:
    event = Event.from_dict(a_body(somevendorext="x"))

    assert "somevendorext" not in event.to_dict()


def test_data_that_is_not_json_fails_at_the_producer() -> None:
    with pytest.raises(TypeError):
        an_event(data={"when": datetime.now(UTC)}).to_json()


@pytest.mark.parametrize(
    ("raw", "complaint"),
    [
        (b"\xff\xfe not utf-8", "UTF-8 JSON"),
        (b"{not json", "UTF-8 JSON"),
        (b"[1, 2]", "JSON object"),
        (b"", "UTF-8 JSON"),
    ],
)
def test_unparseable_bytes_are_malformed(raw: bytes, complaint: str) -> None:
    with pytest.raises(MalformedEvent, match=complaint):
        Event.from_json(raw)


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"specversion": "0.3"}, "specversion"),
        ({"specversion": ...}, "specversion"),
        ({"id": "not-a-uuid"}, "'id' must be a UUID"),
        ({"id": 42}, "'id'"),
        ({"source": ""}, "'source'"),
        ({"type": "order placed"}, "'type'"),
        ({"type": "pos.events.>"}, "'type'"),
        ({"type": "order"}, "'type'"),
        ({"time": "yesterday"}, "RFC 3339"),
        ({"time": "2025-03-01T12:00:00"}, "offset"),
        ({"time": "2025-03-01"}, "offset"),
        ({"datacontenttype": "text/xml"}, "datacontenttype"),
        ({"data": "a string"}, "'data'"),
        ({"data": ...}, "'data'"),
        ({"tenantid": ...}, "'tenantid'"),
        ({"tenantid": ""}, "'tenantid'"),
        ({"correlationid": None}, "'correlationid'"),
        ({"dataschemaversion": "v1"}, "dataschemaversion"),
        ({"dataschemaversion": 1}, "dataschemaversion"),
        ({"traceparent": 7}, "traceparent"),
    ],
)
def test_invalid_attributes_are_malformed(overrides: dict[str, Any], complaint: str) -> None:
    raw = json.dumps(a_body(**overrides))

    with pytest.raises(MalformedEvent, match=complaint):
        Event.from_json(raw)


def test_malformed_event_is_a_value_error() -> None:
    # Callers that only know ValueError still catch it.
    assert issubclass(MalformedEvent, ValueError)


def test_a_producer_cannot_build_an_invalid_event() -> None:
    with pytest.raises(MalformedEvent, match="'type'"):
        an_event(type="Order Placed")
    with pytest.raises(MalformedEvent, match="'tenantid'"):
        an_event(tenant_id="")
    with pytest.raises(MalformedEvent, match="time"):
        Event(
            id=str(uuid.uuid4()),
            source="pos-core",
            type="order.placed",
            time=datetime(2025, 1, 1),
            tenantid="t",
            correlationid="c",
        )


def test_an_offset_time_is_accepted_from_a_producer() -> None:
    event = Event(
        id=str(uuid.uuid4()),
        source="pos-core",
        type="order.placed",
        time=datetime(2025, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1))),
        tenantid="t",
        correlationid="c",
    )

    assert event.time == datetime(2025, 1, 1, 0, 0, tzinfo=UTC)
