"""The chatbot's own limits: rates per guest and restaurant, the question's size, its readiness."""

from __future__ import annotations

from typing import Any


async def test_a_guest_asking_too_fast_is_told_when_to_ask_again(
    other_app: Any, restaurant: Any
) -> None:
    async with other_app(guest_burst=2, guest_questions_per_minute=1) as (_, app):
        guest = await restaurant.chat(client=app)
        neighbour = await restaurant.chat(client=app)
        answered = [await guest.ask("Hello") for _ in range(2)]
        refused = await guest.ask("Hello")
        other_guest = await neighbour.ask("Hello")

    assert [r.status_code for r in answered] == [200, 200]
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert other_guest.status_code == 200


async def test_a_restaurant_asking_too_fast_is_refused_for_all_its_guests(
    other_app: Any, restaurant: Any, another_restaurant: Any
) -> None:
    async with other_app(restaurant_burst=1, restaurant_questions_per_second=0.01) as (_, app):
        first = await restaurant.chat(client=app)
        second = await restaurant.chat(client=app)
        elsewhere = await another_restaurant.chat(client=app)
        answered = await first.ask("Hello")
        refused = await second.ask("Hello")
        unaffected = await elsewhere.ask("Hello")

    assert (answered.status_code, refused.status_code, unaffected.status_code) == (200, 429, 200)


async def test_questions_are_capped_in_size(client: Any, restaurant: Any) -> None:
    chat = await restaurant.chat()

    too_long = await chat.ask("x" * 1001)
    too_big = await chat.ask("x" * 20_000)
    empty = await chat.ask("   ")

    assert too_long.status_code == 422
    assert "at most 1000 characters" in too_long.json()["detail"]
    assert too_big.status_code == 413
    assert empty.status_code == 422


async def test_readiness_checks_the_store(client: Any) -> None:
    ready = await client.get("/readyz")
    assert ready.json()["checks"]["store"] == "ok"
