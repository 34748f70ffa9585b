"""The chatbot's own limits: rates per guest and restaurant, the question's size, its readiness."""

from __future__ import annotations

from typing import Any

CONVERSATIONS = "/api/v1/chat/conversations"


async def test_a_guest_asking_too_fast_is_told_when_to_ask_again(
    other_app: Any, restaurant: Any
) -> None:
    guest, neighbour = restaurant.guest(), restaurant.guest()
    async with other_app(guest_burst=2, guest_questions_per_minute=1) as (_, app):
        conversation = await restaurant.conversation(guest, app)
        neighbours = await restaurant.conversation(neighbour, app)
        answered = [await restaurant.ask(conversation, "Hello", guest, app) for _ in range(2)]
        refused = await restaurant.ask(conversation, "Hello", guest, app)
        other_guest = await restaurant.ask(neighbours, "Hello", neighbour, app)

    assert [r.status_code for r in answered] == [200, 200]
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert other_guest.status_code == 200


async def test_a_restaurant_asking_too_fast_is_refused_for_all_its_guests(
    other_app: Any, restaurant: Any, another_restaurant: Any
) -> None:
    first, second, elsewhere = restaurant.guest(), restaurant.guest(), another_restaurant.guest()
    async with other_app(restaurant_burst=1, restaurant_questions_per_second=0.01) as (_, app):
        conversations = [
            await restaurant.conversation(first, app),
            await restaurant.conversation(second, app),
        ]
        theirs = await another_restaurant.conversation(elsewhere, app)
        answered = await restaurant.ask(conversations[0], "Hello", first, app)
        refused = await restaurant.ask(conversations[1], "Hello", second, app)
        unaffected = await another_restaurant.ask(theirs, "Hello", elsewhere, app)

    assert (answered.status_code, refused.status_code, unaffected.status_code) == (200, 429, 200)


async def test_questions_are_capped_in_size(client: Any, restaurant: Any) -> None:
    guest = restaurant.guest()
    conversation = await restaurant.conversation(guest)

    too_long = await restaurant.ask(conversation, "x" * 1001, guest)
    too_big = await restaurant.ask(conversation, "x" * 20_000, guest)
    empty = await restaurant.ask(conversation, "   ", guest)

    assert too_long.status_code == 422
    assert "at most 1000 characters" in too_long.json()["detail"]
    assert too_big.status_code == 413
    assert empty.status_code == 422


async def test_readiness_checks_the_store(client: Any) -> None:
    ready = await client.get("/readyz")
    assert ready.json()["checks"]["store"] == "ok"
