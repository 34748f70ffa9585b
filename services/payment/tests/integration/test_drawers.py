"""Cash drawers: a counted float, the cash that goes through, the count at the close."""

from __future__ import annotations

from typing import Any


async def move(restaurant, session: dict[str, Any], kind: str, amount: int, reason: str):
    return await restaurant.client.post(
        f"/api/v1/cash-drawers/{session['id']}/{kind}",
        json={"amount": amount, "reason": reason},
        headers=restaurant.cashier(),
    )


async def close(restaurant, session: dict[str, Any], counted: int):
    return await restaurant.client.post(
        f"/api/v1/cash-drawers/{session['id']}/close",
        json={"counted": counted},
        headers=restaurant.headers("manager"),
    )


async def test_a_shift_open_pay_move_close_records_the_variance(restaurant) -> None:
    session = await restaurant.open_drawer("front", opening_float=10_000)
    order = restaurant.order(2000, 135)
    await restaurant.paid(order, 2135, "cash", tendered=3000, tip=65)
    paid_in = await move(restaurant, session, "paid-in", 500, "change from the safe")
    paid_out = await move(restaurant, session, "paid-out", 300, "flowers, paid in cash")

    closed = await close(restaurant, session, counted=12_395)

    assert paid_in.status_code == paid_out.status_code == 201
    assert (paid_in.json()["amount"], paid_out.json()["amount"]) == (500, -300)
    assert closed.status_code == 200, closed.text
    shift = closed.json()
    # float + payment + tip + paid in - paid out; the change went back to the guest
    assert shift["expected"] == 10_000 + 2135 + 65 + 500 - 300
    assert (shift["counted"], shift["variance"], shift["status"]) == (12_395, -5, "closed")


async def test_a_drawer_has_one_open_session(restaurant) -> None:
    await restaurant.open_drawer("bar")

    again = await restaurant.client.post(
        "/api/v1/cash-drawers",
        json={"drawer": "bar", "opening_float": 0, "currency": "EUR"},
        headers=restaurant.headers("manager"),
    )

    assert again.status_code == 409
    assert again.json()["type"].endswith("/drawer-already-open")


async def test_cash_names_its_drawer_when_several_are_open(restaurant) -> None:
    await restaurant.open_drawer("front")
    bar = await restaurant.open_drawer("bar")
    order = restaurant.order(1000)

    unnamed = await restaurant.pay(order, 500, "cash")
    named = await restaurant.pay(order, 500, "cash", drawer="bar")

    assert unnamed.status_code == 409
    assert unnamed.json()["type"].endswith("/drawer-not-named")
    assert named.status_code == 201
    assert named.json()["drawer_session_id"] == bar["id"]


async def test_cash_needs_an_open_drawer_and_a_closed_one_takes_no_cash(restaurant) -> None:
    order = restaurant.order(1000)
    session = await restaurant.open_drawer("front", opening_float=0)
    assert (await close(restaurant, session, counted=0)).status_code == 200

    payment = await restaurant.pay(order, 1000, "cash")
    moved = await move(restaurant, session, "paid-in", 100, "late float")
    closed_again = await close(restaurant, session, counted=0)

    assert payment.status_code == 409
    assert payment.json()["type"].endswith("/no-open-drawer")
    assert moved.status_code == closed_again.status_code == 409


async def test_managers_open_and_close_cashiers_move_cash(restaurant) -> None:
    refused = await restaurant.client.post(
        "/api/v1/cash-drawers",
        json={"drawer": "front", "opening_float": 100, "currency": "EUR"},
        headers=restaurant.cashier(),
    )
    session = await restaurant.open_drawer("front")
    listed = await restaurant.client.get(
        "/api/v1/cash-drawers", params={"status": "open"}, headers=restaurant.cashier()
    )

    assert refused.status_code == 403
    assert [s["id"] for s in listed.json()["items"]] == [session["id"]]
    assert (await move(restaurant, session, "paid-in", 100, "coins")).status_code == 201
