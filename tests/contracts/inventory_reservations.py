"""The part of inventory's API pos-core depends on, as tests of whatever answers for inventory.

`test_inventory_contract.py` runs these against the real inventory app and against
pos-core's stand-in (`standins/inventory.py`), so the stand-in pos-core's tests use
cannot drift from what it stands in for. Each test takes an `inventory_api`:

- `url`: where inventory's HTTP API answers;
- `restaurant()`: a new tenant (`TestTenant`: `headers(role)`, `token(role)`);
- `await add_product(restaurant, name=, price=, currency=, tax_rate_bps=, available=,
  stock=, modifier_groups=)`: a product on the restaurant's menu, made the
  implementation's own way, as `GET /api/v1/products/{id}` answers it (`stock`
  None: stock not tracked, always reservable);
- `holds_lasting(seconds)`: a context manager giving the URL of an inventory (the
  same data) whose new holds expire after `seconds`;
- `tokens`: the `TestTokens` it trusts (pos-core's own tokens are signed with them).

What pos-core needs (see its README, "What pos-core needs from inventory's
contract"): stock held, committed and released with pos-core's own service token
(`inventory:reserve`, for the restaurant) and with no member of staff's (403);
a reservation keyed on the order per tenant, 201 when it holds stock
and 200 for a repeat; 409 with `short_lines` when stock is short and 409 without
them for other refusals; 422 naming unknown products; idempotent commit and
release; a released or expired order held again on the same reservation; and a
product answered in the shape pos-core's client reads.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from pos_core.adapters.inventory import RESERVE_SCOPE, InventoryClient
from pos_core.domain.errors import InsufficientStock, ReservationRefused, UnknownProduct
from pos_core.domain.stock import StockLine
from pos_kit.http import ResilientClient
from pos_kit.testing.auth import StandinTokenIssuer
from pos_kit.testing.http import expect, expect_problem
from pos_kit.testing.tenants import TestTenant

RESERVATIONS = "/api/v1/reservations"


@pytest.fixture
async def http(inventory_api: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=inventory_api.url, timeout=10) as client:
        yield client


@pytest.fixture
async def pos_core_client(inventory_api: Any) -> AsyncIterator[InventoryClient]:
    """pos-core's own client of inventory, pointed at the implementation under test, with
    its own tokens from a stand-in auth that signs as the suite's tokens."""
    auth = StandinTokenIssuer(inventory_api.tokens, {"pos-core": ("secret", [RESERVE_SCOPE])})
    tokens = auth.service_tokens("pos-core", RESERVE_SCOPE)
    client = InventoryClient(ResilientClient("inventory-contract", inventory_api.url), tokens)
    yield client
    await client.aclose()
    await tokens.auth.aclose()


def pos_core(restaurant: TestTenant) -> dict[str, str]:
    """pos-core's own token for the restaurant: the only one stock is held, committed and
    released with."""
    return restaurant.service_headers("pos-core", RESERVE_SCOPE)


async def reserve(
    http: httpx.AsyncClient,
    restaurant: TestTenant,
    *lines: tuple[dict[str, Any], int],
    order_id: str | None = None,
) -> httpx.Response:
    """POST a reservation as pos-core sends it: its own token, keyed on the order."""
    order_id = order_id or str(uuid.uuid4())
    return await http.post(
        RESERVATIONS,
        json={
            "order_id": order_id,
            "lines": [{"product_id": p["id"], "quantity": quantity} for p, quantity in lines],
        },
        headers={**pos_core(restaurant), "Idempotency-Key": order_id},
    )


async def settle(
    http: httpx.AsyncClient, restaurant: TestTenant, reservation_id: str, verb: str
) -> httpx.Response:
    return await http.post(f"{RESERVATIONS}/{reservation_id}/{verb}", headers=pos_core(restaurant))


async def available(
    http: httpx.AsyncClient, restaurant: TestTenant, product: dict[str, Any], *, refusing: int
) -> int:
    """How many of `product` are left to hold, as inventory says when it refuses to hold
    `refusing` more (409)."""
    refused = await reserve(http, restaurant, (product, refusing))
    left: int = expect_problem(refused, 409)["short_lines"][0]["available"]
    return left


def lines_of(reservation: dict[str, Any]) -> list[tuple[str, int]]:
    return sorted((line["product_id"], line["quantity"]) for line in reservation["lines"])


