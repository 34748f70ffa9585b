"""Reading consumed events: what is used is checked, and anything unreadable raises."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from pos_kit.events import Event, MalformedEvent
from pos_kit.testing.bus import new_event
from pos_restaurant.api.dependencies import RestaurantUseCases
from pos_restaurant.api.events import event_handler
from pos_restaurant.domain.floor_plan import SeatingReason

TENANT = str(uuid.uuid4())


@dataclass
class Recorder:
    """Stands in for the use cases; records what the handler asked of them."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    async def order_placed(self, uow: object, **kw: Any) -> None:
        self.calls.append(("order_placed", kw))

    async def order_ended(self, uow: object, **kw: Any) -> None:
        self.calls.append(("order_ended", kw))

    async def welcome(self, uow: object, **kw: Any) -> None:
        self.calls.append(("welcome", kw))


def handler_and_recorder() -> tuple[Any, Recorder]:
    recorder = Recorder()
    use_cases = RestaurantUseCases(
        profiles=recorder,  # type: ignore[arg-type]
        floor_plan=None,  # type: ignore[arg-type]
        seating=recorder,  # type: ignore[arg-type]
        staff=None,  # type: ignore[arg-type]
        guest_links=None,  # type: ignore[arg-type]
    )
    return event_handler(use_cases), recorder


def event(
    event_type: str, data: dict[str, Any], *, tenant_id: str = TENANT, schema_version: str = "1"
) -> Event:
    return new_event(event_type, data, tenant_id=tenant_id, schema_version=schema_version)


async def test_a_dine_in_order_at_a_table_seats_it() -> None:
    handle, recorder = handler_and_recorder()
    order, table = uuid.uuid4(), uuid.uuid4()
    data = {"order_id": str(order), "type": "dine_in", "table_id": str(table), "extra": [1]}
    await handle(None, event("order.placed", data))
    assert recorder.calls == [
        ("order_placed", {"tenant_id": uuid.UUID(TENANT), "order_id": order, "table_id": table})
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"type": "takeout", "table_id": str(uuid.uuid4())},
        {"type": "dine_in", "table_id": None},
        {"type": "dine_in"},
    ],
)
async def test_orders_without_a_table_to_seat_change_nothing(data: dict[str, Any]) -> None:
    handle, recorder = handler_and_recorder()
    await handle(None, event("order.placed", {"order_id": str(uuid.uuid4()), **data}))
    assert recorder.calls == []


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"order_id": "not-a-uuid", "type": "dine_in"},
        {"order_id": str(uuid.uuid4())},
        {"order_id": str(uuid.uuid4()), "type": "dine_in", "table_id": 7},
        {"order_id": str(uuid.uuid4()), "type": 3},
    ],
)
async def test_a_malformed_order_placed_raises_for_the_dead_letter_subject(
    data: dict[str, Any],
) -> None:
    handle, recorder = handler_and_recorder()
    with pytest.raises(MalformedEvent):
        await handle(None, event("order.placed", data))
    assert recorder.calls == []


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("closed", SeatingReason.ORDER_CLOSED), ("cancelled", SeatingReason.ORDER_CANCELLED)],
)
async def test_closed_and_cancelled_orders_release_their_table(
    kind: str, reason: SeatingReason
) -> None:
    handle, recorder = handler_and_recorder()
    order = uuid.uuid4()
    await handle(None, event(f"order.{kind}", {"order_id": str(order), "table_id": None}))
    assert recorder.calls == [
        ("order_ended", {"tenant_id": uuid.UUID(TENANT), "order_id": order, "reason": reason})
    ]
    with pytest.raises(MalformedEvent):
        await handle(None, event(f"order.{kind}", {"table_id": str(uuid.uuid4())}))


async def test_tenant_registered_must_name_its_own_tenant() -> None:
    handle, recorder = handler_and_recorder()
    data = {"tenant_id": str(uuid.uuid4()), "restaurant_name": "Elsewhere"}
    with pytest.raises(MalformedEvent, match="another tenant"):
        await handle(None, event("tenant.registered", data))
    await handle(None, event("tenant.registered", {"tenant_id": TENANT, "restaurant_name": "Uno"}))
    assert recorder.calls[0][1]["restaurant_name"] == "Uno"
    assert recorder.calls[0][1]["owner"] is None


async def test_a_tenant_that_is_not_a_uuid_or_an_unknown_schema_version_raises() -> None:
    handle, _ = handler_and_recorder()
    data = {"order_id": str(uuid.uuid4()), "type": "dine_in", "table_id": str(uuid.uuid4())}
    with pytest.raises(MalformedEvent):
        await handle(None, event("order.placed", data, tenant_id="acme"))
    with pytest.raises(MalformedEvent, match="schema version"):
        await handle(None, event("order.placed", data, schema_version="2"))
