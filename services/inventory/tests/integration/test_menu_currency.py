"""A new menu item without a currency is priced in the restaurant's, from the profile's copy.

The copy is fed by restaurant's `restaurant.profile_changed` events (only a higher
version wins) and, while it lacks a restaurant, caught up from restaurant's API with
the caller's token. The stand-in restaurant (conftest) answers EUR at version 1 unless
a test says otherwise.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from pos_kit.events.testing import wait_until
from pos_kit.testing.net import free_port

PROBLEM = "application/problem+json"


async def add_item(restaurant, client: httpx.AsyncClient | None = None, **body: Any):
    return await (client or restaurant.client).post(
        "/api/v1/products",
        json={"name": "Soup", "price": 700} | body,
        headers=restaurant.headers(),
    )


async def wait_for_currency(restaurant, currency: str) -> None:
    """Until a new item without a currency gets `currency` (the copy has caught up)."""

    async def priced() -> bool:
        response = await add_item(restaurant)
        return response.status_code == 201 and response.json()["currency"] == currency

    await wait_until(priced, within=10, what=f"new items priced in {currency}")


async def dead_letter_ids(bus) -> set[str]:
    return {json.loads(raw).get("id") for raw in await bus.dead_letters("inventory")}


async def test_an_item_without_a_currency_gets_the_restaurants_asked_once(
    restaurant, standin_restaurant
) -> None:
    standin_restaurant.set_profile(restaurant.tenant_id, "CHF", 3)

    first = await add_item(restaurant)
    assert first.status_code == 201, first.text
    assert first.json()["currency"] == "CHF"
    # Asked on the caller's behalf, with the owner's own token.
    assert standin_restaurant.asked_by(restaurant.tenant_id) == [restaurant.owner_user_id]

    # The copy answers from now on: restaurant is not asked on every request.
    second = await add_item(restaurant, name="Salad")
    assert second.json()["currency"] == "CHF"
    named = await add_item(restaurant, name="Wine", currency="EUR")
    assert named.json()["currency"] == "EUR"
    assert len(standin_restaurant.asked_by(restaurant.tenant_id)) == 1


async def test_profile_changes_reach_the_copy_and_only_a_higher_version_wins(
    restaurant, another_restaurant, standin_restaurant, bus
) -> None:
    # restaurant has no profile for either tenant yet (404): no currency to give.
    standin_restaurant.not_yet(restaurant.tenant_id)
    standin_restaurant.not_yet(another_restaurant.tenant_id)
    unknown = await add_item(restaurant)
    assert unknown.status_code == 503, unknown.text
    assert unknown.headers["content-type"] == PROBLEM
    assert int(unknown.headers["retry-after"]) >= 1

    current = standin_restaurant.profile_changed(restaurant.tenant_id, "GBP", 2)
    await bus.publish(current)
    await wait_for_currency(restaurant, "GBP")

    # Late and repeated versions change nothing: v1 after v2, v2 again with other data.
    stale = [
        standin_restaurant.profile_changed(restaurant.tenant_id, "USD", 1),
        standin_restaurant.profile_changed(restaurant.tenant_id, "JPY", 2),
    ]
    for event in stale:
        await bus.publish(event)
    # Handled in stream order: once another tenant's later event has taken effect, so have
    # the stale ones.
    marker = standin_restaurant.profile_changed(another_restaurant.tenant_id, "SEK", 1)
    await bus.publish(marker)
    await wait_for_currency(another_restaurant, "SEK")
    assert (await add_item(restaurant)).json()["currency"] == "GBP"

    newer = standin_restaurant.profile_changed(restaurant.tenant_id, "CHF", 3)
    await bus.publish(newer)
    await wait_for_currency(restaurant, "CHF")
    assert not await dead_letter_ids(bus) & {e.id for e in (current, *stale, marker, newer)}


async def test_a_profile_event_without_a_usable_currency_or_version_is_dead_lettered(
    restaurant, standin_restaurant, bus
) -> None:
    standin_restaurant.not_yet(restaurant.tenant_id)
    broken = [
        standin_restaurant.profile_changed(restaurant.tenant_id, "euro", 1),
        standin_restaurant.profile_changed(restaurant.tenant_id, "EUR", 0),
        standin_restaurant.profile_changed(restaurant.tenant_id, "EUR", 1, version="two"),
    ]
    for event in broken:
        await bus.publish(event)

    async def all_dead_lettered() -> bool:
        return {e.id for e in broken} <= await dead_letter_ids(bus)

    await wait_until(all_dead_lettered, within=15, what="the broken events on pos.dlq.inventory")
    assert (await add_item(restaurant)).status_code == 503  # the copy is still empty


async def test_with_restaurant_down_and_no_copy_a_new_item_must_name_its_currency(
    kit, client, restaurant
) -> None:
    nobody_there = f"http://127.0.0.1:{free_port()}"
    async with kit.other_client(restaurant_url=nobody_there) as cut_off:
        refused = await add_item(restaurant, cut_off)
        assert refused.status_code == 503, refused.text
        assert refused.headers["content-type"] == PROBLEM
        assert int(refused.headers["retry-after"]) >= 1
        assert "currency" in refused.json()["detail"]

        named = await add_item(restaurant, cut_off, name="Wine", currency="CHF")
        assert named.status_code == 201, named.text
        assert named.json()["currency"] == "CHF"
        listed = await cut_off.get("/api/v1/products", headers=restaurant.headers())
        assert [p["name"] for p in listed.json()["items"]] == ["Wine"]

        # Once the copy has the restaurant (here through an instance that reached
        # restaurant), restaurant being down no longer matters.
        assert (await add_item(restaurant, client)).json()["currency"] == "EUR"
        copied = await add_item(restaurant, cut_off, name="Bread")
        assert copied.status_code == 201, copied.text
        assert copied.json()["currency"] == "EUR"