async def test_a_reservation_holds_an_order_once(inventory_api, http) -> None:
    restaurant = inventory_api.restaurant()
    pizza = await inventory_api.add_product(restaurant, name="Margherita", stock=10)
    bread = await inventory_api.add_product(restaurant, name="Bread")
    order_id = str(uuid.uuid4())

    first = await reserve(http, restaurant, (pizza, 2), (bread, 3), order_id=order_id)
    assert first.status_code == 201, first.text
    held = first.json()
    assert held["status"] == "held"
    assert held["order_id"] == order_id
    assert isinstance(held["id"], str)
    assert 1 <= len(held["id"]) <= 100
    assert lines_of(held) == sorted([(pizza["id"], 2), (bread["id"], 3)])

    # The same lines again (pos-core retrying after a lost answer): the same hold, as it is.
    again = await reserve(http, restaurant, (bread, 3), (pizza, 2), order_id=order_id)
    assert again.status_code == 200, again.text
    assert (again.json()["id"], again.json()["status"]) == (held["id"], "held")
    assert lines_of(again.json()) == lines_of(held)

    # Held once: 8 of 10 are left, not 6.
    assert await available(http, restaurant, pizza, refusing=9) == 8


async def test_only_pos_cores_own_token_holds_commits_and_releases_stock(
    inventory_api, http
) -> None:
    restaurant = inventory_api.restaurant()
    soup = await inventory_api.add_product(restaurant, name="Soup", stock=5)
    held = expect(await reserve(http, restaurant, (soup, 2)), 201)
    body = {"order_id": str(uuid.uuid4()), "lines": [{"product_id": soup["id"], "quantity": 1}]}

    for role in ("owner", "manager", "cashier", "waiter", "kitchen"):
        staff = restaurant.headers(role)
        expect_problem(await http.post(RESERVATIONS, json=body, headers=staff), 403)
        for verb in ("commit", "release"):
            path = f"{RESERVATIONS}/{held['id']}/{verb}"
            expect_problem(await http.post(path, headers=staff), 403)
    # Nothing changed: the hold is as it was, 3 left.
    assert await available(http, restaurant, soup, refusing=4) == 3


async def test_concurrent_requests_for_one_order_hold_it_once(inventory_api, http) -> None:
    restaurant = inventory_api.restaurant()
    soup = await inventory_api.add_product(restaurant, name="Soup", stock=10)
    order_id = str(uuid.uuid4())

    answers = await asyncio.gather(
        *(reserve(http, restaurant, (soup, 2), order_id=order_id) for _ in range(5))
    )
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 200, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert await available(http, restaurant, soup, refusing=9) == 8


async def test_a_short_line_is_a_409_naming_it_and_nothing_is_held(
    inventory_api, http, pos_core_client
) -> None:
    restaurant = inventory_api.restaurant()
    pizza = await inventory_api.add_product(restaurant, name="Margherita", stock=5)
    tiramisu = await inventory_api.add_product(restaurant, name="Tiramisu", stock=1)
    order_id = str(uuid.uuid4())

    short = await reserve(http, restaurant, (pizza, 2), (tiramisu, 3), order_id=order_id)
    problem = expect_problem(short, 409)
    assert problem["short_lines"] == [
        {"product_id": tiramisu["id"], "name": "Tiramisu", "requested": 3, "available": 1}
    ]

    # pos-core reads it as the items to tell the waiter about.
    with pytest.raises(InsufficientStock) as refused:
        await pos_core_client.reserve(
            tenant_id=uuid.UUID(restaurant.tenant_id),
            order_id=uuid.UUID(order_id),
            lines=[StockLine(uuid.UUID(tiramisu["id"]), 3)],
        )
    assert refused.value.extra["short_lines"][0]["available"] == 1

    # Nothing was kept: the order reserves once its lines fit, all of the pizzas too.
    fits = await reserve(http, restaurant, (pizza, 5), (tiramisu, 1), order_id=order_id)
    assert fits.status_code == 201, fits.text


async def test_an_unknown_product_is_a_422_naming_it(inventory_api, http, pos_core_client) -> None:
    restaurant = inventory_api.restaurant()
    soup = await inventory_api.add_product(restaurant, name="Soup", stock=3)
    unknown = {"id": str(uuid.uuid4())}

    refused = await reserve(http, restaurant, (soup, 1), (unknown, 1))
    assert expect_problem(refused, 422)["unknown_product_ids"] == [unknown["id"]]

    with pytest.raises(UnknownProduct) as read:
        await pos_core_client.reserve(
            tenant_id=uuid.UUID(restaurant.tenant_id),
            order_id=uuid.uuid4(),
            lines=[StockLine(uuid.UUID(unknown["id"]), 1)],
        )
    assert read.value.extra["product_id"] == unknown["id"]
    # Nothing was held for the soup either.
    assert (await reserve(http, restaurant, (soup, 3))).status_code == 201


