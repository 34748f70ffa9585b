"""Receipts print each restaurant's own profile: pos-core's copy, fed by restaurant.profile_changed,
caught up from the restaurant service when empty, and a neutral heading when neither can say."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pos_kit.testing.app import captured_logs
from pos_kit.testing.net import free_port

CONSUMER = "pos-core"


async def receipt_when(
    restaurant: Any, order_id: str, shows: Callable[[dict[str, Any]], bool], within: float = 10.0
) -> dict[str, Any]:
    """The JSON receipt, once it `shows` what is expected (events take a moment)."""
    deadline = time.monotonic() + within
    while True:
        response = await restaurant.receipt(order_id)
        assert response.status_code == 200, response.text
        receipt: dict[str, Any] = response.json()
        if shows(receipt) or time.monotonic() > deadline:
            return receipt
        await asyncio.sleep(0.1)


def offset_in(zone: str, issued_at: str) -> bool:
    moment = datetime.fromisoformat(issued_at)
    return moment.utcoffset() == ZoneInfo(zone).utcoffset(moment.replace(tzinfo=None))


async def test_each_restaurant_prints_its_own_name_and_time_zone(restaurant_factory, bus) -> None:
    paris = restaurant_factory(profile=None)
    tokyo = restaurant_factory(profile=None)
    await bus.publish(
        paris.profile_changed(
            2,
            name="Chez Nous",
            address="12 Rue des Lilas, 75011 Paris",
            timezone="Europe/Paris",
            receipt_footer="Merci et à bientôt !",
        )
    )
    await bus.publish(
        tokyo.profile_changed(2, name="Sakura", timezone="Asia/Tokyo", currency="JPY")
    )

    paris_order, tokyo_order = await paris.open_order(), await tokyo.open_order()
    chez_nous = await receipt_when(
        paris, paris_order["id"], lambda r: r["restaurant_name"] != "Restaurant"
    )
    sakura = await receipt_when(
        tokyo, tokyo_order["id"], lambda r: r["restaurant_name"] != "Restaurant"
    )

    assert chez_nous["restaurant_name"] == "Chez Nous"
    assert chez_nous["restaurant_address"] == "12 Rue des Lilas, 75011 Paris"
    assert chez_nous["footer"] == "Merci et à bientôt !"
    assert chez_nous["currency"] == "EUR"  # an order without items: the restaurant's
    assert offset_in("Europe/Paris", chez_nous["issued_at"])
    assert (sakura["restaurant_name"], sakura["restaurant_address"]) == ("Sakura", None)
    assert sakura["currency"] == "JPY"
    assert offset_in("Asia/Tokyo", sakura["issued_at"])
    assert sakura["footer"] == ""

    text = (await paris.receipt(paris_order["id"], format="text")).text.splitlines()
    assert text[0] == "Chez Nous".center(42).rstrip()
    assert text[1] == "12 Rue des Lilas, 75011 Paris".center(42).rstrip()
    assert text[4].endswith(("CET", "CEST"))
    assert "Merci et à bientôt !".center(42).rstrip() in text
    tokyo_text = (await tokyo.receipt(tokyo_order["id"], format="text")).text.splitlines()
    assert tokyo_text[0] == "Sakura".center(42).rstrip()
    assert tokyo_text[3].endswith("JST")


async def test_a_newer_profile_replaces_an_older_one_and_never_the_other_way(
    restaurant_factory, bus, handled
) -> None:
    mario = restaurant_factory(profile=None)
    order = await mario.open_order()
    await bus.publish(mario.profile_changed(3, name="Da Mario"))
    receipt = await receipt_when(mario, order["id"], lambda r: r["restaurant_name"] == "Da Mario")
    assert receipt["restaurant_name"] == "Da Mario"

    # Retries let an older event arrive late; the same version again changes nothing.
    late = await bus.publish(mario.profile_changed(2, name="Mario's old name"))
    repeated = await bus.publish(mario.profile_changed(3, name="Da Mario, again"))
    await handled(late.id)
    await handled(repeated.id)
    assert (await mario.receipt(order["id"])).json()["restaurant_name"] == "Da Mario"

    await bus.publish(mario.profile_changed(4, name="Da Mario e Figli"))
    renamed = await receipt_when(mario, order["id"], lambda r: r["restaurant_name"] != "Da Mario")
    assert renamed["restaurant_name"] == "Da Mario e Figli"


async def test_an_unusable_profile_event_is_dead_lettered_at_once(restaurant_factory, bus) -> None:
    somewhere = restaurant_factory(profile=None)
    broken = await bus.publish(somewhere.profile_changed(2, timezone="Mars/Olympus_Mons"))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if any(broken.id.encode() in letter for letter in await bus.dead_letters(CONSUMER)):
            break
        await asyncio.sleep(0.1)
    assert any(broken.id.encode() in letter for letter in await bus.dead_letters(CONSUMER))


async def test_without_a_copy_the_profile_is_caught_up_once_from_the_restaurant_service(
    restaurant_factory, restaurant_service, bus
) -> None:
    profile = {
        "name": "Chez Nous",
        "address": "3 Place du Marché, Genève",
        "currency": "CHF",
        "timezone": "Europe/Zurich",
        "default_tax_rate_bps": 810,
        "receipt_footer": "Merci !",
    }
    geneva = restaurant_factory(profile={**profile, "version": 1})
    order = await geneva.open_order()

    first = (await geneva.receipt(order["id"])).json()
    assert (first["restaurant_name"], first["restaurant_address"]) == (
        "Chez Nous",
        "3 Place du Marché, Genève",
    )
    assert (first["currency"], first["footer"]) == ("CHF", "Merci !")
    assert offset_in("Europe/Zurich", first["issued_at"])
    assert restaurant_service.asked.count(geneva.tenant_id) == 1

    # From now on the copy answers: the restaurant service is not asked on every receipt.
    restaurant_service.profiles[geneva.tenant_id]["name"] = "Never asked for"
    again = (await geneva.receipt(order["id"], format="text")).text.splitlines()
    assert again[0] == "Chez Nous".center(42).rstrip()
    assert restaurant_service.asked.count(geneva.tenant_id) == 1

    # And the events keep it: a rename reaches the next receipts.
    await bus.publish(geneva.profile_changed(2, **{**profile, "name": "Chez Nous Genève"}))
    renamed = await receipt_when(geneva, order["id"], lambda r: r["restaurant_name"] != "Chez Nous")
    assert renamed["restaurant_name"] == "Chez Nous Genève"


async def test_a_restaurant_the_restaurant_service_does_not_know_yet_prints_neutral(
    restaurant_factory, restaurant_service
) -> None:
    newcomer = restaurant_factory(profile=None)
    order = await newcomer.open_order()
    with captured_logs() as logs:
        neutral = (await newcomer.receipt(order["id"])).json()
    assert (neutral["restaurant_name"], neutral["currency"]) == ("Restaurant", "XXX")
    assert any(line.get("event") == "restaurant_profile_unknown" for line in logs.lines())

    # Nothing was kept of it: once the restaurant service knows the restaurant, it shows.
    restaurant_service.profiles[newcomer.tenant_id] = {
        "name": "Newcomer",
        "currency": "EUR",
        "timezone": "UTC",
        "version": 1,
    }
    assert (await newcomer.receipt(order["id"])).json()["restaurant_name"] == "Newcomer"


async def test_a_receipt_prints_under_a_neutral_heading_while_the_restaurant_service_is_down(
    kit, restaurant_factory, timer
) -> None:
    nobody_listens = f"http://127.0.0.1:{free_port()}"
    async with kit.other_client(restaurant_url=nobody_listens) as client:
        restaurant = restaurant_factory(client=client)
        soup = restaurant.product(name="Soup", price=600, currency="GBP")
        order = await restaurant.open_order(items=[restaurant.line(soup)])
        empty = await restaurant.open_order()
        with captured_logs() as logs, timer() as elapsed:
            response = await restaurant.receipt(order["id"])
        text = await restaurant.receipt(order["id"], format="text")
        without_items = (await restaurant.receipt(empty["id"])).json()

    assert response.status_code == 200, response.text
    assert elapsed[0] < 1.0 + 0.5  # the restaurant total timeout, and some slack
    receipt = response.json()
    assert (receipt["restaurant_name"], receipt["restaurant_address"]) == ("Restaurant", None)
    assert (receipt["currency"], receipt["footer"]) == ("GBP", "")
    assert datetime.fromisoformat(receipt["issued_at"]).utcoffset().total_seconds() == 0
    assert any(line.get("event") == "restaurant_profile_unavailable" for line in logs.lines())
    assert text.status_code == 200
    assert text.text.splitlines()[0] == "Restaurant".center(42).rstrip()
    assert without_items["currency"] == "XXX"  # no currency at all, rather than a guess
