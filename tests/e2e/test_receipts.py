"""Each restaurant's receipts carry its own profile, kept by the restaurant service.

pos-core keeps a copy of every restaurant's profile fed by `restaurant.profile_changed`
(with restaurant's API as catch-up), so a receipt shows the restaurant's own name, time
zone and footer, and a rename reaches the next receipt within seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

if TYPE_CHECKING:
    from conftest import Restaurant

pytestmark = pytest.mark.timeout(300)


def receipt_of(restaurant: Restaurant) -> dict[str, Any]:
    dish = restaurant.add_product(name="Soup of the day", price=650, tax_rate_bps=1000)
    order = restaurant.order_of(dish["id"])
    receipt: dict[str, Any] = restaurant.call(
        "GET", f"/api/v1/orders/{order['id']}/receipt", 200
    ).json()
    return receipt


def offset_of(moment: str) -> timedelta | None:
    return datetime.fromisoformat(moment).utcoffset()


def test_two_restaurants_print_their_own_names_and_time_zones(
    new_restaurant: Callable[..., Restaurant],
) -> None:
    tokyo, new_york = new_restaurant("Sushi Kaito"), new_restaurant("Diner on 5th")
    tokyo.call("PATCH", "/api/v1/restaurant", 200, json={"timezone": "Asia/Tokyo"})
    new_york.call(
        "PATCH",
        "/api/v1/restaurant",
        200,
        json={"timezone": "America/New_York", "receipt_footer": "Come back soon!"},
    )

    deadline = time.monotonic() + 5
    while True:
        first, second = receipt_of(tokyo), receipt_of(new_york)
        settled = offset_of(first["issued_at"]) == timedelta(hours=9) and second["footer"] == (
            "Come back soon!"
        )
        if settled or time.monotonic() > deadline:
            break
        time.sleep(0.25)

    assert first["restaurant_name"] == "Sushi Kaito"
    assert second["restaurant_name"] == "Diner on 5th"
    assert offset_of(first["issued_at"]) == timedelta(hours=9)
    issued = datetime.fromisoformat(second["issued_at"])
    assert issued.utcoffset() == issued.astimezone(ZoneInfo("America/New_York")).utcoffset()
    assert second["footer"] == "Come back soon!"


def test_a_renamed_restaurant_shows_its_new_name_on_the_next_receipt_within_5_s(
    new_restaurant: Callable[..., Restaurant],
) -> None:
    bistro = new_restaurant("Old Name Bistro")
    assert receipt_of(bistro)["restaurant_name"] == "Old Name Bistro"

    bistro.call("PATCH", "/api/v1/restaurant", 200, json={"name": "New Name Bistro"})
    renamed_at = time.monotonic()
    names = []
    while time.monotonic() - renamed_at < 5:
        names.append(receipt_of(bistro)["restaurant_name"])
        if names[-1] == "New Name Bistro":
            break
        time.sleep(0.2)
    assert names[-1] == "New Name Bistro", f"within 5 s the receipts still said {names[-1]!r}"