async def test_other_refusals_are_a_409_without_short_lines(
    inventory_api, http, pos_core_client
) -> None:
    restaurant = inventory_api.restaurant()
    oysters = await inventory_api.add_product(restaurant, name="Oysters", available=False)
    soup = await inventory_api.add_product(restaurant, name="Soup", stock=10)

    # An item 86'd since it was ordered.
    off_menu = expect_problem(await reserve(http, restaurant, (soup, 1), (oysters, 6)), 409)
    assert "short_lines" not in off_menu
    # The order reserved already with other lines.
    order_id = str(uuid.uuid4())
    assert (await reserve(http, restaurant, (soup, 2), order_id=order_id)).status_code == 201
    other_lines = expect_problem(await reserve(http, restaurant, (soup, 3), order_id=order_id), 409)
    assert "short_lines" not in other_lines

    with pytest.raises(ReservationRefused):
        await pos_core_client.reserve(
            tenant_id=uuid.UUID(restaurant.tenant_id),
            order_id=uuid.UUID(order_id),
            lines=[StockLine(uuid.UUID(soup["id"]), 3)],
        )
    # The first hold is as it was: 2 held, 8 left.
    assert await available(http, restaurant, soup, refusing=9) == 8


async def test_commit_and_release_are_idempotent_and_final(inventory_api, http) -> None:
    restaurant = inventory_api.restaurant()
    cake = await inventory_api.add_product(restaurant, name="Cake", stock=4)
    paid = (await reserve(http, restaurant, (cake, 1))).json()
    cancelled = (await reserve(http, restaurant, (cake, 2))).json()

    for _ in range(2):
        committed = await settle(http, restaurant, paid["id"], "commit")
        assert committed.status_code == 200, committed.text
        assert committed.json()["status"] == "committed"
        released = await settle(http, restaurant, cancelled["id"], "release")
        assert released.status_code == 200, released.text
        assert released.json()["status"] == "released"

    expect_problem(await settle(http, restaurant, paid["id"], "release"), 409)
    expect_problem(await settle(http, restaurant, cancelled["id"], "commit"), 409)
    # A committed order is never held again: a repeat answers it as it is.
    repeat = await reserve(http, restaurant, (cake, 1), order_id=paid["order_id"])
    assert (repeat.status_code, repeat.json()["status"]) == (200, "committed")
    # An unknown reservation: pos-core takes a 404 on release as "nothing held".
    expect_problem(await settle(http, restaurant, str(uuid.uuid4()), "release"), 404)
    # 1 sold, the 2 released are back: 3 left.
    assert await available(http, restaurant, cake, refusing=4) == 3


async def test_a_released_order_is_held_again_on_the_same_reservation(inventory_api, http) -> None:
    restaurant = inventory_api.restaurant()
    pizza = await inventory_api.add_product(restaurant, name="Diavola", stock=3)
    beer = await inventory_api.add_product(restaurant, name="Beer", stock=10)
    order_id = str(uuid.uuid4())
    first = (await reserve(http, restaurant, (pizza, 3), order_id=order_id)).json()
    assert (await settle(http, restaurant, first["id"], "release")).status_code == 200

    # pos-core places the order again after a failed attempt gave its hold back.
    again = await reserve(http, restaurant, (pizza, 3), (beer, 1), order_id=order_id)
    assert again.status_code == 201, again.text
    held = again.json()
    assert (held["id"], held["status"]) == (first["id"], "held")
    assert lines_of(held) == sorted([(pizza["id"], 3), (beer["id"], 1)])
    # It holds the stock again: none of the three pizzas is left.
    assert await available(http, restaurant, pizza, refusing=1) == 0


