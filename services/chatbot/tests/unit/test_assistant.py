"""The embedded assistant: what it understands, and that it only ever says what the menu says."""

from __future__ import annotations

from typing import Any

import pytest

from pos_chatbot.domain.assistant import EmbeddedAssistant
from pos_chatbot.domain.menu import Menu

assistant = EmbeddedAssistant()


def answer(question: str, menu: Menu) -> str:
    return assistant.answer(question, menu).text


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        ("How much is the burger?", "Bistro burger costs €16.50."),
        ("mushroom risoto price", "Mushroom risotto costs €15.50."),  # a typo
        ("how much are the chips", "Fries costs €4.50."),  # a synonym
        ("Was kostet das Steak frites?", "Steak frites kostet 24,50 €."),  # the longer name
        ("¿Cuánto cuesta la burrata?", "Burrata cuesta 11,50 €."),
        ("combien coûte la soupe à l'oignon ?", "French onion soup coûte 7,50 €."),
        ("price of a glass of red", "House red (glass) costs €6.50."),
    ],
)
def test_a_price_is_the_copys_price_in_the_guests_language(
    bistro: Menu, question: str, reply: str
) -> None:
    assert answer(question, bistro) == reply


def test_a_dish_the_menu_does_not_have_is_not_on_our_menu(bistro: Menu) -> None:
    result = assistant.answer("How much is the lobster thermidor?", bistro)
    assert result.text == "Sorry, lobster thermidor is not on our menu."
    assert result.used == ()


def test_allergens_are_the_items_list_exactly(bistro: Menu, dish_named: Any) -> None:
    result = assistant.answer("Does the cheese board contain nuts?", bistro)
    assert result.text == "Cheese board contains: milk, gluten, nuts."
    assert result.used == (dish_named("Cheese board"),)


def test_a_dish_without_allergens_says_none_are_listed(bistro: Menu) -> None:
    assert answer("allergens of the fries?", bistro) == "Fries has no allergens listed."


def test_a_sold_out_dish_is_said_to_be_sold_out(bistro: Menu) -> None:
    assert answer("Is the sea bass available?", bistro) == "Sea bass is sold out right now."
    assert answer("How much is the sea bass?", bistro) == (
        "Sea bass costs €22.50, but it is sold out right now."
    )


def test_vegan_under_15_lists_only_what_matches(bistro: Menu) -> None:
    result = assistant.answer("vegan under 15", bistro)
    assert {item.name for item in result.used} == {
        "Fries",
        "Fresh lemonade",
        "Green salad",
        "Walnut cake",
    }
    assert result.text.startswith("Here is what we have (vegan, up to €15.00): ")


def test_anything_vegan_without_nuts_leaves_nuts_out(bistro: Menu) -> None:
    result = assistant.answer("anything vegan without nuts?", bistro)
    assert {item.name for item in result.used} == {"Fries", "Fresh lemonade", "Green salad"}
    assert "(vegan, without nuts)" in result.text


def test_vegan_dishes_are_vegetarian_too(bistro: Menu) -> None:
    result = assistant.answer("Quelque chose de végétarien sans gluten, moins de 10 € ?", bistro)
    names = {item.name for item in result.used}
    assert names == {"Green salad", "Fries", "Fresh lemonade", "Walnut cake"}
    assert result.text.startswith(
        "Voici ce que nous avons (végétarien, sans gluten, jusqu'à 10,00 €) : "
    )


def test_a_dish_is_asked_about_in_german_without_nuts(bistro: Menu) -> None:
    result = assistant.answer("Gibt es etwas Veganes ohne Nüsse?", bistro)
    assert "Walnut cake" not in result.text
    assert result.text.startswith("Das haben wir (vegan, ohne Nüsse): ")


def test_an_allergen_asked_about_finds_the_dishes_containing_it(bistro: Menu) -> None:
    assert answer("Do you have fish?", bistro) == "Sea bass is sold out right now."


def test_a_greeting_and_a_question_it_cannot_place_are_answered_helpfully(bistro: Menu) -> None:
    assert answer("Hello!", bistro).startswith("Hello! Ask me about our dishes")
    assert answer("Is it raining?", bistro).startswith("I can tell you about our dishes")
    assert answer("pizza?", bistro) == "Sorry, pizza is not on our menu."


def test_an_empty_menu_is_said_so(bistro: Menu) -> None:
    assert answer("How much is the burger?", Menu(())).startswith("I cannot see the menu")
