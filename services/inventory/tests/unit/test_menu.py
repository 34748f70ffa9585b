"""Menu rules without I/O: modifier groups, prices, tax, currency, labels, revisions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pos_inventory.domain.errors import InvalidInput
from pos_inventory.domain.menu import ModifierGroup, ModifierOption, Product, normalise_labels

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def option(name: str, delta: int = 0) -> ModifierOption:
    return ModifierOption(uuid.uuid4(), name, delta)


def group(name: str, low: int, high: int, *options: ModifierOption) -> ModifierGroup:
    return ModifierGroup(uuid.uuid4(), name, low, high, tuple(options))


def size() -> ModifierGroup:
    return group("Size", 1, 1, option("Small", -100), option("Large", 150))


def extras() -> ModifierGroup:
    return group(
        "Extras",
        0,
        3,
        option("Extra cheese", 120),
        option("Olives", 80),
        option("Basil", 0),
        option("Chili", 50),
    )


def a_product(**overrides: Any) -> Product:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "tenant_id": uuid.uuid4(),
        "name": "Margherita",
        "description": "",
        "price": 950,
        "currency": "EUR",
        "category_id": None,
        "sku": None,
        "tax_rate_bps": 1000,
        "tags": (),
        "allergens": (),
        "available": True,
        "track_stock": False,
        "modifier_groups": (size(), extras()),
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    return Product(**values)


def test_a_pizza_with_size_and_extras_is_a_valid_menu_item() -> None:
    a_product().check()


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (group("Size", 2, 1, option("S"), option("L")), "min_choices"),
        (group("Size", 0, 3, option("S"), option("L")), "max_choices"),
        (group("Size", 0, 0, option("S")), "modifier_groups.0"),
        (group("Size", 0, 1), "options"),
        (group("Size", 1, 1, option("Small"), option("small")), "options"),
    ],
)
def test_an_impossible_modifier_group_is_refused_naming_the_field(
    bad: ModifierGroup, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        a_product(modifier_groups=(bad,)).check()
    assert refused.value.status == 422
    assert field in refused.value.extra["errors"][0]["field"]


def test_two_groups_of_one_name_are_refused() -> None:
    with pytest.raises(InvalidInput, match="appears twice"):
        a_product(modifier_groups=(size(), size())).check()


def test_no_choice_of_modifiers_may_make_the_price_negative() -> None:
    cheap = group("Size", 1, 1, option("Kids", -600), option("Regular"))
    a_product(price=600, modifier_groups=(cheap,)).check()
    with pytest.raises(InvalidInput, match="less than nothing"):
        a_product(price=599, modifier_groups=(cheap,)).check()
    # Two optional discounts can be combined when up to two may be chosen.
    discounts = group("Deals", 0, 2, option("No cheese", -50), option("No sauce", -50))
    a_product(price=100, modifier_groups=(discounts,)).check()
    with pytest.raises(InvalidInput):
        a_product(price=99, modifier_groups=(discounts,)).check()


def test_lowest_delta_takes_the_required_choices_and_only_helpful_optional_ones() -> None:
    assert size().lowest_delta() == -100
    assert extras().lowest_delta() == 0
    g = group("Mix", 1, 3, option("a", 100), option("b", 200), option("c", -30), option("d", -20))
    assert g.lowest_delta() == -50


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"price": -1}, "body.price"),
        ({"price": 100_000_001}, "body.price"),
        ({"tax_rate_bps": 10_001}, "body.tax_rate_bps"),
        ({"tax_rate_bps": -1}, "body.tax_rate_bps"),
        ({"currency": "XYZ"}, "body.currency"),
        ({"tags": tuple(f"t{i}" for i in range(21))}, "body.tags"),
        ({"allergens": ("x" * 41,)}, "body.allergens"),
    ],
)
def test_prices_tax_currency_and_labels_keep_their_bounds(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        a_product(**overrides).check()
    assert refused.value.extra["errors"][0]["field"] == field


def test_labels_are_trimmed_and_kept_once_whatever_their_case() -> None:
    assert normalise_labels([" Vegan ", "vegan", "Spicy", "", "SPICY"]) == ("Vegan", "Spicy")
    assert a_product(allergens=("Gluten", "gluten ", "Milk")).allergens == ("Gluten", "Milk")


def test_a_revision_bumps_the_version_only_when_something_changes() -> None:
    product = a_product()
    later = NOW + timedelta(minutes=5)
    assert not product.revise({"name": "Margherita"}, later)
    assert product.version == 1
    assert product.updated_at == NOW

    assert product.revise({"name": "Pizza Margherita", "available": False}, later)
    assert (product.name, product.available, product.version) == ("Pizza Margherita", False, 2)
    assert product.updated_at == later


def test_a_revision_that_breaks_a_rule_changes_nothing() -> None:
    product = a_product()
    with pytest.raises(InvalidInput):
        product.revise({"price": 50}, NOW)  # Small (-100) would cost less than nothing
    assert product.price == 950
    assert product.version == 1
