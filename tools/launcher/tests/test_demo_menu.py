"""The demo menu looks like a real bistro's and fits inventory's rules."""

from __future__ import annotations

from pos_launcher.demo_menu import MENU


def dishes() -> list[dict]:
    return [dish for items in MENU.values() for dish in items]


def test_a_couple_of_dozen_items_in_categories() -> None:
    assert len(MENU) >= 4
    assert len(dishes()) >= 24
    names = [d["name"] for d in dishes()]
    assert len(names) == len(set(names))


def test_money_is_in_minor_units_and_taxes_in_basis_points() -> None:
    for dish in dishes():
        assert isinstance(dish["price"], int), dish["name"]
        assert dish["price"] > 0, dish["name"]
        assert isinstance(dish["tax_rate_bps"], int)
        assert 0 <= dish["tax_rate_bps"] <= 10_000


def test_some_items_have_stock_and_some_have_modifiers() -> None:
    tracked = [d for d in dishes() if d["track_stock"]]
    assert 5 <= len(tracked) < len(dishes())
    assert all(isinstance(d["_stock"], int) and d["_stock"] > 0 for d in tracked)
    with_modifiers = [d for d in dishes() if d["modifier_groups"]]
    assert len(with_modifiers) >= 4
    for dish in with_modifiers:
        for group in dish["modifier_groups"]:
            assert 0 <= group["min_choices"] <= group["max_choices"] <= len(group["options"])
            assert all(isinstance(o["price_delta"], int) for o in group["options"])
