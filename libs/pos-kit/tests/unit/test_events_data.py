"""A consumer's edge: the event's data as the model it reads, the tenant from the envelope."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from pos_kit.events import Event, EventData, MalformedEvent, parse_data, tenant_of

RESTAURANT = str(uuid.uuid4())


class OrderPaid(EventData):
    order_id: uuid.UUID
    total_cents: int


def an_event(data: dict[str, object], *, version: str = "1", tenant: str = RESTAURANT) -> Event:
    return Event.new(
        source="payment",
        type="order.paid",
        data=data,
        tenant_id=tenant,
        correlation_id="corr-1",
        schema_version=version,
    )


def test_the_data_as_the_consumers_model_ignoring_what_it_does_not_read() -> None:
    order = uuid.uuid4()
    event = an_event({"order_id": str(order), "total_cents": 1250, "tip_cents": 100})

    paid = parse_data(event, OrderPaid)

    assert paid == OrderPaid(order_id=order, total_cents=1250)
    with pytest.raises(ValidationError):
        paid.total_cents = 0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"total_cents": 1250}, "order_id"),
        ({"order_id": "table-4", "total_cents": 1250}, "order_id"),
        ({"order_id": str(uuid.uuid4()), "total_cents": "lots"}, "total_cents"),
    ],
)
def test_data_the_consumer_cannot_use_is_malformed(data: dict[str, object], named: str) -> None:
    with pytest.raises(MalformedEvent, match=f"order.paid data is not usable: {named}"):
        parse_data(an_event(data), OrderPaid)


def test_a_schema_version_the_consumer_does_not_read_is_malformed() -> None:
    event = an_event({"order_id": str(uuid.uuid4()), "total_cents": 1}, version="2")

    with pytest.raises(MalformedEvent, match="version 2 is not one this consumer reads"):
        parse_data(event, OrderPaid)
    assert parse_data(event, OrderPaid, versions=("1", "2")).total_cents == 1


def test_the_tenant_comes_from_the_envelope() -> None:
    assert tenant_of(an_event({})) == uuid.UUID(RESTAURANT)
    with pytest.raises(MalformedEvent, match="tenantid 'restaurant-4' is not a UUID"):
        tenant_of(an_event({}, tenant="restaurant-4"))
