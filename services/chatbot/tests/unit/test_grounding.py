"""Grounding: a reply names only the menu's dishes, at the menu's prices, or it is not sent."""

from __future__ import annotations

import pytest

from pos_chatbot.domain.grounding import Grounding, Problem, SentenceBuffer
from pos_chatbot.domain.menu import Menu


def grounding(
    menu: Menu, question: str = "What do you recommend?", language: str = "en"
) -> Grounding:
    return Grounding(menu, question=question, language=language)


@pytest.mark.parametrize(
    "sentence",
    [
        "I recommend the **Truffle Lobster Risotto** (€24.00), a guest favourite.",
        "You will love our Truffle Lobster Risotto.",
        "We also have a lovely lobster bisque.",
        "The **Bouillabaisse** is the chef's pride.",
    ],
)
def test_a_sentence_naming_a_dish_the_menu_lacks_is_refused(bistro: Menu, sentence: str) -> None:
    checked = grounding(bistro).check(sentence)
    assert checked.text is None
    assert checked.problems == (Problem.UNKNOWN_DISH,)


@pytest.mark.parametrize(
    ("sentence", "sent", "problem"),
    [
        pytest.param(
            "The **Bistro burger** is €12.00.",
            "The Bistro burger is €16.50.",
            Problem.PRICE_CORRECTED,
            id="a wrong price of the one dish named is corrected",
        ),
        pytest.param(
            "**Fries** and **Burrata** are €9.99 each.",
            None,
            Problem.WRONG_PRICE,
            id="a wrong price among several dishes refuses the sentence",
        ),
        pytest.param(
            "The **Bistro Burguer** is €16.50.",
            "The Bistro burger is €16.50.",
            Problem.NAME_CORRECTED,
            id="a near miss of a dish name is corrected",
        ),
    ],
)
def test_a_sentence_is_corrected_or_refused_for_its_problem(
    bistro: Menu, sentence: str, sent: str | None, problem: Problem
) -> None:
    checked = grounding(bistro).check(sentence)
    assert checked.text == sent
    assert checked.problems == (problem,)


def test_a_price_may_refer_to_the_dish_just_named_but_is_never_guessed(bistro: Menu) -> None:
    check = grounding(bistro).check
    assert check("The **Burrata** comes with tomatoes.").text is not None
    assert check("It costs €11.50.").text == "It costs €11.50."
    assert check("It costs €19.00.").text is None


def test_prices_of_options_and_the_guests_budget_are_true_amounts(bistro: Menu) -> None:
    checking = Grounding(bistro, question="vegan under 15?", language="en", budget=1500)
    checked = checking.check("A large **Fresh lemonade** is €7.00, well under your €15.00.")
    assert checked.text == "A large Fresh lemonade is €7.00, well under your €15.00."


def test_the_budget_is_no_price_for_a_dish(bistro: Menu) -> None:
    checking = Grounding(bistro, question="vegan under 15?", language="en", budget=1500)
    checked = checking.check("The **Burrata** is €15.00.")
    assert checked.text == "The Burrata is €11.50."


def test_a_sold_out_dish_named_without_saying_so_gets_a_note(bistro: Menu) -> None:
    checked = grounding(bistro).check("The **Sea bass** is €22.50.")
    assert checked.text == "The Sea bass is €22.50 (sold out right now: Sea bass)."
    said = grounding(bistro).check("The **Sea bass** is sold out tonight.")
    assert said.text == "The Sea bass is sold out tonight."


def test_the_guests_own_words_may_be_said_back(bistro: Menu) -> None:
    checked = grounding(bistro, question="Do you have Lobster Thermidor?").check(
        "Sorry, Lobster Thermidor is not on our menu."
    )
    assert checked.text == "Sorry, Lobster Thermidor is not on our menu."
    assert checked.named == ()


def test_the_named_items_are_the_facts_of_the_sentence(bistro: Menu, dish_named: object) -> None:
    checked = grounding(bistro).check("Try the **Burrata** or the Green salad.")
    assert [item.name for item in checked.named] == ["Burrata", "Green salad"]


def test_german_nouns_are_capitalised_without_being_dishes(bistro: Menu) -> None:
    checked = grounding(bistro, language="de").check("Die **Burrata** enthält Milch und Käse.")
    assert checked.text == "Die Burrata enthält Milch und Käse."


def test_a_streamed_reply_is_handed_out_in_whole_sentences() -> None:
    buffer = SentenceBuffer()
    assert buffer.feed("The **Burrata** is €11") == []
    assert buffer.feed(".50. It is lovely! And") == ["The **Burrata** is €11.50.", "It is lovely!"]
    assert buffer.flush() == ["And"]
