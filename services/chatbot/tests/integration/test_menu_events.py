"""inventory's product.* events keep the menu copy: answers follow the menu as it changes."""

from __future__ import annotations

import uuid
from typing import Any

from pos_kit.events.testing import wait_until
from pos_kit.testing.bus import new_event

# How long an event may take to reach the copy before a test gives up (not a measure).
PATIENCE_SECONDS = 15


async def menu_copy_of(app_use_cases: Any, restaurant: Any) -> dict[str, Any]:
    menu = await app_use_cases.menu.menu_for(uuid.UUID(restaurant.tenant_id))
    return {str(item.id): item for item in menu.items}


async def wait_for_copy(kit: Any, restaurant: Any, settled: Any) -> dict[str, Any]:
    """The copy once `settled(copy)` holds, read until then."""
    use_cases = kit.app().state.use_cases

    async def settled_copy() -> dict[str, Any] | None:
        copy = await menu_copy_of(use_cases, restaurant)
        return copy if settled(copy) else None

    return await wait_until(
        settled_copy, within=PATIENCE_SECONDS, what="the event to reach the copy"
    )


async def publish(bus: Any, restaurant: Any, type_: str, data: dict[str, Any]) -> None:
    await bus.publish(new_event(type_, data, tenant_id=restaurant.tenant_id, source="inventory"))


async def update(kit: Any, bus: Any, restaurant: Any, dish: dict[str, Any], **changes: Any) -> None:
    """Publish `product.updated` with `changes` (a new version among them), and wait until
    the copy holds that version."""
    await publish(bus, restaurant, "product.updated", dish | changes)
    version = changes["version"]
    await wait_for_copy(kit, restaurant, lambda copy: copy[dish["id"]].version == version)


async def copy_once_handled(kit: Any, bus: Any, restaurant: Any) -> dict[str, Any]:
    """The copy once every event published so far is handled: the consumer handles one
    stream in order, so once a marker published last is in, so is the rest."""
    marker = restaurant.dish("Marker", 100)
    await publish(bus, restaurant, "product.created", marker)
    return await wait_for_copy(kit, restaurant, lambda copy: marker["id"] in copy)


async def test_a_renamed_dish_is_answered_by_its_new_name(
    kit: Any, client: Any, bus: Any, restaurant: Any
) -> None:
    (burrata,) = restaurant.serves(restaurant.dish("Burrata", 1150))
    chat = await restaurant.chat()
    before = await chat.answer("How much is the burrata?")

    await update(kit, bus, restaurant, burrata, name="Burrata di Puglia", version=2)
    after = await chat.answer("How much is the burrata?")

    assert before["reply"] == "Burrata costs €11.50."
    assert after["reply"] == "Burrata di Puglia costs €11.50."


async def test_a_new_price_is_the_price_answered(
    kit: Any, client: Any, bus: Any, restaurant: Any
) -> None:
    (fries,) = restaurant.serves(restaurant.dish("Fries", 450))
    chat = await restaurant.chat()
    await chat.answer("Hello")

    await update(kit, bus, restaurant, fries, price=500, version=2)
    reply = await chat.answer("How much are the fries?")

    assert reply["reply"] == "Fries costs €5.00."
    assert [(f["price"], f["version"]) for f in reply["facts"]] == [(500, 2)]


async def test_an_older_event_arriving_late_changes_nothing(
    kit: Any, client: Any, bus: Any, restaurant: Any
) -> None:
    espresso = restaurant.dish("Espresso", 280)
    await publish(bus, restaurant, "product.created", espresso | {"price": 300, "version": 3})
    await publish(bus, restaurant, "product.updated", espresso | {"price": 250, "version": 2})

    copy = await copy_once_handled(kit, bus, restaurant)

    assert (copy[espresso["id"]].price, copy[espresso["id"]].version) == (300, 3)


async def test_a_deleted_dish_is_not_on_the_menu_and_stays_deleted(
    kit: Any, client: Any, bus: Any, restaurant: Any
) -> None:
    (tartare,) = restaurant.serves(restaurant.dish("Steak tartare", 1350))
    chat = await restaurant.chat()
    await chat.answer("Hello")

    await publish(bus, restaurant, "product.deleted", {"id": tartare["id"]})
    await publish(bus, restaurant, "product.updated", tartare | {"version": 7})
    copy = await copy_once_handled(kit, bus, restaurant)
    reply = await chat.answer("How much is the steak tartare?")

    assert tartare["id"] not in copy
    assert "not on our menu" in reply["reply"]


async def test_an_event_whose_data_cannot_be_read_is_dead_lettered(
    bus: Any, restaurant: Any
) -> None:
    await publish(bus, restaurant, "product.updated", {"id": "not an id", "version": "x"})

    async def dead_lettered() -> bool:
        return any(b"not an id" in letter for letter in await bus.dead_letters("chatbot"))

    await wait_until(dead_lettered, within=PATIENCE_SECONDS, what="the dead letter")
