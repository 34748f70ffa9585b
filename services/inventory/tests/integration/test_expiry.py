"""Holds nobody settles run out: the sweeper gives them back, and so does the next look at one."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager

import httpx

from pos_kit.events.testing import wait_until


def one_second_holds(
    restaurant, *, sweep_every: float = 3600
) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    """inventory holding for one second, swept every `sweep_every`, as `restaurant`'s client."""
    return restaurant.other_instance(
        reservation_ttl_seconds=1, reservation_sweep_interval_seconds=sweep_every
    )


async def test_the_sweeper_releases_an_expired_hold(restaurant) -> None:
    async with one_second_holds(restaurant, sweep_every=0.2) as client:
        pizza = await restaurant.stocked(3)
        reservation = (await restaurant.reserve((pizza, 3))).json()
        assert (await restaurant.stock(pizza))["available"] == 0

        async def given_back() -> bool:
            return (await restaurant.stock(pizza))["available"] == 3

        await wait_until(given_back, what="the sweeper giving the hold back")
        path = f"/api/v1/reservations/{reservation['id']}"
        fetched = await client.get(path, headers=restaurant.headers())
        assert fetched.json()["status"] == "expired"
        assert fetched.json()["released_at"]
        commit = await client.post(f"{path}/commit", headers=restaurant.pos_core())
        assert commit.status_code == 409
        release = await client.post(f"{path}/release", headers=restaurant.pos_core())
        assert release.status_code == 200  # already given back: nothing to do
        stock = await restaurant.stock(pizza)
        assert (stock["on_hand"], stock["reserved"]) == (3, 0)


async def test_an_expired_hold_is_noticed_without_the_sweeper(restaurant) -> None:
    async with one_second_holds(restaurant) as client:
        pizza = await restaurant.stocked(2)
        reservation = (await restaurant.reserve((pizza, 2))).json()
        await asyncio.sleep(1.1)
        commit = await restaurant.settle(reservation, "commit")
        assert commit.status_code == 409
        assert "expired" in commit.json()["detail"]
        # The expiry found by the refused commit stuck: the stock is free again.
        stock = await restaurant.stock(pizza)
        assert (stock["on_hand"], stock["reserved"]) == (2, 0)
        fetched = await client.get(
            f"/api/v1/reservations/{reservation['id']}", headers=restaurant.headers()
        )
        assert fetched.json()["status"] == "expired"


async def test_an_expired_order_is_reserved_afresh(restaurant) -> None:
    async with one_second_holds(restaurant) as client:
        pizza = await restaurant.stocked(4)

        # Expired and recorded as such (a look at it noticed), then reserved again.
        noticed = (await restaurant.reserve((pizza, 3))).json()
        await asyncio.sleep(1.1)
        path = f"/api/v1/reservations/{noticed['id']}"
        assert (await client.get(path, headers=restaurant.headers())).json()["status"] == "expired"
        again = await restaurant.reserve((pizza, 3), order_id=noticed["order_id"])
        assert again.status_code == 201, again.text
        assert again.json()["id"] == noticed["id"]
        assert again.json()["status"] == "held"
        assert again.json()["released_at"] is None
        assert again.json()["expires_at"] > noticed["expires_at"]
        stock = await restaurant.stock(pizza)
        assert (stock["on_hand"], stock["reserved"]) == (4, 3)

        # Past its time but not yet expired by anyone: the repeat gives its stock back and
        # holds afresh in one go, so the units it held count as free (4 on hand, 4 asked).
        await asyncio.sleep(1.1)
        unnoticed = await restaurant.reserve((pizza, 4), order_id=noticed["order_id"])
        assert unnoticed.status_code == 201, unnoticed.text
        assert unnoticed.json()["status"] == "held"
        assert unnoticed.json()["lines"] == [{"product_id": pizza["id"], "quantity": 4}]
        stock = await restaurant.stock(pizza)
        assert (stock["on_hand"], stock["reserved"]) == (4, 4)