async def test_an_expired_order_is_held_again_on_the_same_reservation(inventory_api, http) -> None:
    restaurant = inventory_api.restaurant()
    cake = await inventory_api.add_product(restaurant, name="Cake", stock=2)
    order_id = str(uuid.uuid4())
    with inventory_api.holds_lasting(1) as short_lived:
        async with httpx.AsyncClient(base_url=short_lived, timeout=10) as briefly:
            first = (await reserve(briefly, restaurant, (cake, 2), order_id=order_id)).json()
    await asyncio.sleep(1.5)  # past the hold's time

    # Nobody may commit a hold that ran out; the order is held afresh instead.
    expect_problem(await settle(http, restaurant, first["id"], "commit"), 409)
    again = await reserve(http, restaurant, (cake, 2), order_id=order_id)
    assert again.status_code == 201, again.text
    assert (again.json()["id"], again.json()["status"]) == (first["id"], "held")
    assert await available(http, restaurant, cake, refusing=1) == 0


async def test_restaurants_are_kept_apart(inventory_api, http, pos_core_client) -> None:
    ours, theirs = inventory_api.restaurant(), inventory_api.restaurant()
    soup = await inventory_api.add_product(ours, name="Soup", stock=5)
    order_id = str(uuid.uuid4())
    held = (await reserve(http, ours, (soup, 2), order_id=order_id)).json()

    # The same order id at another restaurant is another order.
    their_soup = await inventory_api.add_product(theirs, name="Soup", stock=5)
    their_hold = await reserve(http, theirs, (their_soup, 1), order_id=order_id)
    assert their_hold.status_code == 201, their_hold.text
    assert their_hold.json()["id"] != held["id"]
    # Another restaurant's product is unknown, and its reservation is nobody's business.
    foreign = await reserve(http, theirs, (soup, 1))
    assert expect_problem(foreign, 422)["unknown_product_ids"] == [soup["id"]]
    for verb in ("commit", "release"):
        expect_problem(await settle(http, theirs, held["id"], verb), 404)
    with pytest.raises(UnknownProduct):
        await pos_core_client.product(uuid.UUID(soup["id"]), token=theirs.token("waiter"))
    # Ours is untouched: still held, 3 left.
    repeat = await reserve(http, ours, (soup, 2), order_id=order_id)
    assert (repeat.status_code, repeat.json()["status"]) == (200, "held")
    assert await available(http, ours, soup, refusing=4) == 3


async def test_a_product_reads_as_pos_core_reads_it(inventory_api, http, pos_core_client) -> None:
    restaurant = inventory_api.restaurant()
    pizza = await inventory_api.add_product(
        restaurant,
        name="Margherita",
        price=1250,
        currency="EUR",
        tax_rate_bps=1000,
        modifier_groups=[
            {
                "name": "Size",
                "min_choices": 1,
                "max_choices": 1,
                "options": [
                    {"name": "Regular", "price_delta": 0},
                    {"name": "Large", "price_delta": 300},
                ],
            }
        ],
    )

    product = await pos_core_client.product(
        uuid.UUID(pizza["id"]), token=restaurant.token("waiter")
    )
    assert (product.name, product.price, product.currency) == ("Margherita", 1250, "EUR")
    assert (product.tax_rate_bps, product.available) == (1000, True)
    [size] = product.modifier_groups
    assert (size.name, size.min_select, size.max_select) == ("Size", 1, 1)
    assert [(o.name, o.price_delta) for o in size.options] == [("Regular", 0), ("Large", 300)]

    missing = await http.get(
        f"/api/v1/products/{uuid.uuid4()}", headers=restaurant.headers("waiter")
    )
    expect_problem(missing, 404)
    assert (await http.get(f"/api/v1/products/{pizza['id']}")).status_code == 401


async def test_an_orders_products_are_read_in_one_call(inventory_api, pos_core_client) -> None:
    ours, theirs = inventory_api.restaurant(), inventory_api.restaurant()
    soup = await inventory_api.add_product(ours, name="Soup", price=650)
    bread = await inventory_api.add_product(ours, name="Bread", price=300, available=False)
    their_wine = await inventory_api.add_product(theirs, name="Wine")
    soup_id, bread_id = uuid.UUID(soup["id"]), uuid.UUID(bread["id"])

    found = await pos_core_client.products([soup_id, bread_id, soup_id], token=ours.token("waiter"))
    assert {pid: (p.name, p.price, p.available) for pid, p in found.items()} == {
        soup_id: ("Soup", 650, True),
        bread_id: ("Bread", 300, False),
    }
    # Another restaurant's product is unknown here, named as the one refused.
    with pytest.raises(UnknownProduct) as refused:
        await pos_core_client.products(
            [soup_id, uuid.UUID(their_wine["id"])], token=ours.token("waiter")
        )
    assert their_wine["id"] in str(refused.value.detail)
