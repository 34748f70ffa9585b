"""Choosing modifiers: checked against the product's groups, copied in menu order."""

from __future__ import annotations

import uuid

import pytest

from pos_core.domain.errors import InvalidModifiers, ProductUnavailable, Unprocessable
from pos_core.domain.menu import choose_modifiers


def ids(make, p, *names: str) -> list[uuid.UUID]:
    return [make.option_id(p, n) for n in names]


def test_a_valid_choice_is_copied_in_menu_order(make) -> None:
    pizza = make.pizza()
    chosen = choose_modifiers(pizza, ids(make, pizza, "Olives", "Large", "Extra cheese"))
    assert [(m.group_name, m.name, m.price_delta) for m in chosen] == [
        ("Size", "Large", 300),
        ("Extras", "Extra cheese", 150),
        ("Extras", "Olives", 100),
    ]


def test_a_required_group_must_be_answered(make) -> None:
    pizza = make.pizza()
    with pytest.raises(InvalidModifiers, match="at least 1 of 'Size'"):
        choose_modifiers(pizza, ids(make, pizza, "Olives"))
    with pytest.raises(InvalidModifiers):
        choose_modifiers(pizza, [])


def test_a_group_allows_no_more_than_its_maximum(make) -> None:
    pizza = make.pizza()
    with pytest.raises(InvalidModifiers, match="at most 1 of 'Size'"):
        choose_modifiers(pizza, ids(make, pizza, "Regular", "Large"))
    with pytest.raises(InvalidModifiers, match="at most 2 of 'Extras'"):
        choose_modifiers(pizza, ids(make, pizza, "Regular", "Olives", "Extra cheese", "Anchovies"))


def test_unknown_options_and_other_products_options_are_refused(make) -> None:
    pizza, other = make.pizza(), make.pizza()
    with pytest.raises(InvalidModifiers, match="no modifier option"):
        choose_modifiers(pizza, [*ids(make, pizza, "Regular"), uuid.uuid4()])
    with pytest.raises(InvalidModifiers):
        choose_modifiers(pizza, ids(make, other, "Regular"))


def test_an_option_cannot_be_chosen_twice(make) -> None:
    pizza = make.pizza()
    with pytest.raises(InvalidModifiers, match="more than once"):
        choose_modifiers(pizza, ids(make, pizza, "Regular", "Olives", "Olives"))


def test_a_product_without_groups_takes_no_modifiers(make) -> None:
    cola = make.product("Cola", 350)
    assert choose_modifiers(cola, []) == ()
    with pytest.raises(InvalidModifiers):
        choose_modifiers(cola, [uuid.uuid4()])


def test_the_item_copies_price_tax_and_choices(make) -> None:
    pizza = make.pizza()
    item = make.item(pizza, 2, modifiers=("Large", "Olives"), notes="crispy")
    assert (item.name, item.base_price, item.tax_rate_bps) == ("Margherita", 1200, 1000)
    assert item.unit_price == 1600
    assert item.amount == 3200
    assert item.tax == 320
    assert item.notes == "crispy"
    assert [m.name for m in item.modifiers] == ["Large", "Olives"]


def test_a_discount_modifier_cannot_make_an_item_cost_less_than_nothing(make) -> None:
    bread = make.product(
        "Bread", 200, groups=(make.modifier_group("Deal", 0, 1, ("Staff meal", -300)),)
    )
    with pytest.raises(Unprocessable, match="less than nothing"):
        make.item(bread, modifiers=("Staff meal",))


def test_an_unavailable_product_cannot_be_ordered(make) -> None:
    with pytest.raises(ProductUnavailable) as raised:
        make.item(make.product("Oysters", 2400, available=False))
    assert raised.value.status == 409


@pytest.mark.parametrize("quantity", [0, -1, 101, 10**9])
def test_quantities_outside_1_to_100_are_refused(make, quantity: int) -> None:
    with pytest.raises(Unprocessable):
        make.item(make.product(), quantity)


def test_notes_are_limited(make) -> None:
    with pytest.raises(Unprocessable):
        make.item(make.product(), notes="x" * 501)
    assert make.item(make.product(), notes="x" * 500).notes == "x" * 500
