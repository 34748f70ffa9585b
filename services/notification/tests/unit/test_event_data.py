"""Reading other services' events: what notification uses is validated, the rest ignored."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from pos_kit.events import Event, MalformedEvent, tenant_of
from pos_kit.testing.bus import new_event
from pos_notification.api.events import placed_order, stock_low, tenant_contact
from pos_notification.domain.emails import StockLow, TenantContact, stock_low_email

TENANT = str(uuid.uuid4())


def an_event(type: str, data: dict[str, Any], *, tenant: str = TENANT, version: str = "1") -> Event:
    return new_event(type, data, tenant_id=tenant, source="test", schema_version=version)


def an_order(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "order_id": str(uuid.uuid4()),
        "type": "dine_in",
        "table_id": str(uuid.uuid4()),
        "guests": 4,
        "items": [
            {
                "product_id": str(uuid.uuid4()),
                "name": " Burger ",
                "quantity": 2,
                "notes": "",
                "modifiers": ["no onion", {"name": "extra cheese", "price_delta": 150}],
                "unit_price": 1200,
            }
        ],
        "totals": {"total": 2400},
        "placed_at": "2026-11-25T19:00:00Z",
        "placed_by": "waiter-1",
        "a_field_added_later": True,
    }
    data.update(overrides)
    return data


def test_an_order_is_read_with_modifier_names_either_way() -> None:
    order = placed_order(an_event("order.placed", an_order()))
    (line,) = order.lines
    assert line.name == "Burger"
    assert line.modifiers == ("no onion", "extra cheese")
    assert line.notes is None
    assert order.guests == 4
    assert order.placed_at == datetime(2026, 11, 25, 19, 0, tzinfo=UTC)


def test_an_order_without_placed_at_uses_the_event_time() -> None:
    event = an_event("order.placed", an_order(placed_at=None))
    assert placed_order(event).placed_at == event.time


@pytest.mark.parametrize(
    "overrides",
    [
        {"order_id": "12"},
        {"items": []},
        {"items": "soup"},
        {"items": [{"name": "Soup", "quantity": 0}]},
        {"items": [{"name": "", "quantity": 1}]},
        {"items": [{"name": "Soup", "quantity": "two"}]},
        {"guests": -1},
        {"placed_at": "yesterday"},
        {"placed_at": "2026-11-25T19:00:00"},
    ],
)
def test_a_malformed_order_raises(overrides: dict[str, Any]) -> None:
    with pytest.raises(MalformedEvent):
        placed_order(an_event("order.placed", an_order(**overrides)))


def test_an_unknown_schema_version_raises() -> None:
    with pytest.raises(MalformedEvent):
        placed_order(an_event("order.placed", an_order(), version="2"))


def test_a_tenant_id_that_is_no_uuid_raises() -> None:
    with pytest.raises(MalformedEvent):
        tenant_of(an_event("order.placed", an_order(), tenant="bistro"))


def test_tenant_registered_must_name_its_own_tenant() -> None:
    data = {
        "tenant_id": str(uuid.uuid4()),
        "restaurant_name": "Chez",
        "owner_user_id": "u1",
        "owner_email": "o@bistro.example",
        "owner_full_name": "O",
        "registered_at": "2026-11-25T10:00:00Z",
    }
    with pytest.raises(MalformedEvent):
        tenant_contact(an_event("tenant.registered", data))
    data["tenant_id"] = TENANT
    assert tenant_contact(an_event("tenant.registered", data)).owner_email == "o@bistro.example"
    with pytest.raises(MalformedEvent):
        tenant_contact(an_event("tenant.registered", {**data, "owner_email": "nobody"}))


def test_stock_low_needs_its_numbers() -> None:
    data = {"product_id": str(uuid.uuid4()), "name": "Basil", "available": 1, "threshold": 4}
    assert stock_low(an_event("stock.low", data)).available == 1
    with pytest.raises(MalformedEvent):
        stock_low(an_event("stock.low", {**data, "available": "few"}))


def test_the_stock_low_email_is_one_line_in_its_subject() -> None:
    contact = TenantContact(
        tenant_id=uuid.uuid4(),
        restaurant_name="Chez\nTest",
        owner_user_id="u",
        owner_email="o@b.example",
        owner_full_name="Olive",
        registered_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    stock = StockLow(product_id=uuid.uuid4(), name="Basil\r\nBcc: evil@x", available=1, threshold=4)
    email = stock_low_email(stock=stock, contact=contact)
    assert "\n" not in email.subject
    assert "\r" not in email.subject
    assert email.subject == "Running low: Basil Bcc: evil@x (1 left)"
    assert "Chez Test" in email.body
    assert stock_low_email(stock=stock, contact=None).body.startswith("Hello,")
