"""The embedded assistant through the API: answers true for this restaurant, from its menu copy."""

from __future__ import annotations

import uuid
from typing import Any

from pos_kit.testing.kit import ServiceKit


def names(reply: dict[str, object]) -> set[str]:
    facts = reply["facts"]
    assert isinstance(facts, list)
    return {fact["name"] for fact in facts}


async def test_a_dish_not_on_the_menu_is_said_to_be_not_on_our_menu(restaurant: Any) -> None:
    restaurant.serves(restaurant.dish("Burrata", 1150))
    chat = await restaurant.chat()

    reply = await chat.answer("How much is the lobster thermidor?")

    assert "not on our menu" in reply["reply"]
    assert "lobster thermidor" in reply["reply"]
    assert reply["facts"] == []


async def test_allergens_are_exactly_inventorys_list(restaurant: Any) -> None:
    allergens = ["milk", "gluten", "nuts"]
    restaurant.serves(
        restaurant.dish("Cheese board", 1400, allergens=allergens), restaurant.dish("Fries", 450)
    )
    chat = await restaurant.chat()

    reply = await chat.answer("What allergens are in the cheese board?")

    assert reply["reply"] == "Cheese board contains: milk, gluten, nuts."
    assert [f["allergens"] for f in reply["facts"]] == [allergens]


async def test_vegan_under_15_names_only_the_items_that_match(restaurant: Any) -> None:
    restaurant.serves(
        restaurant.dish("Green salad", 650, tags=["vegan"]),
        restaurant.dish("Fries", 450, tags=["vegan"]),
        restaurant.dish("Vegan curry", 1650, tags=["vegan"]),
        restaurant.dish("Burrata", 1150, tags=["vegetarian"]),
        restaurant.dish("Sorbet", 700, tags=["vegan"], available=False),
    )
    chat = await restaurant.chat()

    reply = await chat.answer("vegan under 15")

    assert names(reply) == {"Green salad", "Fries"}
    for other in ("Vegan curry", "Burrata", "Sorbet"):
        assert other not in reply["reply"]
    assert "€6.50" in reply["reply"]
    assert "€4.50" in reply["reply"]


async def test_a_sold_out_dish_is_said_to_be_sold_out(restaurant: Any) -> None:
    restaurant.serves(restaurant.dish("Sea bass", 2250, available=False))
    chat = await restaurant.chat()

    reply = await chat.answer("Is the sea bass available?")

    assert reply["reply"] == "Sea bass is sold out right now."
    assert [f["available"] for f in reply["facts"]] == [False]


async def test_the_guest_is_answered_in_their_language(restaurant: Any) -> None:
    restaurant.serves(restaurant.dish("French onion soup", 750))
    chat = await restaurant.chat()

    reply = await chat.answer("Combien coûte la soupe à l'oignon ?")

    assert reply["reply"] == "French onion soup coûte 7,50 €."


async def test_the_copy_catches_up_from_inventory_once_not_on_every_message(
    restaurant: Any, standin_inventory: Any
) -> None:
    restaurant.serves(
        restaurant.dish("Burrata", 1150),
        restaurant.dish("Fries", 450),
        restaurant.dish("Espresso", 280),
    )
    chat = await restaurant.chat()

    for question in ("How much is the burrata?", "And the fries?", "An espresso?"):
        await chat.answer(question)

    # Three items at two a page: one catch-up is two requests.
    assert standin_inventory.asked_for(restaurant.tenant_id) == 2


async def test_a_guests_first_question_catches_up_with_the_chatbots_own_token(
    restaurant: Any, another_restaurant: Any, standin_auth: Any
) -> None:
    # inventory (the stand-in as the real one) refuses a guest's token: the catch-up
    # must read the menu with the chatbot's own token, one per restaurant.
    restaurant.serves(restaurant.dish("Burrata", 1150))
    another_restaurant.serves(another_restaurant.dish("Fries", 450))
    ours, theirs = await restaurant.chat(), await another_restaurant.chat()

    first = await ours.answer("How much is the burrata?")
    other = await theirs.answer("How much are the fries?")

    assert first["reply"] == "Burrata costs €11.50."
    assert other["reply"] == "Fries costs €4.50."
    assert len(standin_auth.issued_for(str(restaurant.tenant_id))) == 1
    assert len(standin_auth.issued_for(str(another_restaurant.tenant_id))) == 1


async def test_without_a_token_from_auth_the_chatbot_answers_from_what_it_has(
    kit: ServiceKit, restaurant: Any, store_path: str
) -> None:
    restaurant.serves(restaurant.dish("Burrata", 1150))
    async with kit.other_client(
        auth_client_secret="not-the-secret", embedded_store_path=store_path
    ) as app:
        chat = await restaurant.chat(client=app)

        reply = await chat.answer("How much is the burrata?")

    # It has nothing for this restaurant yet, and says so rather than fail the question.
    assert reply["reply"] == "I cannot see the menu right now; please ask a member of staff."
    assert reply["facts"] == []


async def test_answers_come_from_the_copy_while_inventory_is_stopped(
    kit: ServiceKit, restaurant: Any, new_inventory: Any, store_path: str
) -> None:
    inventory = new_inventory()
    async with kit.other_client(inventory_url=inventory.url, embedded_store_path=store_path) as app:
        inventory.menus[restaurant.tenant_id] = [restaurant.dish("Burrata", 1150)]
        chat = await restaurant.chat(client=app)
        await chat.answer("Hello")  # the copy catches up
        inventory.server.stop()

        reply = await chat.answer("How much is the burrata?")

    assert reply["reply"] == "Burrata costs €11.50."


async def test_a_restaurant_never_sees_another_restaurants_menu(
    restaurant: Any, another_restaurant: Any
) -> None:
    restaurant.serves(restaurant.dish("Truffle pasta", 2400, tags=["vegetarian"]))
    another_restaurant.serves(another_restaurant.dish("Fries", 450, tags=["vegetarian"]))
    chat = await another_restaurant.chat()

    asked = await chat.answer("How much is the truffle pasta?")
    listed = await chat.answer("anything vegetarian?")

    assert "not on our menu" in asked["reply"]
    assert names(listed) == {"Fries"}
    assert "Truffle" not in listed["reply"]


async def test_an_unknown_conversation_answers_404(client: Any, restaurant: Any) -> None:
    response = await client.post(
        f"/api/v1/chat/conversations/{uuid.uuid4()}/messages",
        json={"text": "Hello"},
        headers=restaurant.guest(),
    )
    assert response.status_code == 404
