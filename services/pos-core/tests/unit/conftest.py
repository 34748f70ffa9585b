"""Small factories for pos-core's unit tests: products, orders in any status."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from pos_core.domain.menu import ModifierGroup, ModifierOption, Product
from pos_core.domain.orders import Order, OrderItem, OrderStatus, OrderType

NOW = datetime(2026, 11, 25, 19, 5, tzinfo=UTC)


def options(*pairs: tuple[str, int]) -> tuple[ModifierOption, ...]:
    return tuple(ModifierOption(uuid.uuid4(), name, delta) for name, delta in pairs)


def modifier_group(
    name: str, min_select: int, max_select: int, *pairs: tuple[str, int]
) -> ModifierGroup:
    return ModifierGroup(uuid.uuid4(), name, min_select, max_select, options(*pairs))


def product(
    name: str = "Margherita",
    price: int = 1200,
    *,
    tax_rate_bps: int = 1000,
    currency: str = "EUR",
    available: bool = True,
    groups: tuple[ModifierGroup, ...] = (),
) -> Product:
    return Product(uuid.uuid4(), name, price, currency, tax_rate_bps, available, groups)


def pizza() -> Product:
    """A pizza with a required size and up to two paid extras."""
    return product(
        groups=(
            modifier_group("Size", 1, 1, ("Regular", 0), ("Large", 300)),
            modifier_group(
                "Extras", 0, 2, ("Extra cheese", 150), ("Olives", 100), ("Anchovies", 200)
            ),
        )
    )


def option_id(p: Product, name: str) -> uuid.UUID:
    return next(o.id for g in p.modifier_groups for o in g.options if o.name == name)


def item(
    p: Product, quantity: int = 1, *, modifiers: tuple[str, ...] = (), notes: str | None = None
) -> OrderItem:
    return OrderItem.from_product(
        p,
        quantity=quantity,
        notes=notes,
        option_ids=[option_id(p, m) for m in modifiers],
        now=NOW,
        by="waiter-1",
    )


def order(*items: OrderItem, status: OrderStatus = OrderStatus.OPEN, **fields: Any) -> Order:
    """An order with `items`, brought to `status` through its own transitions."""
    values: dict[str, Any] = {
        "tenant_id": uuid.uuid4(),
        "number": 7,
        "type": OrderType.DINE_IN,
        "table_id": None,
        "guests": 2,
        "now": NOW,
        "by": "waiter-1",
    }
    values.update(fields)
    made = Order.open_new(**values)
    for i in items:
        made.add_item(i, NOW)
    path = {
        OrderStatus.OPEN: [],
        OrderStatus.PLACED: ["place"],
        OrderStatus.PAID: ["place", "pay"],
        OrderStatus.CLOSED: ["place", "pay", "close"],
        OrderStatus.CANCELLED: ["cancel"],
    }[status]
    for step in path:
        if step == "place":
            if not made.items:
                made.add_item(item(product("Bread", 300)), NOW)
            made.place(reservation_id="r-1", now=NOW, by="waiter-1")
        else:
            getattr(made, step)(now=NOW, by="manager-1")
    return made


@pytest.fixture
def make() -> SimpleNamespace:
    """`make.order(...)`, `make.item(...)`, `make.pizza()`...: the factories of this module."""
    return SimpleNamespace(
        NOW=NOW,
        options=options,
        modifier_group=modifier_group,
        product=product,
        pizza=pizza,
        option_id=option_id,
        item=item,
        order=order,
    )
