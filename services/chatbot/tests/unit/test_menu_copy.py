"""The menu copy: newer descriptions win whatever their order, and catch-ups are rare."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from pos_chatbot.adapters.store.embedded import MEMORY, EmbeddedStore
from pos_chatbot.adapters.store.menu_items import MenuItemRepository
from pos_chatbot.domain.menu import MenuItem
from pos_chatbot.use_cases.menu_copy import MenuCopy
from pos_kit.http import DownstreamUnavailable


class Inventory:
    """inventory's menu as the copy asks for it: counted, and able to be down."""

    def __init__(self, *items: MenuItem) -> None:
        self.items = list(items)
        self.asked = 0
        self.down = False

    async def menu(self, *, tenant_id: uuid.UUID) -> list[MenuItem]:
        self.asked += 1
        if self.down:
            raise DownstreamUnavailable(
                "inventory", "down", reason="connect_error", retry_after_seconds=1
            )
        return list(self.items)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def items() -> AsyncIterator[MenuItemRepository]:
    # The embedded engine's memory store is one per process: each test has a restaurant
    # of its own in it.
    store = EmbeddedStore(MEMORY)
    yield MenuItemRepository(store.collection("menu_items"))
    await store.close()


@pytest.fixture
def tenant() -> uuid.UUID:
    return uuid.uuid4()


def copy_of(items: MenuItemRepository, inventory: Inventory, clock: Clock) -> MenuCopy:
    return MenuCopy(items, inventory, catch_up_interval=30, clock=clock)  # type: ignore[arg-type]


async def test_the_newest_version_wins_whatever_order_events_arrive_in(
    items: MenuItemRepository, tenant: uuid.UUID, dish_named: Any
) -> None:
    copy = copy_of(items, Inventory(), Clock())
    burrata = dish_named("Burrata")
    v2, v3 = replace(burrata, price=1200, version=2), replace(burrata, price=1300, version=3)

    applied = [await copy.apply(tenant, v) for v in (v3, v2, v3)]
    (held,) = (await copy.menu_for(tenant)).items

    assert applied == [True, False, False]
    assert held == v3


async def test_a_restaurant_never_heard_of_is_caught_up_once(
    items: MenuItemRepository, tenant: uuid.UUID, dish_named: Any
) -> None:
    inventory = Inventory(dish_named("Burrata"), dish_named("Fries"))
    clock = Clock()
    copy = copy_of(items, inventory, clock)

    first = await copy.menu_for(tenant)
    again = await copy.menu_for(tenant)

    assert [i.name for i in first.items] == ["Burrata", "Fries"] == [i.name for i in again.items]
    assert inventory.asked == 1


async def test_an_empty_menu_is_not_asked_for_on_every_message(
    items: MenuItemRepository, tenant: uuid.UUID
) -> None:
    inventory = Inventory()
    clock = Clock()
    copy = copy_of(items, inventory, clock)

    for _ in range(5):
        await copy.menu_for(tenant)
    clock.now += 31
    await copy.menu_for(tenant)

    assert inventory.asked == 2


async def test_an_item_the_copy_never_saw_is_a_gap_caught_up(
    items: MenuItemRepository, tenant: uuid.UUID, dish_named: Any
) -> None:
    late = dish_named("Walnut cake")
    inventory = Inventory(dish_named("Burrata"))
    clock = Clock()
    copy = copy_of(items, inventory, clock)
    await copy.menu_for(tenant)
    inventory.items.append(late)
    clock.now += 31

    found = await copy.item_for(tenant, late.id)
    made_up = await copy.item_for(tenant, uuid.uuid4())

    assert found == late
    assert made_up is None
    assert inventory.asked == 2  # the made-up id came within the interval: no third call


async def test_a_deleted_item_is_no_gap(
    items: MenuItemRepository, tenant: uuid.UUID, dish_named: Any
) -> None:
    burrata = dish_named("Burrata")
    inventory = Inventory(burrata)
    clock = Clock()
    copy = copy_of(items, inventory, clock)
    await copy.menu_for(tenant)
    await copy.remove(tenant, burrata.id)
    clock.now += 31

    assert await copy.item_for(tenant, burrata.id) is None
    assert inventory.asked == 1


async def test_with_inventory_down_the_copy_answers_with_what_it_has(
    items: MenuItemRepository, tenant: uuid.UUID, dish_named: Any
) -> None:
    inventory = Inventory()
    inventory.down = True
    copy = copy_of(items, inventory, Clock())
    await copy.apply(tenant, dish_named("Fries"))
    other = uuid.uuid4()

    known = await copy.menu_for(tenant)
    unknown = await copy.menu_for(other)

    assert [i.name for i in known.items] == ["Fries"]
    assert unknown.items == ()
    assert inventory.asked == 1  # only for the restaurant it never heard of
